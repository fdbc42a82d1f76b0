/**
 * Lists only the platform team writes (in its policy pack config, each under the policy that
 * judges it) and a team's stack can only narrow: registries, image digests, ingress classes, the
 * label and annotation keys teams may set, and the roots volumes may be mounted under. The
 * program and the renderer read them from the same file as the pack (PLATFORM_LIST_HOMES), so the
 * config and the pack refuse the same things. Allowlists, not denylists: controllers act on label
 * and annotation keys of many domains (CNI, service mesh, queues, serverless nodes, agents), and a
 * volume mounted anywhere but a data root can replace what the image runs.
 */
import * as path from "path";
import { z } from "zod";
import { argTypes } from "./argTypes";
import { DEFAULT_ALLOWED_REGISTRIES, parseImage, qualifyRepository } from "./images";
import { AUTH_HONOURING_INGRESS_CLASSES } from "./exposure";
import { POLICY_IDS } from "./policyIds";
import { RAY_OWNED_PATHS, SYSTEM_PATHS } from "./podOptions";

const list = (xs: readonly string[]) => (xs.length > 0 ? xs.join(", ") : "none");

/** Registry and namespace: a bare public registry host is no allowlist, anyone can create a namespace there. */
const REGISTRY_PREFIX = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)+\/$/;

export function registryPrefixProblem(entry: string): string | undefined {
    return REGISTRY_PREFIX.test(entry)
        ? undefined
        : `"${entry}" must be a registry host and namespace ending in '/', e.g. docker.io/rayproject/ or registry-vpc.cn-hangzhou.aliyuncs.com/<namespace>/: a bare host admits every namespace on it`;
}

/** The image matches a registry prefix of the list. */
export const inRegistries = (repository: string, registries: readonly string[]) =>
    registries.some((prefix) => repository.startsWith(prefix) || `${repository}/`.startsWith(prefix));

/** A team's own registry entry must lie inside the platform's list: a team list narrows, never widens. */
export function registryNarrowingProblem(entry: string, platform: readonly string[]): string | undefined {
    return platform.some((p) => entry.startsWith(p))
        ? undefined
        : `"${entry}" is not inside the platform's registries (${POLICY_IDS.imageRegistryAllowed}.allowedRegistries: ${list(platform)}): a team's list can only narrow the platform's`;
}

/** `repository:tag@sha256:<64 hex>`, the repository fully qualified. */
const DIGEST_TRIPLE = /^([a-z0-9][-a-z0-9._/:]*[a-z0-9]):([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})@(sha256:[a-f0-9]{64})$/;

export function digestTripleProblem(entry: string): string | undefined {
    const m = DIGEST_TRIPLE.exec(entry);
    if (!m) {
        return `"${entry}" must be repository:tag@sha256:<64 hex>, e.g. docker.io/rayproject/ray:2.60.0@sha256:...`;
    }
    return qualifyRepository(m[1]) === m[1]
        ? undefined
        : `"${entry}" must name the repository fully qualified (${qualifyRepository(m[1])})`;
}

/**
 * An image pinned by digest runs what the digest names, whatever its tag says, so the tag-based
 * checks (the Ray version, `latest`) prove nothing about it: the platform lists each digest it has
 * verified with the repository and tag it stands for, and any other digest is refused.
 */
export function digestProblem(reference: string, allowedDigests: readonly string[]): string | undefined {
    const ref = parseImage(reference);
    if (ref.digest === undefined) {
        return undefined;
    }
    const triple = `${ref.repository}:${ref.tag ?? ""}@${ref.digest}`;
    if (allowedDigests.includes(triple)) {
        return undefined;
    }
    return (
        `${triple} is not a digest the platform has verified (${POLICY_IDS.imageTagPinned}.allowedDigests: ${list(allowedDigests)}): ` +
        "a digest decides what runs whatever the tag says, so the Ray version and tag checks cannot see through it"
    );
}

export function ingressClassProblem(name: string, allowed: readonly string[]): string | undefined {
    return allowed.includes(name)
        ? undefined
        : `${JSON.stringify(name)} is not an ingress class the platform allows (${POLICY_IDS.ingressClassAllowed}.allowedIngressClasses: ${list(allowed)})`;
}

/**
 * Key domains no allowlist may open: KubeRay's and ours (the NetworkPolicies and the autoscaler
 * scope select on them), Kubernetes' (Pod Security, AppArmor, seccomp), and RRSA's webhook.
 */
const RESERVED_KEY_DOMAINS: readonly [string, string][] = [
    ["ray.io", "KubeRay reads and sets ray.io/* (cluster, node type, group)"],
    ["ray-on-ack.io", "ray-on-ack sets these (team, cluster, role, fingerprints, policy exceptions); the NetworkPolicies select on them"],
    ["k8s.io", "Kubernetes reserves k8s.io/"],
    ["pod-identity.alibabacloud.com", "the pod identity webhook (RRSA) reads these to inject a RAM role's credentials"],
];
/** Within kubernetes.io only the recommended application labels are anyone's to set. */
const KUBERNETES_IO_OPEN = /^app\.kubernetes\.io\/(name|instance|version|component|part-of)$/;

function keyDomain(key: string): string | undefined {
    const slash = key.indexOf("/");
    return slash < 0 ? undefined : key.slice(0, slash).toLowerCase();
}

/** Why no allowlist may admit `key` (or a prefix entry that would admit such keys), or undefined. */
export function reservedKeyProblem(key: string): string | undefined {
    if (/seccomp|apparmor/i.test(key)) {
        return "is reserved: seccomp and AppArmor settings come from the pod securityContext (RuntimeDefault)";
    }
    const domain = keyDomain(key);
    if (domain === undefined) {
        return undefined;
    }
    const hit = RESERVED_KEY_DOMAINS.find(([d]) => domain === d || domain.endsWith(`.${d}`));
    if (hit) {
        return `is reserved: ${hit[1]}`;
    }
    if ((domain === "kubernetes.io" || domain.endsWith(".kubernetes.io")) && !KUBERNETES_IO_OPEN.test(key)) {
        return "is reserved: Kubernetes reserves kubernetes.io/ (Pod Security, AppArmor, managed-by); only the app.kubernetes.io/ recommended labels are open";
    }
    return undefined;
}

/** An allowlist entry: a whole key, or `<domain>/` for every key of that domain. */
export function keyAllowlistEntryProblem(entry: string): string | undefined {
    if (
        !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(
            entry,
        ) ||
        entry === ""
    ) {
        return `"${entry}" must be a label or annotation key, or a domain prefix ending in '/'`;
    }
    const why = reservedKeyProblem(entry.endsWith("/") ? `${entry}x` : entry);
    return why === undefined ? undefined : `"${entry}" ${why}`;
}

export type MetadataKind = "pod label" | "pod annotation" | "namespace label";

/** Where the platform writes each key allowlist. */
const KEY_LIST_OF: Record<MetadataKind, keyof PlatformLists> = {
    "pod label": "allowedPodLabelKeys",
    "pod annotation": "allowedPodAnnotationKeys",
    "namespace label": "allowedNamespaceLabelKeys",
};

/** Why a team may not set `key` as a `kind`, or undefined: reserved domains first, then the platform's allowlist. */
export function metadataKeyProblem(key: string, kind: MetadataKind, allowed: readonly string[]): string | undefined {
    const reserved = reservedKeyProblem(key);
    if (reserved !== undefined) {
        return reserved;
    }
    const admitted = allowed.some((entry) =>
        entry.endsWith("/") ? key.startsWith(entry) && !key.slice(entry.length).includes("/") : entry === key,
    );
    return admitted
        ? undefined
        : `is not a ${kind} key the platform allows (${POLICY_IDS.podMetadata}.${KEY_LIST_OF[kind]}: ${list(allowed)}): controllers act on keys of many domains (CNI, service mesh, queues, serverless nodes, agents), so the platform lists the ones teams may set`;
}

const isAtOrInside = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
/** Where images keep their runtime (Ray, Python, Anaconda, venvs): a data root there could replace Ray itself. */
const RUNTIME_PATHS: readonly string[] = ["/home", "/opt", "/tmp", "/srv", "/app", "/nix", "/snap"];

/** A mount root: an absolute directory ending in '/', away from the system's, the image runtime's and Ray's own directories. */
export function mountRootProblem(root: string): string | undefined {
    const dir = root.replace(/\/$/, "");
    if (!root.startsWith("/") || !root.endsWith("/") || root === "/" || path.posix.normalize(root) !== root) {
        return `"${root}" must be a normalised absolute directory ending in '/', e.g. /mnt/`;
    }
    const clash = [...SYSTEM_PATHS, ...RUNTIME_PATHS, ...RAY_OWNED_PATHS].find((d) => isAtOrInside(dir, d) || isAtOrInside(d, dir));
    return clash === undefined
        ? undefined
        : `"${root}" is on, inside or above ${clash}: the system, the image's runtime (Ray and Python) or Ray's own directories live there`;
}

/** Why a team volume may not be mounted at `mountPath`: it must be a normalised path strictly inside an allowed root. */
export function mountPathProblem(mountPath: string, roots: readonly string[]): string | undefined {
    if (!mountPath.startsWith("/")) {
        return "must be an absolute path, e.g. /mnt/data";
    }
    if (path.posix.normalize(mountPath) !== mountPath || (mountPath !== "/" && mountPath.endsWith("/")) || mountPath.includes(":")) {
        return "must be a normalised absolute path (no '.', '..', '//', ':' or trailing '/'), e.g. /mnt/data";
    }
    return roots.some((r) => mountPath.startsWith(r) && mountPath.length > r.length)
        ? undefined
        : `is not inside a data root the platform allows (${POLICY_IDS.volumeMounts}.allowedMountRoots: ${list(roots)}): a volume anywhere else can hide or replace what the image runs`;
}

const refuse = (problem: (v: string) => string | undefined) => (v: string, c: z.RefinementCtx) => {
    const why = problem(v);
    if (why !== undefined) c.addIssue({ code: "custom", message: why });
};

/** The lists, with the secure defaults; each entry checked so that no platform list opens what must stay closed. */
export const platformListsSchema = z
    .strictObject({
        allowedRegistries: z
            .array(z.string().superRefine(refuse(registryPrefixProblem)))
            .min(1)
            .default([...DEFAULT_ALLOWED_REGISTRIES])
            .describe("Prefixes of the fully qualified image reference images may come from (`host/namespace/`)."),
        allowedDigests: z
            .array(z.string().superRefine(refuse(digestTripleProblem)))
            .default([])
            .describe("The `repository:tag@sha256:...` images the platform has verified; any other digest is refused. Default none."),
        allowedIngressClasses: z
            .array(
                z.string().refine((c) => c in AUTH_HONOURING_INGRESS_CLASSES, {
                    message: `must be an ingress class whose controller honours the basic-auth annotations (${Object.keys(AUTH_HONOURING_INGRESS_CLASSES).join(", ")})`,
                }),
            )
            .default(Object.keys(AUTH_HONOURING_INGRESS_CLASSES))
            .describe("Ingress classes a team's exposure may use; a subset of the classes that honour basic auth."),
        allowedPodLabelKeys: z
            .array(z.string().superRefine(refuse(keyAllowlistEntryProblem)))
            .default([
                "app.kubernetes.io/name",
                "app.kubernetes.io/instance",
                "app.kubernetes.io/version",
                "app.kubernetes.io/component",
                "app.kubernetes.io/part-of",
            ])
            .describe("Pod label keys (or `<domain>/` prefixes) teams may set. Default: the app.kubernetes.io/ recommended labels."),
        allowedPodAnnotationKeys: z
            .array(z.string().superRefine(refuse(keyAllowlistEntryProblem)))
            .default([])
            .describe("Pod annotation keys (or `<domain>/` prefixes) teams may set. Default none."),
        allowedNamespaceLabelKeys: z
            .array(z.string().superRefine(refuse(keyAllowlistEntryProblem)))
            .default([])
            .describe("Namespace label keys (or `<domain>/` prefixes) teams may set. Default none."),
        allowedMountRoots: z
            .array(z.string().superRefine(refuse(mountRootProblem)))
            .default(["/mnt/", "/data/"])
            .describe("Directories team volumes may be mounted inside. Default /mnt/ and /data/."),
    })
    .register(argTypes, {
        id: "PlatformLists",
        description:
            "What the platform allows (its policy pack config): a team can only narrow these lists. Each list left out is the secure default.",
    });

export type PlatformLists = z.infer<typeof platformListsSchema>;
export const DEFAULT_PLATFORM_LISTS: PlatformLists = platformListsSchema.parse({});

/** The policy each list is written under in the pack config (`{"<policy>": {"<list>": [...]}}`). */
export const PLATFORM_LIST_HOMES: Readonly<Record<keyof PlatformLists, string>> = {
    allowedRegistries: POLICY_IDS.imageRegistryAllowed,
    allowedDigests: POLICY_IDS.imageTagPinned,
    allowedIngressClasses: POLICY_IDS.ingressClassAllowed,
    allowedPodLabelKeys: POLICY_IDS.podMetadata,
    allowedPodAnnotationKeys: POLICY_IDS.podMetadata,
    allowedNamespaceLabelKeys: POLICY_IDS.podMetadata,
    allowedMountRoots: POLICY_IDS.volumeMounts,
};
