/**
 * The rules of one Ray workload that depend on what the platform allows and on the team's opt-ins:
 * the Ray version floor, images (registries, digests, tags), pod label and annotation keys, where
 * volumes mount, and the ingress class of an exposure. Applied after the parse, the same way to a
 * stack file's workloads and to a Hardened* component's args (one validation path).
 *
 * Each rule reads only the fields it needs and skips one that is malformed (the parse reports it),
 * so the rules also run on a workload that did not parse as a whole: a refused image and a bad CIDR
 * elsewhere are reported in the same run.
 */
import * as semver from "semver";
import { MIN_RAY_VERSION } from "@ray-on-ack/common";
import {
    ingressClassProblem,
    metadataKeyProblem,
    mountPathProblem,
    registryNarrowingProblem,
    type MetadataKind,
    type PlatformLists,
} from "@ray-on-ack/common/platformLists";
import type { Issue } from "../core/issue";
import { isAuthHonouringIngressClass } from "../exposure/listenerRules";
import { groupImageProblems, imageProblems, type GroupImageInput } from "../images/image";
import { DEFAULT_RAY_VERSION, imageSchema, type ImageConfig, type SecurityConfig } from "../images/model";

type Path = (string | number)[];
type Loose = Record<string, unknown>;

const objectOf = (v: unknown): Loose | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Loose) : undefined);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const imageOf = (v: unknown): ImageConfig | undefined => {
    const r = imageSchema.safeParse(v ?? {});
    return r.success ? r.data : undefined;
};

function podOptionRules(o: Loose, at: Path, lists: PlatformLists): Issue[] {
    const keys = (field: "labels" | "annotations", kind: MetadataKind, allowed: readonly string[]) =>
        Object.keys(objectOf(o[field]) ?? {}).flatMap((key) => {
            const why = metadataKeyProblem(key, kind, allowed);
            return why === undefined ? [] : [{ path: [...at, field, key], message: `${JSON.stringify(key)} ${why}` }];
        });
    const mounts = listOf(o.volumes).flatMap((v, i) => {
        const mountPath = objectOf(v)?.mountPath;
        const why = typeof mountPath === "string" ? mountPathProblem(mountPath, lists.allowedMountRoots) : undefined;
        return why === undefined ? [] : [{ path: [...at, "volumes", i, "mountPath"], message: `${JSON.stringify(mountPath)} ${why}` }];
    });
    return [
        ...keys("labels", "pod label", lists.allowedPodLabelKeys),
        ...keys("annotations", "pod annotation", lists.allowedPodAnnotationKeys),
        ...mounts,
    ];
}

function imageRules(w: Loose, rayVersion: string, security: SecurityConfig, lists: PlatformLists): Issue[] {
    const image = imageOf(w.image);
    if (image === undefined) {
        return [];
    }
    const policy = {
        allowedRegistries: security.allowedRegistries,
        requireDigest: security.requireDigest,
        allowedDigests: lists.allowedDigests,
    };
    const groups = listOf(w.workerGroups).map((g): GroupImageInput | undefined => {
        const o = objectOf(g);
        const groupImage = o?.image === undefined ? undefined : imageOf(o.image);
        if (o === undefined || (o.image !== undefined && groupImage === undefined)) {
            return undefined;
        }
        return {
            gpu: typeof o.gpu === "number" ? o.gpu : 0,
            sharedGpu: objectOf(o.sharedGpu) as GroupImageInput["sharedGpu"],
            image: groupImage,
        };
    });
    // Group images are judged against the cluster's image only when every group could be read: their indexes must stay the config's.
    const groupProblems = groups.every((g) => g !== undefined)
        ? groupImageProblems(image, groups as GroupImageInput[], rayVersion, policy)
        : [];
    return [
        ...imageProblems(image, rayVersion, policy).map((p) => ({ path: ["image", p.path], message: p.message })),
        ...groupProblems.map((p) => ({ path: ["workerGroups", p.group, "image", p.path], message: p.message })),
    ];
}

/** Problems of one workload (parsed or not), with paths relative to it (`image.tag`, `workerGroups[1].labels.x`). */
export function workloadRules(workload: unknown, security: SecurityConfig, lists: PlatformLists): Issue[] {
    const w = objectOf(workload);
    if (w === undefined) {
        return [];
    }
    const out: Issue[] = [];
    const rayVersion = w.rayVersion === undefined ? DEFAULT_RAY_VERSION : w.rayVersion;
    if (typeof rayVersion === "string" && semver.valid(rayVersion) !== null) {
        if (!security.allowVulnerableRayVersion && semver.lt(rayVersion, MIN_RAY_VERSION)) {
            out.push({
                path: ["rayVersion"],
                message: `${rayVersion} must be >= ${MIN_RAY_VERSION}: older Ray has dashboard remote-code-execution CVEs (opt-in: security.allowVulnerableRayVersion)`,
            });
        }
        out.push(...imageRules(w, rayVersion, security, lists));
    }
    out.push(...podOptionRules(w, [], lists));
    const head = objectOf(w.head);
    if (head !== undefined) {
        out.push(...podOptionRules(head, ["head"], lists));
    }
    listOf(w.workerGroups).forEach((g, i) => {
        const group = objectOf(g);
        if (group !== undefined) {
            out.push(...podOptionRules(group, ["workerGroups", i], lists));
        }
    });
    const exposure = objectOf(w.exposure);
    const ingressClass = typeof exposure?.ingressClassName === "string" ? exposure.ingressClassName : "nginx";
    // A class that ignores basic auth is refused by the schema itself (exposure/listenerRules.ts); the platform's list narrows the rest.
    if (exposure?.mode === "ingress" && isAuthHonouringIngressClass(ingressClass)) {
        const why = ingressClassProblem(ingressClass, lists.allowedIngressClasses);
        if (why !== undefined) {
            out.push({ path: ["exposure", "ingressClassName"], message: why });
        }
    }
    return out;
}

/** A team's own registry list narrows the platform's, never widens it. Paths relative to `security`. */
export function securityRules(security: SecurityConfig, lists: PlatformLists): Issue[] {
    return security.allowedRegistries.flatMap((entry, i) => {
        const why = registryNarrowingProblem(entry, lists.allowedRegistries);
        return why === undefined ? [] : [{ path: ["allowedRegistries", i], message: why }];
    });
}
