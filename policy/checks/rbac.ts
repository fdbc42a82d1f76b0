/**
 * Seed 4, 9: Ray jobs do not call the Kubernetes API, so no pod carries an API token except the
 * KubeRay autoscaler sidecar; each RayCluster has its own identity, and Roles grant named verbs
 * on named resources only.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { PolicyResource, describe, isKind, namespaceOf } from "../resource";
import { containersOf, isRayResource, podTemplates } from "../podTemplates";
import { STS_AUDIENCE } from "@ray-on-ack/common";
import { isPersonalIdentity } from "@ray-on-ack/common/identity";

const ESCALATING_VERBS = ["escalate", "bind", "impersonate"];

/**
 * Core-group access that reaches into the Ray pods or their credentials around the
 * NetworkPolicies, the Ray token and RBAC's own scoping. `get` on pods/exec and pods/attach too:
 * the WebSocket transport authorizes those as `get`.
 */
const FORBIDDEN_ACCESS: ReadonlyArray<{ resource: string; verbs: readonly string[]; why: string; unlessNamed?: boolean }> = [
    { resource: "secrets", verbs: ["list", "watch"], why: "returns every Secret's data, the Ray token and TLS keys included" },
    { resource: "secrets", verbs: ["get"], unlessNamed: true, why: "reads any Secret by name; list the readable ones in resourceNames" },
    { resource: "pods/exec", verbs: ["create", "get"], why: "runs commands inside the Ray pods" },
    { resource: "pods/attach", verbs: ["create", "get"], why: "attaches to the Ray pods' processes" },
    {
        resource: "pods/ephemeralcontainers",
        verbs: ["patch", "update"],
        why: "adds a container to a running Ray pod, which is exec by another name",
    },
    { resource: "serviceaccounts/token", verbs: ["create"], why: "mints API and RRSA tokens for the namespace's ServiceAccounts" },
    { resource: "pods", verbs: ["create"], why: "starts pods of any shape under any of the namespace's ServiceAccounts" },
];

function forbiddenAccess(r: PolicyResource, rule: any, i: number): Finding[] {
    const groups: unknown[] = rule?.apiGroups ?? [];
    if (!groups.includes("")) {
        return [];
    }
    const resources: unknown[] = rule?.resources ?? [];
    const verbs: unknown[] = rule?.verbs ?? [];
    const named = (rule?.resourceNames ?? []).length > 0;
    return FORBIDDEN_ACCESS.filter((a) => resources.includes(a.resource) && !(a.unlessNamed && named))
        .map((a) => ({ ...a, granted: a.verbs.filter((v) => verbs.includes(v)) }))
        .filter((a) => a.granted.length > 0)
        .map((a) => violation(r, `rules[${i}]`, `grants ${a.granted.join(", ")} on ${a.resource}, which ${a.why}`));
}
const BROAD_CLUSTER_ROLES = ["cluster-admin", "admin", "edit"];

export const rbacLeastPrivilege: Check = {
    kind: "resource",
    id: POLICY_IDS.rbacLeastPrivilege,
    title: "Roles grant named verbs on named resources",
    seedSection: "4",
    description:
        'seed 4: Roles and ClusterRoles use no "*" verbs, resources or API groups and no escalate/bind/impersonate; no list/watch (or unnamed get) on secrets, no pods/exec, pods/attach, pods/ephemeralcontainers, serviceaccounts/token or pod create; no binding to the built-in cluster-admin, admin or edit ClusterRoles.',
    configKeys: [],
    appliesTo: (r) =>
        ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].some((kind) => isKind(r, "rbac.authorization.k8s.io", kind)),
    validate(r) {
        const findings: Finding[] = [];
        const roleRef = r.props?.roleRef;
        if (roleRef) {
            if (roleRef.kind === "ClusterRole" && BROAD_CLUSTER_ROLES.includes(roleRef.name)) {
                findings.push(
                    violation(
                        r,
                        "roleRef.name",
                        `binds the built-in ${JSON.stringify(roleRef.name)} ClusterRole; bind a least-privilege Role`,
                    ),
                );
            }
            return findings;
        }
        const rules: any[] = r.props?.rules ?? [];
        rules.forEach((rule, i) => {
            const verbs: string[] = rule?.verbs ?? [];
            if (verbs.includes("*")) {
                findings.push(violation(r, `rules[${i}].verbs`, 'grants every verb ("*")'));
            }
            const escalating = verbs.filter((v) => ESCALATING_VERBS.includes(v));
            if (escalating.length > 0) {
                findings.push(
                    violation(r, `rules[${i}].verbs`, `grants ${escalating.join(", ")}, which lets the holder raise its own privileges`),
                );
            }
            if ((rule?.resources ?? []).includes("*")) {
                findings.push(violation(r, `rules[${i}].resources`, 'covers every resource ("*")'));
            }
            if ((rule?.apiGroups ?? []).includes("*")) {
                findings.push(violation(r, `rules[${i}].apiGroups`, 'covers every API group ("*")'));
            }
            findings.push(...forbiddenAccess(r, rule, i));
        });
        return findings;
    },
};

/** Projected tokens for the Kubernetes API; a token for the RRSA audience only works against Alibaba Cloud STS. */
function apiTokenVolumes(spec: any): Set<string> {
    const names = new Set<string>();
    for (const volume of spec.volumes ?? []) {
        const sources: any[] = volume?.projected?.sources ?? [];
        if (sources.some((s) => s?.serviceAccountToken && s.serviceAccountToken.audience !== STS_AUDIENCE)) {
            names.add(volume.name);
        }
    }
    return names;
}

export const serviceAccountToken: Check = {
    kind: "resource",
    id: POLICY_IDS.serviceAccountToken,
    title: "No Kubernetes API token in Ray pods",
    seedSection: "4",
    description:
        "seed 4: ServiceAccounts and pod specs set automountServiceAccountToken: false; a projected Kubernetes API token may be mounted only by the KubeRay autoscaler sidecar and, in a RayCluster with personal identity (authOptions.enableK8sTokenAuth), by its Ray containers, whose rights ray-personal-identity holds to reviewing tokens.",
    configKeys: [],
    appliesTo: (r) => isKind(r, "core", "ServiceAccount") || podTemplates(r).length > 0,
    validate(r) {
        if (isKind(r, "core", "ServiceAccount")) {
            return r.props?.automountServiceAccountToken === false
                ? []
                : [violation(r, "automountServiceAccountToken", "must be false; a pod that needs a token gets a projected one")];
        }
        const findings: Finding[] = [];
        for (const t of podTemplates(r)) {
            if (t.spec.automountServiceAccountToken !== false) {
                findings.push(
                    violation(
                        r,
                        `${t.specPath}.automountServiceAccountToken`,
                        "must be false; a container that needs a token gets a projected one",
                    ),
                );
            }
            const tokenVolumes = apiTokenVolumes(t.spec);
            // Personal identity: the Ray containers of a RayCluster check callers' tokens with the API server
            // and present their own; what that token may do is ray-personal-identity's to judge.
            const personal = isKind(r, "ray.io", "RayCluster") && t.rayCluster !== undefined && isPersonalIdentity(t.rayCluster.spec);
            for (const c of containersOf(t)) {
                if (c.kind === "autoscaler") {
                    continue; // KubeRay's autoscaler patches pods and the RayCluster: it is the one container that needs the API
                }
                if (personal && c.isRay) {
                    continue;
                }
                const mounts: any[] = c.container.volumeMounts ?? [];
                mounts.forEach((m, j) => {
                    if (tokenVolumes.has(m?.name)) {
                        findings.push(
                            violation(
                                r,
                                `${c.path}.volumeMounts[${j}]`,
                                `mounts the Kubernetes API token volume "${m.name}" (container "${c.name}"); only the KubeRay autoscaler and the Ray container of a personal-identity RayCluster may`,
                            ),
                        );
                    }
                });
            }
        }
        return findings;
    },
};

function serviceAccountOf(spec: any): string | undefined {
    return spec.serviceAccountName ?? spec.serviceAccount;
}

export const dedicatedServiceAccount: Check = {
    kind: "stack",
    id: POLICY_IDS.dedicatedServiceAccount,
    title: "Each Ray cluster has its own ServiceAccount",
    seedSection: "4, 9",
    description:
        "seed 4, 9: every Ray pod template names a ServiceAccount other than default, and no ServiceAccount is shared between two RayClusters or RayJobs, nor named by any other workload's pod template (a Deployment, Job or Pod naming a Ray cluster's ServiceAccount would get its RRSA role and RBAC).",
    configKeys: [],
    appliesTo: isRayResource,
    validate(resources) {
        const findings: Finding[] = [];
        const owners = new Map<string, PolicyResource>();
        for (const r of resources.filter(isRayResource)) {
            for (const t of podTemplates(r)) {
                const path = `${t.specPath}.serviceAccountName`;
                const sa = serviceAccountOf(t.spec);
                if (sa === undefined || sa === "default") {
                    findings.push(
                        violation(r, path, `is ${sa === undefined ? "not set" : '"default"'}; name a ServiceAccount of this cluster's own`),
                    );
                    continue;
                }
                const key = `${namespaceOf(r)}/${sa}`;
                const owner = owners.get(key);
                if (owner === undefined) {
                    owners.set(key, r);
                } else if (owner !== r) {
                    findings.push(
                        violation(r, path, `ServiceAccount "${sa}" is also used by ${describe(owner)}; give each cluster its own`),
                    );
                }
            }
        }
        // Hand-written workloads: a Ray cluster's ServiceAccount carries its RRSA role and RBAC.
        for (const r of resources.filter((x) => !isRayResource(x))) {
            for (const t of podTemplates(r)) {
                const sa = serviceAccountOf(t.spec);
                const owner = sa === undefined ? undefined : owners.get(`${namespaceOf(r)}/${sa}`);
                if (owner !== undefined) {
                    findings.push(
                        violation(
                            r,
                            `${t.specPath}.serviceAccountName`,
                            `ServiceAccount "${sa}" is ${describe(owner)}'s; this pod would get that cluster's RRSA role and RBAC: give it a ServiceAccount of its own`,
                        ),
                    );
                }
            }
        }
        return findings;
    },
};
