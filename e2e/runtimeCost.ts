/**
 * What the hardening costs at run time (the node step's measurement, run by e2e/nodeCost.ts):
 * the pure parts, unit-tested in runtimeCost.test.ts.
 *
 * - `plainTwin`: the baseline RayCluster, in the form of KubeRay's plain sample
 *   (ray-cluster.sample.yaml: a Ray container with an image, resources and ports, nothing else)
 *   with the shape of the package's RayCluster: the same image, resources, rayStartParams,
 *   replicas and autoscaler settings; no TLS, no token, no securityContext, no volumes, no
 *   ServiceAccount of ours.
 * - `parseWatchLine` and `ReadinessTracker`: the pods' conditions as `kubectl get pods -w`
 *   streams them, timed by the watcher, until every pod of the cluster is Ready.
 * - `summarize` and `costRows`: medians, paired ratios (each round measures both sides back to
 *   back), and the Markdown table the docs quote; whether the time to every pod Ready is within
 *   the 1.15x bound (the node step fails when it is not).
 */
import { Row, ms, x } from "../tools/bench/report";
import { median, pairedRatios, ratio, round } from "../tools/bench/stats";

export type Side = "hardened" | "plain";

/**
 * Bound on the time to every pod Ready, hardened over plain (issue 23): the node step fails when
 * the median of the paired ratios is beyond it.
 */
export const READY_TARGET = 1.15;

/**
 * The order of the two sides in round R (1-based): plain first in odd rounds, hardened first in
 * even ones (ABBA), so neither side always meets the machine's earlier or later state.
 */
export function sideOrder(r: number): Side[] {
    return r % 2 === 1 ? ["plain", "hardened"] : ["hardened", "plain"];
}

// ---- the plain twin -------------------------------------------------------------------------

type Json = Record<string, any>;

function pick(o: Json, keys: readonly string[]): Json {
    return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** The Ray container (the first, as KubeRay reads it) with only what the sample's containers set. */
function plainContainer(template: Json | undefined, where: string): Json {
    const c = template?.spec?.containers?.[0];
    if (c === undefined) {
        throw new Error(`${where}.template.spec.containers: the RayCluster has no Ray container to copy the shape from`);
    }
    return pick(c, ["name", "image", "imagePullPolicy", "resources", "ports"]);
}

/**
 * The plain RayCluster of the same shape as HARDENED (a RayCluster as the API server returns
 * it), named as it is, in NAMESPACE. Sidecars, env, volumes, securityContexts, init containers,
 * labels, annotations, ServiceAccounts, `authOptions` and `upgradeStrategy` are left out; so
 * are the autoscaler's env and volumes (its TLS settings) while its resources stay.
 */
export function plainTwin(hardened: Json, namespace: string): Json {
    const spec: Json = hardened.spec ?? {};
    const name: string | undefined = hardened.metadata?.name;
    if (name === undefined || spec.headGroupSpec === undefined) {
        throw new Error("plainTwin: not a RayCluster (no metadata.name or spec.headGroupSpec)");
    }
    const autoscaling = spec.enableInTreeAutoscaling === true;
    return {
        apiVersion: "ray.io/v1",
        kind: "RayCluster",
        metadata: { name, namespace },
        spec: {
            ...pick(spec, ["rayVersion"]),
            ...(autoscaling
                ? {
                      enableInTreeAutoscaling: true,
                      autoscalerOptions: pick(spec.autoscalerOptions ?? {}, [
                          "upscalingMode",
                          "idleTimeoutSeconds",
                          "imagePullPolicy",
                          "resources",
                          "version",
                      ]),
                  }
                : {}),
            headGroupSpec: {
                rayStartParams: { ...(spec.headGroupSpec.rayStartParams ?? {}) },
                template: { spec: { containers: [plainContainer(spec.headGroupSpec.template, "spec.headGroupSpec")] } },
            },
            workerGroupSpecs: (spec.workerGroupSpecs ?? []).map((g: Json, i: number) => ({
                ...pick(g, ["groupName", "replicas", "minReplicas", "maxReplicas", "numOfHosts"]),
                rayStartParams: { ...(g.rayStartParams ?? {}) },
                template: { spec: { containers: [plainContainer(g.template, `spec.workerGroupSpecs[${i}]`)] } },
            })),
        },
    };
}

/** The pods a RayCluster SPEC runs once up, without any autoscaling: its head and every group's replicas. */
export function expectedPods(spec: Json): number {
    return (spec.workerGroupSpecs ?? []).reduce((n: number, g: Json) => {
        if (g.suspend === true) return n;
        const replicas = Math.min(Math.max(g.replicas ?? g.minReplicas ?? 0, g.minReplicas ?? 0), g.maxReplicas ?? Number.MAX_SAFE_INTEGER);
        return n + replicas * (g.numOfHosts ?? 1);
    }, 1);
}

/**
 * The object to create again from a RayCluster as the API server returned it: its spec, and
 * only the metadata a client sets (no uid, resourceVersion, status, managedFields, finalizers).
 */
/**
 * The deployed RayCluster as the hardening alone makes it: without GCS fault tolerance, an opt-in
 * with a start-up cost of its own (KubeRay adds its cleanup finalizer in a reconcile of its own
 * before any pod, and the GCS starts against the team's Redis over TLS), which the plain sample
 * does not have either. The e2e cluster opts in; its time to Ready with it is recorded apart.
 */
export function withoutGcsFaultTolerance(rc: Json): Json {
    const { gcsFaultToleranceOptions, ...spec } = rc.spec ?? {};
    return { ...rc, spec };
}

export function recreatable(rc: Json): Json {
    return {
        apiVersion: rc.apiVersion,
        kind: rc.kind,
        metadata: pick(rc.metadata ?? {}, ["name", "namespace", "labels", "annotations"]),
        spec: rc.spec,
    };
}

// ---- readiness, from `kubectl get pods -w` ---------------------------------------------------

/**
 * The jsonpath template the watcher gives `kubectl get pods -w`: one line per pod event, with
 * its name, Ray node type, deletion timestamp, condition types and their statuses, separated by
 * `|`. Not tabs: kubectl's watch output goes through a tabwriter that turns them into spaces.
 * Not `{range}`: kubectl's watch printer refuses it ("not in range, nothing to end"); the
 * types and statuses come as two space-separated lists, paired by position.
 */
export const POD_WATCH_TEMPLATE =
    "{.metadata.name}|{.metadata.labels.ray\\.io/node-type}|{.metadata.deletionTimestamp}|" +
    '{.status.conditions[*].type}|{.status.conditions[*].status}{"\\n"}';

export interface PodObservation {
    name: string;
    nodeType: string;
    deleting: boolean;
    /** condition type -> status is "True" */
    conditions: Record<string, boolean>;
}

/**
 * One line of POD_WATCH_TEMPLATE's output; undefined for a line that is not one (blank,
 * kubectl's notes); throws when the condition types and statuses do not pair up.
 */
export function parseWatchLine(line: string): PodObservation | undefined {
    const parts = line.replace(/\r?\n$/, "").split("|");
    if (parts.length !== 5 || parts[0].trim() === "") return undefined;
    const [name, nodeType, deletion, types, statuses] = parts.map((p) => p.trim());
    const words = (s: string) => s.split(/\s+/).filter((w) => w !== "");
    const t = words(types);
    const st = words(statuses);
    if (t.length !== st.length) {
        throw new Error(`pod watch line for ${name}: ${t.length} condition type(s) but ${st.length} status(es): ${line}`);
    }
    const conditions: Record<string, boolean> = Object.fromEntries(t.map((type, i) => [type, st[i] === "True"]));
    return { name, nodeType, deleting: deletion !== "", conditions };
}

/** The pod conditions whose first True the tracker times, in the order a pod reaches them. */
export const MILESTONES = ["PodScheduled", "Initialized", "ContainersReady", "Ready"] as const;
export type Milestone = (typeof MILESTONES)[number];

/** When (ms after the cluster's creation) the watcher first saw a pod, and first saw each milestone True. */
export interface PodTimeline {
    name: string;
    nodeType: string;
    seenMs: number;
    milestonesMs: Partial<Record<Milestone, number>>;
}

/**
 * Follows the pods of one RayCluster from its creation: done at the first moment EXPECTED pods
 * not being deleted are Ready at once.
 */
export class ReadinessTracker {
    private readonly pods = new Map<string, PodTimeline & { deleting: boolean; ready: boolean }>();
    /** ms after creation when every pod was first Ready at once */
    readyMs?: number;

    constructor(private readonly expected: number) {}

    /** Records OBS seen AT_MS after creation; true once every pod has been Ready at once. */
    observe(obs: PodObservation, atMs: number): boolean {
        let pod = this.pods.get(obs.name);
        if (pod === undefined) {
            pod = { name: obs.name, nodeType: obs.nodeType, seenMs: atMs, milestonesMs: {}, deleting: false, ready: false };
            this.pods.set(obs.name, pod);
        }
        pod.deleting = obs.deleting;
        pod.ready = obs.conditions.Ready === true;
        for (const m of MILESTONES) {
            if (obs.conditions[m] === true && pod.milestonesMs[m] === undefined) pod.milestonesMs[m] = atMs;
        }
        const ready = [...this.pods.values()].filter((p) => !p.deleting && p.ready).length;
        if (this.readyMs === undefined && ready >= this.expected) this.readyMs = atMs;
        return this.readyMs !== undefined;
    }

    timelines(): PodTimeline[] {
        return [...this.pods.values()].map(({ name, nodeType, seenMs, milestonesMs }) => ({
            name,
            nodeType,
            seenMs,
            milestonesMs: { ...milestonesMs },
        }));
    }

    /** What the pods looked like last, for a timeout's message. */
    state(): string {
        const pods = [...this.pods.values()].map(
            (p) => `${p.name} (${p.nodeType}${p.deleting ? ", deleting" : ""}): ${p.ready ? "Ready" : "not Ready"}`,
        );
        return `${pods.length} pod(s) seen, ${this.expected} expected Ready: ${pods.join("; ") || "none"}`;
    }
}

// ---- samples and their summary ---------------------------------------------------------------

/** One creation of one side, until every pod was Ready. */
export interface ReadyRound {
    round: number;
    side: Side;
    seconds: number;
    pods: PodTimeline[];
}

/** What e2e/cost_driver.py reports from one run in a head pod. */
export interface RayRound {
    round: number;
    side: Side;
    /** the head's Ray settings, as the driver found them: the comparison is void unless they differ as meant */
    tls: boolean;
    token: boolean;
    rayVersion: string;
    rttMs: number[];
    transferBytes: number;
    transferMs: number[];
    /** TLS 1.3 over a socket pair in the head, both ends in one process, against the same bytes in the clear */
    tlsProbe?: { bytes: number; tlsMs: number; plainMs: number; cipher: string };
}

/** One phase of the start-up: ms after creation when a pod of NODE_TYPE reached MILESTONE. */
interface Phase {
    nodeType: string;
    milestone: Milestone | "seen";
    label: string;
}

const PHASES: Phase[] = [
    { nodeType: "head", milestone: "PodScheduled", label: "head pod scheduled" },
    { nodeType: "head", milestone: "Initialized", label: "head pod initialized" },
    { nodeType: "head", milestone: "Ready", label: "head pod Ready (Ray up, probe passed)" },
    { nodeType: "worker", milestone: "seen", label: "worker pod created" },
    { nodeType: "worker", milestone: "Initialized", label: "worker initialized (wait-gcs-ready done)" },
    { nodeType: "worker", milestone: "Ready", label: "worker pod Ready" },
];

/** When the last pod of NODE_TYPE reached the phase's milestone in one round (undefined if none did). */
function phaseMs(pods: PodTimeline[], p: Phase): number | undefined {
    const times = pods
        .filter((t) => t.nodeType === p.nodeType)
        .map((t) => (p.milestone === "seen" ? t.seenMs : t.milestonesMs[p.milestone]));
    if (times.length === 0 || times.some((t) => t === undefined)) return undefined;
    return Math.max(...(times as number[]));
}

interface Compared {
    /** per round, paired by position */
    hardened: number[];
    plain: number[];
    median: { hardened: number; plain: number };
    pairedRatios: number[];
    medianPairedRatio: number;
    ratioOfMedians: number;
}

function compare(hardened: number[], plain: number[], digits = 3): Compared {
    const pr = pairedRatios(hardened, plain);
    return {
        hardened: hardened.map((v) => round(v, digits)),
        plain: plain.map((v) => round(v, digits)),
        median: { hardened: round(median(hardened), digits), plain: round(median(plain), digits) },
        pairedRatios: pr.map((r) => round(r, 3)),
        medianPairedRatio: round(median(pr), 3),
        ratioOfMedians: round(ratio(median(hardened), median(plain)), 3),
    };
}

/** The rounds measured on both sides, in order; throws when a side has a round twice or misses one. */
function pairs<T extends { round: number; side: Side }>(samples: T[], what: string): { round: number; hardened: T; plain: T }[] {
    const rounds = [...new Set(samples.map((s) => s.round))].sort((a, b) => a - b);
    if (rounds.length === 0) throw new Error(`${what}: no rounds were measured`);
    return rounds.map((r) => {
        const of = (side: Side) => {
            const found = samples.filter((s) => s.round === r && s.side === side);
            if (found.length !== 1)
                throw new Error(`${what}: round ${r} has ${found.length} ${side} sample(s), not 1: the sides must pair up`);
            return found[0];
        };
        return { round: r, hardened: of("hardened"), plain: of("plain") };
    });
}

export interface CostSummary {
    ready: Compared & {
        unit: "s";
        target: number;
        met: boolean;
        /** per phase of the start-up, ms after creation, per round */
        phases: ({ label: string } & Compared)[];
    };
    taskRoundTrip: Compared & { unit: "ms"; tasksPerRound: number };
    transfer: Compared & { unit: "ms"; bytes: number; throughputMiBps: { hardened: number; plain: number } };
    tlsProbe?: { bytes: number; medianTlsMs: number; medianPlainMs: number; cipher: string };
    rayVersion: string;
}

/**
 * Medians and paired ratios of the samples of both parts. Throws when the sides do not pair
 * up, or when the driver found the hardened side without TLS and token or the plain one with
 * either: then the comparison would measure nothing.
 */
export function summarize(ready: ReadyRound[], ray: RayRound[], readyBound = READY_TARGET): CostSummary {
    const rp = pairs(ready, "time to every pod Ready");
    const readyCmp = compare(
        rp.map((p) => p.hardened.seconds),
        rp.map((p) => p.plain.seconds),
    );
    const phases = PHASES.flatMap((ph) => {
        const h = rp.map((p) => phaseMs(p.hardened.pods, ph));
        const pl = rp.map((p) => phaseMs(p.plain.pods, ph));
        if ([...h, ...pl].some((v) => v === undefined)) return [];
        return [{ label: ph.label, ...compare(h as number[], pl as number[], 0) }];
    });
    const yp = pairs(ray, "Ray task and transfer");
    for (const { round: r, hardened, plain } of yp) {
        if (!hardened.tls || !hardened.token) {
            throw new Error(
                `round ${r}: the hardened head runs without ${hardened.tls ? "token authentication" : "TLS"}: nothing to compare`,
            );
        }
        if (plain.tls || plain.token)
            throw new Error(`round ${r}: the plain head runs with ${plain.tls ? "TLS" : "a token"}: it is no baseline`);
    }
    const medianOf = (side: Side, key: "rttMs" | "transferMs") => yp.map((p) => median(p[side][key]));
    const rtt = compare(medianOf("hardened", "rttMs"), medianOf("plain", "rttMs"));
    const transfer = compare(medianOf("hardened", "transferMs"), medianOf("plain", "transferMs"));
    const bytes = yp[0].hardened.transferBytes;
    const mibps = (msVal: number) => round(bytes / 2 ** 20 / (msVal / 1000), 1);
    const probes = ray.map((r) => r.tlsProbe).filter((p): p is NonNullable<RayRound["tlsProbe"]> => p !== undefined);
    return {
        ready: { unit: "s", ...readyCmp, target: readyBound, met: readyCmp.medianPairedRatio <= readyBound, phases },
        taskRoundTrip: { unit: "ms", tasksPerRound: yp[0].hardened.rttMs.length, ...rtt },
        transfer: {
            unit: "ms",
            bytes,
            ...transfer,
            throughputMiBps: { hardened: mibps(transfer.median.hardened), plain: mibps(transfer.median.plain) },
        },
        tlsProbe:
            probes.length === 0
                ? undefined
                : {
                      bytes: probes[0].bytes,
                      medianTlsMs: round(median(probes.map((p) => p.tlsMs))),
                      medianPlainMs: round(median(probes.map((p) => p.plainMs))),
                      cipher: probes[0].cipher,
                  },
        rayVersion: yp[0].hardened.rayVersion,
    };
}

const s = (v: number) => `${v.toFixed(1)} s`;

/** The summary as rows of the benchmarks' table (tools/bench/report.ts formatTable). */
export function costRows(c: CostSummary): Row[] {
    const b = "run-time cost";
    const n = c.ready.hardened.length;
    const rows: Row[] = [
        {
            bench: b,
            measure: `RayCluster created -> every pod Ready (median of ${n} rounds; ratio: median of paired ratios)`,
            value: s(c.ready.median.hardened),
            baseline: `plain ${s(c.ready.median.plain)}`,
            ratio: x(c.ready.medianPairedRatio),
            target: `<= ${c.ready.target}x`,
            pass: c.ready.met,
        },
        ...c.ready.phases.map((p) => ({
            bench: b,
            measure: `  ${p.label}, after creation`,
            value: s(p.median.hardened / 1000),
            baseline: `plain ${s(p.median.plain / 1000)}`,
            ratio: x(p.medianPairedRatio),
        })),
        {
            bench: b,
            measure: `small task head -> worker, round trip (median of ${c.taskRoundTrip.tasksPerRound} per round, ${n} rounds)`,
            value: ms(c.taskRoundTrip.median.hardened),
            baseline: `plain ${ms(c.taskRoundTrip.median.plain)}`,
            ratio: x(c.taskRoundTrip.medianPairedRatio),
        },
        {
            bench: b,
            measure: `task reading a ${c.transfer.bytes / 2 ** 20} MiB object put on the head (worker pulls it)`,
            value: `${ms(c.transfer.median.hardened)} (${c.transfer.throughputMiBps.hardened} MiB/s)`,
            baseline: `plain ${ms(c.transfer.median.plain)} (${c.transfer.throughputMiBps.plain} MiB/s)`,
            ratio: x(c.transfer.medianPairedRatio),
        },
    ];
    if (c.tlsProbe !== undefined) {
        rows.push({
            bench: b,
            measure: `  TLS alone: ${c.tlsProbe.bytes / 2 ** 20} MiB through ${c.tlsProbe.cipher}, both ends in one process (Python ssl)`,
            value: ms(c.tlsProbe.medianTlsMs),
            baseline: `clear ${ms(c.tlsProbe.medianPlainMs)}`,
            ratio: x(ratio(c.tlsProbe.medianTlsMs, c.tlsProbe.medianPlainMs)),
        });
    }
    return rows;
}
