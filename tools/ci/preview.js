// @ts-check
/**
 * The pull-request preview workflow's logic (.github/workflows/preview.yml), in plain Node.js
 * because its first job runs before `npm ci`, on a sparse checkout of stacks/ and tools/ci/.
 *
 *   node tools/ci/preview.js select <base-sha>         JSON list of the stacks to preview
 *   node tools/ci/preview.js summary <stack> <file>    render:diff's summary as a comment section
 *
 * Which stacks a pull request previews:
 * - a team stack file (`stacks/Pulumi.<team>.yaml`): that stack;
 * - the platform stack file: every stack (each team's render checks its namespace against the
 *   platform stack's quota tree);
 * - anything else that can change what a stack deploys (the library, the program, the policy pack,
 *   the pack config, the lockfile, the renderer, the workflows): every stack;
 * - documentation, the example stack files (stacks/examples/), tests (test/, and the *.test.ts
 *   beside the code, which no build or program loads: test/boundaries.test.ts), the e2e harness,
 *   benchmarks, examples and CODEOWNERS: nothing.
 * A deleted stack file previews nothing: there is no stack left to render.
 */
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

/** Paths whose changes cannot change what any stack deploys. */
const NO_STACK_EFFECT = [
    /\.md$/,
    /^stacks\/examples\//,
    /^test\//,
    /\.test\.ts$/,
    /^e2e\//,
    /^tools\/bench\//,
    /^examples\//,
    /^\.github\/CODEOWNERS$/,
    /^LICENSE$/,
    /^\.gitignore$/,
];

const STACK_FILE = /^stacks\/Pulumi\.(.+)\.yaml$/;

/**
 * @param {readonly string[]} changed paths the pull request changes, relative to the repository root
 * @param {readonly string[]} stacks the stacks whose files exist in the pull request's tree
 * @param {(stack: string) => boolean} isPlatform whether a stack is the platform stack
 * @returns {{ stacks: string[], reasons: string[] }}
 */
function selectStacks(changed, stacks, isPlatform) {
    const all = [...stacks].sort();
    /** @type {Set<string>} */
    const picked = new Set();
    /** @type {string[]} */
    const reasons = [];
    for (const file of changed) {
        const stack = STACK_FILE.exec(file)?.[1];
        if (stack !== undefined) {
            if (!all.includes(stack)) {
                reasons.push(`${file}: deleted, nothing to preview`);
            } else if (isPlatform(stack)) {
                reasons.push(`${file}: the platform stack (its quota tree is checked by every team): all stacks`);
                return { stacks: all, reasons };
            } else {
                picked.add(stack);
                reasons.push(`${file}: stack ${stack}`);
            }
        } else if (!NO_STACK_EFFECT.some((re) => re.test(file))) {
            reasons.push(`${file}: library, program, pack or tooling: all stacks`);
            return { stacks: all, reasons };
        }
    }
    return { stacks: all.filter((s) => picked.has(s)), reasons };
}

/**
 * render:diff's summary (everything before its first blank line: the header, one line per changed
 * resource, the counts, the pod restarts, a posture failure) as a markdown section. The fence is
 * longer than any backtick run in the text, so nothing in it can close the block early.
 * @param {string} stack
 * @param {string} text render:diff's output
 * @param {number} [maxLines]
 */
function diffSummaryMarkdown(stack, text, maxLines = 80) {
    const lines = text.split("\n");
    const end = lines.findIndex((l) => l.trim() === "");
    const summary = end === -1 ? lines : lines.slice(0, end);
    const shown = summary.slice(0, maxLines);
    if (summary.length > maxLines) {
        shown.push(`... ${summary.length - maxLines} more lines in the job summary`);
    }
    const longest = Math.max(2, ...[...shown.join("\n").matchAll(/`+/g)].map((m) => m[0].length));
    const fence = "`".repeat(longest + 1);
    return [
        `### render:diff ${stack} (offline)`,
        "",
        `${fence}diff`,
        ...shown,
        fence,
        "",
        `The full diff is in the job summary of \`render:diff ${stack}\`.`,
        "",
    ].join("\n");
}

/** @param {string} root */
function listStackFiles(root) {
    const dir = path.join(root, "stacks");
    return fs
        .readdirSync(dir)
        .map((f) => STACK_FILE.exec(`stacks/${f}`)?.[1])
        .filter(/** @returns {s is string} */ (s) => s !== undefined);
}

/** @param {string} root @param {string} stack */
function isPlatformStack(root, stack) {
    const text = fs.readFileSync(path.join(root, "stacks", `Pulumi.${stack}.yaml`), "utf8");
    return /^\s+ray-on-ack:platform:\s*(true|"true")\s*$/m.test(text);
}

function main() {
    const [command, ...args] = process.argv.slice(2);
    const root = process.cwd();
    if (command === "select" && args.length === 1) {
        const changed = execFileSync("git", ["diff", "--name-only", args[0], "HEAD"], { encoding: "utf8" }).split("\n").filter(Boolean);
        const { stacks, reasons } = selectStacks(changed, listStackFiles(root), (s) => isPlatformStack(root, s));
        process.stderr.write(`${reasons.join("\n") || "no change that affects a stack"}\n`);
        process.stdout.write(`${JSON.stringify(stacks)}\n`);
        return 0;
    }
    if (command === "summary" && args.length === 2) {
        process.stdout.write(diffSummaryMarkdown(args[0], fs.readFileSync(args[1], "utf8")));
        return 0;
    }
    process.stderr.write("usage: node tools/ci/preview.js select <base-sha> | summary <stack> <render-diff-output>\n");
    return 2;
}

if (require.main === module) {
    process.exit(main());
}

module.exports = { selectStacks, diffSummaryMarkdown, NO_STACK_EFFECT };
