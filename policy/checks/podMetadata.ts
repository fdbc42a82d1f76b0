/**
 * Seed 2: the keys on a team's pods and namespace are the platform's to allow. Controllers act on
 * label and annotation keys of many domains (CNI, service mesh, queues, serverless nodes, agents)
 * and NetworkPolicies select on ours and KubeRay's, so a denylist always misses one: every pod
 * template's labels and annotations, Ray's and hand-written workloads', and every Namespace's
 * labels must be on the platform's allowlists (common/platformLists.ts), except the keys
 * ray-on-ack's builders write where they write them (common/labels.ts). Keys that hand the pod to
 * another controller are ray-pod-controllers' to judge, so each is reported once, by the policy
 * whose grant can allow it.
 */
import {
    ANNOTATIONS,
    BUILDER_NAMESPACE_LABEL_KEYS,
    BUILDER_POD_ANNOTATION_KEYS,
    BUILDER_POD_LABEL_KEYS,
    LABELS,
    MANAGED_BY,
    POLICY_IDS,
} from "@ray-on-ack/common";
import { metadataKeyProblem, reservedKeyProblem, type MetadataKind } from "@ray-on-ack/common/platformLists";
import { controllerOfKey } from "@ray-on-ack/common/podControllers";
import { Check, Finding, violation } from "../check";
import { PackConfig } from "../config";
import { PolicyResource, isKind, metadataName } from "../resource";
import { PodTemplate, isRayResource, podTemplates } from "../podTemplates";

const isNamespace = (r: PolicyResource) => isKind(r, "core", "Namespace");

/**
 * The values the builders write for the keys that say which cluster and role a pod is: a Ray
 * template labelled as another cluster's head would get that head's NetworkPolicy flows.
 */
function builderValueProblem(r: PolicyResource, t: PodTemplate, key: string, value: unknown): string | undefined {
    const expected: Record<string, string> = { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: metadataName(r), [LABELS.role]: t.role };
    if (!(key in expected) || value === expected[key]) {
        return undefined;
    }
    return `is ${JSON.stringify(value)}; ray-on-ack sets it to ${JSON.stringify(expected[key])} on this pod template (the NetworkPolicies select on it)`;
}

function keyFindings(
    r: PolicyResource,
    at: string,
    map: unknown,
    kind: MetadataKind,
    allowed: readonly string[],
    builder: (key: string, value: unknown) => string | undefined | "not-builder",
): Finding[] {
    if (map === null || typeof map !== "object") {
        return [];
    }
    return Object.entries(map as Record<string, unknown>).flatMap(([key, value]) => {
        if (controllerOfKey(key) !== undefined) {
            return []; // ray-pod-controllers judges it, and its grant allows it
        }
        const own = builder(key, value);
        if (own !== "not-builder") {
            return own === undefined ? [] : [violation(r, `${at}[${JSON.stringify(key)}]`, `${JSON.stringify(key)} ${own}`)];
        }
        const why = metadataKeyProblem(key, kind, allowed);
        return why === undefined ? [] : [violation(r, `${at}[${JSON.stringify(key)}]`, `${JSON.stringify(key)} ${why}`)];
    });
}

function templateFindings(r: PolicyResource, t: PodTemplate, config: PackConfig): Finding[] {
    // The builders' keys are theirs on Ray's pod templates only: a Deployment carrying them would pass for a Ray pod.
    const ray = isRayResource(r);
    const builderLabel = (key: string, value: unknown) =>
        ray && BUILDER_POD_LABEL_KEYS.includes(key) ? builderValueProblem(r, t, key, value) : "not-builder";
    // A Pod's template is its own metadata, where the policy-exceptions annotation may explain a grant.
    const builderAnnotation = (key: string) =>
        (ray && BUILDER_POD_ANNOTATION_KEYS.includes(key)) || key === ANNOTATIONS.policyExceptions ? undefined : "not-builder";
    return [
        ...keyFindings(r, `${t.metadataPath}.labels`, t.metadata.labels, "pod label", config.allowedPodLabelKeys, builderLabel),
        ...keyFindings(
            r,
            `${t.metadataPath}.annotations`,
            t.metadata.annotations,
            "pod annotation",
            config.allowedPodAnnotationKeys,
            builderAnnotation,
        ),
    ];
}

/**
 * Namespace annotations have no allowlist of their own, but the reserved domains stay closed:
 * `scheduler.alpha.kubernetes.io/node-selector` and `.../defaultTolerations` would place or
 * tolerate for every pod of the namespace.
 */
function namespaceFindings(r: PolicyResource, config: PackConfig): Finding[] {
    const metadata = r.props?.metadata ?? {};
    const builderLabel = (key: string) => (BUILDER_NAMESPACE_LABEL_KEYS.includes(key) ? undefined : "not-builder");
    const annotations = Object.keys(metadata.annotations ?? {})
        .filter((key) => controllerOfKey(key) === undefined && key !== ANNOTATIONS.policyExceptions)
        .flatMap((key) => {
            const why = reservedKeyProblem(key);
            return why === undefined ? [] : [violation(r, `metadata.annotations[${JSON.stringify(key)}]`, `${JSON.stringify(key)} ${why}`)];
        });
    return [
        ...keyFindings(r, "metadata.labels", metadata.labels, "namespace label", config.allowedNamespaceLabelKeys, builderLabel),
        ...annotations,
    ];
}

export const podMetadata: Check = {
    kind: "resource",
    id: POLICY_IDS.podMetadata,
    title: "Pod and namespace label and annotation keys are on the platform's allowlists",
    seedSection: "2",
    description:
        "seed 2: every pod template's label and annotation keys (Ray's and hand-written workloads') and every Namespace's label keys are on the platform's allowlists (allowedPodLabelKeys, allowedPodAnnotationKeys, allowedNamespaceLabelKeys; reserved domains never), except the keys ray-on-ack's builders set, on Ray templates and Namespaces only and with the cluster and role values they write; Namespace annotations stay out of the reserved domains.",
    configKeys: ["allowedPodLabelKeys", "allowedPodAnnotationKeys", "allowedNamespaceLabelKeys"],
    appliesTo: (r) => podTemplates(r).length > 0 || isNamespace(r),
    validate: (r, config) =>
        isNamespace(r) ? namespaceFindings(r, config) : podTemplates(r).flatMap((t) => templateFindings(r, t, config)),
};
