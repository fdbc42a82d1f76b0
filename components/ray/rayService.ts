/**
 * A Ray Serve deployment as a KubeRay `RayService`: the same hardened cluster spec as a RayCluster
 * (rayCluster.ts builds its `rayClusterConfig`), a `serveConfigV2` from the validated config, and
 * KubeRay's serve Service pinned to ClusterIP. KubeRay names the service's clusters
 * `<service>-<random>` and replaces the cluster on every spec change (`upgradeStrategy: NewCluster`,
 * zero downtime): see components/tls/generations.ts for how each generation keeps its certificates.
 */
import type * as k8s from "@pulumi/kubernetes";
import { kubernetesYaml } from "../core/yaml";
import type { RayServiceConfig, ServeConfig } from "./model";
import type { RayServiceSpec } from "./crds/rayV1";
import { RAY_PORTS, names, teamLabels } from "../core/naming";
import { localPortSlot } from "../exposure/access";
import { rayClusterSpec, type RayClusterSpecInput } from "./rayCluster";

/** Seconds KubeRay keeps the old cluster after the switch, so that requests in flight finish. */
export const CLUSTER_DELETION_DELAY_SECONDS = 60;

export interface RayServiceSpecInput extends Omit<RayClusterSpecInput, "kind" | "cluster"> {
    readonly service: RayServiceConfig;
}

type ServeDeploymentConfig = ServeConfig["applications"][number]["deployments"][number];

/** Only the fields given: `undefined` (a removed key, an unset option) is left out of Serve's YAML. */
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** One deployment for Serve: a fixed `num_replicas` (default 1), or Serve's autoscaling between its bounds. */
function serveDeployment(d: ServeDeploymentConfig): Record<string, unknown> {
    const autoscaling = d.autoscaling_config;
    return defined({
        name: d.name,
        num_replicas: autoscaling === undefined ? (d.num_replicas ?? 1) : undefined,
        autoscaling_config: autoscaling === undefined ? undefined : defined({ ...autoscaling }),
        max_ongoing_requests: d.max_ongoing_requests,
        ray_actor_options: d.ray_actor_options === undefined ? undefined : { ...d.ray_actor_options },
    });
}

/**
 * Serve's config file (`serveConfigV2`, a YAML string in the CRD). The HTTP options are ours: the
 * proxies listen on 8000 on every node, where the NetworkPolicy admits only the team's pods, the
 * allowed namespaces and an opted-in exposure.
 */
export function serveConfigV2(config: ServeConfig): string {
    const applications = config.applications.map((app) => {
        const out: Record<string, unknown> = { name: app.name, import_path: app.import_path, route_prefix: app.route_prefix };
        if (app.runtime_env?.env_vars && Object.keys(app.runtime_env.env_vars).length > 0) {
            out.runtime_env = { env_vars: { ...app.runtime_env.env_vars } };
        }
        if (app.deployments.length > 0) {
            out.deployments = app.deployments.map((d) => serveDeployment(d));
        }
        return out;
    });
    return kubernetesYaml({
        proxy_location: "EveryNode",
        http_options: { host: "0.0.0.0", port: RAY_PORTS.serve },
        applications,
    });
}

/** KubeRay's serve Service, stated rather than defaulted: ClusterIP, port 8000 only. */
export function serveServiceTemplate(team: string, service: string): k8s.types.input.core.v1.Service {
    return {
        metadata: { name: names.serveService(service), labels: teamLabels(team) },
        spec: { type: "ClusterIP", ports: [{ name: "serve", protocol: "TCP", port: RAY_PORTS.serve, targetPort: RAY_PORTS.serve }] },
    };
}

export function rayServiceSpec(input: RayServiceSpecInput): RayServiceSpec {
    const { service } = input;
    return {
        serveConfigV2: serveConfigV2(service.serveConfig),
        // Every spec change (image, certificates, token) starts a new cluster and switches over once it
        // serves; the old one keeps its own TLS Secrets until then.
        upgradeStrategy: { type: "NewCluster" },
        rayClusterDeletionDelaySeconds: CLUSTER_DELETION_DELAY_SECONDS,
        serveService: serveServiceTemplate(input.team, service.name),
        // With GCS fault tolerance the head restarts while the workers serve on: requests go to the
        // workers' proxies only, never to the head's, which takes in-flight requests down with it.
        ...(service.gcsFaultTolerance.enabled ? { excludeHeadPodFromServeSvc: true } : {}),
        rayClusterConfig: rayClusterSpec({ ...input, kind: "RayService", cluster: service }),
    };
}

/** Local port of a service's Serve port-forward: 22000 + the same stable slot as a cluster's dashboard (access.ts). */
export const LOCAL_SERVE_BASE = 22000;

/** How a data scientist reaches a private Serve port: the in-cluster URL, and a loopback-only port-forward. */
export interface ServeAccess {
    readonly namespace: string;
    readonly serveService: string;
    /** The in-cluster URL (team pods and allowed namespaces only). */
    readonly serveAddress: string;
    readonly localPort: number;
    readonly servePortForward: string;
    readonly localUrl: string;
}

export function serveAccess(namespace: string, service: string): ServeAccess {
    const svc = names.serveService(service);
    const localPort = LOCAL_SERVE_BASE + localPortSlot(namespace, service);
    return {
        namespace,
        serveService: svc,
        serveAddress: `http://${svc}.${namespace}.svc.cluster.local:${RAY_PORTS.serve}`,
        localPort,
        // KubeRay's serve Service follows the active cluster, so the forward survives an upgrade's switch (on reconnect).
        servePortForward: `kubectl -n ${namespace} port-forward --address 127.0.0.1 svc/${svc} ${localPort}:${RAY_PORTS.serve}`,
        localUrl: `http://127.0.0.1:${localPort}`,
    };
}
