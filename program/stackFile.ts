/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program (structured values
 * as JSON text, scalars as text, `secure:` values as secrets), and refuses what would make the CLI
 * and this reader see different documents, or what a stack file may not hold at all:
 * - YAML merge keys (`<<`), which the CLI applies and a YAML 1.2 reader keeps as a key, and
 *   duplicate keys, which readers resolve differently; explicit tags and non-scalar keys likewise;
 * - top-level keys other than `config` and what Pulumi writes itself (`secretsprovider`,
 *   `encryptedkey`, `encryptionsalt`): `environment:` imports Pulumi ESC environments, whose values
 *   (config and environment variables for the program) no reviewer of the file sees.
 * The renderer cannot decrypt `secure:` values (no passphrase, no cloud KMS), so each comes from
 * `RAY_ON_ACK_SECRET_<key>` or, failing that, a generated stand-in that passes the same checks; it is
 * only ever written out redacted unless --include-secrets.
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import type { Node } from "yaml";

export interface StackConfigFile {
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    /** Secret keys that got a generated stand-in. */
    readonly standIns: string[];
}

/** The repository root, from the sources (program/) or from their compiled copy (bin/program/, see program/compiled.js). */
export const ROOT = ((up) => (path.basename(up) === "bin" && !fs.existsSync(path.join(up, "package.json")) ? path.dirname(up) : up))(
    path.resolve(__dirname, ".."),
);

/** The stacks directory Pulumi.yaml names (`stackConfigDir`), relative to the project. */
export function stacksDirOf(projectDir: string): string {
    const text = fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8");
    const { parse }: typeof import("yaml") = require("yaml");
    const dir = (parse(text) as { stackConfigDir?: unknown } | null)?.stackConfigDir;
    return path.join(projectDir, typeof dir === "string" ? dir : ".");
}

export const STACKS_DIR = stacksDirOf(ROOT);

/** The platform team's `--policy-pack-config` file: the pack's settings, the exceptions it grants, the lists and the tenancy registry. */
export const POLICY_PACK_CONFIG = path.join(ROOT, "platform", "policy-pack-config.json");

export function readPolicyPackConfig(file = POLICY_PACK_CONFIG): Record<string, unknown> {
    if (!fs.existsSync(file)) {
        throw new Error(
            "no such file; the program and the posture report need the platform's policy pack config (its lists and tenancy registry)",
        );
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

/** Top-level keys of a stack file: the config, and what Pulumi writes for the secrets provider. */
export const TOP_LEVEL_KEYS: readonly string[] = ["config", "secretsprovider", "encryptedkey", "encryptionsalt"];

/** Parses a stack file strictly; every problem names the file and where. */
export function parseStackFile(
    text: string,
    shown: string,
): { environment?: unknown; config?: Record<string, unknown>; [key: string]: unknown } {
    const YAML: typeof import("yaml") = require("yaml");
    const lines = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { uniqueKeys: true, merge: false, prettyErrors: false, lineCounter: lines });
    const lineOf = (node: Node | null | undefined) => (node?.range ? ` (line ${lines.linePos(node.range[0]).line})` : "");
    const problems: string[] = doc.errors.map(
        (e) => `${shown}: ${e.code === "DUPLICATE_KEY" ? "a key appears twice" : "is not valid YAML"}: ${e.message.split("\n")[0]}`,
    );
    YAML.visit(doc, {
        Pair(_key, pair, ancestors) {
            const k = pair.key as Node | null;
            const where = (ancestors.filter((a) => YAML.isPair(a)) as { key: unknown }[]).map((a) =>
                String((a.key as { value?: unknown })?.value ?? "?"),
            );
            if (!YAML.isScalar(k)) {
                problems.push(
                    `${shown}${lineOf(k)}: a key under ${where.join(".") || "the top"} is not a plain scalar; write keys as plain names`,
                );
            } else if (k.value === "<<") {
                problems.push(
                    `${shown}${lineOf(k)}: ${[...where, "<<"].join(".")}: YAML merge keys are refused: the Pulumi CLI applies them and other readers keep them as a key, so two readers would see different config`,
                );
            }
        },
        Node(_key, node) {
            if (
                (YAML.isScalar(node) || YAML.isMap(node) || YAML.isSeq(node)) &&
                node.tag !== undefined &&
                !/^tag:yaml\.org,2002:(str|map|seq)$/.test(node.tag)
            ) {
                problems.push(
                    `${shown}${lineOf(node)}: the tag ${node.tag} is refused: readers resolve explicit tags differently; write the value plainly`,
                );
            }
        },
    });
    if (problems.length > 0) {
        throw new Error(problems.join("\n"));
    }
    const value = (doc.toJS() ?? {}) as Record<string, unknown>;
    if (typeof value !== "object" || Array.isArray(value)) {
        throw new Error(`${shown}: must be a map with a config: key`);
    }
    const extra = Object.keys(value).filter((k) => !TOP_LEVEL_KEYS.includes(k) && k !== "environment");
    if (extra.length > 0) {
        throw new Error(
            `${shown}: top-level key(s) ${extra.join(", ")} are refused: a stack file holds config: and what Pulumi writes for its secrets provider (${TOP_LEVEL_KEYS.slice(1).join(", ")})`,
        );
    }
    if (value.config !== undefined && (value.config === null || typeof value.config !== "object" || Array.isArray(value.config))) {
        throw new Error(`${shown}: config: must be a map of keys`);
    }
    return value as { environment?: unknown; config?: Record<string, unknown> };
}

/**
 * A render reads each stack file up to three times (its own, then every other one for the
 * cross-stack checks): parse each text once per process. Keyed by the text, so an edited file is
 * parsed again; the document is only read, never changed.
 */
const parsed = new Map<string, { text: string; doc: ReturnType<typeof parseStackFile> }>();
export function readStackFile(file: string): ReturnType<typeof parseStackFile> {
    const text = fs.readFileSync(file, "utf8");
    const hit = parsed.get(file);
    if (hit?.text === text) {
        return hit.doc;
    }
    const doc = parseStackFile(text, path.relative(process.cwd(), file) || file);
    parsed.set(file, { text, doc });
    return doc;
}

function standIn(): string {
    // Meets the dashboard password rule: upper, lower, digit and special characters.
    return `Rk${crypto.randomBytes(6).toString("hex")}#7Q`;
}

/**
 * A stack file's `environment:` imports Pulumi ESC environments, whose values only the Pulumi Cloud
 * can open and no reviewer of the file sees (config, and environment variables for the program and
 * its providers): refused, with what to do.
 */
function escRefusal(stack: string, environment: unknown): string {
    const names = (Array.isArray(environment) ? environment : [environment]).map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
    return (
        `environment: stack ${stack} imports the Pulumi ESC environment(s) ${names.join(", ")}, which are refused: their config and environment variables ` +
        `reach the program unreviewed. Copy the values they provide (esc env open <org>/<project>/<env> --format json shows them) into the stack file's config:`
    );
}

export function readStackConfig(stack: string, env: NodeJS.ProcessEnv = process.env, stacksDir = STACKS_DIR): StackConfigFile {
    const file = stackFilePath(stack, stacksDir);
    if (!fs.existsSync(file)) {
        const shown = path.relative(process.cwd(), file) || file;
        throw new Error(`no stack file ${shown} (stacks: ${fs.existsSync(stacksDir) ? listStacks(stacksDir).join(", ") : "none"})`);
    }
    const doc = readStackFile(file);
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

/** The `ray-on-ack:team` a stack file names, or undefined without a stack file (or one that names none). */
export function stackTeam(stack: string, stacksDir = STACKS_DIR): string | undefined {
    const file = stackFilePath(stack, stacksDir);
    if (!/^[A-Za-z0-9._-]+$/.test(stack) || !fs.existsSync(file)) {
        return undefined;
    }
    const team = readStackFile(file).config?.["ray-on-ack:team"];
    return typeof team === "string" ? team : undefined;
}
