/**
 * Image references (seed section 6): registry allowlist, digest pinning, no `latest`.
 * Short Docker Hub names are expanded so the allowlist compares fully qualified names.
 */
import type { ImageConfig } from "./model";
import { qualifyRepository } from "@ray-on-ack/common";
import { digestProblem, inRegistries } from "@ray-on-ack/common/platformLists";

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
    /** The team's registries (a narrowing of the platform's, or the platform's). */
    readonly allowedRegistries: readonly string[];
    readonly requireDigest: boolean;
    /** The platform's verified `repository:tag@digest` images: any other digest is refused. */
    readonly allowedDigests: readonly string[];
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
    if (!inRegistries(resolved.repository, policy.allowedRegistries)) {
        problems.push({
            path: "repository",
            message: `'${resolved.repository}' is not in security.allowedRegistries (${policy.allowedRegistries.join(", ")})`,
        });
    }
    if (policy.requireDigest && !resolved.digest) {
        problems.push({ path: "digest", message: "is required (security.requireDigest is true)" });
    }
    const unverified = digestProblem(resolved.reference, policy.allowedDigests);
    if (unverified !== undefined) {
        problems.push({ path: "digest", message: unverified });
    }
    return problems;
}

/** `rayproject/ray:<v>` is the CPU build; GPU groups need the CUDA build, tagged `<v>-gpu`. */
export const GPU_TAG_SUFFIX = "-gpu";

export interface GroupImageInput {
    readonly gpu: number;
    /** ACK shared-GPU resources (`aliyun.com/gpu-mem`, ...): the group needs the CUDA build as well. */
    readonly sharedGpu?: Readonly<Record<string, number>>;
    readonly image?: ImageConfig;
}

/** Whether a group's pods get a GPU, whole (`gpu`) or shared (`sharedGpu`). */
export const usesGpu = (group: GroupImageInput): boolean => group.gpu > 0 || Object.keys(group.sharedGpu ?? {}).length > 0;

/**
 * A worker group's image: its own `image` (fields it leaves out come from the cluster's,
 * never the digest), or for a GPU group the cluster's repository with the `-gpu` tag;
 * undefined when the group simply uses the cluster's image.
 */
export function resolveGroupImage(cluster: ImageConfig, group: GroupImageInput, rayVersion: string): ResolvedImage | undefined {
    const clusterTag = cluster.tag ?? rayVersion;
    const defaultTag = usesGpu(group) ? `${clusterTag}${GPU_TAG_SUFFIX}` : clusterTag;
    if (group.image !== undefined) {
        return resolveImage(
            { repository: group.image.repository ?? cluster.repository, tag: group.image.tag ?? defaultTag, digest: group.image.digest },
            rayVersion,
        );
    }
    return usesGpu(group) ? resolveImage({ repository: cluster.repository, tag: defaultTag }, rayVersion) : undefined;
}

/**
 * Problems with the worker groups' images, relative to `workerGroups[i].image`: the same
 * rules as the cluster's, and a cluster that pins a digest needs every GPU group pinned too
 * (a `-gpu` tag derived from a pinned CPU image would be unpinned).
 */
export function groupImageProblems(
    cluster: ImageConfig,
    groups: readonly GroupImageInput[],
    rayVersion: string,
    policy: ImagePolicy,
): { group: number; path: string; message: string }[] {
    const problems: { group: number; path: string; message: string }[] = [];
    groups.forEach((group, i) => {
        const resolved = resolveGroupImage(cluster, group, rayVersion);
        if (resolved === undefined) {
            return;
        }
        if (cluster.digest !== undefined && resolved.digest === undefined) {
            problems.push({
                group: i,
                path: "digest",
                message: `is required: the cluster pins its image by digest, so this ${usesGpu(group) ? "GPU " : ""}group needs its own pinned image (e.g. ${resolved.repository}:${resolved.tag}@sha256:...)`,
            });
        }
        const config = { repository: resolved.repository, tag: resolved.tag, digest: resolved.digest };
        for (const p of imageProblems(config, rayVersion, policy)) {
            if (!(p.path === "digest" && cluster.digest !== undefined)) {
                problems.push({ group: i, ...p });
            }
        }
    });
    return problems;
}
