/**
 * Validates a stack's whole `ray-on-ack:*` config in one pass and reports every problem
 * with the config key it belongs to, e.g. `ray-on-ack:clusters[0].workerGroups[1].minReplicas`.
 */
import { z } from "zod";
import {
    DEFAULT_SCHEMA_CONTEXT,
    platformConfigSchema,
    securitySchema,
    teamConfigSchemaFor,
    type PlatformConfig,
    type SchemaContext,
    type TeamConfig,
} from "./schema";
import { issueMessage, knownKeysAt, nearest, unknownKeyMessage } from "../core/issueWording";

export const PROJECT = "ray-on-ack";

export interface ConfigIssue {
    /** The config key, with the path inside structured values. */
    readonly key: string;
    readonly message: string;
}

export type StackConfig = { readonly kind: "team"; readonly config: TeamConfig } | { readonly kind: "platform"; readonly config: PlatformConfig };

export type ValidationResult = { readonly ok: true; readonly value: StackConfig } | { readonly ok: false; readonly issues: ConfigIssue[] };

/** Pulumi hands structured config over as JSON text and scalars as plain text. */
function decode(value: unknown): unknown {
    if (typeof value !== "string") {
        return value;
    }
    const t = value.trim();
    if (/^[[{]/.test(t) || t === "true" || t === "false" || /^-?[0-9]+(\.[0-9]+)?$/.test(t)) {
        try {
            return JSON.parse(t);
        } catch {
            return value;
        }
    }
    return value;
}

function keyOf(path: readonly PropertyKey[]): string {
    let key = `${PROJECT}:${String(path[0] ?? "")}`;
    for (const part of path.slice(1)) {
        key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    }
    return key;
}

/**
 * @param schema the schema that raised `error`: unknown keys are answered with the nearest key it knows.
 *   Parse with `{ reportInput: true }` so that messages can show the value given.
 */
export function issuesOf(error: z.ZodError, schema?: z.core.$ZodType): ConfigIssue[] {
    const out: ConfigIssue[] = [];
    for (const issue of error.issues) {
        // Secrets are never echoed back, even when refused.
        const echo = !SECRET_KEYS.includes(String(issue.path[0]));
        if (issue.code === "unrecognized_keys") {
            const known = schema ? knownKeysAt(schema, issue.path) : [];
            for (const k of issue.keys) {
                const keyAt = (name: string) => keyOf([...issue.path, name]);
                out.push({ key: keyAt(k), message: known.length > 0 ? unknownKeyMessage(k, known, keyAt) : "unknown key" });
            }
        } else if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
            out.push({ key: keyOf(issue.path), message: "mode must be one of private, loadbalancer, ingress, gateway" });
        } else {
            out.push({ key: keyOf(issue.path), message: issueMessage(issue, echo) });
        }
    }
    return out;
}

/** Namespaces a stack file may hold besides ours: the providers' and Pulumi's own. */
export const OTHER_NAMESPACES: readonly string[] = ["alicloud", "kubernetes", "pulumi"];

/** Keys of namespaces this program never reads: a typo'd or missing prefix would otherwise be ignored silently. */
function foreignKeys(raw: Record<string, unknown>): ConfigIssue[] {
    const out: ConfigIssue[] = [];
    for (const key of Object.keys(raw)) {
        const colon = key.indexOf(":");
        if (colon < 0) {
            out.push({ key, message: `has no namespace: write it as ${PROJECT}:${key} (pulumi config set ${key} <value> does that)` });
            continue;
        }
        const ns = key.slice(0, colon);
        if (ns !== PROJECT && !OTHER_NAMESPACES.includes(ns)) {
            const guess = nearest(ns, [PROJECT, ...OTHER_NAMESPACES]);
            const hint = guess ? `did you mean ${guess}:${key.slice(colon + 1)}?` : `only ${[PROJECT, ...OTHER_NAMESPACES].map((n) => `${n}:`).join(", ")} keys are read`;
            out.push({ key, message: `unknown namespace ${ns}: ${hint}` });
        }
    }
    return out;
}

/** The security opt-ins, read leniently so that field checks depending on them run in the same pass. */
function schemaContext(values: Record<string, unknown>): SchemaContext {
    const parsed = securitySchema.safeParse(values.security ?? {});
    return parsed.success ? parsed.data : DEFAULT_SCHEMA_CONTEXT;
}

/** Keys whose value is a credential: the stack file must hold them encrypted (`secure:`), never in plain text. */
export const SECRET_KEYS: readonly string[] = ["dashboardPassword", "kubeconfig"];

function plainTextSecrets(raw: Record<string, unknown>, secretKeys: readonly string[]): ConfigIssue[] {
    return SECRET_KEYS.map((k) => `${PROJECT}:${k}`)
        .filter((key) => raw[key] !== undefined && !secretKeys.includes(key))
        .map((key) => ({
            key,
            message: `is plain text in the stack file; set it as a secret: pulumi config set --secret ${key.split(":")[1]}`,
        }));
}

/**
 * @param raw every config key of the stack (`ns:key` → value as Pulumi passes it); keys of
 *   `alicloud:`, `kubernetes:` and `pulumi:` are the providers' and Pulumi's, any other namespace is refused.
 * @param secretKeys the keys Pulumi holds as secrets (`secure:` in the stack file).
 */
export function validateStackConfig(raw: Record<string, unknown>, secretKeys: readonly string[] = []): ValidationResult {
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
        const [ns, ...rest] = k.split(":");
        if (ns === PROJECT) {
            values[rest.join(":")] = decode(v);
        }
    }
    // Pulumi.yaml declares `platform` with a default of false, so team stacks see it as false.
    const isPlatform = values.platform === true;
    const schema = isPlatform ? platformConfigSchema : teamConfigSchemaFor(schemaContext(values));
    const result = schema.safeParse(values, { reportInput: true });
    const early = [...foreignKeys(raw), ...plainTextSecrets(raw, secretKeys)];
    if (!result.success || early.length > 0) {
        return { ok: false, issues: [...early, ...(result.success ? [] : issuesOf(result.error, schema))] };
    }
    return isPlatform
        ? { ok: true, value: { kind: "platform", config: result.data as PlatformConfig } }
        : { ok: true, value: { kind: "team", config: result.data as TeamConfig } };
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
    return issues.map((i) => `error: ${i.key}: ${i.message}`).join("\n");
}
