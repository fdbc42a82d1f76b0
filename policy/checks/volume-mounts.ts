/**
 * SKELETON (issue 22): Volumes are mounted only inside the platform's data roots. Filled in by its own change; registered now so that the pack config
 * may carry its settings.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check } from "../check";

export const volumeMounts: Check = {
    kind: "stack",
    id: POLICY_IDS.volumeMounts,
    title: "Volumes are mounted only inside the platform's data roots",
    seedSection: "2",
    description: "seed 2: Volumes are mounted only inside the platform's data roots.",
    configKeys: ["allowedMountRoots"],
    appliesTo: () => false,
    validate: () => [],
};
