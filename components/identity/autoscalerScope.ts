/**
 * Keeps each RayCluster's autoscaler to its own job. KubeRay's autoscaler Role grants `patch`
 * on every pod of the namespace (RBAC cannot select pods by label, and the names of a cluster's
 * pods are not known in advance), so a stolen autoscaler token could relabel another cluster's
 * pods (moving them under other NetworkPolicies) or swap their container images (running its code
 * next to that cluster's TLS key). And `patch` on its own RayCluster reaches the whole spec: from
 * a rewritten spec the operator recreates every pod (upgradeStrategy Recreate) with any image,
 * volumes from any Secret of the namespace and any labels. A ValidatingAdmissionPolicy
 * (admissionregistration.k8s.io/v1, GA since Kubernetes 1.30) closes both: a request from a
 * `<workload>-ray-head` ServiceAccount may only change pods labelled `ray.io/cluster=<cluster>`,
 * never their labels, spec (tolerations, deadlines) or images; on its own RayCluster only what
 * KubeRay's autoscaler writes: each worker group's `replicas` and `scaleStrategy.workersToDelete`
 * (naming only that group's own worker pods, since the operator deletes whatever pod is named).
 *
 * `<cluster>` is not the ServiceAccount's name: a RayService's clusters are `<service>-<random>`,
 * an active and a pending generation at once under one ServiceAccount, so the account cannot tell
 * them apart. The API server can: a projected token is bound to its pod, and the authenticator puts
 * the pod's name into the request's user info (`authentication.kubernetes.io/pod-name`, for every
 * pod-bound token, no feature gate). The autoscaler runs in the head pod, which KubeRay names
 * `<cluster>-head-<random>` (or `<cluster>-head`), so the policy reads the cluster from the head
 * pod's name and holds it to the account's workload: a RayCluster's own name, or for a RayService
 * that autoscales, `<service>-` and KubeRay's 5 random characters. A token that names no head pod (a
 * legacy Secret token, a TokenRequest not bound to a pod) is refused everything.
 *
 * Both objects are cluster-scoped, so they are named after the team's namespace (unique in the
 * cluster): `ray-on-ack-<namespace>-autoscaler-scope`; the binding matches that namespace only.
 */
import type * as k8s from "@pulumi/kubernetes";
import { KUBERAY_GENERATION_NAME, KUBERAY_HEAD_NAME, KUBERAY_WORKER_NAME, LABELS, names, teamLabels } from "../core/naming";
import { listOrEmpty, mapOrEmpty, unchangedExcept } from "./celCompare";

/** CEL: the `<workload>` of a `system:serviceaccount:<namespace>:<workload>-ray-head` requester. */
const SA_PREFIX = "'system:serviceaccount:' + request.namespace + ':'";
const HEAD_SUFFIX = `'${names.serviceAccount("", "head")}'`;

/** The user-info extra in which the API server names the pod a projected (pod-bound) token belongs to. */
export const POD_NAME_EXTRA = "authentication.kubernetes.io/pod-name";

/** A DNS label's start and middle; KubeRay's random characters are lowercase letters and digits. */
const DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const RANDOM = (n: number) => `[a-z0-9]{${n}}`;
const HEAD_POD_GENERATED = `^${DNS_LABEL}${KUBERAY_HEAD_NAME.suffix}-${RANDOM(KUBERAY_HEAD_NAME.randomSuffix)}$`;
const HEAD_POD_FIXED = `^${DNS_LABEL}${KUBERAY_HEAD_NAME.suffix}$`;
const EXTRA = `request.userInfo.extra['${POD_NAME_EXTRA}']`;

export function autoscalerScopeName(namespace: string): string {
    return `ray-on-ack-${namespace}-autoscaler-scope`;
}

/**
 * What KubeRay's autoscaler writes on its own RayCluster. Ray 2.60 (autoscaler v2, and v1 alike)
 * sends JSON patches `replace /spec/workerGroupSpecs/<i>/replicas` and
 * `replace /spec/workerGroupSpecs/<i>/scaleStrategy` with `{workersToDelete: [...]}`; nothing in
 * metadata. (Its idle-termination paths, a finalizer plus DELETE or `spec.idleSuspend`, need
 * `idleTerminationOptions`, which neither KubeRay 1.6 nor 1.7 has, and a delete the Role lacks.)
 */
export const AUTOSCALER_RAYCLUSTER_WRITES = {
    spec: ["workerGroupSpecs"],
    workerGroup: ["replicas", "scaleStrategy"],
    scaleStrategy: ["workersToDelete"],
} as const;

/** The RayCluster API version the autoscaler uses, KubeRay's storage version. */
export const RAYCLUSTER_VERSION = "v1";

/** RayCluster metadata the API server itself changes on an update (the rest must stay). */
export const SERVER_MANAGED_METADATA = ["resourceVersion", "generation", "managedFields"] as const;

/*
 * KubeRay (1.6, 1.7) creates a worker pod with generateName `<cluster>-<group>` cut to 50
 * characters, then `-worker-`; the API server appends 5 random characters (KUBERAY_WORKER_NAME).
 * Names are DNS labels, so there is nothing to lowercase. The operator deletes every pod named in
 * `workersToDelete` without checking that it belongs to the group, so a name is held to this form;
 * config/objectNames.ts refuses two groups whose workers would share the prefix.
 */

const labelOf = (obj: string, label: string) =>
    `(has(${obj}.metadata.labels) && '${label}' in ${obj}.metadata.labels ? ${obj}.metadata.labels['${label}'] : '')`;

/** CEL: the pod-name prefix KubeRay gives the workers of group G (an expression) of this cluster. */
function workerPodPrefix(g: string): string {
    const base = `(variables.cluster + '-' + ${g}.groupName)`;
    return `((size(${base}) > ${KUBERAY_WORKER_NAME.prefixMax} ? ${base}.substring(0, ${KUBERAY_WORKER_NAME.prefixMax}) : ${base}) + '${KUBERAY_WORKER_NAME.infix}')`;
}

const onPods = (cel: string) => `request.resource.resource != 'pods' || ${cel}`;
const onRayClusters = (cel: string) => `request.resource.resource != 'rayclusters' || (${cel})`;
const W = AUTOSCALER_RAYCLUSTER_WRITES;

/** The expressions, named so that tests and docs/design.md "The autoscaler's reach" can point at each rule. */
export const AUTOSCALER_SCOPE_RULES = {
    // A request that names no head pod cannot be tied to one cluster: refused everything.
    podBoundToken: {
        expression: "variables.cluster != ''",
        message: `an autoscaler must call with the projected token of its head pod: this request names no Ray head pod (${POD_NAME_EXTRA} is absent, as for a legacy Secret token or a token not bound to a pod, or names another pod), so nothing ties it to one RayCluster`,
    },
    ownWorkloadOnly: {
        expression:
            "variables.cluster == variables.account || (variables.account in variables.generatedNames && " +
            "variables.cluster.startsWith(variables.account + '-') && " +
            `variables.cluster.substring(size(variables.account) + 1).matches('^${RANDOM(KUBERAY_GENERATION_NAME.randomSuffix)}$'))`,
        message:
            "an autoscaler's head pod must belong to its ServiceAccount's workload: RayCluster <workload>, or a generation <service>-<5 random> of an autoscaling RayService",
    },
    ownPodsOnly: {
        expression: onPods(
            `(${labelOf("oldObject", LABELS.rayCluster)} == variables.cluster && ${labelOf("object", LABELS.rayCluster)} == variables.cluster)`,
        ),
        message: "an autoscaler may change only the pods of its own RayCluster (label ray.io/cluster)",
    },
    // Scaling never relabels a pod; a label moves a pod between NetworkPolicy roles and KubeRay's groups.
    podLabelsKept: {
        expression: onPods(`${mapOrEmpty("object.metadata", "labels")} == ${mapOrEmpty("oldObject.metadata", "labels")}`),
        message: "an autoscaler may not change a pod's labels",
    },
    imagesKept: {
        expression: onPods(
            "(" +
                "object.spec.containers.map(c, c.image) == oldObject.spec.containers.map(c, c.image) && " +
                "(has(object.spec.initContainers) ? object.spec.initContainers.map(c, c.image) : []) == " +
                "(has(oldObject.spec.initContainers) ? oldObject.spec.initContainers.map(c, c.image) : []))",
        ),
        message: "an autoscaler may not change a container image",
    },
    // An update may still add tolerations (onto another team's tainted nodes) or set a deadline;
    // the autoscaler changes a pod's resources through pods/resize only.
    podSpecKept: {
        expression: onPods("has(request.subResource) || object.spec == oldObject.spec"),
        message: "an autoscaler may not change a pod's spec (resources change through pods/resize only)",
    },
    ownRayClusterOnly: {
        expression: onRayClusters("object.metadata.name == variables.cluster"),
        message: "an autoscaler may patch only its own RayCluster",
    },
    // Through ray.io/v1alpha1 both versions of the object lose the fields v1alpha1 lacks (authOptions,
    // upgradeStrategy, ...): they compare equal, and the write drops them. KubeRay gives its
    // autoscaler KUBERAY_CRD_VER=v1. requestResource: the version the client used, whatever matched.
    rayClusterV1Only: {
        expression: onRayClusters(`request.requestResource.version == '${RAYCLUSTER_VERSION}'`),
        message: `an autoscaler may patch its RayCluster only through ray.io/${RAYCLUSTER_VERSION} (an older version drops fields such as authOptions unseen)`,
    },
    rayClusterMetadataKept: {
        expression: onRayClusters(unchangedExcept("object.metadata", "oldObject.metadata", SERVER_MANAGED_METADATA, "m")),
        message: "an autoscaler may not change a RayCluster's metadata (labels, annotations, finalizers, owners)",
    },
    rayClusterSpecKept: {
        expression: onRayClusters(unchangedExcept("object.spec", "oldObject.spec", W.spec, "f")),
        message:
            "an autoscaler may change only spec.workerGroupSpecs of its RayCluster (head group, rayVersion, autoscaling and every other field stay)",
    },
    // Groups pair by name (unique, same order), so no index variable (a 1.33+ CEL feature) is needed.
    workerGroupsKept: {
        expression: onRayClusters(
            "variables.groups.map(g, g.groupName) == variables.oldGroups.map(g, g.groupName) && " +
                "variables.groups.all(g, variables.groups.exists_one(h, h.groupName == g.groupName)) && " +
                "variables.groups.all(g, variables.oldGroups.exists(o, o.groupName == g.groupName && " +
                `${unchangedExcept("g", "o", W.workerGroup, "f")} && ` +
                `${unchangedExcept(mapOrEmpty("g", "scaleStrategy"), mapOrEmpty("o", "scaleStrategy"), W.scaleStrategy, "s")}))`,
        ),
        message:
            "an autoscaler may change only replicas and scaleStrategy.workersToDelete of its RayCluster's worker groups (the same groups, in the same order)",
    },
    workersToDeleteOwnGroup: {
        expression: onRayClusters(
            `variables.groups.all(g, ${listOrEmpty("g", "scaleStrategy", "workersToDelete")}.all(n, ` +
                `variables.oldGroups.exists(o, o.groupName == g.groupName && n in ${listOrEmpty("o", "scaleStrategy", "workersToDelete")}) || ` +
                `(n.startsWith(${workerPodPrefix("g")}) && size(n) == size(${workerPodPrefix("g")}) + ${KUBERAY_WORKER_NAME.randomSuffix})))`,
        ),
        message:
            "an autoscaler may name in scaleStrategy.workersToDelete only worker pods of that group (<cluster>-<group>-worker-<5 characters>)",
    },
} as const;

/**
 * The policy and binding of the team's namespace. GENERATED: the autoscaling workloads whose
 * clusters KubeRay names `<name>-<random>` (RayServices); every other `<name>-ray-head` account
 * may act on RayCluster `<name>` only.
 */
export function autoscalerScopeObjects(
    team: string,
    namespace: string,
    generated: readonly string[] = [],
): [
    k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicy,
    k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicyBinding,
] {
    const name = autoscalerScopeName(namespace);
    const metadata = { name, labels: teamLabels(team) };
    return [
        {
            apiVersion: "admissionregistration.k8s.io/v1",
            kind: "ValidatingAdmissionPolicy",
            metadata,
            spec: {
                failurePolicy: "Fail",
                matchConstraints: {
                    resourceRules: [
                        { apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["pods", "pods/resize"] },
                        { apiGroups: ["ray.io"], apiVersions: ["*"], operations: ["UPDATE"], resources: ["rayclusters"] },
                    ],
                },
                matchConditions: [
                    {
                        name: "ray-head-service-account",
                        expression: `request.userInfo.username.startsWith(${SA_PREFIX}) && request.userInfo.username.endsWith(${HEAD_SUFFIX})`,
                    },
                ],
                variables: [
                    // the <workload> of the <workload>-ray-head ServiceAccount
                    {
                        name: "account",
                        expression: `request.userInfo.username.substring(size(${SA_PREFIX}), size(request.userInfo.username) - size(${HEAD_SUFFIX}))`,
                    },
                    { name: "generatedNames", expression: `[${generated.map((g) => `'${g}'`).join(", ")}]` },
                    // the pod the token is bound to ('' without one: an absent extra is left out of `request`)
                    {
                        name: "headPod",
                        expression: `has(request.userInfo.extra) && '${POD_NAME_EXTRA}' in request.userInfo.extra && size(${EXTRA}) == 1 ? ${EXTRA}[0] : ''`,
                    },
                    // its RayCluster: the head pod's name without KubeRay's head suffix ('' when it is no head pod's name)
                    {
                        name: "cluster",
                        expression:
                            `variables.headPod.matches('${HEAD_POD_GENERATED}') ? ` +
                            `variables.headPod.substring(0, size(variables.headPod) - ${KUBERAY_HEAD_NAME.suffix.length + 1 + KUBERAY_HEAD_NAME.randomSuffix}) : ` +
                            `variables.headPod.matches('${HEAD_POD_FIXED}') ? variables.headPod.substring(0, size(variables.headPod) - ${KUBERAY_HEAD_NAME.suffix.length}) : ''`,
                    },
                    // a RayCluster's worker groups, new and old (no groups: an empty list)
                    { name: "groups", expression: listOrEmpty("object.spec", "workerGroupSpecs") },
                    { name: "oldGroups", expression: listOrEmpty("oldObject.spec", "workerGroupSpecs") },
                ],
                validations: Object.values(AUTOSCALER_SCOPE_RULES).map((r) => ({ expression: r.expression, message: r.message })),
            },
        },
        {
            apiVersion: "admissionregistration.k8s.io/v1",
            kind: "ValidatingAdmissionPolicyBinding",
            metadata,
            spec: {
                policyName: name,
                validationActions: ["Deny"],
                matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } },
            },
        },
    ];
}
