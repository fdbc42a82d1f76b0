/**
 * The rules of GCS fault tolerance that cross the team's config, its secret config and the
 * platform's registry: a workload may turn it on only where the platform offers the store (the
 * team's Redis, registered to the stack; KubeRay 1.7's embedded store, declared in the cluster
 * facts), with the password given as a secret. What the store is, and where, the stack file never says.
 */
import { GCS_EMBEDDED, versionAtLeast } from "@ray-on-ack/common/gcs";
import { gcsEmbeddedProblem, type Tenancy } from "@ray-on-ack/common/tenancy";
import type { Issue } from "../core/issue";
import { parseQuantity } from "../core/quantities";
import { gcsRedisPasswordProblems } from "../gcs/model";
import { workloadsOf } from "../ray/workloads";
import type { TeamConfig } from "./model";

const KEY_OF = { RayCluster: "clusters", RayJob: "jobs", RayService: "services" } as const;

/** Each fault-tolerant workload, with the path of its config. */
function faultTolerant(config: TeamConfig) {
    const index: Record<string, number> = { clusters: 0, jobs: 0, services: 0 };
    return workloadsOf(config).flatMap((w) => {
        const key = KEY_OF[w.kind];
        const at = [key, index[key]++];
        return w.shape.gcsFaultTolerance.enabled ? [{ w, at }] : [];
    });
}

/** Whether any workload keeps its GCS state in the team's Redis (and so needs its password). */
export function usesGcsRedis(config: TeamConfig): boolean {
    return faultTolerant(config).some(({ w }) => w.shape.gcsFaultTolerance.backend === "redis");
}

/**
 * @param stack the stack deploying the config; undefined when no registry is in use, which offers no store.
 */
export function gcsRules(
    config: TeamConfig,
    tenancy: Tenancy,
    stack: string | undefined,
    password: { readonly given: boolean; readonly value?: string },
): Issue[] {
    const out: Issue[] = [];
    const redis = stack === undefined ? undefined : tenancy.tenants[stack]?.gcsRedis;
    const storage = parseQuantity(config.quota.storage) ?? 0;
    let needsPassword: string | undefined;
    for (const { w, at } of faultTolerant(config)) {
        const ft = w.shape.gcsFaultTolerance;
        const where = `${at[0]}[${at[1]}].gcsFaultTolerance`;
        if (ft.backend === "redis") {
            needsPassword ??= where;
            if (redis === undefined) {
                out.push({
                    path: [...at, "gcsFaultTolerance", "enabled"],
                    message:
                        stack === undefined
                            ? "needs the team's Redis, which the platform registers in the tenancy registry (ray-tenancy.tenants.<stack>.gcsRedis); no registry is in use"
                            : `needs the team's Redis: stack ${stack} has none in the tenancy registry (ray-tenancy.tenants.${stack}.gcsRedis); the platform registers it (an ApsaraDB for Redis instance of the team's, TLS on)`,
                });
            }
        } else {
            const why = gcsEmbeddedProblem(tenancy);
            if (why !== undefined) {
                out.push({ path: [...at, "gcsFaultTolerance", "backend"], message: `rocksdb is refused: ${why}` });
            }
            if (!versionAtLeast(w.shape.rayVersion, GCS_EMBEDDED.minRayVersion)) {
                out.push({
                    path: [...at, "gcsFaultTolerance", "backend"],
                    message: `rocksdb needs Ray ${GCS_EMBEDDED.minRayVersion} or later (rayVersion is ${w.shape.rayVersion}): older Ray has no embedded GCS store`,
                });
            }
            if ((parseQuantity(ft.storageSize) ?? 0) > storage) {
                out.push({
                    path: [...at, "gcsFaultTolerance", "storageSize"],
                    message: `${ft.storageSize} is more than the namespace's storage quota (quota.storage ${config.quota.storage}): KubeRay could not create the volume`,
                });
            }
        }
        // The head is not in a fault-tolerant service's serve Service (it restarts under load): its workers serve.
        if (w.kind === "RayService" && w.shape.workerGroups.every((g) => g.minReplicas === 0 && g.replicas === 0)) {
            out.push({
                path: [...at, "workerGroups"],
                message: `a fault-tolerant RayService serves from its workers only (the head restarts), so ${where} needs a worker group with replicas`,
            });
        }
    }
    if (needsPassword !== undefined && !password.given) {
        out.push({
            path: ["gcsRedisPassword"],
            message: `is required (as a secret: pulumi config set --secret gcsRedisPassword) by ${needsPassword} with backend redis`,
        });
    } else if (needsPassword !== undefined && password.value !== undefined) {
        out.push(...gcsRedisPasswordProblems(password.value).map((message) => ({ path: ["gcsRedisPassword"], message })));
    }
    return out;
}
