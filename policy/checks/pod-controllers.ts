/**
 * SKELETON (issue 22): Pods are handed to another controller only with a platform grant. Filled in by its own change; registered now so that the pack config
 * may carry its settings.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check } from "../check";

export const podControllers: Check = {
    kind: "stack",
    id: POLICY_IDS.podControllers,
    title: "Pods are handed to another controller only with a platform grant",
    seedSection: "2",
    description: "seed 2: Pods are handed to another controller only with a platform grant.",
    configKeys: [],
    appliesTo: () => false,
    validate: () => [],
};
