/**
 * The rules of one Ray workload that depend on what the platform allows and on the team's opt-ins:
 * the Ray version floor, images (registries, digests, tags), pod label and annotation keys, where
 * volumes mount, and the ingress class of an exposure. Applied after the parse, the same way to a
 * stack file's workloads and to a Hardened* component's args (one validation path).
 */
import * as semver from "semver";
import { MIN_RAY_VERSION } from "@ray-on-ack/common";
import { ingressClassProblem, metadataKeyProblem, mountPathProblem, registryNarrowingProblem, type MetadataKind, type PlatformLists } from "@ray-on-ack/common/platformLists";
import type { Issue } from "../core/issue";
import { groupImageProblems, imageProblems } from "../images/image";
import type { SecurityConfig } from "../images/schema";
import type { RayClusterConfig, RayJobConfig, RayServiceConfig } from "./schema";

type PodOptions = { labels?: Record<string, string>; annotations?: Record<string, string>; volumes?: { mountPath: string }[] };
type Path = (string | number)[];

function podOptionRules(o: PodOptions, at: Path, lists: PlatformLists): Issue[] {
    const keys = (field: "labels" | "annotations", kind: MetadataKind, allowed: readonly string[]) =>
        Object.keys(o[field] ?? {}).flatMap((key) => {
            const why = metadataKeyProblem(key, kind, allowed);
            return why === undefined ? [] : [{ path: [...at, field, key], message: `${JSON.stringify(key)} ${why}` }];
        });
    const mounts = (o.volumes ?? []).flatMap((v, i) => {
        const why = mountPathProblem(v.mountPath, lists.allowedMountRoots);
        return why === undefined ? [] : [{ path: [...at, "volumes", i, "mountPath"], message: `${JSON.stringify(v.mountPath)} ${why}` }];
    });
    return [...keys("labels", "pod label", lists.allowedPodLabelKeys), ...keys("annotations", "pod annotation", lists.allowedPodAnnotationKeys), ...mounts];
}

/** Problems of one workload, with paths relative to it (`image.tag`, `workerGroups[1].labels.x`). */
export function workloadRules(w: RayClusterConfig | RayJobConfig | RayServiceConfig, security: SecurityConfig, lists: PlatformLists): Issue[] {
    const out: Issue[] = [];
    if (!security.allowVulnerableRayVersion && semver.lt(w.rayVersion, MIN_RAY_VERSION)) {
        out.push({ path: ["rayVersion"], message: `${w.rayVersion} must be >= ${MIN_RAY_VERSION}: older Ray has dashboard remote-code-execution CVEs (opt-in: security.allowVulnerableRayVersion)` });
    }
    const policy = { allowedRegistries: security.allowedRegistries, requireDigest: security.requireDigest, allowedDigests: lists.allowedDigests };
    for (const p of imageProblems(w.image, w.rayVersion, policy)) {
        out.push({ path: ["image", p.path], message: p.message });
    }
    for (const p of groupImageProblems(w.image, w.workerGroups, w.rayVersion, policy)) {
        out.push({ path: ["workerGroups", p.group, "image", p.path], message: p.message });
    }
    out.push(...podOptionRules(w, [], lists), ...podOptionRules(w.head, ["head"], lists));
    w.workerGroups.forEach((g, i) => out.push(...podOptionRules(g, ["workerGroups", i], lists)));
    const exposure = "exposure" in w ? w.exposure : undefined;
    if (exposure?.mode === "ingress") {
        const why = ingressClassProblem(exposure.ingressClassName, lists.allowedIngressClasses);
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
