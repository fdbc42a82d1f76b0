/**
 * The resource as the policy engine presents it, and the few ways the checks look at one.
 * The checks never see Pulumi's own PolicyResource: the renderer hands us plain rendered objects,
 * and the pack adapts the engine's arguments to this shape, so both run the same code.
 */
import { ANNOTATIONS } from "@ray-on-ack/common";

export interface PolicyResource {
    /** Pulumi type token, e.g. `kubernetes:ray.io/v1:RayCluster` or `alicloud:ram/role:Role`. */
    type: string;
    /** Pulumi resource name. */
    name: string;
    urn?: string;
    /** For Kubernetes resources the object itself (apiVersion, kind, metadata, spec/data...). */
    props: any;
}

/**
 * Group and kind of a `kubernetes:<group>/<version>:<Kind>` token; the version is irrelevant to
 * every check. A `<Kind>Patch` (server-side apply of part of an object someone else owns) is
 * judged as the kind it patches: the pack cannot see the object it lands on, so a patch that
 * carries a pod template, rules or labels must carry compliant ones.
 */
export function k8sKind(r: PolicyResource): { group: string; kind: string; patch: boolean } | undefined {
    const m = /^kubernetes:([^/:]+)\/[^:]+:(.+)$/.exec(r.type);
    if (!m) {
        return undefined;
    }
    const patch = m[2].endsWith("Patch") && m[2] !== "Patch";
    return { group: m[1], kind: patch ? m[2].slice(0, -"Patch".length) : m[2], patch };
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

/** Cluster-scoped kinds of the Kubernetes API (matched by kind alone, as grants name them). */
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "Node",
    "PersistentVolume",
    "ComponentStatus",
    "ClusterRole",
    "ClusterRoleBinding",
    "StorageClass",
    "VolumeAttributesClass",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "IngressClass",
    "IPAddress",
    "ServiceCIDR",
    "PriorityClass",
    "RuntimeClass",
    "CustomResourceDefinition",
    "APIService",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "CertificateSigningRequest",
    "ClusterTrustBundle",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "StorageVersion",
    "StorageVersionMigration",
    "DeviceClass",
    "ResourceSlice",
    "TokenReview",
    "SubjectAccessReview",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "SelfSubjectReview",
]);

/** Cluster-scoped kinds of add-ons found on ACK clusters, by group (their kind names recur in other groups). */
const CLUSTER_SCOPED_ADDON_KINDS = new Set([
    "network.alibabacloud.com/PodNetworking",
    "network.alibabacloud.com/Node",
    "gateway.networking.k8s.io/GatewayClass",
    "snapshot.storage.k8s.io/VolumeSnapshotClass",
    "snapshot.storage.k8s.io/VolumeSnapshotContent",
    "crd.projectcalico.org/GlobalNetworkPolicy",
    "crd.projectcalico.org/GlobalNetworkSet",
    "crd.projectcalico.org/HostEndpoint",
    "crd.projectcalico.org/IPPool",
    "crd.projectcalico.org/FelixConfiguration",
    "crd.projectcalico.org/BGPConfiguration",
    "scheduling.volcano.sh/Queue",
    "karpenter.sh/NodePool",
    "karpenter.sh/NodeClaim",
    "templates.gatekeeper.sh/ConstraintTemplate",
]);

/** Groups whose every kind is cluster-scoped (Gatekeeper's constraints). */
const CLUSTER_SCOPED_GROUPS = new Set(["constraints.gatekeeper.sh"]);

/**
 * The kind's objects live outside any namespace. Beyond the lists, a `Cluster*` or `Global*` kind
 * of any group (ClusterIssuer, ClusterPolicy, ClusterSecretStore, GlobalNetworkPolicy...) is taken
 * as cluster-scoped: the convention add-ons follow for their cluster-wide kinds.
 */
export function isClusterScoped(group: string, kind: string): boolean {
    return (
        CLUSTER_SCOPED.has(kind) ||
        CLUSTER_SCOPED_ADDON_KINDS.has(`${group}/${kind}`) ||
        CLUSTER_SCOPED_GROUPS.has(group) ||
        /^(Cluster|Global)[A-Z]/.test(kind)
    );
}

/** How messages name a resource: `RayCluster ray-a/demo`, `Namespace ray-a`, `alicloud:ram/role:Role team-a`. */
export function describe(r: PolicyResource): string {
    const id = identity(r);
    return id.namespace === undefined ? `${id.kind} ${id.name}` : `${id.kind} ${id.namespace}/${id.name}`;
}

/** Token groups of Pulumi's own Kubernetes components (Helm, YAML, kustomize): no Kubernetes object of their own, so named by type and Pulumi name. */
const PULUMI_ONLY_GROUPS = ["helm.sh", "yaml", "kustomize"];

/** A Kubernetes object (or a patch of one): not one of Pulumi's Helm, YAML or kustomize components. */
export function isKubernetesObject(r: PolicyResource): boolean {
    const k = k8sKind(r);
    return k !== undefined && !PULUMI_ONLY_GROUPS.includes(k.group);
}

/** What a grant names: kind (`DeploymentPatch` for a patch; the type token outside Kubernetes), namespace when namespaced, name. */
export function identity(r: PolicyResource): { kind: string; namespace?: string; name: string } {
    const k = k8sKind(r);
    if (!k || PULUMI_ONLY_GROUPS.includes(k.group)) {
        return { kind: r.type, name: r.name };
    }
    const kind = k.patch ? `${k.kind}Patch` : k.kind;
    return isClusterScoped(k.group, k.kind) ? { kind, name: metadataName(r) } : { kind, namespace: namespaceOf(r), name: metadataName(r) };
}

/** The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackOfUrn(urn: string | undefined): string | undefined {
    const m = urn === undefined ? null : /^urn:pulumi:([^:]+)::/.exec(urn);
    return m ? m[1] : undefined;
}

/** Where the resources come from: the stack (for grants and per-stack settings) when their URNs do not say. */
export interface EvaluationContext {
    stack?: string;
}

/**
 * The stack a resource is judged for: its URN's under `pulumi preview --policy-pack` (the engine
 * names it), the renderer's `--stack` otherwise. Undefined when neither says: per-stack grants and
 * settings then apply to nothing.
 */
export function stackOf(r: PolicyResource, context: EvaluationContext = {}): string | undefined {
    return stackOfUrn(r.urn) ?? context.stack;
}

/** Policy ids the resource says it relies on an exception to; only a grant in the pack config makes one. */
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
