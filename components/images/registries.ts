/** The registry-prefix rule is the platform's as well as the team's: it lives in common/platformLists.ts. */
export { registryPrefixProblem } from "@ray-on-ack/common/platformLists";
