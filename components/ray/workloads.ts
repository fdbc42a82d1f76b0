import type { RayClusterConfig, RayJobConfig, RayServiceConfig } from "./model";

/** A RayCluster, a RayJob's cluster or a RayService's clusters: each gets its own identities, certificates and token. */
export interface Workload {
    readonly name: string;
    readonly kind: "RayCluster" | "RayJob" | "RayService";
    readonly shape: RayClusterConfig | RayJobConfig | RayServiceConfig;
}

/** The team's RayClusters, then its RayJobs, then its RayServices, in config order. */
export function workloadsOf(config: {
    readonly clusters: readonly RayClusterConfig[];
    readonly jobs: readonly RayJobConfig[];
    readonly services: readonly RayServiceConfig[];
}): Workload[] {
    return [
        ...config.clusters.map((c) => ({ name: c.name, kind: "RayCluster" as const, shape: c })),
        ...config.jobs.map((j) => ({ name: j.name, kind: "RayJob" as const, shape: j })),
        ...config.services.map((s) => ({ name: s.name, kind: "RayService" as const, shape: s })),
    ];
}
