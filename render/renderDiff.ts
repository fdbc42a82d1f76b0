/**
 * The offline diff for reviewers without cloud access:
 * `npm run render:diff -- --stack <name> --base <git-ref>`.
 * Renders the stack at the base ref and in the working tree, then prints a resource-level
 * summary, a `pods of <kind>/<name> restart: <why>` line per workload whose pods the change
 * recreates (render/diffRestarts.ts), and a unified diff (Secrets redacted, generated material masked).
 * Exit 0: no changes; 1: changes; 2: bad arguments, unknown stack or ref, or a failed render.
 * A posture failure is not a failed render: the diff shows the failing checks (the renderer's
 * exit 3), so a pull request that introduces one gets a review comment, not a broken job.
 * `--policy-pack-config <file>` is the pack config of the working tree's render (its posture and
 * grants); the base renders with its own platform/policy-pack-config.json, since an older pack
 * refuses a config that names policies it does not have.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { compareRenders, readRender, type Change } from "./diffEntries";
import { unifiedDiff } from "./diffLines";
import { podRestarts } from "./diffRestarts";
import { failingChecks } from "./renderFiles";
import { DiffError, fileAtCommit, renderAt, repoOf, resolveCommit, stopRenders, withWorktree } from "./diffWorktree";
import { ROOT, listStacks, stackFilePath } from "../program/stackFile";

const USAGE = "usage: npm run render:diff -- --stack <name> --base <git-ref> [--policy-pack-config <file>]";

function parse(): { stack: string; base: string; packConfig?: string } {
    let values;
    try {
        values = parseArgs({
            options: {
                stack: { type: "string" },
                base: { type: "string" },
                "policy-pack-config": { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
        }).values;
    } catch (e) {
        throw new DiffError(`${(e as Error).message}\n${USAGE}`);
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
    }
    if (!values.stack || !values.base) {
        throw new DiffError(`${!values.stack ? "--stack" : "--base"} is required\n${USAGE}`);
    }
    if (!/^[A-Za-z0-9._-]+$/.test(values.stack)) {
        throw new DiffError(`--stack ${values.stack}: not a stack name`);
    }
    const packConfig = values["policy-pack-config"];
    if (packConfig !== undefined && !fs.existsSync(path.resolve(packConfig))) {
        throw new DiffError(`--policy-pack-config ${packConfig}: no such file`);
    }
    return { stack: values.stack, base: values.base, packConfig: packConfig === undefined ? undefined : path.resolve(packConfig) };
}

function report(changes: Change[], restarts: string[], labels: { base: string; head: string }): string {
    const count = (k: Change["kind"]) => changes.filter((c) => c.kind === k).length;
    const lines = changes.map((c) => `${c.kind} ${c.key}`);
    lines.push(`${count("+")} added, ${count("~")} changed, ${count("-")} removed`);
    lines.push(...restarts);
    const diffs = changes.map((c) =>
        unifiedDiff(c.before, c.after, {
            before: c.kind === "+" ? "/dev/null" : `a/${c.key} (${labels.base})`,
            after: c.kind === "-" ? "/dev/null" : `b/${c.key} (${labels.head})`,
        }),
    );
    return `${lines.join("\n")}\n\n${diffs.join("\n")}`;
}

let interrupted = false;

async function main(): Promise<number> {
    const { stack, base, packConfig } = parse();
    const repo = repoOf(ROOT);
    const commit = resolveCommit(repo, base);
    const stackFile = path.relative(ROOT, stackFilePath(stack));
    const inHead = fs.existsSync(stackFilePath(stack));
    const inBase = fileAtCommit(repo, commit, stackFile);
    if (!inHead && !inBase) {
        throw new DiffError(
            `unknown stack ${stack}: no ${stackFile} in the working tree or at ${base} (stacks: ${listStacks().join(", ")})`,
        );
    }
    const nodeModules = path.join(ROOT, "node_modules");
    if (!fs.existsSync(nodeModules)) {
        throw new DiffError("no node_modules in the working tree: run npm ci first");
    }
    const baseLabel = `${base} ${commit.slice(0, 12)}`;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-diff-"));
    try {
        const baseOut = path.join(out, "base");
        const headOut = path.join(out, "head");
        // Both sides at once: each render is a few seconds of mostly single-threaded work.
        const settled = await Promise.allSettled([
            inBase ? withWorktree(repo, commit, nodeModules, (dir) => renderAt(dir, stack, baseOut, base)) : Promise.resolve(),
            inHead
                ? renderAt(ROOT, stack, headOut, "the working tree", packConfig === undefined ? [] : ["--policy-pack-config", packConfig])
                : Promise.resolve(),
        ]);
        if (interrupted) {
            throw new DiffError("interrupted");
        }
        for (const s of settled) {
            if (s.status === "rejected") {
                throw s.reason;
            }
        }
        let before = readRender(inBase ? baseOut : undefined);
        let after = readRender(inHead ? headOut : undefined);
        // A base older than the posture report has none: against nothing, every check would read as added.
        if ([inBase && baseOut, inHead && headOut].some((d) => d && !fs.existsSync(path.join(d, "posture.json")))) {
            before = before.filter((e) => e.section !== "posture");
            after = after.filter((e) => e.section !== "posture");
        }
        const changes = compareRenders(before, after);
        // The renderer exits 3 on a posture failure after writing everything; the diff shows it instead of failing the job.
        const headPosture = path.join(headOut, "posture.json");
        const failing = inHead && fs.existsSync(headPosture) ? failingChecks(fs.readFileSync(headPosture, "utf8")) : [];
        const postureLine = failing.length > 0 ? [`posture FAILS in the working tree: ${failing.join(", ")}`] : [];
        if (changes.length === 0) {
            process.stdout.write([`render:diff ${stack}: no changes against ${baseLabel}`, ...postureLine].join("\n") + "\n");
            return 0;
        }
        const notes = [
            ...(inBase ? [] : [`(${stackFile} does not exist at ${base}: everything is added)`]),
            ...(inHead ? [] : [`(${stackFile} does not exist in the working tree: everything is removed)`]),
        ];
        process.stdout.write(
            [
                `render:diff ${stack}: ${baseLabel} -> working tree`,
                ...notes,
                ...postureLine,
                report(changes, podRestarts(after, changes), { base, head: "working tree" }),
            ].join("\n"),
        );
        return 1;
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // Let the renders stop and the base worktree be removed before exiting.
    process.on(signal, () => {
        interrupted = true;
        stopRenders();
    });
}

main().then(
    (code) => process.exit(interrupted ? 130 : code),
    (e: Error) => {
        process.stderr.write(e instanceof DiffError ? `error: ${e.message}\n` : `error: render:diff failed: ${e.message}\n`);
        process.exit(interrupted ? 130 : 2);
    },
);
