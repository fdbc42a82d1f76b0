/**
 * Benchmark 1: what rendering team-a costs against the floor every Pulumi TypeScript program here
 * pays (loading the SDKs through ts-node). Child processes, interleaved render/floor/load-only so a
 * burst of load from elsewhere on the machine hits all three alike; medians, then ratios.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { issuePki } from "../../components/tls/pki";
import { median, ratio, round, runChild, timeAsync, timeSync, TS_NODE_BIN } from "./stats";
import { BenchResult, ms, x } from "./report";
import { pkiRequestsFor } from "../../components/tls/request";
import { keysIn, stackTeamConfig } from "./teams";

export const PROGRAM_COST_TARGET = 1.5;

/** Keys generated concurrently may take at most this share of the time the same keys take one after another. */
export const KEYGEN_CONCURRENCY_TARGET = 0.6;

export interface TeamPkiTimings {
    /** issuePki of every cluster at once (what a render and a `pulumi up` do), wall time per run. */
    samples: number[];
    /** The same number of RSA keys generated one after another on the main thread (the pre-async way). */
    sequentialKeygenSamples: number[];
    keys: number;
    /** The next `pulumi up` with unchanged requests: everything is kept, nothing is generated. */
    steadySamples: number[];
}

/** issuePki for each of team-a's clusters (one CA each), in this process: the RSA keygen share of the render. */
export async function teamPkiTimings(stack: string, runs: number): Promise<TeamPkiTimings> {
    const reqs = pkiRequestsFor(stackTeamConfig(stack));
    const keys = keysIn(reqs);
    const bits = reqs[0]?.keySize ?? 2048;
    const samples: number[] = [];
    const sequentialKeygenSamples: number[] = [];
    const steadySamples: number[] = [];
    // Interleaved, so that load from elsewhere hits both alike.
    for (let i = 0; i < runs; i++) {
        sequentialKeygenSamples.push(timeSync(() => Array.from({ length: keys }, () => crypto.generateKeyPairSync("rsa", { modulusLength: bits }))).ms);
        const first = await timeAsync(() => Promise.all(reqs.map((req) => issuePki(req))));
        samples.push(first.ms);
        steadySamples.push((await timeAsync(() => Promise.all(reqs.map((req, j) => issuePki(req, first.value[j]))))).ms);
    }
    return { samples, sequentialKeygenSamples, keys, steadySamples };
}

/** The keygen row: concurrent issuance of the team's PKIs against the same keys made one by one. */
export function keygenConcurrency(t: TeamPkiTimings): BenchResult {
    const concurrent = median(t.samples);
    const sequential = median(t.sequentialKeygenSamples);
    const r = ratio(concurrent, sequential);
    const pass = r <= KEYGEN_CONCURRENCY_TARGET;
    return {
        json: {
            rsaKeys: t.keys,
            medianMs: { concurrentIssue: round(concurrent), sequentialKeygen: round(sequential) },
            ratio: round(r, 3),
            target: { maxRatio: KEYGEN_CONCURRENCY_TARGET },
            pass,
        },
        rows: [
            {
                bench: "1 program cost",
                measure: `  issuePki of every cluster at once (${t.keys} RSA keys, async)`,
                value: ms(concurrent),
                baseline: `${t.keys} keys one by one ${ms(sequential)}`,
                ratio: x(r),
                target: `<= ${KEYGEN_CONCURRENCY_TARGET}x`,
                pass,
            },
        ],
    };
}

export function programCost(opts: { runs: number; stack: string; pki: TeamPkiTimings }): BenchResult {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-bench-"));
    const node = process.execPath;
    const variants = {
        render: [TS_NODE_BIN, "scripts/render.ts", "--stack", opts.stack, "--out", path.join(out, "render")],
        floor: [TS_NODE_BIN, "scripts/bench/floor.ts"],
        loadOnly: [TS_NODE_BIN, "scripts/bench/loadOnly.ts"],
    };
    const samples: Record<keyof typeof variants, number[]> = { render: [], floor: [], loadOnly: [] };
    try {
        // One unmeasured round fills the page cache, so run 1 is not a cold-disk outlier.
        for (const args of Object.values(variants)) runChild(node, args);
        for (let i = 0; i < opts.runs; i++) {
            for (const [name, args] of Object.entries(variants) as [keyof typeof variants, string[]][]) {
                samples[name].push(runChild(node, args).ms);
            }
        }
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
    const render = median(samples.render);
    const floor = median(samples.floor);
    const loadOnly = median(samples.loadOnly);
    const pki = median(opts.pki.samples);
    const r = ratio(render, floor);
    const pass = r <= PROGRAM_COST_TARGET;
    const share = pki / render;
    const json = {
        stack: opts.stack,
        runs: opts.runs,
        medianMs: { render: round(render), floor: round(floor), loadOnly: round(loadOnly) },
        samplesMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((s) => round(s))])),
        ratio: round(r, 3),
        target: { maxRatio: PROGRAM_COST_TARGET },
        pass,
        breakdownMs: {
            floor: round(floor),
            loadingOurModules: round(loadOnly - floor),
            runningTheProgram: round(render - loadOnly),
            ofWhichPki: round(pki),
            rest: round(render - loadOnly - pki),
        },
        pki: { rsaKeys: opts.pki.keys, medianMs: round(pki), shareOfRender: round(share, 3), samplesMs: opts.pki.samples.map((s) => round(s)) },
        ratioWithoutPki: round(ratio(render - pki, floor), 3),
    };
    const b = "1 program cost";
    return {
        json,
        rows: [
            { bench: b, measure: `render ${opts.stack} (child process)`, value: ms(render), baseline: `floor ${ms(floor)}`, ratio: x(r), target: `<= ${PROGRAM_COST_TARGET}x`, pass },
            { bench: b, measure: "  load our modules, run nothing", value: ms(loadOnly), baseline: `floor ${ms(floor)}`, ratio: x(ratio(loadOnly, floor)) },
            { bench: b, measure: `  of the render: issuePki (${opts.pki.keys} RSA keys)`, value: ms(pki), ratio: `${(share * 100).toFixed(0)}% of render` },
            { bench: b, measure: "  render less issuePki", value: ms(render - pki), baseline: `floor ${ms(floor)}`, ratio: x(ratio(render - pki, floor)) },
        ],
    };
}
