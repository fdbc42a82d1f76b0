/**
 * The policy pack: `pulumi preview --policy-pack policy` from the project root. Importing this
 * file starts the policy server, so nothing else imports it; the checks live in ./checks and
 * the posture report in ./posture.
 */
import { PolicyPack } from "@pulumi/policy";
import { CHECKS } from "./checks";
import { DEFAULT_ENFORCEMENT, toPolicy } from "./policies";

new PolicyPack("ray-on-ack", {
    description: "Hardened Ray on Alibaba Cloud ACK: the seed article's checklist (sections 1.1-9) as enforceable policies.",
    enforcementLevel: DEFAULT_ENFORCEMENT,
    policies: CHECKS.map(toPolicy),
});
