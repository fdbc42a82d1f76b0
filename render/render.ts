/**
 * The offline renderer: `npm run render -- --stack <name> [--out <dir>] [--include-secrets] [--stacks-dir <dir>] [--policy-pack-config <file>]`.
 * Runs the real program under Pulumi's mock runtime and writes what `pulumi up` would create,
 * with the posture report the policy pack gives it under platform/policy-pack-config.json.
 * Invalid config: exit 2, one `error: <key>: <message>` line per problem, nothing written.
 * A posture with a failing check: every file written, then exit 3 naming the checks.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { performance } from "perf_hooks";
import { runProgram } from "./mockRuntime";
import { CHECKS } from "../policy/checks";
import { resolvePolicyPackConfigFile } from "../policy/config";
import { failingChecks, renderFiles } from "./renderFiles";
import { POLICY_PACK_CONFIG, ROOT, STACKS_DIR, readPolicyPackConfig, readStackConfig } from "../program/stackFile";

/** What the renderer answers for a bring-your-own ACL behind an HTTPS listener (TEST-NET-1, RFC 5737). */
const BYO_ACL_STAND_IN = "192.0.2.0/24";

/** How the program (index.ts) starts its refusal of a stack's config. */
const INVALID = "invalid stack config\n";

const parsedOr = <T>(text: string | undefined, fallback: T): T => {
    try {
        return text === undefined ? fallback : (JSON.parse(text) as T);
    } catch {
        return fallback;
    }
};

/**
 * What the mocks answer the program's lookups with, read from the stack's raw config: the program
 * validates all of it before it makes any lookup, so the answers only ever meet valid values.
 * A bring-your-own ACL is answered with what the stack says it admits (a tcp listener's
 * sourceCidrs); behind the HTTPS listener the stack says nothing about the ACL (the pods see the
 * CLB), so a documentation range stands in, with a note: `pulumi up` judges the real entries.
 */
function mockContextOf(config: Record<string, string>): { podCidrs: string[]; acls: Record<string, string[]> } {
    const podCidrs = parsedOr<unknown>(config["ray-on-ack:podCidrs"], []);
    const clusters = parsedOr<unknown>(config["ray-on-ack:clusters"], []);
    const acls: Record<string, string[]> = {};
    (Array.isArray(clusters) ? clusters : []).forEach(
        (c: { exposure?: { mode?: string; aclId?: string; listener?: string; sourceCidrs?: string[] } }, i: number) => {
            const e = c?.exposure;
            if (e?.mode === "loadbalancer" && typeof e.aclId === "string") {
                if (e.listener === "tcp") {
                    acls[e.aclId] = Array.isArray(e.sourceCidrs) ? e.sourceCidrs : [];
                } else {
                    acls[e.aclId] = [BYO_ACL_STAND_IN];
                    process.stderr.write(
                        `note: ray-on-ack:clusters[${i}].exposure.aclId: the renderer cannot read ${e.aclId}; rendered as if it held ${BYO_ACL_STAND_IN}, and its entries are checked at deploy time\n`,
                    );
                }
            }
        },
    );
    return { podCidrs: Array.isArray(podCidrs) ? podCidrs.filter((c): c is string => typeof c === "string") : [], acls };
}

const USAGE =
    "usage: npm run render -- --stack <name> [--out <dir>] [--include-secrets] [--stacks-dir <dir>] [--policy-pack-config <file>]";

/** Exit code when the rendered stack fails a policy check without a granted exception (2 is bad config). */
const EXIT_POSTURE_FAILURE = 3;

function fail(message: string, code = 2): never {
    process.stderr.write(`${message}\n`);
    process.exit(code);
}

/** Writes into a fresh sibling directory and swaps it in, so a failed run leaves no half-written output. */
function writeAtomically(outDir: string, files: Map<string, { content: string; mode?: number }>, dirMode: number): void {
    const staging = `${outDir}.tmp-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    for (const [rel, f] of files) {
        const file = path.join(staging, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: dirMode });
        fs.writeFileSync(file, f.content, { mode: f.mode ?? 0o644 });
        if (f.mode !== undefined) {
            fs.chmodSync(file, f.mode); // writeFileSync's mode is masked by the umask
        }
    }
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(outDir), { recursive: true });
    fs.renameSync(staging, outDir);
}

async function main(): Promise<void> {
    // Phase marks (free when nobody reads them): `npm run bench` splits the render's time with them.
    performance.mark("render:loaded");
    let args;
    try {
        args = parseArgs({
            options: {
                stack: { type: "string" },
                out: { type: "string" },
                "include-secrets": { type: "boolean", default: false },
                "stacks-dir": { type: "string" },
                "policy-pack-config": { type: "string" },
                help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
        }).values;
    } catch (e) {
        fail(`error: ${(e as Error).message}\n${USAGE}`);
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
    }
    if (!args.stack) {
        fail(`error: --stack is required\n${USAGE}`);
    }
    const stack = args.stack;
    const stacksDir = args["stacks-dir"] ? path.resolve(args["stacks-dir"]) : STACKS_DIR;
    let stackConfig;
    try {
        stackConfig = readStackConfig(stack, process.env, stacksDir);
    } catch (e) {
        fail(`error: ${(e as Error).message}`);
    }
    const packConfigFile = path.resolve(args["policy-pack-config"] ?? POLICY_PACK_CONFIG);
    let policyPackConfig;
    try {
        policyPackConfig = readPolicyPackConfig(packConfigFile);
        resolvePolicyPackConfigFile(
            policyPackConfig,
            CHECKS.map((c) => c.id),
        );
    } catch (e) {
        fail(`error: ${path.relative(process.cwd(), packConfigFile) || packConfigFile}: ${(e as Error).message}`);
    }
    for (const key of stackConfig.standIns) {
        process.stderr.write(
            `note: ${key} is a secret the renderer cannot decrypt; rendered with a generated stand-in (set RAY_ON_ACK_SECRET_${key.split(":")[1]} to use yours)\n`,
        );
    }
    // The program checks everything itself (program/checkStack.ts), as under `pulumi preview`: these
    // tell it where this render's stacks and platform config are.
    process.env.RAY_ON_ACK_STACKS_DIR = stacksDir;
    process.env.RAY_ON_ACK_POLICY_PACK_CONFIG = packConfigFile;
    const { podCidrs, acls } = mockContextOf(stackConfig.config);
    performance.mark("render:checked");
    let run;
    try {
        run = await runProgram(stack, stackConfig.config, stackConfig.secretKeys, { podCidrs, acls });
    } catch (e) {
        // The program's refusal (index.ts): one `error: <key>: <message>` line per problem, nothing written.
        const message = (e as Error).message ?? String(e);
        if (message.startsWith(INVALID)) {
            fail(message.slice(INVALID.length));
        }
        throw e;
    }
    performance.mark("render:ran");
    const includeSecrets = args["include-secrets"] ?? false;
    const files = renderFiles(run, { includeSecrets, stack, policyPackConfig });
    performance.mark("render:posture");
    const outDir = path.resolve(args.out ?? path.join(ROOT, "out", stack));
    writeAtomically(outDir, files, includeSecrets ? 0o700 : 0o755);
    const shownOut = path.relative(process.cwd(), outDir) || ".";
    process.stdout.write(`rendered ${stack}: ${[...files.keys()].sort().join(", ")} -> ${shownOut}\n`);
    const failing = failingChecks(files.get("posture.json")?.content);
    if (failing.length > 0) {
        fail(
            `error: posture: ${failing.length} check(s) fail without a granted exception: ${failing.join(", ")} (see ${path.join(shownOut, "posture.md")})`,
            EXIT_POSTURE_FAILURE,
        );
    }
}

main().catch((e: Error) => fail(`error: render failed: ${e.message}`, 1));
