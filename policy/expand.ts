/**
 * Resources that carry other Kubernetes objects inline: a `yaml.ConfigGroup` (v1 or v2) with
 * `objs` or `yaml`. The engine may or may not show the pack the objects they create (v2 creates
 * them in the provider, and `render` runs without one), so the pack reads them from the inputs
 * and judges each like a resource of its own. What cannot be read this way (files, charts) is
 * ray-manifests-visible's business.
 */
import YAML from "yaml";
import { PolicyResource } from "./resource";

export const INLINE_GROUP_TYPES: readonly string[] = ["kubernetes:yaml:ConfigGroup", "kubernetes:yaml/v2:ConfigGroup"];

function asList(v: unknown): unknown[] {
    if (v === undefined || v === null) {
        return [];
    }
    return Array.isArray(v) ? v.flat(2) : [v];
}

/** `apps/v1` + `Deployment` -> `kubernetes:apps/v1:Deployment`; `v1` is the core group. */
function typeToken(apiVersion: string, kind: string): string {
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

function isObject(o: unknown): o is { apiVersion: string; kind: string; metadata?: any; items?: unknown[] } {
    return o !== null && typeof o === "object" && typeof (o as any).apiVersion === "string" && typeof (o as any).kind === "string";
}

/** A `List` holds its objects under `items`. */
function flattenLists(objects: unknown[]): unknown[] {
    return objects.flatMap((o) => (isObject(o) && o.kind.endsWith("List") && Array.isArray(o.items) ? flattenLists(o.items) : [o]));
}

function parseDocuments(text: unknown): unknown[] {
    if (typeof text !== "string") {
        return [];
    }
    return YAML.parseAllDocuments(text).map((d) => d.toJS());
}

export function inlineObjects(r: PolicyResource): PolicyResource[] {
    if (!INLINE_GROUP_TYPES.includes(r.type)) {
        return [];
    }
    return carried(r, [...asList(r.props?.objs), ...asList(r.props?.yaml).flatMap(parseDocuments)]);
}

/** Objects `r` carries, each as a resource named after it. */
function carried(r: PolicyResource, objects: unknown[]): PolicyResource[] {
    return flattenLists(objects)
        .filter(isObject)
        .map((o) => ({
            type: typeToken(o.apiVersion, o.kind),
            name: `${r.name}:${o.kind}/${o.metadata?.name ?? ""}`,
            // Reported against the carrier, the resource the engine knows.
            ...(r.urn !== undefined ? { urn: r.urn } : {}),
            props: o,
        }));
}

/** The objects a `<Kind>List` resource (`kubernetes:core/v1:ConfigMapList`...) carries under `items`, each as a resource of its own. */
export function listItems(r: PolicyResource): PolicyResource[] {
    if (!/^kubernetes:[^:]+:[A-Za-z0-9]+List$/.test(r.type) || !Array.isArray(r.props?.items)) {
        return [];
    }
    return carried(r, r.props.items);
}

/** The resources plus every object a ConfigGroup carries inline. */
export function expandResources(resources: PolicyResource[]): PolicyResource[] {
    return resources.flatMap((r) => [r, ...inlineObjects(r)]);
}
