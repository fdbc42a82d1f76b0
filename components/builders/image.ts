/**
 * Image references (seed section 6): registry allowlist, digest pinning, no `latest`.
 * Short Docker Hub names are expanded so the allowlist compares fully qualified names.
 */
import type { ImageConfig } from "../config/schema";
import { qualifyRepository } from "@ray-on-ack/common";

export { qualifyRepository };

export const DEFAULT_RAY_REPOSITORY = "docker.io/rayproject/ray";

export interface ResolvedImage {
    readonly repository: string;
    readonly tag: string;
    readonly digest?: string;
    /** What goes into the pod spec. */
    readonly reference: string;
}

export function resolveImage(image: ImageConfig, rayVersion: string): ResolvedImage {
    const repository = qualifyRepository(image.repository ?? DEFAULT_RAY_REPOSITORY);
    const tag = image.tag ?? rayVersion;
    const reference = image.digest ? `${repository}:${tag}@${image.digest}` : `${repository}:${tag}`;
    return { repository, tag, digest: image.digest, reference };
}

export interface ImagePolicy {
    readonly allowedRegistries: readonly string[];
    readonly requireDigest: boolean;
}

/** Problems with an image, as messages relative to the image's config key. */
export function imageProblems(image: ImageConfig, rayVersion: string, policy: ImagePolicy): { path: string; message: string }[] {
    const problems: { path: string; message: string }[] = [];
    const resolved = resolveImage(image, rayVersion);
    if (resolved.tag === "latest") {
        problems.push({ path: "tag", message: "the tag 'latest' is refused: pin a version (and preferably a digest)" });
    } else if (!resolved.tag.startsWith(rayVersion)) {
        problems.push({ path: "tag", message: `tag '${resolved.tag}' does not match rayVersion ${rayVersion}` });
    }
    if (!policy.allowedRegistries.some((prefix) => resolved.repository.startsWith(prefix) || `${resolved.repository}/`.startsWith(prefix))) {
        problems.push({
            path: "repository",
            message: `'${resolved.repository}' is not in security.allowedRegistries (${policy.allowedRegistries.join(", ")})`,
        });
    }
    if (policy.requireDigest && !resolved.digest) {
        problems.push({ path: "digest", message: "is required (security.requireDigest is true)" });
    }
    return problems;
}
