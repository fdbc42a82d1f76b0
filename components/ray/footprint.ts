/**
 * What an autoscaling RayService's pods can ask of the namespace's quota at their most: its active
 * generation with every worker group at `maxReplicas` (the autoscaler's ceiling), plus the
 * generation KubeRay starts beside it on a spec change (at `replicas`) until it switches over. Each
 * pod asks for its container's resources (requests = limits), the head also for the autoscaler
 * sidecar's. The config refuses a service whose footprint exceeds the quota (config/rules.ts): the
 * ResourceQuota would otherwise refuse the pods the autoscaler asks for, and they would never come.
 */
import { parseQuantity } from "../core/quantities";
import type { RayServiceConfig } from "./model";

/** The quota keys (components/namespace/model.ts) a Ray pod can use, and the resource each names. */
export const FOOTPRINT_RESOURCES = [
    { quotaKey: "cpu", what: "CPUs", unit: 1, suffix: "" },
    { quotaKey: "memory", what: "memory", unit: 2 ** 30, suffix: "Gi" },
    { quotaKey: "gpu", what: "GPUs (nvidia.com/gpu)", unit: 1, suffix: "" },
    { quotaKey: "gpuMemory", what: "shared GPU memory (aliyun.com/gpu-mem, GiB)", unit: 1, suffix: "" },
    { quotaKey: "gpuCorePercentage", what: "shared GPU compute (aliyun.com/gpu-core.percentage)", unit: 1, suffix: "" },
    { quotaKey: "pods", what: "pods", unit: 1, suffix: "" },
] as const;

export type FootprintKey = (typeof FOOTPRINT_RESOURCES)[number]["quotaKey"];
export type Amounts = Record<FootprintKey, number>;

const zero = (): Amounts => ({ cpu: 0, memory: 0, gpu: 0, gpuMemory: 0, gpuCorePercentage: 0, pods: 0 });
const q = (v: string | number) => parseQuantity(v) ?? 0;

/** One term of the footprint: COUNT pods of WHAT (undefined for the head), each asking for PER. */
export interface FootprintTerm {
    readonly what: string;
    /** Index in `workerGroups`, for a worker group's term. */
    readonly group?: number;
    readonly count: number;
    readonly per: Amounts;
}

type Service = Pick<RayServiceConfig, "head" | "workerGroups" | "autoscaling">;

/** The terms of the footprint: head (with the sidecar) and each group, for both generations. */
export function serviceFootprint(service: Service): FootprintTerm[] {
    const head: Amounts = {
        ...zero(),
        cpu: q(service.head.cpu) + q(service.autoscaling.resources.cpu),
        memory: q(service.head.memory) + q(service.autoscaling.resources.memory),
        pods: 1,
    };
    const groups = service.workerGroups.map((g) => {
        const shared = g.sharedGpu ?? {};
        const per: Amounts = {
            cpu: q(g.cpu),
            memory: q(g.memory),
            gpu: g.gpu,
            gpuMemory: shared["aliyun.com/gpu-mem"] ?? 0,
            gpuCorePercentage: shared["aliyun.com/gpu-core.percentage"] ?? 0,
            pods: 1,
        };
        return { g, per };
    });
    return [
        { what: "head and autoscaler", count: 2, per: head },
        ...groups.map(({ g, per }, i) => ({ what: `worker group ${g.name}`, group: i, count: g.maxReplicas + g.replicas, per })),
    ];
}

/** The footprint's total of each resource. */
export function footprintTotals(terms: readonly FootprintTerm[]): Amounts {
    const total = zero();
    for (const t of terms) for (const r of FOOTPRINT_RESOURCES) total[r.quotaKey] += t.count * t.per[r.quotaKey];
    return total;
}

/** A resource amount as the quota key writes it (cores, Gi, counts). */
export function formatAmount(key: FootprintKey, amount: number): string {
    const r = FOOTPRINT_RESOURCES.find((x) => x.quotaKey === key)!;
    return `${+(amount / r.unit).toFixed(3)}${r.suffix}`;
}
