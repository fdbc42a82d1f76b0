import type { RayClusterConfig, RayJobConfig, TeamConfig } from "./schema";

/** A RayCluster or a RayJob's cluster: each gets its own identities, certificates and token. */
export interface Workload {
    readonly name: string;
    readonly kind: "RayCluster" | "RayJob";
    readonly shape: RayClusterConfig | RayJobConfig;
}

/** The team's RayClusters, then its RayJobs, in config order. */
export function workloadsOf(config: TeamConfig): Workload[] {
    return [
        ...config.clusters.map((c) => ({ name: c.name, kind: "RayCluster" as const, shape: c })),
        ...config.jobs.map((j) => ({ name: j.name, kind: "RayJob" as const, shape: j })),
    ];
}
