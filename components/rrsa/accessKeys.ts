/** The access-key predicate is shared with the policy pack; it lives in common/. */
export { accessKeyProblem } from "@ray-on-ack/common";
