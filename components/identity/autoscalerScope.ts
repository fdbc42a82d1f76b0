/**
 * Keeps each RayCluster's autoscaler to its own cluster. KubeRay's autoscaler Role grants `patch`
 * on every pod of the namespace (RBAC cannot select pods by label, and the names of a cluster's
 * pods are not known in advance), so a stolen autoscaler token could relabel another cluster's
 * pods (moving them under other NetworkPolicies) or swap their container images (running its code
 * next to that cluster's TLS key). A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1,
 * GA since Kubernetes 1.30) closes that: a request from a `<cluster>-ray-head` ServiceAccount may
 * only change pods labelled `ray.io/cluster=<cluster>`, may not change that label or ours, may
 * not change any image, and may only patch its own RayCluster (as the Role's resourceNames say).
 *
 * Both objects are cluster-scoped, so they are named after the team's namespace (unique in the
 * cluster): `ray-on-ack-<namespace>-autoscaler-scope`; the binding matches that namespace only.
 */
import type * as k8s from "@pulumi/kubernetes";
import { LABELS, names, teamLabels } from "../core/naming";

/** CEL: the `<cluster>` of a `system:serviceaccount:<namespace>:<cluster>-ray-head` requester. */
const SA_PREFIX = "'system:serviceaccount:' + request.namespace + ':'";
const HEAD_SUFFIX = `'${names.serviceAccount("", "head")}'`;

export function autoscalerScopeName(namespace: string): string {
    return `ray-on-ack-${namespace}-autoscaler-scope`;
}

const labelOf = (obj: string, label: string) =>
    `(has(${obj}.metadata.labels) && '${label}' in ${obj}.metadata.labels ? ${obj}.metadata.labels['${label}'] : '')`;

/** The expressions, named so that tests and the README can point at each rule. */
export const AUTOSCALER_SCOPE_RULES = {
    ownPodsOnly: {
        expression: `request.resource.resource != 'pods' || (${labelOf("oldObject", LABELS.rayCluster)} == variables.cluster && ${labelOf("object", LABELS.rayCluster)} == variables.cluster)`,
        message: "an autoscaler may change only the pods of its own RayCluster (label ray.io/cluster)",
    },
    ownLabelKept: {
        expression: `request.resource.resource != 'pods' || ${labelOf("oldObject", LABELS.cluster)} == ${labelOf("object", LABELS.cluster)}`,
        message: `an autoscaler may not change a pod's ${LABELS.cluster} label`,
    },
    imagesKept: {
        expression:
            "request.resource.resource != 'pods' || (" +
            "object.spec.containers.map(c, c.image) == oldObject.spec.containers.map(c, c.image) && " +
            "(has(object.spec.initContainers) ? object.spec.initContainers.map(c, c.image) : []) == " +
            "(has(oldObject.spec.initContainers) ? oldObject.spec.initContainers.map(c, c.image) : []))",
        message: "an autoscaler may not change a container image",
    },
    ownRayClusterOnly: {
        expression: "request.resource.resource != 'rayclusters' || object.metadata.name == variables.cluster",
        message: "an autoscaler may patch only its own RayCluster",
    },
} as const;

export function autoscalerScopeObjects(team: string, namespace: string): [k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicy, k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicyBinding] {
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
                    {
                        name: "cluster",
                        expression: `request.userInfo.username.substring(size(${SA_PREFIX}), size(request.userInfo.username) - size(${HEAD_SUFFIX}))`,
                    },
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
