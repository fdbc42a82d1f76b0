/**
 * Seed 7: a container without requests and limits can take a node's CPU and memory and get the
 * kubelet to evict its neighbours; Ray's object store grows to fill whatever memory it sees.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, violation } from "../check";
import { containersOf, podTemplates } from "../podTemplates";

const REQUIRED = [
    ["requests", "cpu"],
    ["requests", "memory"],
    ["limits", "cpu"],
    ["limits", "memory"],
] as const;

function isSet(v: unknown): boolean {
    return (typeof v === "string" && v.trim() !== "") || typeof v === "number";
}

export const resourcesRequired: Check = {
    kind: "resource",
    id: POLICY_IDS.resourcesRequired,
    title: "Requests and limits on every container",
    seedSection: "7",
    description: "seed 7: every container, init containers and the autoscaler sidecar included, sets cpu and memory requests and limits.",
    configKeys: [],
    appliesTo: (r) => podTemplates(r).length > 0,
    validate(r) {
        return podTemplates(r).flatMap((t) =>
            containersOf(t).flatMap((c) => {
                const resources = c.container.resources ?? {};
                const missing = REQUIRED.filter(([section, name]) => !isSet(resources[section]?.[name])).map(([s, n]) => `${s}.${n}`);
                return missing.length === 0
                    ? []
                    : [violation(r, `${c.path}.resources`, `is missing ${missing.join(", ")} (container "${c.name}")`)];
            }),
        );
    },
};
