/**
 * NetworkPolicies (seed section 1.4, corrected). The seed's sample lets workers talk only
 * to the head and forgets DNS; a real Ray cluster also connects GCS to each raylet,
 * raylet to raylet and worker to worker by pod IP on ports that are partly random. So:
 * deny everything, then allow all TCP inside one cluster and exactly the flows from outside
 * that a feature needs. Port-forward traffic enters the pod through the kubelet on the pod's
 * loopback and is not subject to these policies.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { ExposureConfig } from "../exposure/model";
import type { NetworkConfig } from "./model";
import { LABELS, RAY_PORTS, names } from "../core/naming";
import type { RayClusterKind } from "../ray/rayCluster";
import { objectMeta, type NamedMeta } from "../core/meta";
import { ingressControllerPeer } from "../exposure/exposure";
import { gatewayProxyPeer } from "../exposure/gatewayExposure";
import { CLB_BACKEND_SOURCE_RANGE } from "@ray-on-ack/common";
import { metadataRangesInside } from "@ray-on-ack/common/addresses";

export interface ClusterFlows {
    readonly name: string;
    readonly kind: RayClusterKind;
    readonly autoscaling: boolean;
    /** A RayCluster's dashboard exposure; a RayService's Serve-port exposure (its dashboard stays private). */
    readonly exposure: ExposureConfig;
    /** The team's Redis, when the workload keeps its GCS state there: its head may reach it, and nothing else may. */
    readonly gcsRedis?: { readonly cidr: string; readonly port: number };
}

export interface NetworkPolicyInput {
    readonly team: string;
    readonly namespace: string;
    readonly network: NetworkConfig;
    readonly clusters: readonly ClusterFlows[];
}

type Selector = k8s.types.input.meta.v1.LabelSelector;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
/** A NetworkPolicy whose metadata names it (the component names its resource after it). */
export type NamedNetworkPolicy = k8s.types.input.networking.v1.NetworkPolicy & { metadata: NamedMeta };

const RAY_ROLES = { key: LABELS.role, operator: "In", values: ["head", "worker"] };

/**
 * Pods of one cluster. RayClusters by KubeRay's label; a RayJob's or RayService's clusters by ours
 * (their `ray.io/cluster` is random; a RayService's old and pending clusters share our label).
 */
export function memberSelector(c: { name: string; kind: RayClusterKind }): Selector {
    return c.kind === "RayCluster"
        ? { matchLabels: { [LABELS.rayCluster]: c.name } }
        : { matchLabels: { [LABELS.cluster]: c.name }, matchExpressions: [RAY_ROLES] };
}

export function headSelector(c: { name: string; kind: RayClusterKind }): Selector {
    return c.kind === "RayCluster"
        ? { matchLabels: { [LABELS.rayCluster]: c.name, [LABELS.rayNodeType]: "head" } }
        : { matchLabels: { [LABELS.cluster]: c.name, [LABELS.role]: "head" } };
}

/**
 * A workload's head by our labels, for every kind: KubeRay builds its Redis cleanup Job's pod from
 * the head pod and relabels only `ray.io/node-type` (to `redis-cleanup`), so this selects both.
 */
export function headAndCleanupSelector(c: { name: string }): Selector {
    return { matchLabels: { [LABELS.cluster]: c.name, [LABELS.role]: "head" } };
}

export function submitterSelector(job: string): Selector {
    return { matchLabels: { [LABELS.cluster]: job, [LABELS.role]: "submitter" } };
}

/** Every Ray pod (head or worker) of the team. */
export function rayPodsSelector(team: string): Selector {
    return { matchLabels: { [LABELS.team]: team }, matchExpressions: [RAY_ROLES] };
}

const namespaceNamed = (ns: string): Selector => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });

/**
 * An egress peer for a CIDR. The config refuses a CIDR at a metadata address; a wider one that
 * contains one (the examples' 100.100.100.0/24 STS endpoint holds 100.100.100.200) excepts it, so
 * that no rule lets a pod read the node's metadata and RAM credentials.
 */
export function egressIpBlock(cidr: string): Peer {
    const except = metadataRangesInside(cidr);
    return { ipBlock: except.length > 0 ? { cidr, except } : { cidr } };
}
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

function policy(
    input: NetworkPolicyInput,
    name: string,
    podSelector: Selector,
    spec: {
        ingress?: k8s.types.input.networking.v1.NetworkPolicyIngressRule[];
        egress?: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
    },
): NamedNetworkPolicy {
    const policyTypes = [...(spec.ingress ? ["Ingress"] : []), ...(spec.egress ? ["Egress"] : [])];
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: objectMeta(name, input.namespace, input.team),
        spec: { podSelector, policyTypes, ...spec },
    };
}

/** Where an exposure's traffic comes from at the pod: the CLB (https), the ACL's sources (tcp) or the ingress controller. */
function exposureSources(exposure: ExposureConfig): Peer[] {
    if (exposure.mode === "loadbalancer") {
        // HTTPS: the CLB proxies, so the pods see its backend range and the ACL is enforced at the CLB.
        // TCP (intranet opt-in): the client's own address arrives, so admit exactly the ACL's sources.
        const sources =
            exposure.listener === "https" ? [CLB_BACKEND_SOURCE_RANGE] : (exposure.sourceCidrs ?? exposure.aclEntries.map((e) => e.cidr));
        return sources.map((cidr) => ({ ipBlock: { cidr } }));
    }
    if (exposure.mode === "ingress" || exposure.mode === "gateway") {
        const controller = exposure.mode === "ingress" ? ingressControllerPeer(exposure) : gatewayProxyPeer(exposure);
        return [{ namespaceSelector: namespaceNamed(controller.namespace), podSelector: { matchLabels: controller.podLabels } }];
    }
    return [];
}

/**
 * Serve's port 8000 on every node of a RayService (a proxy runs on each): from the team's own pods
 * and the allowed namespaces, and from the exposure's sources when it is exposed. Nothing else.
 */
function serveIngressRules(input: NetworkPolicyInput, c: ClusterFlows): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    const from: Peer[] = [
        { podSelector: {} },
        ...input.network.allowedNamespaces.map((ns) => ({ namespaceSelector: namespaceNamed(ns) })),
        ...exposureSources(c.exposure),
    ];
    return [{ from, ports: tcp(RAY_PORTS.serve) }];
}

function headIngressRules(input: NetworkPolicyInput, c: ClusterFlows): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    const net = input.network;
    const rules: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [];
    if (net.allowedNamespaces.length > 0) {
        rules.push({
            from: net.allowedNamespaces.map((ns) => ({ namespaceSelector: namespaceNamed(ns) })),
            ports: tcp(RAY_PORTS.dashboard, RAY_PORTS.client),
        });
    }
    // The operator reads job status from the dashboard.
    rules.push({ from: [{ namespaceSelector: namespaceNamed(net.operatorNamespace) }], ports: tcp(RAY_PORTS.dashboard) });
    if (c.kind === "RayService") {
        // The RayService controller checks the head's Serve proxy at <pod IP>:8000/-/healthz and only then
        // labels the head `ray.io/serve=true`, which the serve Service selects (KubeRay 1.6 CheckProxyActorHealth).
        rules.push({ from: [{ namespaceSelector: namespaceNamed(net.operatorNamespace) }], ports: tcp(RAY_PORTS.serve) });
    }
    if (c.kind === "RayJob") {
        rules.push({ from: [{ podSelector: submitterSelector(c.name) }], ports: tcp(RAY_PORTS.dashboard) });
    }
    // A RayService's exposure is its Serve port's (serveIngressRules), never the dashboard.
    const sources = c.kind === "RayService" ? [] : exposureSources(c.exposure);
    if (sources.length > 0) {
        rules.push({ from: sources, ports: tcp(RAY_PORTS.dashboard) });
    }
    return rules;
}

export function networkPolicyObjects(input: NetworkPolicyInput): NamedNetworkPolicy[] {
    const net = input.network;
    const out: NamedNetworkPolicy[] = [
        policy(input, "default-deny-all", {}, { ingress: [], egress: [] }),
        policy(
            input,
            "allow-dns",
            {},
            {
                egress: [
                    {
                        to: [{ namespaceSelector: namespaceNamed(net.dnsNamespace), podSelector: { matchLabels: net.dnsPodLabels } }],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                ],
            },
        ),
    ];
    for (const c of input.clusters) {
        const members = memberSelector(c);
        out.push(
            policy(input, `${c.name}-ray-internal`, members, {
                ingress: [{ from: [{ podSelector: members }], ports: [{ protocol: "TCP" }] }],
                egress: [{ to: [{ podSelector: members }], ports: [{ protocol: "TCP" }] }],
            }),
            policy(input, `${c.name}-head-ingress`, headSelector(c), { ingress: headIngressRules(input, c) }),
        );
        if (c.kind === "RayService") {
            out.push(policy(input, `${c.name}-serve-ingress`, members, { ingress: serveIngressRules(input, c) }));
        }
        if (c.kind === "RayJob") {
            out.push(
                policy(input, `${c.name}-submitter-egress`, submitterSelector(c.name), {
                    egress: [{ to: [{ podSelector: headSelector(c) }], ports: tcp(RAY_PORTS.dashboard) }],
                }),
            );
        }
        if (c.gcsRedis !== undefined) {
            out.push(
                policy(input, names.gcsRedisPolicy(c.name), headAndCleanupSelector(c), {
                    egress: [{ to: [egressIpBlock(c.gcsRedis.cidr)], ports: tcp(c.gcsRedis.port) }],
                }),
            );
        }
        if (c.autoscaling) {
            out.push(
                policy(input, `${c.name}-head-apiserver`, headSelector(c), {
                    egress: [{ to: net.apiServerCidrs.map(egressIpBlock), ports: tcp(net.apiServerPort) }],
                }),
            );
        }
    }
    if (net.monitoringNamespace) {
        out.push(
            policy(input, "ray-metrics", rayPodsSelector(input.team), {
                ingress: [{ from: [{ namespaceSelector: namespaceNamed(net.monitoringNamespace) }], ports: tcp(RAY_PORTS.metrics) }],
            }),
        );
    }
    if (net.egress.length > 0) {
        out.push(
            policy(input, "ray-egress-allowlist", rayPodsSelector(input.team), {
                egress: net.egress.map((e) => ({ to: [egressIpBlock(e.cidr)], ports: tcp(...e.ports) })),
            }),
        );
    }
    return out;
}
