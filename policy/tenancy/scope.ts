/**
 * Where a team stack's Kubernetes objects land: in its own namespace, and outside any namespace
 * only the few cluster-scoped objects a team stack creates today (its Namespace, its
 * PodNetworking, its autoscaler scope policy and binding, its token reviewers' ClusterRoleBinding).
 * Everything else cluster-scoped is the platform stack's: a ClusterRole, a webhook, a CRD or a
 * StorageClass acts on every team.
 */
import { LABELS } from "@ray-on-ack/common";
import { namespaceProblem, registeredNamespaces, securityGroupProblem, teamProblem, vSwitchProblem } from "@ray-on-ack/common/tenancy";
import { asList } from "@ray-on-ack/common/ram";
import { TOKEN_REVIEWER_ROLE_REF, tokenReviewerBindingName } from "@ray-on-ack/common/identity";
import { Finding, violation } from "../check";
import { PolicyResource, isClusterScoped, isKind, k8sKind } from "../resource";
import { TeamJudge, TeamRule, ownNamespaceSelectorProblem, refused } from "./judge";

/** Pulumi's Helm components install into `namespace` (the provider's default when unset). */
const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart"];
/** Components whose `namespace` is the default of the objects they read. */
const DEFAULT_NAMESPACE_TYPES = ["kubernetes:kustomize/v2:Directory", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml/v2:ConfigFile"];

/** `ray-on-ack-<namespace>-autoscaler-scope`: components/identity/autoscalerScope.ts names both objects so. */
export const autoscalerScopeName = (namespace: string) => `ray-on-ack-${namespace}-autoscaler-scope`;

function namespaceFindings(r: PolicyResource, j: TeamJudge, path: string, namespace: unknown): Finding[] {
    if (namespace === undefined || namespace === null) {
        return [
            violation(
                r,
                path,
                `is not set, so the object lands in the provider's default namespace ("default" unless configured), not ${j.tenant.namespace}; a team stack's objects name their namespace`,
            ),
        ];
    }
    return refused(r, path, namespaceProblem(j.t, j.stack, String(namespace)));
}

/** A cluster-scoped object named after its namespace (`<namespace>-...`) belongs to that namespace's team, the longest registered match. */
function clusterNameProblem(name: unknown, j: TeamJudge): string | undefined {
    const ns = j.tenant.namespace;
    if (typeof name !== "string") {
        return `is not set, so Pulumi picks a name; name a cluster-scoped object ${ns}-<name>`;
    }
    const owner = Object.entries(registeredNamespaces(j.t))
        .filter(([n]) => name.startsWith(`${n}-`))
        .sort(([a], [b]) => b.length - a.length)[0];
    if (owner !== undefined && owner[0] !== ns) {
        return `${name} is named after namespace ${owner[0]}, which belongs to stack ${owner[1]} (tenancy registry: ray-tenancy.tenants.${owner[1]}); a cluster-scoped object of stack ${j.stack} is named ${ns}-<name>`;
    }
    return owner === undefined
        ? `${name} is not named after namespace ${ns}; a cluster-scoped object of stack ${j.stack} is named ${ns}-<name>, so that no two teams' objects share a name`
        : undefined;
}

function namespaceObject(r: PolicyResource, j: TeamJudge): Finding[] {
    const name = r.props?.metadata?.name;
    const findings =
        typeof name === "string"
            ? refused(r, "metadata.name", namespaceProblem(j.t, j.stack, name))
            : [
                  violation(
                      r,
                      "metadata.name",
                      `is not set, so Pulumi would create a namespace of its own choosing; the team's Namespace is ${j.tenant.namespace}`,
                  ),
              ];
    // Other stacks' PodNetworkings and policies select the namespace by this label: it must say the team.
    if (!k8sKind(r)?.patch && r.props?.metadata?.labels?.[LABELS.team] === undefined) {
        findings.push(
            violation(
                r,
                `metadata.labels["${LABELS.team}"]`,
                `is not set; the Namespace of stack ${j.stack} says its team (${j.tenant.team})`,
            ),
        );
    }
    return findings;
}

function podNetworking(r: PolicyResource, j: TeamJudge): Finding[] {
    const spec = r.props?.spec ?? {};
    return [
        ...refused(r, "metadata.name", clusterNameProblem(r.props?.metadata?.name, j)),
        ...refused(
            r,
            "spec.selector.namespaceSelector",
            ownNamespaceSelectorProblem(spec.selector?.namespaceSelector, j, "the PodNetworking places pods of"),
        ),
        ...asList(spec.vSwitchOptions).flatMap((id, i) =>
            refused(r, `spec.vSwitchOptions[${i}]`, vSwitchProblem(j.t, j.stack, String(id))),
        ),
        ...asList(spec.securityGroupIDs).flatMap((id, i) =>
            refused(r, `spec.securityGroupIDs[${i}]`, securityGroupProblem(j.t, j.stack, String(id))),
        ),
    ];
}

/** What the autoscaler scope matches: pods and RayClusters, both namespaced, so that a binding to one namespace confines it. */
const SCOPE_RESOURCES = ["pods", "pods/resize", "rayclusters"];

function scopeNameFindings(r: PolicyResource, j: TeamJudge, path: string, name: unknown): Finding[] {
    const expected = autoscalerScopeName(j.tenant.namespace);
    return name === expected
        ? []
        : [
              violation(
                  r,
                  path,
                  `is ${JSON.stringify(name ?? null)}; the one admission policy of stack ${j.stack} is its autoscaler scope, ${expected}`,
              ),
          ];
}

function admissionPolicy(r: PolicyResource, j: TeamJudge): Finding[] {
    const spec = r.props?.spec ?? {};
    const findings = scopeNameFindings(r, j, "metadata.name", r.props?.metadata?.name);
    if (spec.paramKind !== undefined) {
        findings.push(
            violation(
                r,
                "spec.paramKind",
                "reads parameter objects, which may be other teams' (a message can echo them); the autoscaler scope takes none",
            ),
        );
    }
    (asList(spec.matchConstraints?.resourceRules) as any[]).forEach((rule, i) => {
        const resources = asList(rule?.resources).map(String);
        if (rule?.scope !== "Namespaced" && !resources.every((x) => SCOPE_RESOURCES.includes(x))) {
            findings.push(
                violation(
                    r,
                    `spec.matchConstraints.resourceRules[${i}]`,
                    `matches ${resources.join(", ")} in scope ${rule?.scope ?? "*"}, cluster-scoped objects included, which no namespace selector confines; set scope: Namespaced`,
                ),
            );
        }
    });
    return findings;
}

function admissionBinding(r: PolicyResource, j: TeamJudge): Finding[] {
    const spec = r.props?.spec ?? {};
    return [
        ...scopeNameFindings(r, j, "metadata.name", r.props?.metadata?.name),
        ...scopeNameFindings(r, j, "spec.policyName", spec.policyName),
        ...(spec.paramRef !== undefined
            ? [violation(r, "spec.paramRef", "names parameter objects, which may be other teams'; the autoscaler scope takes none")]
            : []),
        ...refused(
            r,
            "spec.matchResources.namespaceSelector",
            ownNamespaceSelectorProblem(spec.matchResources?.namespaceSelector, j, "the policy judges requests in"),
        ),
    ];
}

/**
 * Personal identity: the one ClusterRoleBinding a team stack may write binds the platform's
 * token-reviewer ClusterRole (common/identity.ts), by that exact roleRef, to ServiceAccounts of its
 * own namespace only, under its one name. Which ServiceAccounts (a personal-identity RayCluster's
 * head and workers, nothing else) is `ray-personal-identity`'s to judge: it sees the whole stack.
 */
function tokenReviewerBinding(r: PolicyResource, j: TeamJudge): Finding[] {
    const ns = j.tenant.namespace;
    const expected = tokenReviewerBindingName(ns);
    const findings: Finding[] = [];
    const name = r.props?.metadata?.name;
    if (name !== expected) {
        findings.push(
            violation(
                r,
                "metadata.name",
                `is ${JSON.stringify(name ?? null)}; the one ClusterRoleBinding of stack ${j.stack} binds its personal-identity Ray nodes to the platform's token reviewer, as ${expected}`,
            ),
        );
    }
    const ref = r.props?.roleRef ?? {};
    const pinned = TOKEN_REVIEWER_ROLE_REF;
    if (ref.apiGroup !== pinned.apiGroup || ref.kind !== pinned.kind || ref.name !== pinned.name) {
        findings.push(
            violation(
                r,
                "roleRef",
                `binds ${ref.kind ?? "an unnamed kind"} ${JSON.stringify(ref.name ?? null)}; a team stack binds only the platform's ClusterRole ${pinned.name} (create TokenReviews and SubjectAccessReviews) cluster-wide: any other ClusterRole acts on every team`,
            ),
        );
    }
    const subjects: any[] = Array.isArray(r.props?.subjects) ? r.props.subjects : [];
    if (subjects.length === 0) {
        findings.push(violation(r, "subjects", "binds nobody; list the personal-identity clusters' Ray ServiceAccounts"));
    }
    subjects.forEach((sub, i) => {
        if (sub?.kind !== "ServiceAccount" || sub?.namespace !== ns) {
            findings.push(
                violation(
                    r,
                    `subjects[${i}]`,
                    `is ${sub?.kind ?? "a subject"} ${JSON.stringify(sub?.name ?? null)}${sub?.namespace ? ` of namespace ${sub.namespace}` : ""}; stack ${j.stack} binds only ServiceAccounts of its namespace ${ns}, its Ray nodes`,
                ),
            );
        }
    });
    return findings;
}

/** The cluster-scoped kinds a team stack creates, each with its own rules. */
const TEAM_CLUSTER_SCOPED: Record<string, TeamRule> = {
    "core/Namespace": namespaceObject,
    "network.alibabacloud.com/PodNetworking": podNetworking,
    "admissionregistration.k8s.io/ValidatingAdmissionPolicy": admissionPolicy,
    "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding": admissionBinding,
    "rbac.authorization.k8s.io/ClusterRoleBinding": tokenReviewerBinding,
};

/** Every namespaced object in the team's namespace; cluster-scoped ones only from the allowlist. */
export const placementInCluster: TeamRule = (r, j) => {
    if (HELM_TYPES.includes(r.type)) {
        return namespaceFindings(r, j, "namespace", r.props?.namespace);
    }
    if (DEFAULT_NAMESPACE_TYPES.includes(r.type)) {
        return r.props?.namespace === undefined ? [] : namespaceFindings(r, j, "namespace", r.props.namespace);
    }
    const k = k8sKind(r);
    if (k === undefined) {
        return [];
    }
    if (!isClusterScoped(k.group, k.kind)) {
        return namespaceFindings(r, j, "metadata.namespace", r.props?.metadata?.namespace);
    }
    const rule = TEAM_CLUSTER_SCOPED[`${k.group}/${k.kind}`];
    return rule
        ? rule(r, j)
        : [
              violation(
                  r,
                  "",
                  `${k.group}/${k.kind} is cluster-scoped, so it acts on every team: it belongs to the platform stack (a team stack creates only its Namespace, its PodNetworking, its autoscaler scope ValidatingAdmissionPolicy and binding, and its token reviewers' ClusterRoleBinding)`,
              ),
          ];
};

/** The team label on any object says this stack's team: selectors and cost reports trust it. */
export const teamLabel: TeamRule = (r, j) => {
    const team = r.props?.metadata?.labels?.[LABELS.team];
    return team === undefined ? [] : refused(r, `metadata.labels["${LABELS.team}"]`, teamProblem(j.t, j.stack, String(team)));
};

/**
 * RBAC a team stack may not write: a RoleBinding to a ClusterRole (the aggregated admin/edit/view
 * grow whenever the platform installs a CRD, and system: roles are controllers' powers), and a
 * long-lived ServiceAccount token Secret.
 */
export const rbacClaims: TeamRule = (r) => {
    if (isKind(r, "rbac.authorization.k8s.io", "RoleBinding")) {
        const ref = r.props?.roleRef;
        if (ref !== undefined && ref?.kind !== "Role") {
            return [
                violation(
                    r,
                    "roleRef.kind",
                    `binds ${ref?.kind ?? "an unnamed kind"} ${JSON.stringify(ref?.name ?? null)}: a team stack binds only Roles of its namespace; ClusterRoles (admin, edit, view, system:*) are the platform's and change with it`,
                ),
            ];
        }
    }
    if (isKind(r, "core", "Secret") && r.props?.type === "kubernetes.io/service-account-token") {
        return [
            violation(
                r,
                "type",
                "kubernetes.io/service-account-token mints a token that never expires; a team stack does not create one (pods get projected, expiring tokens)",
            ),
        ];
    }
    return [];
};
