/**
 * SKELETON (issue 22): Pod and namespace label and annotation keys are on the platform's allowlists. Filled in by its own change; registered now so that the pack config
 * may carry its settings.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check } from "../check";

export const podMetadata: Check = {
    kind: "stack",
    id: POLICY_IDS.podMetadata,
    title: "Pod and namespace label and annotation keys are on the platform's allowlists",
    seedSection: "2",
    description: "seed 2: Pod and namespace label and annotation keys are on the platform's allowlists.",
    configKeys: ["allowedPodLabelKeys", "allowedPodAnnotationKeys", "allowedNamespaceLabelKeys"],
    appliesTo: () => false,
    validate: () => [],
};
