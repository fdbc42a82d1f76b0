/**
 * `npm run bench [-- options]`: the performance numbers of docs/performance.md, measured side by
 * side in one run on this machine, printed as a table and written to bench/results.json.
 * Every figure is a median; every comparison is a ratio against a baseline from the same run,
 * because absolute timings on a shared 2-core machine say little. Targets are information only.
 *
 *   --runs N        program-cost runs of each variant (default 7)
 *   --pki-runs N    issuePki runs per CIDR size, and for team-a's request (default 9)
 *   --teams 1,10,50 scale sizes (default 1,10,50)
 *   --pods N        pods for the seed's init-container comparison (default 100)
 *   --preview-runs N  pulumi previews of each program (default 3)
 *   --only LIST     some of program,scale,pki,pods,preview (default all)
 *   --out FILE      default bench/results.json
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { performance } from "perf_hooks";
import { median, machineInfo, ROOT, round } from "./stats";
import { BenchResult, formatTable, Row } from "./report";
import { keygenConcurrency, programCost, teamPkiTimings } from "./programCost";
import { scale } from "./scale";
import { pki } from "./pki";
import { podStartup } from "./podStartup";
import { preview } from "./preview";

const BENCHES = ["program", "scale", "pki", "pods", "preview"] as const;
type Bench = (typeof BENCHES)[number];
const STACK = "team-a";

function positiveInt(name: string, value: string | undefined, fallback: number): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
    return n;
}

function parseOptions() {
    const { values } = parseArgs({
        options: {
            runs: { type: "string" },
            "pki-runs": { type: "string" },
            teams: { type: "string" },
            pods: { type: "string" },
            "preview-runs": { type: "string" },
            only: { type: "string" },
            out: { type: "string" },
        },
        strict: true,
    });
    const teams = (values.teams ?? "1,10,50").split(",").map((t) => positiveInt("teams", t.trim(), 0));
    if (teams.some((t) => t > 250)) throw new Error("--teams: at most 250 teams (one /24 each under 10.0.0.0/8)");
    const only = (values.only ?? BENCHES.join(",")).split(",").map((s) => s.trim());
    const unknown = only.filter((s) => !(BENCHES as readonly string[]).includes(s));
    if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(", ")} (choose from ${BENCHES.join(", ")})`);
    return {
        runs: positiveInt("runs", values.runs, 7),
        pkiRuns: positiveInt("pki-runs", values["pki-runs"], 9),
        teams,
        pods: positiveInt("pods", values.pods, 100),
        previewRuns: positiveInt("preview-runs", values["preview-runs"], 3),
        only: new Set(only as Bench[]),
        out: path.resolve(values.out ?? path.join(ROOT, "bench", "results.json")),
    };
}

async function main(): Promise<void> {
    const opts = parseOptions();
    const started = performance.now();
    const machine = machineInfo();
    const loadBefore = os.loadavg().map((l) => round(l));
    process.stderr.write(
        `bench on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}; load ${loadBefore.join(" ")}\n`,
    );

    const results: Partial<Record<Bench, BenchResult>> = {};
    const step = async (name: Bench, fn: () => BenchResult | Promise<BenchResult>) => {
        if (!opts.only.has(name)) return;
        const t0 = performance.now();
        process.stderr.write(`running ${name} ...`);
        results[name] = await fn();
        process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    };
    // team-a's own issuePki is both the render's keygen share and the deploy-time cost of our TLS.
    const teamPki = opts.only.has("program") || opts.only.has("pods") ? await teamPkiTimings(STACK, opts.pkiRuns) : undefined;
    await step("program", () => {
        const cost = programCost({ runs: opts.runs, stack: STACK, pki: teamPki! });
        const keygen = keygenConcurrency(teamPki!);
        return { json: { ...cost.json, keygen: keygen.json }, rows: [...cost.rows, ...keygen.rows] };
    });
    await step("scale", () => scale({ sizes: opts.teams }));
    await step("pki", () => pki({ runs: opts.pkiRuns }));
    await step("pods", () =>
        podStartup({
            pods: opts.pods,
            stack: STACK,
            deploy: { issueMs: median(teamPki!.samples), rsaKeys: teamPki!.keys, steadyStateMs: median(teamPki!.steadySamples) },
        }),
    );
    await step("preview", () => preview({ runs: opts.previewRuns, stack: STACK }));

    const rows: Row[] = BENCHES.flatMap((b) => results[b]?.rows ?? []);
    const report = {
        generatedAt: new Date().toISOString(),
        machine,
        loadAverage: { before: loadBefore, after: os.loadavg().map((l) => round(l)) },
        options: {
            runs: opts.runs,
            pkiRuns: opts.pkiRuns,
            teams: opts.teams,
            pods: opts.pods,
            previewRuns: opts.previewRuns,
            only: [...opts.only],
        },
        durationS: round((performance.now() - started) / 1000, 1),
        benchmarks: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.json])),
        table: rows,
    };
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${formatTable(rows)}\n\n`);
    process.stdout.write(
        `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.openssl}; ` +
            `load average ${report.loadAverage.before.join(" ")} -> ${report.loadAverage.after.join(" ")}; ${report.durationS} s\n`,
    );
    if (Math.max(...loadBefore.slice(0, 1), ...report.loadAverage.after.slice(0, 1)) > machine.cores) {
        process.stdout.write(
            `note: the load average exceeded ${machine.cores} (other work on the machine): absolute times are inflated; the interleaved ratios less so\n`,
        );
    }
    process.stdout.write(`wrote ${path.relative(process.cwd(), opts.out) || opts.out}\n`);
}

main().catch((e: Error) => {
    process.stderr.write(`\nbench failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
});
