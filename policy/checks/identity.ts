/**
 * Seed 4 (issue 24): personal identity. A RayCluster with `authOptions.enableK8sTokenAuth` hands
 * its pods' ServiceAccount token to every Ray container, where job code runs, so what that token
 * may do is what any job may do. The pack judges it on its own, from the stack's objects:
 *
 * - where KubeRay allows it: a RayCluster (never a RayJob or RayService, which KubeRay refuses),
 *   `mode: token`, no `secretName`, Ray >= 2.55, and no in-tree autoscaling (the autoscaler runs
 *   in the head pod under the head's ServiceAccount, whose token would then patch pods);
 * - what its Ray ServiceAccounts are granted, computed from every Role, ClusterRole, RoleBinding and
 *   ClusterRoleBinding of the stack (common/rbac.ts): `ray:write` on their own RayCluster and the
 *   platform's token-reviewer ClusterRole, nothing else (a widened Role, another ClusterRole, a
 *   binding through a group all fail);
 * - the token-reviewer ClusterRoleBinding binds only those ServiceAccounts, and the ClusterRole of
 *   that name (the platform stack's) grants exactly TokenReview and SubjectAccessReview creation.
 */
import * as semver from "semver";
import { POLICY_IDS } from "@ray-on-ack/common";
import {
    MIN_PERSONAL_IDENTITY_RAY_VERSION,
    RAY_ACCESS_VERB,
    TOKEN_REVIEWER_CLUSTER_ROLE,
    TOKEN_REVIEWER_RULES,
    isPersonalIdentity,
} from "@ray-on-ack/common/identity";
import { describeRule, rulesOf, type GrantedRule, type PolicyRule } from "@ray-on-ack/common/rbac";
import { Check, Finding, violation } from "../check";
import { PolicyResource, isKind, namespaceOf } from "../resource";
import { isRayResource, podTemplates, rayClusterSpecs } from "../podTemplates";

const isRbacObject = (r: PolicyResource) =>
    ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].some((kind) => isKind(r, "rbac.authorization.k8s.io", kind));

const sameList = (a: unknown, b: readonly string[]) => Array.isArray(a) && a.length === b.length && b.every((x) => a.includes(x));

/** Exactly `ray:write` on the one RayCluster: what a personal cluster's nodes need of a Role. */
const isOwnRayAccess = (rule: PolicyRule, cluster: string) =>
    sameList(rule.apiGroups, ["ray.io"]) &&
    sameList(rule.resources, ["rayclusters"]) &&
    sameList(rule.verbs, [RAY_ACCESS_VERB]) &&
    sameList(rule.resourceNames, [cluster]);

const isReviewerRule = (rule: PolicyRule) =>
    TOKEN_REVIEWER_RULES.some(
        (t) => sameList(rule.apiGroups, t.apiGroups) && sameList(rule.resources, t.resources) && sameList(rule.verbs, t.verbs),
    ) && (rule.resourceNames ?? []).length === 0;

/** Where KubeRay takes enableK8sTokenAuth, and what it needs beside it. */
function specFindings(r: PolicyResource): Finding[] {
    const findings: Finding[] = [];
    for (const cluster of rayClusterSpecs(r).filter((c) => isPersonalIdentity(c.spec))) {
        const at = `${cluster.path}.authOptions`;
        if (!isKind(r, "ray.io", "RayCluster")) {
            findings.push(
                violation(
                    r,
                    `${at}.enableK8sTokenAuth`,
                    "is set on a RayJob or RayService, whose validation in KubeRay 1.6 and 1.7 refuses it; these keep their own static token (people never need it)",
                ),
            );
            continue;
        }
        const { authOptions, rayVersion, enableInTreeAutoscaling } = cluster.spec;
        if (authOptions.mode !== "token") {
            findings.push(
                violation(
                    r,
                    `${at}.mode`,
                    `is ${JSON.stringify(authOptions.mode ?? null)}; Kubernetes token authentication needs mode token`,
                ),
            );
        }
        if (authOptions.secretName !== undefined) {
            findings.push(
                violation(
                    r,
                    `${at}.secretName`,
                    "is set with enableK8sTokenAuth, which KubeRay refuses: a static token would sit beside the people's own",
                ),
            );
        }
        const version = semver.coerce(String(rayVersion ?? ""));
        if (version === null || semver.lt(version, MIN_PERSONAL_IDENTITY_RAY_VERSION)) {
            findings.push(
                violation(
                    r,
                    `${cluster.path}.rayVersion`,
                    `is ${JSON.stringify(rayVersion ?? null)}; Ray checks Kubernetes tokens from ${MIN_PERSONAL_IDENTITY_RAY_VERSION} (KubeRay refuses enableK8sTokenAuth below it)`,
                ),
            );
        }
        if (enableInTreeAutoscaling === true) {
            findings.push(
                violation(
                    r,
                    `${cluster.path}.enableInTreeAutoscaling`,
                    "is true with enableK8sTokenAuth: the autoscaler runs in the head pod under the head's ServiceAccount, whose token every Ray container then holds, so job code could patch the namespace's pods",
                ),
            );
        }
    }
    return findings;
}

/** The ServiceAccounts of the personal-identity RayClusters: `<namespace>/<name>` to the cluster's name. */
function personalServiceAccounts(resources: readonly PolicyResource[]): Map<string, { namespace: string; name: string; cluster: string }> {
    const out = new Map<string, { namespace: string; name: string; cluster: string }>();
    for (const r of resources.filter((x) => isKind(x, "ray.io", "RayCluster") && isPersonalIdentity(x.props?.spec))) {
        const cluster = String(r.props?.metadata?.name ?? r.name);
        for (const t of podTemplates(r)) {
            const name = t.spec.serviceAccountName ?? t.spec.serviceAccount;
            if (typeof name === "string") {
                out.set(`${namespaceOf(r)}/${name}`, { namespace: namespaceOf(r), name, cluster });
            }
        }
    }
    return out;
}

/** The binding a granted rule comes through, as the resource the finding names. */
function bindingResource(rbac: readonly PolicyResource[], g: { binding: { kind: string; name: string; namespace?: string } }) {
    return rbac.find(
        (r) =>
            isKind(r, "rbac.authorization.k8s.io", g.binding.kind) &&
            r.props?.metadata?.name === g.binding.name &&
            (g.binding.namespace === undefined || r.props?.metadata?.namespace === g.binding.namespace),
    );
}

function grantFindings(rbac: readonly PolicyResource[], sa: { namespace: string; name: string; cluster: string }): Finding[] {
    const objects = rbac.map((r) => r.props);
    const platformDefined = rbac.some(
        (r) => isKind(r, "rbac.authorization.k8s.io", "ClusterRole") && r.props?.metadata?.name === TOKEN_REVIEWER_CLUSTER_ROLE,
    );
    // The platform stack's ClusterRole, when this stack does not hold it: judged below wherever it is declared.
    const { granted, unknown } = rulesOf(objects, sa, platformDefined ? {} : { [TOKEN_REVIEWER_CLUSTER_ROLE]: TOKEN_REVIEWER_RULES });
    const who = `ServiceAccount ${sa.namespace}/${sa.name} (RayCluster ${sa.cluster}, personal identity: its token is in every Ray container)`;
    const allowed = (g: GrantedRule) =>
        g.binding.kind === "ClusterRoleBinding"
            ? g.roleRef.kind === "ClusterRole" && g.roleRef.name === TOKEN_REVIEWER_CLUSTER_ROLE && isReviewerRule(g.rule)
            : g.namespace === sa.namespace && g.roleRef.kind === "Role" && isOwnRayAccess(g.rule, sa.cluster);
    const findings: Finding[] = [];
    for (const g of granted.filter((x) => !allowed(x))) {
        const r = bindingResource(rbac, g);
        if (r) {
            findings.push(
                violation(
                    r,
                    "roleRef",
                    `gives ${who} ${describeRule(g.rule)} through ${g.roleRef.kind} ${g.roleRef.name}; it may hold only ${RAY_ACCESS_VERB} on RayCluster ${sa.cluster} and the platform's ${TOKEN_REVIEWER_CLUSTER_ROLE}`,
                ),
            );
        }
    }
    for (const u of unknown) {
        const r = bindingResource(rbac, u);
        if (r) {
            findings.push(
                violation(
                    r,
                    "roleRef",
                    `gives ${who} ${u.roleRef.kind} ${u.roleRef.name}, which this stack does not declare, so what it grants cannot be checked`,
                ),
            );
        }
    }
    return findings;
}

/** The reviewer binding's subjects: Ray nodes of the stack's personal-identity RayClusters, nobody else. */
function reviewerBindingFindings(rbac: readonly PolicyResource[], nodes: ReadonlyMap<string, unknown>): Finding[] {
    return rbac
        .filter(
            (r) => isKind(r, "rbac.authorization.k8s.io", "ClusterRoleBinding") && r.props?.roleRef?.name === TOKEN_REVIEWER_CLUSTER_ROLE,
        )
        .flatMap((r) =>
            ((Array.isArray(r.props?.subjects) ? r.props.subjects : []) as any[]).flatMap((s, i) =>
                s?.kind === "ServiceAccount" && nodes.has(`${s.namespace}/${s.name}`)
                    ? []
                    : [
                          violation(
                              r,
                              `subjects[${i}]`,
                              `${s?.kind ?? "a subject"} ${s?.namespace ? `${s.namespace}/` : ""}${s?.name ?? ""} is no Ray node of a personal-identity RayCluster of this stack; only those may review tokens`,
                          ),
                      ],
            ),
        );
}

/** The platform's reviewer ClusterRole grants exactly its two rules. */
function reviewerRoleFindings(rbac: readonly PolicyResource[]): Finding[] {
    return rbac
        .filter((r) => isKind(r, "rbac.authorization.k8s.io", "ClusterRole") && r.props?.metadata?.name === TOKEN_REVIEWER_CLUSTER_ROLE)
        .flatMap((r) => {
            const rules: PolicyRule[] = Array.isArray(r.props?.rules) ? r.props.rules : [];
            const extra = rules.map((rule, i) => [rule, i] as const).filter(([rule]) => !isReviewerRule(rule));
            const findings = extra.map(([rule, i]) =>
                violation(
                    r,
                    `rules[${i}]`,
                    `grants ${describeRule(rule)}; ${TOKEN_REVIEWER_CLUSTER_ROLE} is held by every personal-identity Ray container and may only create TokenReviews and SubjectAccessReviews`,
                ),
            );
            if (r.props?.aggregationRule !== undefined) {
                findings.push(
                    violation(
                        r,
                        "aggregationRule",
                        `aggregates other ClusterRoles' rules into ${TOKEN_REVIEWER_CLUSTER_ROLE}, which every personal-identity Ray container holds`,
                    ),
                );
            }
            return findings;
        });
}

export const personalIdentity: Check = {
    kind: "stack",
    id: POLICY_IDS.personalIdentity,
    title: "Personal identity gives Ray containers a review-only token",
    seedSection: "4",
    description: `seed 4: authOptions.enableK8sTokenAuth only on a RayCluster (KubeRay refuses it for RayJob and RayService), with mode token, no secretName, Ray >= ${MIN_PERSONAL_IDENTITY_RAY_VERSION} and no in-tree autoscaling; the ServiceAccounts of such a cluster's pods, whose token every Ray container holds, are granted (by the stack's Roles, ClusterRoles and bindings, groups included) only ${RAY_ACCESS_VERB} on that RayCluster and the platform's ${TOKEN_REVIEWER_CLUSTER_ROLE}; that ClusterRole's binding names only them, and the ClusterRole itself creates TokenReviews and SubjectAccessReviews only.`,
    configKeys: [],
    appliesTo: (r) => isRayResource(r) || isRbacObject(r),
    validate(resources) {
        const rbac = resources.filter(isRbacObject);
        const nodes = personalServiceAccounts(resources);
        return [
            ...resources.filter(isRayResource).flatMap(specFindings),
            ...[...nodes.values()].flatMap((sa) => grantFindings(rbac, sa)),
            ...reviewerBindingFindings(rbac, nodes),
            ...reviewerRoleFindings(rbac),
        ];
    },
};
