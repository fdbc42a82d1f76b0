import type * as k8s from "@pulumi/kubernetes";
import { ANNOTATIONS, teamLabels } from "./naming";

/** An object's metadata with its name and namespace known (components name resources after them). */
export type NamedMeta = k8s.types.input.meta.v1.ObjectMeta & { name: string; namespace: string };

/** Standard metadata for every namespaced object a team stack owns. */
export function objectMeta(
    name: string,
    namespace: string,
    team: string,
    extra: { labels?: Record<string, string>; annotations?: Record<string, string>; policyExceptions?: readonly string[] } = {},
): NamedMeta {
    const annotations: Record<string, string> = { ...(extra.annotations ?? {}) };
    if (extra.policyExceptions && extra.policyExceptions.length > 0) {
        annotations[ANNOTATIONS.policyExceptions] = [...extra.policyExceptions].sort().join(",");
    }
    const meta: NamedMeta = { name, namespace, labels: { ...teamLabels(team), ...(extra.labels ?? {}) } };
    if (Object.keys(annotations).length > 0) {
        meta.annotations = annotations;
    }
    return meta;
}
