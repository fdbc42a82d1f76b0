/**
 * What a RayService's Serve replicas ask for against what its Ray nodes offer. KubeRay starts each
 * Ray node with the resources of its container (`num-cpus` the CPU limit rounded up, `memory` the
 * memory limit in bytes, `num-gpus` the GPU limit) unless `rayStartParams` say otherwise, and the
 * head with `numCpus` (default 0: no replica runs there). A replica that no node can hold, or more
 * replicas than the nodes hold at the cluster's largest (every group at `maxReplicas` when the
 * cluster autoscales, at `replicas` when not), would wait for resources forever: both are refused
 * with the key, the value and what the nodes offer. The total is a bound, not a packing: Ray places
 * replicas node by node, so a mix of asks may still leave some waiting.
 */
import { parseQuantity } from "../core/quantities";
import type { Issue } from "../core/issue";

type Path = (string | number)[];

/*
 * What the checks read of a service, structurally: model.ts runs them on the config it parses, so
 * importing its types here would make a cycle.
 */
type StartParams = Readonly<Record<string, unknown>> | undefined;
interface GroupShape {
    readonly name: string;
    readonly cpu: string;
    readonly memory: string;
    readonly gpu: number;
    readonly replicas: number;
    readonly maxReplicas: number;
    readonly rayStartParams?: StartParams;
}
interface DeploymentShape {
    readonly name: string;
    readonly num_replicas?: number;
    readonly autoscaling_config?: { readonly max_replicas: number };
    readonly ray_actor_options?: { readonly num_cpus?: number; readonly num_gpus?: number; readonly memory?: number };
}
/** The parts of a RayService's config (model.ts) that decide what its Ray nodes offer. */
export interface ServiceNodesShape {
    readonly head: { readonly numCpus: string | number; readonly memory: string; readonly rayStartParams?: StartParams };
    readonly workerGroups: readonly GroupShape[];
    readonly autoscaling: { readonly enabled: boolean };
}
/** ... and what its Serve deployments ask for. */
export interface ServiceServeShape extends ServiceNodesShape {
    readonly serveConfig: { readonly applications: readonly { readonly deployments: readonly DeploymentShape[] }[] };
}

/** The Ray resources of one kind of node, and how many of them the cluster has at its largest. */
export interface RayNodeOffer {
    readonly what: string;
    readonly count: number;
    readonly cpus: number;
    readonly gpus: number;
    readonly memory: number;
}

/** One replica's ask: Serve's defaults (1 CPU) where ray_actor_options say nothing. */
export interface ReplicaAsk {
    readonly cpus: number;
    readonly gpus: number;
    readonly memory: number;
}

const DIMENSIONS = [
    { key: "cpus", field: "num_cpus", unit: "CPUs" },
    { key: "gpus", field: "num_gpus", unit: "GPUs" },
    { key: "memory", field: "memory", unit: "bytes of memory" },
] as const;

function startParam(params: Record<string, unknown> | undefined, key: string): number | undefined {
    const v = params?.[key];
    return typeof v === "number" || (typeof v === "string" && /^[0-9]+$/.test(v)) ? Number(v) : undefined;
}

/** The head and each worker group as Ray sees them (KubeRay's defaults from the container, 1.6 and 1.7). */
export function rayNodeOffers(service: ServiceNodesShape): RayNodeOffer[] {
    const { head } = service;
    const worker = (g: GroupShape): RayNodeOffer => ({
        what: `worker group ${g.name}`,
        count: service.autoscaling.enabled ? g.maxReplicas : g.replicas,
        cpus: startParam(g.rayStartParams, "num-cpus") ?? Math.ceil(parseQuantity(g.cpu) ?? 0),
        gpus: startParam(g.rayStartParams, "num-gpus") ?? g.gpu,
        memory: startParam(g.rayStartParams, "memory") ?? parseQuantity(g.memory) ?? 0,
    });
    return [
        {
            what: "the head",
            count: 1,
            cpus: Number(head.numCpus),
            gpus: startParam(head.rayStartParams, "num-gpus") ?? 0,
            memory: startParam(head.rayStartParams, "memory") ?? parseQuantity(head.memory) ?? 0,
        },
        ...service.workerGroups.map(worker),
    ];
}

const fits = (node: RayNodeOffer, ask: ReplicaAsk) => DIMENSIONS.every((d) => node[d.key] >= ask[d.key]);
const describeOffer = (n: RayNodeOffer) => `${n.what}: ${n.count} × ${n.cpus} CPUs, ${n.gpus} GPUs, ${n.memory} bytes`;

/** Problems of the service's Serve deployments, with paths relative to the service. */
export function serveCapacityProblems(service: ServiceServeShape): Issue[] {
    const nodes = rayNodeOffers(service).filter((n) => n.count > 0);
    const out: Issue[] = [];
    const demand = { cpus: 0, gpus: 0, memory: 0 };
    /** Each deployment's replicas at their most, with what they ask for together. */
    const totals: { path: Path; replicas: number; need: ReplicaAsk }[] = [];
    service.serveConfig.applications.forEach((app, a) =>
        app.deployments.forEach((d, i) => {
            const at: Path = ["serveConfig", "applications", a, "deployments", i];
            const o = d.ray_actor_options ?? {};
            const ask: ReplicaAsk = { cpus: o.num_cpus ?? 1, gpus: o.num_gpus ?? 0, memory: o.memory ?? 0 };
            if (!nodes.some((n) => fits(n, ask))) {
                const short = DIMENSIONS.filter((dim) => !nodes.some((n) => n[dim.key] >= ask[dim.key]));
                const field = short.length === 1 ? ["ray_actor_options", short[0].field] : ["ray_actor_options"];
                out.push({
                    path: [...at, ...field],
                    message: `a replica of ${d.name} asks for ${ask.cpus} CPUs, ${ask.gpus} GPUs and ${ask.memory} bytes of memory, which no Ray node of the service offers (${nodes.map(describeOffer).join("; ") || "no node"}): its replicas would wait forever`,
                });
                return;
            }
            const replicas = d.autoscaling_config?.max_replicas ?? d.num_replicas ?? 1;
            const path = d.autoscaling_config ? [...at, "autoscaling_config", "max_replicas"] : [...at, "num_replicas"];
            const need = { cpus: replicas * ask.cpus, gpus: replicas * ask.gpus, memory: replicas * ask.memory };
            for (const dim of DIMENSIONS) demand[dim.key] += need[dim.key];
            totals.push({ path, replicas, need });
        }),
    );
    for (const dim of DIMENSIONS) {
        const offered = nodes.reduce((sum, n) => sum + n.count * n[dim.key], 0);
        if (demand[dim.key] > offered) {
            // the key to lower: the deployment that asks for the most of it
            const top = [...totals].sort((x, y) => y.need[dim.key] - x.need[dim.key])[0];
            out.push({
                path: top.path,
                message: `${top.replicas}: at their most the service's replicas ask for ${demand[dim.key]} ${dim.unit}, more than its Ray nodes offer at ${service.autoscaling.enabled ? "maxReplicas" : "replicas (the cluster does not autoscale)"} (${offered}; ${nodes.map(describeOffer).join("; ")}): lower the replicas or give the worker groups more`,
            });
        }
    }
    return out;
}
