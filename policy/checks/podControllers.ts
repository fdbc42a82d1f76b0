/**
 * Seed 2: a team's pods run on the cluster's nodes, in the team's pod network, under the
 * ServiceAccount and hooks ray-on-ack gives them. A label, annotation or pod-spec field that hands
 * them to another controller (ECI/ACS virtual nodes, Terway or Multus networks, service-mesh
 * sidecar injection, ACK's HistoryServer, another scheduler or runtime, a named node) takes them
 * outside what the pack judges, so each needs a platform grant for its one path
 * (common/podControllers.ts lists them). A namespace label that does the same for every pod of
 * the namespace (`istio-injection`, `alibabacloud.com/eci`), and an ACK ResourcePolicy that spills
 * pods onto virtual nodes, are judged too.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import {
    CONTROLLERS,
    DEFAULT_SCHEDULER,
    PodController,
    controllerOfKey,
    virtualNodeSelector,
    virtualNodeTaint,
} from "@ray-on-ack/common/podControllers";
import { Check, Finding, violation } from "../check";
import { PolicyResource, isKind } from "../resource";
import { PodTemplate, podTemplates } from "../podTemplates";

const isNamespace = (r: PolicyResource) => isKind(r, "core", "Namespace");
/** ACK's scheduling policy that places a namespace's matching pods on ECS, then ECI or ACS. */
const isResourcePolicy = (r: PolicyResource) => isKind(r, "scheduling.alibabacloud.com", "ResourcePolicy");

function handedTo(r: PolicyResource, path: string, what: string, c: PodController): Finding {
    return violation(
        r,
        path,
        `${what} hands the pod to ${c.name}: ${c.why}; it needs a grant for this path in platform/policy-pack-config.json (${POLICY_IDS.podControllers})`,
    );
}

function keyFindings(r: PolicyResource, at: string, map: unknown): Finding[] {
    if (map === null || typeof map !== "object") {
        return [];
    }
    return Object.keys(map).flatMap((key) => {
        const c = controllerOfKey(key);
        return c === undefined ? [] : [handedTo(r, `${at}[${JSON.stringify(key)}]`, JSON.stringify(key), c)];
    });
}

/** Node-affinity expressions that pick virtual nodes (In or Exists on their labels). */
function affinityFindings(r: PolicyResource, t: PodTemplate): Finding[] {
    const node = t.spec.affinity?.nodeAffinity ?? {};
    const base = `${t.specPath}.affinity.nodeAffinity`;
    const terms: [string, any][] = [
        ...((node.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as any[]).map((term, i): [string, any] => [
            `${base}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`,
            term,
        ]),
        ...((node.preferredDuringSchedulingIgnoredDuringExecution ?? []) as any[]).map((p, i): [string, any] => [
            `${base}.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`,
            p?.preference,
        ]),
    ];
    return terms.flatMap(([at, term]) =>
        ((term?.matchExpressions ?? []) as any[]).flatMap((e, j) =>
            typeof e?.key === "string" &&
            ["In", "Exists"].includes(e?.operator) &&
            virtualNodeSelector(e.key, e.operator === "In" ? (e.values ?? []) : [])
                ? [handedTo(r, `${at}.matchExpressions[${j}]`, `node affinity on ${JSON.stringify(e.key)}`, CONTROLLERS.virtualNode)]
                : [],
        ),
    );
}

function specFindings(r: PolicyResource, t: PodTemplate): Finding[] {
    const pod = t.spec;
    const findings: Finding[] = [];
    for (const [key, value] of Object.entries(pod.nodeSelector ?? {})) {
        if (virtualNodeSelector(key, [value])) {
            findings.push(
                handedTo(
                    r,
                    `${t.specPath}.nodeSelector[${JSON.stringify(key)}]`,
                    `nodeSelector ${key}: ${JSON.stringify(value)}`,
                    CONTROLLERS.virtualNode,
                ),
            );
        }
    }
    findings.push(...affinityFindings(r, t));
    ((pod.tolerations ?? []) as any[]).forEach((tol, i) => {
        if (virtualNodeTaint(tol?.key)) {
            findings.push(
                handedTo(r, `${t.specPath}.tolerations[${i}]`, `a toleration of ${JSON.stringify(tol.key)}`, CONTROLLERS.virtualNode),
            );
        }
    });
    if (pod.nodeName !== undefined && pod.nodeName !== "") {
        findings.push(handedTo(r, `${t.specPath}.nodeName`, `nodeName ${JSON.stringify(pod.nodeName)}`, CONTROLLERS.node));
    }
    if (pod.schedulerName !== undefined && pod.schedulerName !== DEFAULT_SCHEDULER) {
        findings.push(
            handedTo(r, `${t.specPath}.schedulerName`, `schedulerName ${JSON.stringify(pod.schedulerName)}`, CONTROLLERS.scheduler),
        );
    }
    if (pod.runtimeClassName !== undefined && pod.runtimeClassName !== "") {
        findings.push(
            handedTo(r, `${t.specPath}.runtimeClassName`, `runtimeClassName ${JSON.stringify(pod.runtimeClassName)}`, CONTROLLERS.runtime),
        );
    }
    return findings;
}

function templateFindings(r: PolicyResource, t: PodTemplate): Finding[] {
    return [
        ...keyFindings(r, `${t.metadataPath}.labels`, t.metadata.labels),
        ...keyFindings(r, `${t.metadataPath}.annotations`, t.metadata.annotations),
        ...specFindings(r, t),
    ];
}

export const podControllers: Check = {
    kind: "resource",
    id: POLICY_IDS.podControllers,
    title: "Pods are handed to another controller only with a platform grant",
    seedSection: "2",
    description:
        "seed 2: no pod template, Namespace or ResourcePolicy hands pods to another controller without a platform grant for its path: ECI/ACS virtual nodes (alibabacloud.com/* and eci labels, k8s.aliyun.com/eci-* annotations, nodeSelector or node affinity type: virtual-kubelet, tolerations of virtual-kubelet.io/provider, ResourcePolicy), Terway and Multus networks (k8s.aliyun.com/pod-networks*, k8s.v1.cni.cncf.io/networks), service-mesh sidecar injection (sidecar.istio.io/inject, istio.io/*, the istio-injection namespace label), ACK's HistoryServer (ray.alibabacloud.com/enable-historyserver), another scheduler, a RuntimeClass or a nodeName. Keys match in any case.",
    configKeys: [],
    appliesTo: (r) => podTemplates(r).length > 0 || isNamespace(r) || isResourcePolicy(r),
    validate(r) {
        if (isNamespace(r)) {
            return [
                ...keyFindings(r, "metadata.labels", r.props?.metadata?.labels),
                ...keyFindings(r, "metadata.annotations", r.props?.metadata?.annotations),
            ];
        }
        if (isResourcePolicy(r)) {
            return [handedTo(r, "spec", "a ResourcePolicy", CONTROLLERS.virtualNode)];
        }
        return podTemplates(r).flatMap((t) => templateFindings(r, t));
    },
};
