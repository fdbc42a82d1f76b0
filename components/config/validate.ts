/**
 * Validates a stack's whole config in one pass and reports every problem with the config key it
 * belongs to, e.g. `ray-on-ack:clusters[0].workerGroups[1].minReplicas`.
 *
 * A stack file is written by its team (and, in a pull request, by whoever can push a branch), so
 * it may set only the keys on an allowlist: this program's own (`ray-on-ack:*`, each checked by
 * the schema) and two harmless ones of Pulumi's and the cloud provider's. Every other provider
 * key is refused with its reason: a `kubernetes:kubeconfig` reaches the default Kubernetes
 * provider (and a kubeconfig user's `exec` runs a command with the deploy's credentials), and
 * `alicloud:` credentials or endpoints would point the stack at another account or endpoint.
 */
import { DEFAULT_PLATFORM_POLICY, type PlatformPolicy } from "@ray-on-ack/common/platformPolicy";
import { PLATFORM_STACK, registeredNamespaces, type Tenancy } from "@ray-on-ack/common/tenancy";
import { platformConfigSchema, teamConfigSchema, type PlatformConfig, type TeamConfig } from "./model";
import { PROJECT, SECRET_KEYS, issuesOf, keyOf, nearest, type ConfigIssue } from "../core/issueWording";
import type { Issue } from "../core/issue";
import { partialTeamRules, teamRules } from "./rules";
import { markParsed, markTeamParsed } from "../core/parsed";

export { PROJECT, SECRET_KEYS, issuesOf, type ConfigIssue };

export type StackConfig =
    { readonly kind: "team"; readonly config: TeamConfig } | { readonly kind: "platform"; readonly config: PlatformConfig };

export type ValidationResult = { readonly ok: true; readonly value: StackConfig } | { readonly ok: false; readonly issues: ConfigIssue[] };

export interface ValidationOptions {
    /** The Pulumi stack: the platform marker is its alone, and a team stack's claims are held against the tenancy registry. */
    readonly stack?: string;
    /** The platform's lists and tenancy registry (its policy pack config). Default: the secure defaults, no registry checks without `stack`. */
    readonly platform?: PlatformPolicy;
}

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

/** The keys outside `ray-on-ack:` a stack file may set, and what they are for. */
export const OTHER_KEYS: Readonly<Record<string, string>> = {
    "alicloud:region": "the default Alibaba Cloud provider's region (the program's own provider takes `cloud.region`)",
    "pulumi:tags": "Pulumi Cloud stack tags",
};

/** Why a key of another namespace is refused. */
const NAMESPACE_REFUSALS: Readonly<Record<string, string>> = {
    kubernetes:
        "is a Kubernetes provider setting: a stack file's kubeconfig, context or cluster reaches the provider, and a kubeconfig user's exec runs any command with the deploy's credentials; the kubeconfig comes from the platform (the `cloud` lookup, or the environment's credentials)",
    alicloud:
        "is an Alibaba Cloud provider setting other than the region: credentials, profiles, endpoints and role assumption come from the deploy's environment (OIDC), never from a stack file",
    pulumi: "is a Pulumi setting a stack file may not change",
};

/** Keys this program never reads, or may not take from a stack file: refused, never ignored. */
function foreignKeys(raw: Record<string, unknown>): ConfigIssue[] {
    const out: ConfigIssue[] = [];
    for (const key of Object.keys(raw)) {
        if (key in OTHER_KEYS) {
            continue;
        }
        const colon = key.indexOf(":");
        if (colon < 0) {
            out.push({ key, message: `has no namespace: write it as ${PROJECT}:${key} (pulumi config set ${key} <value> does that)` });
            continue;
        }
        const ns = key.slice(0, colon);
        if (ns === PROJECT) {
            continue;
        }
        const refusal = NAMESPACE_REFUSALS[ns];
        if (refusal !== undefined) {
            out.push({ key, message: `${refusal} (a stack file may set ${PROJECT}:* and ${Object.keys(OTHER_KEYS).join(", ")})` });
            continue;
        }
        const guess = nearest(ns, [PROJECT]);
        out.push({
            key,
            message: `unknown namespace ${ns}: ${guess ? `did you mean ${guess}:${key.slice(colon + 1)}?` : `only ${PROJECT}: keys are read`}`,
        });
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

/** Only the stack named `platform` is the platform stack: any other file saying so would take cluster-wide objects and namespaces other teams trust. */
function platformMarkerIssues(isPlatform: boolean, stack: string | undefined): ConfigIssue[] {
    if (stack === undefined || isPlatform === (stack === PLATFORM_STACK)) {
        return [];
    }
    return [
        {
            key: `${PROJECT}:platform`,
            message: isPlatform
                ? `stack ${stack} says it is the platform stack; only the stack named ${PLATFORM_STACK} (stacks/Pulumi.${PLATFORM_STACK}.yaml, owned by the platform team) is`
                : `is required (true) in stack ${PLATFORM_STACK}: that stack name is the platform's`,
        },
    ];
}

/** The platform stack's quota tree gives shares to registered team namespaces only: any other would take a namespace no team owns, or one a controller lives in. */
function quotaTreeIssues(config: PlatformConfig, tenancy: Tenancy): Issue[] {
    const registered = registeredNamespaces(tenancy);
    return config.quotaTree.children.flatMap((child, i) =>
        child.namespaces.flatMap((ns, j) =>
            registered[ns] !== undefined
                ? []
                : [
                      {
                          path: ["quotaTree", "children", i, "namespaces", j],
                          message: `${ns} is not the namespace of a registered team stack (tenancy registry: ray-tenancy.tenants${Object.keys(registered).length > 0 ? `: ${Object.keys(registered).sort().join(", ")}` : ": none"})`,
                      },
                  ],
        ),
    );
}

export const issueKeys = (issues: readonly Issue[]): ConfigIssue[] => issues.map((i) => ({ key: keyOf(i.path), message: i.message }));

/**
 * @param raw every config key of the stack (`ns:key` → value as Pulumi passes it).
 * @param secretKeys the keys Pulumi holds as secrets (`secure:` in the stack file).
 */
export function validateStackConfig(
    raw: Record<string, unknown>,
    secretKeys: readonly string[] = [],
    opts: ValidationOptions = {},
): ValidationResult {
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
        const [ns, ...rest] = k.split(":");
        if (ns === PROJECT) {
            values[rest.join(":")] = decode(v);
        }
    }
    // Pulumi.yaml declares `platform` with a default of false, so team stacks see it as false.
    const isPlatform = values.platform === true;
    const schema = isPlatform ? platformConfigSchema : teamConfigSchema;
    const result = schema.safeParse(values, { reportInput: true });
    const early = [...foreignKeys(raw), ...plainTextSecrets(raw, secretKeys), ...platformMarkerIssues(isPlatform, opts.stack)];
    const platform = opts.platform ?? DEFAULT_PLATFORM_POLICY;
    if (!result.success) {
        return {
            ok: false,
            issues: [...early, ...issuesOf(result.error, schema), ...(isPlatform ? [] : issueKeys(partialTeamRules(values, platform)))],
        };
    }
    const late = issueKeys(
        isPlatform
            ? opts.stack === undefined
                ? []
                : quotaTreeIssues(result.data as PlatformConfig, platform.tenancy)
            : teamRules(result.data as TeamConfig, { platform, stack: opts.stack }),
    );
    if (early.length + late.length > 0) {
        return { ok: false, issues: [...early, ...late] };
    }
    // Parsed once: TeamEnvironment takes this model as it is (core/parsed.ts).
    return isPlatform
        ? { ok: true, value: { kind: "platform", config: markParsed(result.data as PlatformConfig) } }
        : { ok: true, value: { kind: "team", config: markTeamParsed(result.data as TeamConfig) } };
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
    return issues.map((i) => `error: ${i.key}: ${i.message}`).join("\n");
}
