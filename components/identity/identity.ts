/**
 * Identities (seed section 4): one ServiceAccount per role and cluster, none of them with
 * an automounted token; the autoscaler's Role exactly as KubeRay would create it, under
 * KubeRay's names, so that previews show it and KubeRay adopts it instead of creating one.
 */
import type * as k8s from "@pulumi/kubernetes";
import { LABELS, MANAGED_BY, names, teamLabels, type RayRole } from "../core/naming";
import { objectMeta } from "../core/meta";
import {
    RAY_ACCESS_VERB,
    TOKEN_REVIEWER_CLUSTER_ROLE,
    TOKEN_REVIEWER_ROLE_REF,
    TOKEN_REVIEWER_RULES,
    tokenReviewerBindingName,
} from "@ray-on-ack/common/identity";

export interface ServiceAccountInput {
    readonly team: string;
    readonly namespace: string;
    readonly cluster: string;
    readonly role: RayRole;
    /** RAM role for ack-pod-identity-webhook (RRSA). */
    readonly ramRoleName?: string;
}

export const RRSA_ROLE_ANNOTATION = "pod-identity.alibabacloud.com/role-name";

export function serviceAccountObject(input: ServiceAccountInput): k8s.types.input.core.v1.ServiceAccount {
    const annotations: Record<string, string> = {};
    if (input.ramRoleName) {
        annotations[RRSA_ROLE_ANNOTATION] = input.ramRoleName;
    }
    return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: objectMeta(names.serviceAccount(input.cluster, input.role), input.namespace, input.team, { annotations }),
        automountServiceAccountToken: false,
    };
}

/**
 * What KubeRay's autoscaler calls: it watches and patches worker pods and patches replicas on its
 * own RayCluster, which it reads and patches by name, so `resourceNames` holds it to that one.
 * Pods cannot be limited the same way (RBAC has no label selectors, pod names are generated):
 * `patch` reaches every pod of the namespace, which is what the autoscaler-scope
 * ValidatingAdmissionPolicy (./autoscalerScope) narrows to the cluster's own pods.
 *
 * GENERATED: the workload's clusters are `<name>-<random>` (a RayService's generations), which no
 * `resourceNames` can list: `rayclusters` get/patch then covers the namespace (as KubeRay's own Role
 * for each generation does), and the admission policy alone holds a patch to the caller's own
 * generation, read from the head pod its token is bound to.
 */
export function autoscalerRules(cluster: string, generated = false): k8s.types.input.rbac.v1.PolicyRule[] {
    return [
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "patch"] },
        { apiGroups: [""], resources: ["pods/resize"], verbs: ["patch"] },
        {
            apiGroups: ["ray.io"],
            resources: ["rayclusters"],
            ...(generated ? {} : { resourceNames: [cluster] }),
            verbs: ["get", "patch"],
        },
    ];
}

export function autoscalerRoleObjects(
    team: string,
    namespace: string,
    cluster: string,
    generated = false,
): [k8s.types.input.rbac.v1.Role, k8s.types.input.rbac.v1.RoleBinding] {
    const name = names.autoscalerRole(cluster);
    return [
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: objectMeta(name, namespace, team, { labels: { "ray.io/cluster": cluster } }),
            rules: autoscalerRules(cluster, generated),
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: objectMeta(name, namespace, team, { labels: { "ray.io/cluster": cluster } }),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
            subjects: [{ kind: "ServiceAccount", name: names.serviceAccount(cluster, "head"), namespace }],
        },
    ];
}

export interface PeopleRoleInput {
    readonly team: string;
    readonly namespace: string;
    readonly groups: readonly string[];
    readonly users: readonly string[];
    /** The Secrets the team's people may read by name: the Ray token Secrets. */
    readonly readableSecrets: readonly string[];
}

/** Read Ray objects and logs, port-forward, read the Ray tokens; no exec, no other Secrets. */
export function peopleRules(readableSecrets: readonly string[]): k8s.types.input.rbac.v1.PolicyRule[] {
    const rules: k8s.types.input.rbac.v1.PolicyRule[] = [
        { apiGroups: ["ray.io"], resources: ["rayclusters", "rayjobs"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods", "pods/log", "services", "events"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create", "get"] },
    ];
    if (readableSecrets.length > 0) {
        rules.push({ apiGroups: [""], resources: ["secrets"], resourceNames: [...readableSecrets], verbs: ["get"] });
    }
    return rules;
}

export function peopleRoleObjects(input: PeopleRoleInput): [] | [k8s.types.input.rbac.v1.Role, k8s.types.input.rbac.v1.RoleBinding] {
    if (input.groups.length === 0 && input.users.length === 0) {
        return [];
    }
    const name = names.peopleRole(input.team);
    const subjects = [
        ...input.groups.map((g) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: g })),
        ...input.users.map((u) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: u })),
    ];
    return [
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: objectMeta(name, input.namespace, input.team),
            rules: peopleRules(input.readableSecrets),
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: objectMeta(name, input.namespace, input.team),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
            subjects,
        },
    ];
}

/** Someone a personal-identity cluster admits: a group or a user, as the cluster's authenticator names them. */
export interface Person {
    readonly kind: "Group" | "User";
    readonly name: string;
}

/**
 * Personal identity on one RayCluster: a Role granting Ray's one verb (`ray:write`) on that
 * RayCluster alone, bound to its own Ray nodes (they present their ServiceAccount tokens to each
 * other) and, in a binding of its own, to its people: deleting `<cluster>-ray-people` revokes them
 * all, dropping one person from the list (or from the group) revokes that person, each within Ray's
 * token cache (RAY_TOKEN_CACHE_SECONDS).
 */
export function rayAccessObjects(
    team: string,
    namespace: string,
    cluster: string,
    people: readonly Person[],
): [k8s.types.input.rbac.v1.Role, k8s.types.input.rbac.v1.RoleBinding, k8s.types.input.rbac.v1.RoleBinding] {
    const role = names.rayAccessRole(cluster);
    const roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role };
    const labels = { "ray.io/cluster": cluster };
    return [
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: objectMeta(role, namespace, team, { labels }),
            rules: [{ apiGroups: ["ray.io"], resources: ["rayclusters"], resourceNames: [cluster], verbs: [RAY_ACCESS_VERB] }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: objectMeta(names.rayNodesBinding(cluster), namespace, team, { labels }),
            roleRef,
            subjects: rayNodeServiceAccounts(namespace, [cluster]),
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: objectMeta(names.rayPeopleBinding(cluster), namespace, team, { labels }),
            roleRef,
            subjects: people.map((p) => ({ apiGroup: "rbac.authorization.k8s.io", kind: p.kind, name: p.name })),
        },
    ];
}

/** The head and worker ServiceAccounts of the clusters: Ray's nodes, which check each other's tokens. */
function rayNodeServiceAccounts(namespace: string, clusters: readonly string[]): k8s.types.input.rbac.v1.Subject[] {
    return clusters.flatMap((c) =>
        (["head", "worker"] as const).map((role) => ({ kind: "ServiceAccount", name: names.serviceAccount(c, role), namespace })),
    );
}

/**
 * The platform's ClusterRole (the platform stack creates it): TokenReviews and SubjectAccessReviews
 * are cluster-scoped, so no Role of a team namespace can grant them, and a team stack never writes a
 * ClusterRole, so it cannot widen this one.
 */
export function tokenReviewerClusterRoleObject(): k8s.types.input.rbac.v1.ClusterRole {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: TOKEN_REVIEWER_CLUSTER_ROLE, labels: { [LABELS.managedBy]: MANAGED_BY } },
        rules: TOKEN_REVIEWER_RULES.map((r) => ({ ...r })),
    };
}

/**
 * The team stack's one ClusterRoleBinding: its personal clusters' head and worker ServiceAccounts
 * to the platform's reviewer role, and nothing else (the policy pack pins the roleRef and requires
 * every subject to be a ServiceAccount of a personal-identity RayCluster of the stack).
 */
export function tokenReviewerBindingObject(
    team: string,
    namespace: string,
    clusters: readonly string[],
): k8s.types.input.rbac.v1.ClusterRoleBinding {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: tokenReviewerBindingName(namespace), labels: teamLabels(team) },
        roleRef: { ...TOKEN_REVIEWER_ROLE_REF },
        subjects: rayNodeServiceAccounts(namespace, clusters),
    };
}
