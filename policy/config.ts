/**
 * Pack settings. Pulumi keys policy config by policy name (`{"ray-image-registry-allowed":
 * {"allowedRegistries": [...]}}`, the `--policy-pack-config` file), so each policy declares the
 * keys it reads; every policy reads `grants`, the exceptions the platform team grants. The
 * repo's one such file is platform/policy-pack-config.json: the workflows pass it to the pack
 * and `render` reads it for the posture report. Defaults are the secure choice: no grants, the
 * default registries.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { z } from "zod";
import { DEFAULT_ALLOWED_REGISTRIES, priorityClassProblem } from "@ray-on-ack/common";
import { DEFAULT_PLATFORM_LISTS, platformListsSchema, type PlatformLists } from "@ray-on-ack/common/platformLists";
import { EMPTY_TENANCY, tenancySchema, type Tenancy } from "@ray-on-ack/common/tenancy";
import { grantNeedsPath, grantPathProblem, missingGrantPathProblem } from "./grantPaths";

/**
 * One exception, granted by the platform team: policy (the key it sits under) x stack x resource
 * x, for policies that judge parts of a resource, the one part (`path`, policy/grantPaths.ts).
 * The resource's own `ray-on-ack.io/policy-exceptions` annotation can only explain it, never grant it.
 */
export interface Grant {
    /** Pulumi stack name, e.g. `team-b`. */
    stack: string;
    /** Kubernetes kind as the pack names it (`Service`, `DeploymentPatch`), or the Pulumi type token of another resource. */
    kind: string;
    /** For namespaced Kubernetes objects. */
    namespace?: string;
    /** `metadata.name`, or the Pulumi name of a resource that has none. */
    name: string;
    /**
     * The part of the resource the grant covers, as the finding's object path names it, e.g.
     * `spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=checkpoints]`: only the
     * findings at exactly that path. Required by the policies that judge parts (GRANT_PATH_REQUIRED);
     * without it a grant covers the whole resource.
     */
    path?: string;
    /** Why the exception is acceptable; shown in the posture report and with the advisory. */
    reason: string;
}

/**
 * A priority class the platform allows one stack only, e.g. a class that outranks other teams'
 * batch pods. The stack file cannot widen it: the check compares with the stack being judged.
 */
export interface StackPriorityClass {
    /** Pulumi stack name, e.g. `team-b`. */
    stack: string;
    /** The PriorityClass's name. */
    name: string;
    /** Why this stack may use it; shown with the notice in the posture report. */
    reason: string;
}

/** A class name alone is allowed to every stack (a deliberate platform-wide allowance). */
export type AllowedPriorityClass = string | StackPriorityClass;

/**
 * The lists the platform writes once and both the pack and the program read (common/platformLists.ts),
 * each under the policy that judges it (PLATFORM_LIST_HOMES), and the tenancy registry (`ray-tenancy`).
 */
type PlatformListKeys = Exclude<keyof PlatformLists, "allowedRegistries">;

export interface PackConfig extends Pick<PlatformLists, PlatformListKeys>, Tenancy {
    /** Exceptions to this policy. Default none: every violation is mandatory. */
    grants: Grant[];
    /** Prefixes of the fully qualified image reference images must start with. */
    allowedRegistries: string[];
    /** Refuse images that are not pinned by digest. */
    requireDigest: boolean;
    /**
     * Priority classes Ray pods may name (`priorityClassName`). Default none: a pod names no
     * class and gets the cluster's default. A class is listed by the platform team, never by the
     * stack that uses it: a class of higher priority than other teams' lets its pods preempt theirs.
     * A name alone is allowed to every stack; `{stack, name, reason}` to that stack only.
     */
    allowedPriorityClasses: AllowedPriorityClass[];
}

export const DEFAULT_PACK_CONFIG: Readonly<PackConfig> = Object.freeze({
    ...DEFAULT_PLATFORM_LISTS,
    ...EMPTY_TENANCY,
    grants: [],
    allowedRegistries: [...DEFAULT_ALLOWED_REGISTRIES],
    requireDigest: false,
    allowedPriorityClasses: [],
});

/** The JSON Schema the engine validates a key with, generated from its zod model (one declaration). */
function jsonSchemaOf(schema: z.ZodType): PolicyConfigJSONSchema {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    return rest as PolicyConfigJSONSchema;
}

const LIST_KEYS = Object.keys(platformListsSchema.shape).filter((k) => k !== "allowedRegistries") as PlatformListKeys[];
const TENANCY_KEYS = ["cluster", "tenants", "shared"] as const;

/**
 * Either form in one schema (the policy schema type has no oneOf): JSON Schema applies
 * `minLength` to strings only and `required`/`properties` to objects only.
 */
const ALLOWED_PRIORITY_CLASS_SCHEMA: PolicyConfigJSONSchema = {
    type: ["string", "object"],
    minLength: 1,
    required: ["stack", "name", "reason"],
    additionalProperties: false,
    properties: {
        stack: { type: "string", minLength: 1 },
        name: { type: "string", minLength: 1 },
        reason: { type: "string", minLength: 1 },
    },
};

const GRANT_SCHEMA: PolicyConfigJSONSchema = {
    type: "object",
    required: ["stack", "kind", "name", "reason"],
    additionalProperties: false,
    properties: {
        stack: { type: "string", minLength: 1 },
        kind: { type: "string", minLength: 1 },
        namespace: { type: "string", minLength: 1 },
        name: { type: "string", minLength: 1 },
        path: { type: "string", minLength: 1 },
        reason: { type: "string", minLength: 1 },
    },
};

export const PACK_CONFIG_SCHEMA: Record<keyof PackConfig, PolicyConfigJSONSchema> = {
    ...(Object.fromEntries(LIST_KEYS.map((k) => [k, jsonSchemaOf(platformListsSchema.shape[k])])) as Record<
        PlatformListKeys,
        PolicyConfigJSONSchema
    >),
    cluster: jsonSchemaOf(tenancySchema.shape.cluster),
    tenants: jsonSchemaOf(tenancySchema.shape.tenants),
    shared: jsonSchemaOf(tenancySchema.shape.shared),
    grants: {
        type: "array",
        items: GRANT_SCHEMA,
        default: [],
        description:
            "Exceptions the platform team grants to this policy, each for one stack and one resource (kind, namespace, name), with the reason; path names the one part of the resource it covers (required by policies that judge parts of a resource).",
    },
    allowedRegistries: {
        type: "array",
        items: { type: "string", minLength: 1 },
        minItems: 1,
        default: DEFAULT_PACK_CONFIG.allowedRegistries,
        description: "Prefixes of the fully qualified image reference (e.g. docker.io/rayproject/).",
    },
    requireDigest: {
        type: "boolean",
        default: DEFAULT_PACK_CONFIG.requireDigest,
        description: "Refuse images without a sha256 digest.",
    },
    allowedPriorityClasses: {
        type: "array",
        items: ALLOWED_PRIORITY_CLASS_SCHEMA,
        default: [],
        description:
            "Priority classes Ray pods may name; default none (the cluster's default class). A name alone is allowed to every stack; {stack, name, reason} to that stack only. Never system-* classes.",
    },
};

function isStringArray(v: unknown): v is string[] {
    return Array.isArray(v) && v.every((s) => typeof s === "string");
}

const GRANT_KEYS = ["stack", "kind", "namespace", "name", "path", "reason"];

/** Problems of the non-empty string fields `keys` of `entry`, named `<at>.<key>`; shared by grants and per-stack priority classes. */
function requiredStringProblems(entry: Record<string, unknown>, at: string, keys: readonly string[]): string[] {
    return keys
        .filter((key) => typeof entry[key] !== "string" || (entry[key] as string).trim() === "")
        .map((key) => `${at}.${key} must be a non-empty string`);
}

/** Keys of `entry` outside `allowed`, as `<at>: unknown key <k>`. */
function unknownKeyProblems(entry: object, at: string, allowed: readonly string[]): string[] {
    return Object.keys(entry)
        .filter((k) => !allowed.includes(k))
        .map((k) => `${at}: unknown key ${k}`);
}

const PRIORITY_CLASS_KEYS = ["stack", "name", "reason"];

function allowedPriorityClassProblems(classes: unknown): string[] {
    if (!Array.isArray(classes)) {
        return ["allowedPriorityClasses must be an array of class names or {stack, name, reason} objects"];
    }
    return classes.flatMap((c: unknown, i) => {
        const at = `allowedPriorityClasses[${i}]`;
        let name: unknown = c;
        const problems: string[] = [];
        if (c !== null && typeof c === "object" && !Array.isArray(c)) {
            problems.push(
                ...unknownKeyProblems(c, at, PRIORITY_CLASS_KEYS),
                ...requiredStringProblems(c as Record<string, unknown>, at, PRIORITY_CLASS_KEYS),
            );
            name = (c as Record<string, unknown>).name;
        } else if (typeof c !== "string" || c.trim() === "") {
            return [`${at} must be a class name (a non-empty string) or a {stack, name, reason} object`];
        }
        // The platform cannot grant what no grant may cover: system classes preempt node components.
        const why = typeof name === "string" ? priorityClassProblem(name) : undefined;
        if (why !== undefined) {
            problems.push(`${at}: ${JSON.stringify(name)} ${why}`);
        }
        return problems;
    });
}

function grantProblems(grants: unknown, policy?: string): string[] {
    if (!Array.isArray(grants)) {
        return ["grants must be an array"];
    }
    return grants.flatMap((g, i) => {
        if (g === null || typeof g !== "object" || Array.isArray(g)) {
            return [`grants[${i}] must be an object`];
        }
        const problems = [
            ...unknownKeyProblems(g, `grants[${i}]`, GRANT_KEYS),
            ...requiredStringProblems(g as Record<string, unknown>, `grants[${i}]`, ["stack", "kind", "name", "reason"]),
        ];
        const ns = (g as Record<string, unknown>).namespace;
        if (ns !== undefined && (typeof ns !== "string" || ns === "")) {
            problems.push(`grants[${i}].namespace must be a non-empty string when set`);
        }
        const path = (g as Record<string, unknown>).path;
        if (path === undefined && policy !== undefined && grantNeedsPath(policy)) {
            problems.push(`grants[${i}]: ${missingGrantPathProblem(policy)}`);
        } else if (path !== undefined && (typeof path !== "string" || grantPathProblem(path) !== undefined)) {
            problems.push(`grants[${i}].path: ${typeof path === "string" ? grantPathProblem(path) : "must be a string"}`);
        }
        return problems;
    });
}

/**
 * Fills in defaults and refuses unknown keys and values of the wrong type, naming the key: a misspelt setting must not silently keep the default.
 * `policy` is the policy the settings are for: its grants must name a path where it judges parts of resources.
 */
export function resolvePackConfig(given: Partial<PackConfig> = {}, policy?: string): PackConfig {
    // The engine passes the enforcement level along with a policy's settings.
    const { enforcementLevel: _level, ...settings } = given as Partial<PackConfig> & { enforcementLevel?: unknown };
    const config: PackConfig = { ...DEFAULT_PACK_CONFIG, ...settings };
    const problems: string[] = [];
    const unknown = Object.keys(settings).filter((key) => !(key in PACK_CONFIG_SCHEMA));
    if (unknown.length > 0) {
        problems.push(`unknown key(s) ${unknown.join(", ")}`);
    }
    if (typeof config.requireDigest !== "boolean") {
        problems.push("requireDigest must be a boolean");
    }
    if (!isStringArray(config.allowedRegistries)) {
        problems.push("allowedRegistries must be an array of strings");
    }
    problems.push(...allowedPriorityClassProblems(config.allowedPriorityClasses));
    problems.push(...grantProblems(config.grants, policy));
    const lists = platformListsSchema
        .omit({ allowedRegistries: true })
        .safeParse(Object.fromEntries(LIST_KEYS.filter((k) => k in settings).map((k) => [k, (settings as Record<string, unknown>)[k]])));
    const tenancy = tenancySchema.safeParse(
        Object.fromEntries(TENANCY_KEYS.filter((k) => k in settings).map((k) => [k, (settings as Record<string, unknown>)[k]])),
    );
    for (const r of [lists, tenancy]) {
        if (!r.success) {
            problems.push(...r.error.issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`));
        }
    }
    if (problems.length > 0 || !lists.success || !tenancy.success) {
        throw new Error(`invalid policy pack config: ${problems.join("; ")}`);
    }
    // Copies, so that a caller editing the report's config cannot change the defaults.
    return {
        ...lists.data,
        ...tenancy.data,
        grants: config.grants.map((g) => ({ ...g })),
        allowedRegistries: [...config.allowedRegistries],
        requireDigest: config.requireDigest,
        allowedPriorityClasses: config.allowedPriorityClasses.map((c) => (typeof c === "string" ? c : { ...c })),
    };
}

/** A `--policy-pack-config` file: settings by policy name; `all` (an enforcement level) applies to every policy. */
export type PolicyPackConfigFile = Record<string, unknown>;

/**
 * Each policy's settings from a `--policy-pack-config` file, resolved, for the posture report.
 * Keys that name no policy are refused: a grant under a misspelt id would silently grant nothing.
 */
export function resolvePolicyPackConfigFile(file: PolicyPackConfigFile, policyIds: readonly string[]): Map<string, PackConfig> {
    if (file === null || typeof file !== "object" || Array.isArray(file)) {
        throw new Error("invalid policy pack config: must be a JSON object keyed by policy name");
    }
    const unknown = Object.keys(file).filter((key) => key !== "all" && !policyIds.includes(key));
    if (unknown.length > 0) {
        throw new Error(`invalid policy pack config: ${unknown.join(", ")}: no such policy (policies: ${policyIds.join(", ")})`);
    }
    const resolved = new Map<string, PackConfig>();
    for (const id of policyIds) {
        const entry = file[id];
        // A bare string only sets the enforcement level.
        const settings = entry !== null && typeof entry === "object" ? (entry as Partial<PackConfig>) : {};
        try {
            resolved.set(id, resolvePackConfig(settings, id));
        } catch (e) {
            throw new Error(`${(e as Error).message} (policy ${id})`);
        }
    }
    return resolved;
}
