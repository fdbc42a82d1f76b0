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

export function issuesOf(error: z.ZodError): ConfigIssue[] {
    const out: ConfigIssue[] = [];
    for (const issue of error.issues) {
        if (issue.code === "unrecognized_keys") {
            for (const k of issue.keys) {
                out.push({ key: keyOf([...issue.path, k]), message: "unknown key" });
            }
        } else if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
            out.push({ key: keyOf(issue.path), message: "mode must be one of private, loadbalancer, ingress" });
        } else {
            out.push({ key: keyOf(issue.path), message: issue.message });
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
 *   other namespaces (`kubernetes:`, `alicloud:`) are not ours and are ignored.
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
    const result = isPlatform ? platformConfigSchema.safeParse(values) : teamConfigSchemaFor(schemaContext(values)).safeParse(values);
    const secrets = plainTextSecrets(raw, secretKeys);
    if (!result.success || secrets.length > 0) {
        return { ok: false, issues: [...secrets, ...(result.success ? [] : issuesOf(result.error))] };
    }
    return isPlatform
        ? { ok: true, value: { kind: "platform", config: result.data as PlatformConfig } }
        : { ok: true, value: { kind: "team", config: result.data as TeamConfig } };
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
    return issues.map((i) => `error: ${i.key}: ${i.message}`).join("\n");
}
