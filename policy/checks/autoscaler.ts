/**
 * Seed 4: each KubeRay autoscaler reaches its own cluster and nothing else. Its ServiceAccount's
 * Roles grant only what the autoscaler calls (pods get/list/watch/patch, pods/resize patch,
 * rayclusters get/patch; for a RayCluster only its own, by resourceNames). RBAC cannot hold the
 * rest (every pod of the namespace; for a RayService every RayCluster, since its generations are
 * `<service>-<random>`), so the stack's ValidatingAdmissionPolicies must: the check puts requests
 * to them that an autoscaler's stolen token could make, and each must be denied. The requests
 * are built from the Ray resource itself: a token that names no head pod (a legacy Secret token);
 * the cluster's own head pod's token patching another cluster (for a RayService, its other
 * generation), annotating another cluster's pod (for a RayService, one that shares its
 * `ray-on-ack.io/cluster` label), rewriting its own head image, relabelling its own pod. The
 * policies are evaluated with a CEL interpreter (../admission.ts), as the API server would.
 */
import { LABELS, POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { PolicyResource, describe, isKind, metadataName, namespaceOf } from "../resource";
import { isRayResource, rayClusterSpecs, type RayClusterSpecRef } from "../podTemplates";
import { admit, type AdmissionRequest } from "../admission";

/** The user-info extra in which the API server names the pod a projected token is bound to. */
const POD_NAME_EXTRA = "authentication.kubernetes.io/pod-name";

/** What KubeRay's autoscaler calls, as (API group, resource, verb). */
const AUTOSCALER_GRANTS = new Set([
    ...["get", "list", "watch", "patch"].map((v) => `/pods/${v}`),
    "/pods/resize/patch",
    "ray.io/rayclusters/get",
    "ray.io/rayclusters/patch",
]);

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const asList = (v: unknown): any[] => (Array.isArray(v) ? v : []);

interface Autoscaled {
    readonly resource: PolicyResource;
    readonly cluster: RayClusterSpecRef;
    readonly namespace: string;
    /** The RayCluster's name, or the RayService's (RayJob's) whose clusters are `<name>-<random>`. */
    readonly name: string;
    readonly generated: boolean;
    readonly account: string;
}

function autoscaled(resources: PolicyResource[]): Autoscaled[] {
    return resources.filter(isRayResource).flatMap((r) =>
        rayClusterSpecs(r)
            .filter((c) => c.spec.enableInTreeAutoscaling === true)
            .map((cluster) => ({
                resource: r,
                cluster,
                namespace: namespaceOf(r),
                name: metadataName(r),
                generated: !isKind(r, "ray.io", "RayCluster"),
                account: cluster.spec.headGroupSpec?.template?.spec?.serviceAccountName ?? "default",
            })),
    );
}

/** The Roles bound to the autoscaler's ServiceAccount: each rule within what the autoscaler calls. */
function roleFindings(a: Autoscaled, resources: PolicyResource[]): Finding[] {
    const where = `${a.cluster.path}.headGroupSpec.template.spec.serviceAccountName`;
    const bindings = resources.filter(
        (r) =>
            isKind(r, "rbac.authorization.k8s.io", "RoleBinding") &&
            namespaceOf(r) === a.namespace &&
            asList(r.props?.subjects).some(
                (s) => s?.kind === "ServiceAccount" && s.name === a.account && (s.namespace ?? a.namespace) === a.namespace,
            ),
    );
    return bindings.flatMap((b) => {
        const ref = b.props?.roleRef ?? {};
        const role = resources.find(
            (r) =>
                ref.kind === "Role" &&
                isKind(r, "rbac.authorization.k8s.io", "Role") &&
                namespaceOf(r) === a.namespace &&
                metadataName(r) === ref.name,
        );
        if (role === undefined) {
            return [
                violation(
                    a.resource,
                    where,
                    `the autoscaler's ServiceAccount "${a.account}" is bound by ${describe(b)} to ${ref.kind} "${ref.name}", which the stack does not declare: its grants cannot be judged`,
                ),
            ];
        }
        return asList(role.props?.rules).flatMap((rule, i) => {
            const extra = asList(rule?.apiGroups).flatMap((g) =>
                asList(rule?.resources).flatMap((res) =>
                    asList(rule?.verbs)
                        .map((v) => `${g}/${res}/${v}`)
                        .filter((t) => !AUTOSCALER_GRANTS.has(t)),
                ),
            );
            const findings: Finding[] = [];
            if (extra.length > 0 || asList(rule?.nonResourceURLs).length > 0) {
                findings.push(
                    violation(
                        role,
                        `rules[${i}]`,
                        `grants ${[...extra, ...asList(rule?.nonResourceURLs)].join(", ")} to the autoscaler's ServiceAccount "${a.account}" (${describe(a.resource)}), beyond what KubeRay's autoscaler calls`,
                    ),
                );
            }
            const names = asList(rule?.resourceNames);
            if (
                !a.generated &&
                asList(rule?.resources).includes("rayclusters") &&
                (names.length === 0 || names.some((n) => n !== a.name))
            ) {
                findings.push(
                    violation(
                        role,
                        `rules[${i}].resourceNames`,
                        `lets the autoscaler of RayCluster ${a.name} reach ${names.length === 0 ? "every RayCluster of the namespace" : names.join(", ")}; name its own RayCluster only`,
                    ),
                );
            }
            return findings;
        });
    });
}

/** The stack's admission policies with a Deny binding that selects the namespace (the API server's view). */
function policiesFor(namespace: string, resources: PolicyResource[]): Record<string, any>[] {
    const selects = (sel: any) => {
        if (sel === undefined || sel === null) return true;
        if (asList(sel.matchExpressions).length > 0) return false; // not judged here: counted as not binding
        const want: Record<string, string> = { "kubernetes.io/metadata.name": namespace };
        return Object.entries(sel.matchLabels ?? {}).every(([k, v]) => want[k] === v);
    };
    const bindings = resources.filter((r) => isKind(r, "admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"));
    return resources
        .filter((r) => isKind(r, "admissionregistration.k8s.io", "ValidatingAdmissionPolicy"))
        .filter((p) =>
            bindings.some((b) => {
                const s = b.props?.spec ?? {};
                return (
                    s.policyName === metadataName(p) &&
                    asList(s.validationActions).includes("Deny") &&
                    s.paramRef === undefined &&
                    s.matchResources?.objectSelector === undefined &&
                    selects(s.matchResources?.namespaceSelector)
                );
            }),
        )
        .map((p) => p.props);
}

/** Denied by one of POLICIES, as the API server decides (an evaluation error denies unless failurePolicy Ignore). */
function denied(policies: Record<string, any>[], req: AdmissionRequest): boolean {
    return policies.some((p) => {
        const r = admit(p, req);
        if (!r.matched || r.allowed) return false;
        return !(r.message.startsWith("evaluation error:") && p.spec?.failurePolicy === "Ignore");
    });
}

/** The requests a stolen token of this autoscaler could make, each of which must be denied. */
function probes(a: Autoscaled): { what: string; req: AdmissionRequest }[] {
    const ns = a.namespace;
    const username = `system:serviceaccount:${ns}:${a.account}`;
    const own = a.generated ? `${a.name}-b2k4x` : a.name;
    const other = a.generated ? `${a.name}-zt5n8` : `${a.name}-other`;
    const token = { username, extra: { [POD_NAME_EXTRA]: [`${own}-head-7xq9d`] } };
    const rayCluster = (name: string) => ({
        apiVersion: "ray.io/v1",
        kind: "RayCluster",
        metadata: { name, namespace: ns, resourceVersion: "10", generation: 1 },
        spec: clone(a.cluster.spec),
    });
    const group = asList(a.cluster.spec.workerGroupSpecs)[0];
    const pod = (cluster: string) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: `${cluster}-${group?.groupName ?? "g"}-worker-a1b2c`,
            namespace: ns,
            labels: { ...(group?.template?.metadata?.labels ?? {}), "ray.io/cluster": cluster },
        },
        spec: clone(group?.template?.spec ?? { containers: [] }),
    });
    const update = (
        who: Omit<AdmissionRequest, "namespace" | "operation" | "group" | "resource" | "object" | "oldObject">,
        old: any,
        change: (o: any) => void,
    ): AdmissionRequest => {
        const next = clone(old);
        change(next);
        const isPod = old.kind === "Pod";
        return {
            ...who,
            namespace: ns,
            operation: "UPDATE",
            group: isPod ? "" : "ray.io",
            resource: isPod ? "pods" : "rayclusters",
            object: next,
            oldObject: old,
        };
    };
    const scale = (rc: any) => asList(rc.spec.workerGroupSpecs).forEach((g) => (g.replicas = (g.replicas ?? 0) + 1));
    const otherWhat = a.generated ? `its other generation ${other}` : `another RayCluster, ${other}`;
    return [
        {
            what: `a token that names no head pod (a legacy ServiceAccount token) scaling ${own}`,
            req: update({ username }, rayCluster(own), scale),
        },
        { what: `${own}'s autoscaler scaling ${otherWhat}`, req: update(token, rayCluster(other), scale) },
        {
            what: `${own}'s autoscaler annotating a pod of ${otherWhat}${a.generated ? ` (same ${LABELS.cluster} label)` : ""}`,
            req: update(token, pod(other), (p) => (p.metadata.annotations = { "e2e-probe": "x" })),
        },
        {
            what: `${own}'s autoscaler changing its own head image`,
            req: update(token, rayCluster(own), (rc) => {
                const c = rc.spec.headGroupSpec?.template?.spec?.containers?.[0];
                if (c) c.image = "registry.invalid/evil:1";
            }),
        },
        {
            what: `${own}'s autoscaler relabelling its own pod`,
            req: update(token, pod(own), (p) => (p.metadata.labels["e2e-probe"] = "x")),
        },
    ];
}

function scopeFindings(a: Autoscaled, resources: PolicyResource[]): Finding[] {
    const policies = policiesFor(a.namespace, resources);
    const admitted = probes(a).filter((p) => !denied(policies, p.req));
    if (admitted.length === 0) return [];
    return [
        violation(
            a.resource,
            `${a.cluster.path}.enableInTreeAutoscaling`,
            `its autoscaler is not confined to its own cluster: ${policies.length === 0 ? `no ValidatingAdmissionPolicy of the stack is bound (validationActions Deny) to namespace ${a.namespace}, so nothing refuses` : `the stack's admission policies for namespace ${a.namespace} admit`} ${admitted.map((p) => p.what).join("; ")}`,
        ),
    ];
}

export const autoscalerScope: Check = {
    kind: "stack",
    id: POLICY_IDS.autoscalerScope,
    title: "Each autoscaler reaches its own cluster only",
    seedSection: "4",
    description:
        "seed 4: a Ray cluster's autoscaler (RayCluster, RayService) has Roles that grant only what KubeRay's autoscaler calls (a RayCluster's rayclusters by resourceNames), and the stack's ValidatingAdmissionPolicies deny what RBAC cannot: a token that names no head pod, another cluster's or generation's RayCluster and pods, a rewritten spec, a relabelled pod.",
    configKeys: [],
    appliesTo: (r) => isRayResource(r) && rayClusterSpecs(r).some((c) => c.spec.enableInTreeAutoscaling === true),
    validate(resources) {
        return autoscaled(resources).flatMap((a) => [...roleFindings(a, resources), ...scopeFindings(a, resources)]);
    },
};
