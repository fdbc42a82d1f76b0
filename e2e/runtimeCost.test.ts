/**
 * The node step's run-time cost measurement (e2e/runtimeCost.ts): the plain twin has the e2e
 * RayCluster's shape and none of its hardening, readiness is timed from the pods' watch lines,
 * and the summary pairs rounds and refuses samples that compare nothing. No timings here.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { manifests, runRender } from "../test/helpers/render";
import { formatTable } from "../tools/bench/report";
import {
    costRows,
    expectedPods,
    parseWatchLine,
    plainTwin,
    POD_WATCH_TEMPLATE,
    RayRound,
    ReadinessTracker,
    ReadyRound,
    recreatable,
    sideOrder,
    withoutGcsFaultTolerance,
    summarize,
} from "./runtimeCost";

const E2E = path.join(__dirname);

describe("run-time cost: the plain twin of the e2e RayCluster", function () {
    this.timeout(240_000);
    let hardened: Record<string, any>;

    before(() => {
        // the RayCluster the node step deploys, as the package renders it
        const r = runRender([
            "--stack",
            "e2e",
            "--stacks-dir",
            path.join(E2E, "stacks"),
            "--policy-pack-config",
            path.join(E2E, "policy-pack-config.json"),
        ]);
        assert.equal(r.status, 0, r.stderr);
        hardened = manifests(r.out).find((o) => o.kind === "RayCluster" && o.metadata.name === "e2e")!;
        assert.ok(hardened, "the e2e stack renders RayCluster e2e");
    });

    it("has the same image, resources, start parameters, replicas and autoscaler sizes", () => {
        const twin = plainTwin(hardened, "e2e-plain");
        const h = hardened.spec;
        const p = twin.spec;
        assert.deepEqual(twin.metadata, { name: "e2e", namespace: "e2e-plain" });
        assert.equal(p.rayVersion, h.rayVersion);
        const ray = (template: any) => template.spec.containers[0];
        for (const [ours, theirs] of [
            [h.headGroupSpec, p.headGroupSpec],
            ...h.workerGroupSpecs.map((g: any, i: number) => [g, p.workerGroupSpecs[i]]),
        ]) {
            assert.equal(ray(theirs.template).image, ray(ours.template).image);
            assert.equal(ray(theirs.template).name, ray(ours.template).name);
            assert.deepEqual(ray(theirs.template).resources, ray(ours.template).resources);
            assert.deepEqual(theirs.rayStartParams, ours.rayStartParams);
        }
        assert.deepEqual(
            p.workerGroupSpecs.map((g: any) => [g.groupName, g.replicas, g.minReplicas, g.maxReplicas]),
            h.workerGroupSpecs.map((g: any) => [g.groupName, g.replicas, g.minReplicas, g.maxReplicas]),
        );
        assert.equal(p.enableInTreeAutoscaling, true);
        assert.deepEqual(p.autoscalerOptions.resources, h.autoscalerOptions.resources);
        assert.equal(p.autoscalerOptions.idleTimeoutSeconds, h.autoscalerOptions.idleTimeoutSeconds);
        assert.equal(expectedPods(p), expectedPods(h));
        assert.equal(expectedPods(h), 2, "e2e runs a head and one worker");
    });

    it("carries none of the hardening: no TLS, token, securityContext, volumes, ServiceAccount or labels", () => {
        // the hardened object has each of these, so the check below would see them if they were copied
        const hardening = [
            "RAY_USE_TLS",
            "authOptions",
            "securityContext",
            "volumes",
            "volumeMounts",
            "serviceAccountName",
            "automountServiceAccountToken",
            "ray-on-ack.io/",
        ];
        const hardenedText = JSON.stringify(hardened);
        for (const s of hardening) assert.ok(hardenedText.includes(s), `the rendered RayCluster has ${s}`);
        const text = JSON.stringify(plainTwin(hardened, "e2e-plain"));
        for (const s of [...hardening, "RAY_", "env", "initContainers", "upgradeStrategy", "workingDir"]) {
            assert.ok(!text.includes(`"${s}`), `the plain twin has ${s}: ${text}`);
        }
    });

    it("copies a cluster without autoscaling without autoscaler options, and refuses an object with no Ray container", () => {
        const noAutoscaling = { ...hardened, spec: { ...hardened.spec, enableInTreeAutoscaling: false } };
        assert.equal(plainTwin(noAutoscaling, "x").spec.autoscalerOptions, undefined);
        const noContainer = { ...hardened, spec: { ...hardened.spec, headGroupSpec: { template: { spec: { containers: [] } } } } };
        assert.throws(
            () => plainTwin(noContainer, "x"),
            /spec\.headGroupSpec\.template\.spec\.containers: the RayCluster has no Ray container/,
        );
        assert.throws(() => plainTwin({ kind: "Pod", metadata: { name: "p" }, spec: {} }, "x"), /not a RayCluster/);
    });
});

describe("run-time cost: helpers", () => {
    it("compares the hardening without the GCS fault tolerance opt-in, and leaves the deployed object as it is", () => {
        const deployed = {
            apiVersion: "ray.io/v1",
            kind: "RayCluster",
            metadata: { name: "e2e", namespace: "ray-e2e" },
            spec: {
                rayVersion: "2.60.0",
                gcsFaultToleranceOptions: { redisAddress: "rediss://10.254.0.10:6380" },
                headGroupSpec: { x: 1 },
            },
        };
        const measured = withoutGcsFaultTolerance(deployed);
        assert.deepEqual(measured.spec, { rayVersion: "2.60.0", headGroupSpec: { x: 1 } });
        assert.deepEqual(measured.metadata, deployed.metadata);
        assert.ok(deployed.spec.gcsFaultToleranceOptions, "the deployed object keeps its GCS fault tolerance for the restore");
    });

    it("creates the deployed RayCluster again from its spec and client metadata only", () => {
        const live = {
            apiVersion: "ray.io/v1",
            kind: "RayCluster",
            metadata: {
                name: "e2e",
                namespace: "ray-e2e",
                uid: "u",
                resourceVersion: "7",
                creationTimestamp: "t",
                managedFields: [{}],
                labels: { a: "b" },
                finalizers: ["f"],
            },
            spec: { headGroupSpec: {} },
            status: { state: "ready" },
        };
        assert.deepEqual(recreatable(live), {
            apiVersion: "ray.io/v1",
            kind: "RayCluster",
            metadata: { name: "e2e", namespace: "ray-e2e", labels: { a: "b" } },
            spec: { headGroupSpec: {} },
        });
    });

    it("counts the pods a spec runs: the head and every group's replicas within its bounds, times its hosts", () => {
        assert.equal(expectedPods({ workerGroupSpecs: [] }), 1);
        assert.equal(expectedPods({ workerGroupSpecs: [{ replicas: 2 }, { replicas: 1, numOfHosts: 2 }] }), 5);
        assert.equal(
            expectedPods({ workerGroupSpecs: [{ minReplicas: 1 }, { replicas: 0, minReplicas: 2 }, { replicas: 9, maxReplicas: 3 }] }),
            7,
        );
        assert.equal(expectedPods({ workerGroupSpecs: [{ replicas: 2, suspend: true }] }), 1);
    });

    it("alternates which side goes first (ABBA)", () => {
        assert.deepEqual([1, 2, 3].map(sideOrder), [
            ["plain", "hardened"],
            ["hardened", "plain"],
            ["plain", "hardened"],
        ]);
    });

    it("reads the watch template's lines: name, node type, deletion, conditions paired by position", () => {
        // kubectl's watch printer refuses {range} ("not in range, nothing to end") and its
        // tabwriter turns tabs into spaces: the template uses neither, and prints five fields
        assert.doesNotMatch(POD_WATCH_TEMPLATE, /\{range|\\t/);
        assert.equal(POD_WATCH_TEMPLATE.split("}|{").length, 5);
        // a line as kubectl printed it for a head pod of the e2e cluster
        assert.deepEqual(
            parseWatchLine(
                "e2e-head-q5mch|head||PodReadyToStartContainers Initialized Ready ContainersReady PodScheduled|True True False False True\n",
            ),
            {
                name: "e2e-head-q5mch",
                nodeType: "head",
                deleting: false,
                conditions: {
                    PodReadyToStartContainers: true,
                    Initialized: true,
                    Ready: false,
                    ContainersReady: false,
                    PodScheduled: true,
                },
            },
        );
        assert.deepEqual(parseWatchLine("e2e-cpu-worker-x|worker|2026-12-07T10:00:00Z||"), {
            name: "e2e-cpu-worker-x",
            nodeType: "worker",
            deleting: true,
            conditions: {},
        });
        assert.equal(parseWatchLine("No resources found in ray-e2e namespace."), undefined);
        assert.equal(parseWatchLine(""), undefined);
        assert.throws(
            () => parseWatchLine("p|head||Ready PodScheduled|True"),
            /pod watch line for p: 2 condition type\(s\) but 1 status\(es\)/,
        );
    });

    it("times the first moment every expected pod is Ready at once, and each pod's milestones when first seen", () => {
        const t = new ReadinessTracker(2);
        // CONDS as "Type=Status ...", printed as the template does: the types, then the statuses
        const obs = (name: string, nodeType: string, conds: string, deleting = false) => {
            const pairs = conds.split(" ").map((c) => c.split("="));
            const line = `${name}|${nodeType}|${deleting ? "x" : ""}|${pairs.map((p) => p[0]).join(" ")}|${pairs.map((p) => p[1]).join(" ")}`;
            return parseWatchLine(line)!;
        };
        assert.equal(t.observe(obs("old-worker", "worker", "Ready=True", true), 0), false, "a pod being deleted does not count");
        assert.equal(t.observe(obs("h", "head", "PodScheduled=True"), 100), false);
        assert.equal(t.observe(obs("h", "head", "PodScheduled=True Initialized=True Ready=True ContainersReady=True"), 900), false);
        assert.equal(t.observe(obs("w", "worker", "PodScheduled=False"), 1000), false);
        assert.equal(t.observe(obs("w", "worker", "PodScheduled=True Initialized=True"), 5000), false);
        assert.equal(t.observe(obs("h", "head", "PodScheduled=True Initialized=True Ready=False"), 5500), false, "the head went unready");
        assert.equal(t.observe(obs("w", "worker", "PodScheduled=True Initialized=True Ready=True ContainersReady=True"), 8000), false);
        assert.equal(t.readyMs, undefined);
        assert.match(
            t.state(),
            /3 pod\(s\) seen, 2 expected Ready: old-worker \(worker, deleting\): Ready; h \(head\): not Ready; w \(worker\): Ready/,
        );
        assert.equal(t.observe(obs("h", "head", "PodScheduled=True Initialized=True Ready=True"), 9000), true);
        assert.equal(t.readyMs, 9000);
        assert.equal(t.observe(obs("w", "worker", "Ready=False"), 9500), true, "done stays done");
        const h = t.timelines().find((p) => p.name === "h")!;
        assert.deepEqual(h, {
            name: "h",
            nodeType: "head",
            seenMs: 100,
            milestonesMs: { PodScheduled: 100, Initialized: 900, Ready: 900, ContainersReady: 900 },
        });
        const w = t.timelines().find((p) => p.name === "w")!;
        assert.deepEqual(w.milestonesMs, { PodScheduled: 5000, Initialized: 5000, Ready: 8000, ContainersReady: 8000 });
        assert.equal(w.seenMs, 1000);
    });
});

describe("run-time cost: the summary", () => {
    const pods = (scale: number) => [
        { name: "h", nodeType: "head", seenMs: 200, milestonesMs: { PodScheduled: 300, Initialized: 1000, Ready: 15000 * scale } },
        {
            name: "w",
            nodeType: "worker",
            seenMs: 400,
            milestonesMs: { PodScheduled: 500, Initialized: 12000 * scale, Ready: 20000 * scale },
        },
    ];
    const ready = (h: number[], p: number[]): ReadyRound[] =>
        h.flatMap((v, i) => [
            { round: i + 1, side: "hardened" as const, seconds: v, pods: pods(v / p[i]) },
            { round: i + 1, side: "plain" as const, seconds: p[i], pods: pods(1) },
        ]);
    const rayRound = (
        round: number,
        side: "hardened" | "plain",
        rtt: number,
        transfer: number,
        extra: Partial<RayRound> = {},
    ): RayRound => ({
        round,
        side,
        tls: side === "hardened",
        token: side === "hardened",
        rayVersion: "2.60.0",
        rttMs: [rtt, rtt + 1, rtt - 1],
        transferBytes: 100 << 20,
        transferMs: [transfer, transfer * 2, transfer],
        ...extra,
    });
    const ray = [
        rayRound(1, "hardened", 4, 1000, { tlsProbe: { bytes: 100 << 20, tlsMs: 300, plainMs: 100, cipher: "TLS_AES_256_GCM_SHA384" } }),
        rayRound(1, "plain", 2, 500),
        rayRound(2, "plain", 3, 400),
        rayRound(2, "hardened", 6, 1000, { tlsProbe: { bytes: 100 << 20, tlsMs: 500, plainMs: 100, cipher: "TLS_AES_256_GCM_SHA384" } }),
        rayRound(3, "hardened", 5, 800, { tlsProbe: { bytes: 100 << 20, tlsMs: 400, plainMs: 100, cipher: "TLS_AES_256_GCM_SHA384" } }),
        rayRound(3, "plain", 2.5, 400),
    ];

    it("gives medians, the paired ratios of each round, their median, and whether the 1.15x target is met", () => {
        const c = summarize(ready([33, 30, 44], [30, 30, 40]), ray);
        assert.deepEqual(c.ready.hardened, [33, 30, 44]);
        assert.deepEqual(c.ready.median, { hardened: 33, plain: 30 });
        assert.deepEqual(c.ready.pairedRatios, [1.1, 1, 1.1]);
        assert.equal(c.ready.medianPairedRatio, 1.1);
        assert.equal(c.ready.ratioOfMedians, 1.1);
        assert.equal(c.ready.target, 1.15);
        assert.equal(c.ready.met, true);
        assert.equal(summarize(ready([36, 36, 36], [30, 30, 30]), ray).ready.met, false);
        // the bound the node step is given (E2E_COST_READY_BOUND, to show the step failing)
        const strict = summarize(ready([33, 30, 44], [30, 30, 40]), ray, 1.05);
        assert.equal(strict.ready.target, 1.05);
        assert.equal(strict.ready.met, false);
        // each round's median of its samples, then paired by round
        assert.deepEqual(c.taskRoundTrip.hardened, [4, 6, 5]);
        assert.deepEqual(c.taskRoundTrip.plain, [2, 3, 2.5]);
        assert.deepEqual(c.taskRoundTrip.pairedRatios, [2, 2, 2]);
        assert.equal(c.taskRoundTrip.tasksPerRound, 3);
        assert.deepEqual(c.transfer.median, { hardened: 1000, plain: 400 });
        assert.deepEqual(c.transfer.pairedRatios, [2, 2.5, 2]);
        assert.equal(c.transfer.medianPairedRatio, 2);
        assert.deepEqual(c.transfer.throughputMiBps, { hardened: 100, plain: 250 });
        assert.deepEqual(c.tlsProbe, { bytes: 100 << 20, medianTlsMs: 400, medianPlainMs: 100, cipher: "TLS_AES_256_GCM_SHA384" });
        assert.equal(c.rayVersion, "2.60.0");
    });

    it("breaks the start-up into phases: the last pod of each type to reach each milestone", () => {
        const c = summarize(ready([33, 30, 44], [30, 30, 40]), ray);
        const phase = (label: string) => c.ready.phases.find((p) => p.label.startsWith(label))!;
        assert.deepEqual(phase("head pod Ready").median, { hardened: 16500, plain: 15000 });
        assert.deepEqual(phase("worker initialized").pairedRatios, [1.1, 1, 1.1]);
        assert.deepEqual(phase("worker pod created").median, { hardened: 400, plain: 400 });
    });

    it("refuses samples that do not pair up, and sides that are not what they claim", () => {
        assert.throws(() => summarize(ready([33], [30]).slice(0, 1), ray), /round 1 has 0 plain sample\(s\), not 1/);
        assert.throws(() => summarize([], ray), /no rounds were measured/);
        const noTls = ray.map((r) => (r.side === "hardened" && r.round === 2 ? { ...r, tls: false } : r));
        assert.throws(() => summarize(ready([33, 30, 44], [30, 30, 40]), noTls), /round 2: the hardened head runs without TLS/);
        const plainToken = ray.map((r) => (r.side === "plain" && r.round === 3 ? { ...r, token: true } : r));
        assert.throws(() => summarize(ready([33, 30, 44], [30, 30, 40]), plainToken), /round 3: the plain head runs with a token/);
    });

    it("tables the comparison with the target stated, as the docs quote it", () => {
        const rows = costRows(summarize(ready([33, 30, 44], [30, 30, 40]), ray));
        assert.deepEqual(
            { ...rows[0], measure: rows[0].measure.slice(0, 37) },
            {
                bench: "run-time cost",
                measure: "RayCluster created -> every pod Ready",
                value: "33.0 s",
                baseline: "plain 30.0 s",
                ratio: "1.10x",
                target: "<= 1.15x",
                pass: true,
            },
        );
        const rtt = rows.find((r) => r.measure.startsWith("small task"))!;
        assert.equal(rtt.ratio, "2.00x");
        const transfer = rows.find((r) => r.measure.startsWith("task reading a 100 MiB object"))!;
        assert.equal(transfer.value, "1000 ms (100 MiB/s)");
        assert.equal(rows.at(-1)!.ratio, "4.00x");
    });
});

describe("run-time cost: the results the docs quote", () => {
    const ROOT = path.join(__dirname, "..");
    const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
    let results: any;
    // written by the node step (E2E_COST_OUT), committed with the docs that quote it
    before(() => (results = JSON.parse(read("e2e/results/runtime-cost.json"))));

    it("are the summary and table of their own samples, with the machine's load", () => {
        const { ready, ray } = results.samples;
        assert.deepEqual(summarize(ready, ray, results.settings.readyBound), results.summary);
        assert.equal(formatTable(costRows(results.summary)), results.table);
        assert.equal(results.summary.ready.hardened.length, results.settings.rounds);
        for (const r of ray as RayRound[]) assert.equal(r.rttMs.length, results.settings.tasksPerRound);
        assert.equal(results.machine.loadAverageBefore.length, 3);
        assert.equal(results.machine.loadAverageAfter.length, 3);
    });

    it("are quoted in docs/performance.md (the table) and the README (the ratios and the load)", () => {
        assert.ok(read("docs/performance.md").includes(results.table), "docs/performance.md has the results' table verbatim");
        const readme = read("README.md");
        const c = results.summary;
        for (const ratio of [c.ready.medianPairedRatio, c.taskRoundTrip.medianPairedRatio, c.transfer.medianPairedRatio]) {
            assert.ok(readme.includes(`${ratio.toFixed(2)}x`), `README quotes ${ratio.toFixed(2)}x`);
        }
        const load = results.machine.loadAverageBefore[0].toFixed(1);
        assert.ok(readme.includes(`load ${load}`), `README quotes the 1-minute load average before the run, load ${load}`);
        assert.ok(readme.includes(results.measuredAt.slice(0, 10)), "README says when it was measured");
    });
});
