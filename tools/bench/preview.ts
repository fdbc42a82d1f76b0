/**
 * Benchmark 5: a real `pulumi preview` of a team stack against a one-namespace program's preview,
 * both through the e2e harness's CLI, Node.js language host and Kubernetes provider, against a
 * throw-away loopback control plane (e2e/control-plane.sh, free ports). The team program
 * runs as Pulumi.yaml says (program/main.js, compiled JS from bin/); the baseline is a plain JS
 * program that creates one Namespace, the least a Pulumi Kubernetes program costs here.
 * Without the harness's tools (e2e/build-tools.sh) it reports "not measured" and why.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { median, ratio, round, ROOT, runChild } from "./stats";
import { BenchResult, ms, x } from "./report";

export const PREVIEW_TARGET = 1.3;

const E2E_BIN = path.join(process.env.RAY_ON_ACK_E2E_CACHE ?? path.join(os.homedir(), ".cache", "ray-on-ack-e2e"), "bin");
const TOOLS = [
    "pulumi",
    "pulumi-language-nodejs",
    "pulumi-resource-kubernetes",
    "pulumi-resource-pulumi-nodejs",
    "etcd",
    "kube-apiserver",
    "kubectl",
];

const FLOOR_PROGRAM = `// The baseline of the preview benchmark: one Namespace, plain JS (no compiler).
const k8s = require("@pulumi/kubernetes");
new k8s.core.v1.Namespace("floor", { metadata: { name: "bench-floor" } });
`;

function notMeasured(why: string, stack: string): BenchResult {
    return {
        json: { measured: false, reason: why, target: { maxRatio: PREVIEW_TARGET } },
        rows: [
            {
                bench: "5 pulumi preview",
                measure: `pulumi preview ${stack} / one-namespace program`,
                value: `not measured: ${why}`,
                target: `<= ${PREVIEW_TARGET}x`,
            },
        ],
    };
}

/** `+ 44 to create` and the like, from a preview's summary. */
export function createdCount(previewOutput: string): number | undefined {
    const m = /\+ (\d+) to create/.exec(previewOutput);
    return m ? Number(m[1]) : undefined;
}

export function preview(opts: { runs: number; stack: string }): BenchResult {
    const missing = TOOLS.filter((t) => !fs.existsSync(path.join(E2E_BIN, t)));
    if (missing.length > 0) {
        return notMeasured(`the e2e harness's ${missing.join(", ")} not in ${E2E_BIN} (bash e2e/build-tools.sh)`, opts.stack);
    }
    // The team program must be current before it is copied: the copy's bin/ is then fresh too.
    (require(path.join(ROOT, "program", "compiled.js")) as { ensureBuilt(): void }).ensureBuilt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-bench-preview-"));
    const cp = path.join(dir, "control-plane");
    const bash = (args: string[]) => spawnSync("bash", args, { cwd: ROOT, encoding: "utf8", timeout: 600_000 });
    try {
        const started = bash([path.join(ROOT, "e2e", "control-plane.sh"), "start", cp]);
        if (started.status !== 0) {
            return notMeasured(
                `the loopback control plane did not start: ${(started.stdout + started.stderr).trim().split("\n").slice(-3).join(" / ")}`,
                opts.stack,
            );
        }
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PATH: `${E2E_BIN}:${process.env.PATH ?? ""}`,
            KUBECONFIG: path.join(cp, "admin.kubeconfig"),
            PULUMI_HOME: path.join(dir, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${path.join(dir, "pulumi-state")}`,
            PULUMI_CONFIG_PASSPHRASE: "bench-not-a-secret",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
        };
        fs.mkdirSync(path.join(dir, "pulumi-state"), { recursive: true });
        // Terway's PodNetworking CRD comes with ACK; the loopback API server gets the harness's stand-in.
        runChild("kubectl", ["apply", "-f", path.join(ROOT, "e2e", "fixtures", "podnetworking-crd.yaml")], { env });
        // The team project: this repository as the harness deploys it (a copy, node_modules linked).
        const team = path.join(dir, "team");
        fs.mkdirSync(team);
        const tar = spawnSync(
            "bash",
            ["-c", `tar --exclude=./node_modules --exclude=./.git --exclude=./out -cf - . | (cd '${team}' && tar -xf -)`],
            { cwd: ROOT },
        );
        if (tar.status !== 0) throw new Error(`copying the repository failed: ${tar.stderr}`);
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(team, "node_modules"));
        const floor = path.join(dir, "floor");
        fs.mkdirSync(floor);
        fs.writeFileSync(
            path.join(floor, "Pulumi.yaml"),
            "name: ray-on-ack-bench-floor\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
        );
        fs.writeFileSync(path.join(floor, "index.js"), FLOOR_PROGRAM);
        fs.writeFileSync(path.join(floor, "package.json"), '{ "name": "ray-on-ack-bench-floor", "private": true }\n');
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(floor, "node_modules"));

        const pulumi = (cwd: string, args: string[]) => runChild("pulumi", ["--non-interactive", ...args], { cwd, env });
        pulumi(team, ["login", env.PULUMI_BACKEND_URL!]);
        pulumi(team, ["stack", "init", opts.stack]);
        pulumi(floor, ["stack", "init", "floor"]);
        const variants = {
            team: () => pulumi(team, ["preview", "--stack", opts.stack]),
            floor: () => pulumi(floor, ["preview", "--stack", "floor"]),
        };
        // One unmeasured round: plugin discovery and the page cache, as a user's second preview.
        const created = { team: createdCount(variants.team().stdout), floor: createdCount(variants.floor().stdout) };
        const wall: Record<keyof typeof variants, number[]> = { team: [], floor: [] };
        const cpu: Record<keyof typeof variants, number[]> = { team: [], floor: [] };
        for (let i = 0; i < opts.runs; i++) {
            for (const [name, run] of Object.entries(variants) as [keyof typeof variants, () => ReturnType<typeof runChild>][]) {
                const r = run();
                wall[name].push(r.ms);
                if (r.cpuMs !== undefined) cpu[name].push(r.cpuMs);
            }
        }
        const t = median(wall.team);
        const f = median(wall.floor);
        const r = ratio(t, f);
        const cpuRatio = cpu.team.length > 0 ? ratio(median(cpu.team), median(cpu.floor)) : Number.NaN;
        const pass = r <= PREVIEW_TARGET;
        const b = "5 pulumi preview";
        return {
            json: {
                measured: true,
                stack: opts.stack,
                runs: opts.runs,
                resourcesToCreate: created,
                medianMs: { team: round(t), floor: round(f) },
                medianCpuMs: cpu.team.length > 0 ? { team: round(median(cpu.team)), floor: round(median(cpu.floor)) } : undefined,
                samplesMs: { team: wall.team.map((s) => round(s)), floor: wall.floor.map((s) => round(s)) },
                ratio: round(r, 3),
                cpuRatio: round(cpuRatio, 3),
                target: { maxRatio: PREVIEW_TARGET },
                pass,
            },
            rows: [
                {
                    bench: b,
                    measure: `pulumi preview ${opts.stack} (${created.team ?? "?"} resources), loopback API server`,
                    value: ms(t),
                    baseline: `one-namespace program ${ms(f)}`,
                    ratio: x(r),
                    target: `<= ${PREVIEW_TARGET}x`,
                    pass,
                },
                {
                    bench: b,
                    measure: "  the same in CPU time (CLI, language host, program, plugins)",
                    value: ms(median(cpu.team)),
                    baseline: ms(median(cpu.floor)),
                    ratio: x(cpuRatio),
                },
            ],
        };
    } finally {
        bash([path.join(ROOT, "e2e", "control-plane.sh"), "stop", cp]);
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
