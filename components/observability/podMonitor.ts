/**
 * The PodMonitor the platform's Prometheus reads for a team (docs/design.md "Metrics"): one per team
 * namespace, selecting the team's Ray pods (head and workers of every RayCluster, RayJob and
 * RayService) in that namespace only, scraping the metrics port only, with no credentials of any
 * kind. ACK's managed Prometheus reads `monitoring.coreos.com/v1` PodMonitors carrying its discovery
 * annotation; the scrape comes from the platform's monitoring namespace, which the team's
 * NetworkPolicy `ray-metrics` admits to that port and nothing else.
 */
import { ARMS_DISCOVERY_ANNOTATION, LABELS, METRICS_PORT_NAME, MONITORING_API_VERSION, RAY_POD_MONITOR } from "@ray-on-ack/common";
import { objectMeta, type NamedMeta } from "../core/meta";

export interface PodMonitorEndpoint {
    readonly port: string;
    readonly path: string;
    readonly scheme: "http";
    readonly interval: string;
    readonly relabelings: readonly { sourceLabels: string[]; targetLabel: string; action: "replace" }[];
}

/** The fields of a `monitoring.coreos.com/v1` PodMonitor the builder writes (no schema package is a dependency). */
export interface PodMonitor {
    readonly apiVersion: typeof MONITORING_API_VERSION;
    readonly kind: "PodMonitor";
    readonly metadata: NamedMeta;
    readonly spec: {
        readonly selector: { matchLabels: Record<string, string>; matchExpressions: { key: string; operator: "In"; values: string[] }[] };
        readonly namespaceSelector: { matchNames: string[] };
        readonly podMetricsEndpoints: readonly PodMonitorEndpoint[];
    };
}

/** Pod labels copied onto every series: Ray's Grafana dashboards filter by cluster; ours name the workload and role. */
const RELABELINGS: PodMonitorEndpoint["relabelings"] = [
    { sourceLabels: ["__meta_kubernetes_pod_label_ray_io_cluster"], targetLabel: "ray_io_cluster", action: "replace" },
    { sourceLabels: ["__meta_kubernetes_pod_label_ray_on_ack_io_cluster"], targetLabel: "ray_workload", action: "replace" },
    { sourceLabels: ["__meta_kubernetes_pod_label_ray_io_node_type"], targetLabel: "ray_node_type", action: "replace" },
];

export function rayPodMonitor(team: string, namespace: string): PodMonitor {
    return {
        apiVersion: MONITORING_API_VERSION,
        kind: "PodMonitor",
        metadata: objectMeta(RAY_POD_MONITOR, namespace, team, { annotations: { [ARMS_DISCOVERY_ANNOTATION]: "true" } }),
        spec: {
            selector: {
                matchLabels: { [LABELS.team]: team },
                matchExpressions: [{ key: LABELS.role, operator: "In", values: ["head", "worker"] }],
            },
            namespaceSelector: { matchNames: [namespace] },
            podMetricsEndpoints: [{ port: METRICS_PORT_NAME, path: "/metrics", scheme: "http", interval: "30s", relabelings: RELABELINGS }],
        },
    };
}
