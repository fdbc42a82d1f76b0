/**
 * The resource as the policy engine presents it, and the few ways the checks look at one.
 * The checks never see Pulumi's own PolicyResource: the renderer hands us plain rendered objects,
 * and the pack adapts the engine's arguments to this shape, so both run the same code.
 */
import { ANNOTATIONS } from "../components/naming";

export interface PolicyResource {
    /** Pulumi type token, e.g. `kubernetes:ray.io/v1:RayCluster` or `alicloud:ram/role:Role`. */
    type: string;
    /** Pulumi resource name. */
    name: string;
    urn?: string;
    /** For Kubernetes resources the object itself (apiVersion, kind, metadata, spec/data...). */
    props: any;
}

/** Group and kind of a `kubernetes:<group>/<version>:<Kind>` token; the version is irrelevant to every check. */
export function k8sKind(r: PolicyResource): { group: string; kind: string } | undefined {
    const m = /^kubernetes:([^/:]+)\/[^:]+:(.+)$/.exec(r.type);
    return m ? { group: m[1], kind: m[2] } : undefined;
}

export function isKind(r: PolicyResource, group: string, kind: string): boolean {
    const k = k8sKind(r);
    return k !== undefined && k.group === group && k.kind === kind;
}

export function metadataName(r: PolicyResource): string {
    return r.props?.metadata?.name ?? r.name;
}

/** The namespace a namespaced object lands in; the API server puts objects without one in `default`. */
export function namespaceOf(r: PolicyResource): string {
    return r.props?.metadata?.namespace ?? "default";
}

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "Node", "PersistentVolume"]);

/** How messages name a resource: `RayCluster ray-a/demo`, `Namespace ray-a`, `alicloud:ram/role:Role team-a`. */
export function describe(r: PolicyResource): string {
    const k = k8sKind(r);
    if (!k) {
        return `${r.type} ${r.name}`;
    }
    return CLUSTER_SCOPED.has(k.kind) ? `${k.kind} ${metadataName(r)}` : `${k.kind} ${namespaceOf(r)}/${metadataName(r)}`;
}

/** Policy ids the resource deliberately opts out of, from the annotation our components set. */
export function exceptionIds(r: PolicyResource): Set<string> {
    const raw = r.props?.metadata?.annotations?.[ANNOTATIONS.policyExceptions];
    if (typeof raw !== "string") {
        return new Set();
    }
    return new Set(
        raw
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== ""),
    );
}
