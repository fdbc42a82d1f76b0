/** Policy ids are shared with the policy pack; they live in common/. */
export { POLICY_IDS, type PolicyId } from "@ray-on-ack/common";
