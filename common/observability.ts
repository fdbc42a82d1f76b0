/**
 * Metrics and logs: the names the builders write and the policy pack reads. Ray's metrics are
 * scraped by the platform's Prometheus (ACK's managed Prometheus reads `monitoring.coreos.com/v1`
 * PodMonitors) from the monitoring namespace the tenancy registry names; Ray's logs are shipped by
 * a sidecar of every Ray pod to the prefix the registry gives the team (docs/design.md "Metrics",
 * "Logs that outlive the pod").
 */
import { RAY_PORTS } from "./ports";

export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";
/** The name of the one PodMonitor a team namespace gets: every Ray pod of the team, the metrics port only. */
export const RAY_POD_MONITOR = "ray-metrics";
/** The container port name KubeRay and the builders give Ray's metrics export port (8080). */
export const METRICS_PORT_NAME = "metrics";
export const METRICS_PORT = RAY_PORTS.metrics;
/**
 * ACK's managed Prometheus (ARMS) takes a PodMonitor or ServiceMonitor into its collection when it
 * carries this annotation (its console's PodMonitor feature must be on).
 */
export const ARMS_DISCOVERY_ANNOTATION = "arms.prometheus.io/discovery";

/**
 * Endpoint fields of a PodMonitor/ServiceMonitor that make the platform's scraper send a secret,
 * present a client certificate or go through a proxy: with them a team could have the scraper read a
 * Secret of the monitoring namespace and send it to a pod of the team's, or reach what the team
 * cannot. The scrape of Ray's metrics needs none of them.
 */
export const SCRAPE_SECRET_FIELDS: readonly string[] = [
    "bearerTokenSecret",
    "bearerTokenFile",
    "authorization",
    "basicAuth",
    "oauth2",
    "tlsConfig",
    "proxyUrl",
    "proxyFromEnvironment",
    "proxyConnectHeader",
    "noProxy",
    "followRedirects",
    "params",
];

/**
 * Relabeling targets that change what is scraped (the address, scheme, path, URL parameters): a
 * relabeling writing one would point the platform's scraper at any address it can reach.
 */
export const scrapeTargetLabel = (label: string): boolean => label.startsWith("__") && !label.startsWith("__tmp");

/** The log shipper: a container of every Ray pod that uploads Ray's log directory. */
export const LOG_SHIPPER_CONTAINER = "ray-log-shipper";
/** The namespace's ConfigMap holding the shipper's script (one per team namespace). */
export const LOG_SHIPPER_CONFIGMAP = "ray-log-shipper";
/** The projected token volume of the shipper container only: audience STS, as RRSA's webhook projects it. */
export const LOG_SHIPPER_TOKEN_VOLUME = "ray-log-shipper-token";
export const RRSA_TOKEN_AUDIENCE = "sts.aliyuncs.com";
/** The NetworkPolicy admitting the Ray pods to the registered OSS and STS endpoints. */
export const LOG_EGRESS_POLICY = "ray-log-shipping-egress";
