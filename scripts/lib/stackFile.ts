/**
 * Reads `stacks/Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program:
 * structured values as JSON text, scalars as text, `secure:` values as secrets. The
 * renderer cannot decrypt `secure:` values (no passphrase, no cloud KMS), so each comes
 * from `RAY_ON_ACK_SECRET_<key>` or, failing that, a generated stand-in that passes the
 * same checks; it is only ever written out redacted unless --include-secrets.
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import YAML from "yaml";

export interface StackConfigFile {
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    /** Secret keys that got a generated stand-in. */
    readonly standIns: string[];
}

/** The repository root, from the sources (scripts/lib) or from their compiled copy (bin/scripts/lib, see scripts/compiled.js). */
export const ROOT = ((up) => (path.basename(up) === "bin" && !fs.existsSync(path.join(up, "package.json")) ? path.dirname(up) : up))(path.resolve(__dirname, "..", ".."));

export const STACKS_DIR = path.join(ROOT, "stacks");

/** The platform team's `--policy-pack-config` file: the pack's settings and the exceptions it grants. */
export const POLICY_PACK_CONFIG = path.join(ROOT, "platform", "policy-pack-config.json");

export function readPolicyPackConfig(file = POLICY_PACK_CONFIG): Record<string, unknown> {
    if (!fs.existsSync(file)) {
        throw new Error("no such file; the posture report needs the platform's policy pack config");
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`not valid JSON: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error("must be a JSON object keyed by policy name");
    }
    return parsed as Record<string, unknown>;
}

export function stackFilePath(stack: string, stacksDir = STACKS_DIR): string {
    return path.join(stacksDir, `Pulumi.${stack}.yaml`);
}

export function listStacks(stacksDir = STACKS_DIR): string[] {
    return fs
        .readdirSync(stacksDir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** The `ray-on-ack:team` a stack file names, or undefined without a stack file (or one that names none). */
export function stackTeam(stack: string, stacksDir = STACKS_DIR): string | undefined {
    const file = stackFilePath(stack, stacksDir);
    if (!/^[A-Za-z0-9._-]+$/.test(stack) || !fs.existsSync(file)) {
        return undefined;
    }
    const team = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}).config?.["ray-on-ack:team"];
    return typeof team === "string" ? team : undefined;
}

function standIn(): string {
    // Meets the dashboard password rule: upper, lower, digit and special characters.
    return `Rk${crypto.randomBytes(6).toString("hex")}#7Q`;
}

/**
 * A render reads each stack file up to three times (its own, then every other one for the pod-CIDR
 * and quota-tree checks): parse each text once per process. Keyed by the text, so an edited file is
 * parsed again; the document is only read, never changed.
 */
const parsed = new Map<string, { text: string; doc: { environment?: unknown; config?: Record<string, unknown> } }>();
function parsedStackFile(file: string): { environment?: unknown; config?: Record<string, unknown> } {
    const text = fs.readFileSync(file, "utf8");
    const hit = parsed.get(file);
    if (hit?.text === text) {
        return hit.doc;
    }
    const doc = YAML.parse(text) ?? {};
    parsed.set(file, { text, doc });
    return doc;
}

/**
 * A stack file's `environment:` imports Pulumi ESC environments, whose values only the Pulumi
 * Cloud can open: rendering without them would check (and render) a different config than
 * `pulumi up` sees, so the renderer refuses such a stack up front and says what to do.
 */
function escRefusal(stack: string, environment: unknown): string {
    const names = (Array.isArray(environment) ? environment : [environment]).map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
    return (
        `environment: stack ${stack} imports the Pulumi ESC environment(s) ${names.join(", ")}, which the offline renderer cannot open. ` +
        `To render it, copy the values they provide (esc env open <org>/<project>/<env> --format json shows them) into the stack file's config:, ` +
        `or render a copy of the stack file without environment: with --stacks-dir <dir>`
    );
}

export function readStackConfig(stack: string, env: NodeJS.ProcessEnv = process.env, stacksDir = STACKS_DIR): StackConfigFile {
    const file = stackFilePath(stack, stacksDir);
    if (!fs.existsSync(file)) {
        const shown = path.relative(process.cwd(), file) || file;
        throw new Error(`no stack file ${shown} (stacks: ${fs.existsSync(stacksDir) ? listStacks(stacksDir).join(", ") : "none"})`);
    }
    const doc = parsedStackFile(file);
    if (doc.environment !== undefined && doc.environment !== null) {
        throw new Error(escRefusal(stack, doc.environment));
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const standIns: string[] = [];
    for (const [key, value] of Object.entries<unknown>(doc.config ?? {})) {
        const secure = value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value;
        if (secure) {
            const short = key.split(":").slice(1).join(":");
            const given = env[`RAY_ON_ACK_SECRET_${short}`];
            config[key] = given ?? standIn();
            secretKeys.push(key);
            if (given === undefined) {
                standIns.push(key);
            }
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys, standIns };
}
