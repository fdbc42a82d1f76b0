/**
 * Validates a stack's whole `ray-on-ack:*` config in one pass and reports every problem
 * with the config key it belongs to, e.g. `ray-on-ack:clusters[0].workerGroups[1].minReplicas`.
 */
import { platformConfigSchema, teamConfigSchemaFor, type PlatformConfig, type TeamConfig } from "./schema";
import { schemaContextOf } from "../images/schema";
import { PROJECT, SECRET_KEYS, issuesOf, nearest, type ConfigIssue } from "../core/issueWording";

export { PROJECT, SECRET_KEYS, issuesOf, type ConfigIssue };

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
    const schema = isPlatform ? platformConfigSchema : teamConfigSchemaFor(schemaContextOf(values.security));
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
