/**
 * The images' config fragment: the image reference, the Ray version, and the security section
 * (registry allowlist, digest rule, the vulnerable-Ray opt-in) that image checks depend on.
 */
import { z } from "zod";
import * as semver from "semver";
import { DEFAULT_ALLOWED_REGISTRIES, MIN_RAY_VERSION } from "@ray-on-ack/common";
import { refuseWith } from "../core/addressRules";
import { HOST_PATHS_REMOVED, removedKey } from "../core/removed";
import { registryPrefixProblem } from "./registries";

export { MIN_RAY_VERSION };
export const DEFAULT_RAY_VERSION = "2.60.0";

/** The distribution reference grammar's `[domain[:port]/]path`: the registry allowlist compares prefixes of exactly this. */
const IMAGE_REPOSITORY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/**
 * What some field checks depend on elsewhere in the config (the security opt-ins). Read
 * leniently from the raw config before the full parse, so that a refused Ray version and a
 * bad CIDR are reported in the same run.
 */
export interface SchemaContext {
    readonly allowVulnerableRayVersion: boolean;
    readonly allowedRegistries: readonly string[];
    readonly requireDigest: boolean;
}

export const rayVersionFor = (ctx: SchemaContext) =>
    z
        .string()
        .refine((v) => semver.valid(v) !== null, { message: "must be a Ray version such as 2.60.0" })
        .refine((v) => ctx.allowVulnerableRayVersion || semver.valid(v) === null || semver.gte(v, MIN_RAY_VERSION), {
            message: `must be >= ${MIN_RAY_VERSION}: older Ray has dashboard remote-code-execution CVEs (opt-in: security.allowVulnerableRayVersion)`,
        });

export const imageSchema = z.strictObject({
    repository: z
        .string()
        .regex(IMAGE_REPOSITORY, "must be an image repository: lower-case path components of letters and digits joined by '.', '_' or '-' (no '..', no tag)")
        .optional()
        .describe("Fully qualified repository, e.g. `registry.cn-hangzhou.aliyuncs.com/ray/ray`. Default: `docker.io/rayproject/ray`."),
    tag: z.string().min(1).optional().describe("Tag; default: the cluster's Ray version. `latest` is refused."),
    digest: z
        .string()
        .regex(/^sha256:[a-f0-9]{64}$/, "must be sha256:<64 lower-case hex digits>")
        .optional()
        .describe("`sha256:<64 hex>` digest; pins the image."),
});

export const securitySchema = z.strictObject({
    hostPathPrefixes: removedKey(HOST_PATHS_REMOVED).describe("Removed with `clusters[].hostPaths`."),
    allowedRegistries: z
        .array(
            z.string().superRefine(refuseWith(registryPrefixProblem)),
        )
        .min(1)
        .default([...DEFAULT_ALLOWED_REGISTRIES])
        .describe("Registry and namespace prefixes (`host/namespace/`) images may come from. A bare public registry host is no allowlist: anyone can create a namespace there."),
    requireDigest: z.boolean().default(false).describe("Refuse images without a digest. Default false (documented exception in the posture report)."),
    allowVulnerableRayVersion: z.boolean().default(false).describe("Opt-in: allow Ray below 2.54 (known dashboard RCE CVEs). The policy pack fails it unless platform/policy-pack-config.json grants it."),
});

/** Defaults of the security section, for schema contexts and for the team schema's types. */
export const DEFAULT_SCHEMA_CONTEXT: SchemaContext = securitySchema.parse({});

/** What an args object's `security` opts into, read leniently: a bad value is reported by the full parse. */
export function schemaContextOf(security: unknown): SchemaContext {
    const parsed = securitySchema.safeParse(security ?? {});
    return parsed.success ? parsed.data : DEFAULT_SCHEMA_CONTEXT;
}

export type ImageConfig = z.infer<typeof imageSchema>;
export type SecurityConfig = z.infer<typeof securitySchema>;
