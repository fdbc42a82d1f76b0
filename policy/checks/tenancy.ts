/**
 * SKELETON (issue 22): A team stack claims only what the tenancy registry lists for it. Filled in by its own change; registered now so that the pack config
 * may carry its settings.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check } from "../check";

export const tenancy: Check = {
    kind: "stack",
    id: POLICY_IDS.tenancy,
    title: "A team stack claims only what the tenancy registry lists for it",
    seedSection: "2",
    description: "seed 2: A team stack claims only what the tenancy registry lists for it.",
    configKeys: ["cluster", "tenants", "shared"],
    appliesTo: () => false,
    validate: () => [],
};
