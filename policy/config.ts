/**
 * Pack settings. Pulumi keys policy config by policy name (`{"ray-image-registry-allowed":
 * {"allowedRegistries": [...]}}`), so each policy declares the keys it reads; the posture report
 * takes them as one flat object. Defaults are the stack schema's, so a stack that keeps its
 * defaults passes a pack that keeps its own.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { teamConfigSchema } from "../components/config/schema";

export interface PackConfig {
    /**
     * Resources may opt out of named policies through the `ray-on-ack.io/policy-exceptions`
     * annotation; they are reported as exceptions (advisory). False: exceptions fail like violations.
     */
    allowExceptions: boolean;
    /** Prefixes of the fully qualified image reference images must start with. */
    allowedRegistries: string[];
    /** Refuse images that are not pinned by digest. */
    requireDigest: boolean;
}

const STACK_SECURITY_DEFAULTS = teamConfigSchema.shape.security.parse(undefined);

export const DEFAULT_PACK_CONFIG: Readonly<PackConfig> = Object.freeze({
    allowExceptions: true,
    allowedRegistries: STACK_SECURITY_DEFAULTS.allowedRegistries,
    requireDigest: STACK_SECURITY_DEFAULTS.requireDigest,
});

export const PACK_CONFIG_SCHEMA: Record<keyof PackConfig, PolicyConfigJSONSchema> = {
    allowExceptions: {
        type: "boolean",
        default: DEFAULT_PACK_CONFIG.allowExceptions,
        description: "Report resources annotated ray-on-ack.io/policy-exceptions as advisory exceptions; false fails them.",
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
};

function isStringArray(v: unknown): v is string[] {
    return Array.isArray(v) && v.every((s) => typeof s === "string");
}

/** Fills in defaults and refuses unknown keys and values of the wrong type, naming the key: a misspelt setting must not silently keep the default. */
export function resolvePackConfig(given: Partial<PackConfig> = {}): PackConfig {
    const config: PackConfig = { ...DEFAULT_PACK_CONFIG, ...given };
    const problems: string[] = [];
    const unknown = Object.keys(given).filter((key) => !(key in PACK_CONFIG_SCHEMA));
    if (unknown.length > 0) {
        problems.push(`unknown key(s) ${unknown.join(", ")}`);
    }
    for (const key of ["allowExceptions", "requireDigest"] as const) {
        if (typeof config[key] !== "boolean") {
            problems.push(`${key} must be a boolean`);
        }
    }
    if (!isStringArray(config.allowedRegistries)) {
        problems.push("allowedRegistries must be an array of strings");
    }
    if (problems.length > 0) {
        throw new Error(`invalid policy pack config: ${problems.join("; ")}`);
    }
    // Copies, so that a caller editing the report's config cannot change the defaults.
    return { ...config, allowedRegistries: [...config.allowedRegistries] };
}
