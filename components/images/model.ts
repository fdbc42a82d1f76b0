/**
 * The images' config fragment: the image reference, the Ray version, and the security section
 * (registry allowlist, digest rule, the vulnerable-Ray opt-in) that image checks depend on.
 */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import * as semver from "semver";
import { DEFAULT_ALLOWED_REGISTRIES, MIN_RAY_VERSION } from "@ray-on-ack/common";
import { refuseWith } from "../core/addressRules";
import { HOST_PATHS_REMOVED, removedKey } from "../core/removed";
import { registryPrefixProblem } from "@ray-on-ack/common/platformLists";

export { MIN_RAY_VERSION };
export const DEFAULT_RAY_VERSION = "2.60.0";

/** The distribution reference grammar's `[domain[:port]/]path`: the registry allowlist compares prefixes of exactly this. */
const IMAGE_REPOSITORY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/**
 * A Ray version. The floor (MIN_RAY_VERSION, unless `security.allowVulnerableRayVersion`) depends on
 * the security opt-ins, so it is checked with them after the parse (config/rules.ts).
 */
export const rayVersionSchema = z.string().refine((v) => semver.valid(v) !== null, { message: "must be a Ray version such as 2.60.0" });

export const imageSchema = z
    .strictObject({
        repository: z
            .string()
            .regex(
                IMAGE_REPOSITORY,
                "must be an image repository: lower-case path components of letters and digits joined by '.', '_' or '-' (no '..', no tag)",
            )
            .optional()
            .describe("Fully qualified repository, e.g. `registry.cn-hangzhou.aliyuncs.com/ray/ray`. Default: `docker.io/rayproject/ray`."),
        tag: z.string().min(1).optional().describe("Tag; default: the cluster's Ray version. `latest` is refused."),
        digest: z
            .string()
            .regex(/^sha256:[a-f0-9]{64}$/, "must be sha256:<64 lower-case hex digits>")
            .optional()
            .describe("`sha256:<64 hex>` digest; pins the image."),
    })
    .register(argTypes, { id: "Image", description: "A container image." });

export const securitySchema = z
    .strictObject({
        hostPathPrefixes: removedKey(HOST_PATHS_REMOVED).describe("Removed with `clusters[].hostPaths`."),
        allowedRegistries: z
            .array(z.string().superRefine(refuseWith(registryPrefixProblem)))
            .min(1)
            .default([...DEFAULT_ALLOWED_REGISTRIES])
            .describe(
                "Registry and namespace prefixes (`host/namespace/`) images may come from: the platform's list (policy pack config ray-image-registry-allowed.allowedRegistries) or a narrower one; never wider. A bare public registry host is no allowlist: anyone can create a namespace there.",
            ),
        requireDigest: z
            .boolean()
            .default(false)
            .describe(
                "Refuse images without a digest. Default false (documented exception in the posture report). A digest must be one the platform verified (ray-image-tag-pinned.allowedDigests).",
            ),
        allowVulnerableRayVersion: z
            .boolean()
            .default(false)
            .describe(
                "Opt-in: allow Ray below 2.54 (known dashboard RCE CVEs). The policy pack fails it unless platform/policy-pack-config.json grants it.",
            ),
    })
    .register(argTypes, { id: "Security", description: "Image rules and the security opt-ins." });

/** The security section's defaults, for a workload used without a team. */
export const DEFAULT_SECURITY: SecurityConfig = securitySchema.parse({});

export type ImageConfig = z.infer<typeof imageSchema>;
export type SecurityConfig = z.infer<typeof securitySchema>;
