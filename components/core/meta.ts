import { ANNOTATIONS, teamLabels } from "./naming";

/** Standard metadata for every namespaced object a team stack owns. */
export function objectMeta(
    name: string,
    namespace: string,
    team: string,
    extra: { labels?: Record<string, string>; annotations?: Record<string, string>; policyExceptions?: readonly string[] } = {},
): Record<string, unknown> {
    const annotations: Record<string, string> = { ...(extra.annotations ?? {}) };
    if (extra.policyExceptions && extra.policyExceptions.length > 0) {
        annotations[ANNOTATIONS.policyExceptions] = [...extra.policyExceptions].sort().join(",");
    }
    const meta: Record<string, unknown> = { name, namespace, labels: { ...teamLabels(team), ...(extra.labels ?? {}) } };
    if (Object.keys(annotations).length > 0) {
        meta.annotations = annotations;
    }
    return meta;
}
