/**
 * Seed 1.1, 1.3, 1.5: Ray itself has to refuse strangers. Mutual TLS protects the gRPC traffic
 * between head, workers and the autoscaler; token authentication covers GCS, the dashboard/Jobs
 * API and Ray Client; and Ray below 2.54 has known dashboard remote-code-execution CVEs.
 */
import * as semver from "semver";
import * as path from "path";
import {
    MIN_KUBERAY_VERSION,
    MIN_RAY_VERSION,
    POLICY_IDS,
    RAY_ENV,
    RAY_TLS_FILES,
    TLS_MOUNT,
    parseImage,
    rayTruthy,
} from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { PolicyResource } from "../resource";
import { ContainerRef, PodTemplate, containersOf, podTemplates, rayClusterSpecs } from "../podTemplates";

const hasRayCluster = (r: PolicyResource): boolean => rayClusterSpecs(r).length > 0;

/** A container's environment as the kubelet builds it: a later entry of the same name wins. */
export function effectiveEnv(container: any): Map<string, any> {
    return new Map<string, any>(((container.env ?? []) as any[]).map((e) => [e?.name, e]));
}

/** `envFrom` can set any variable from a ConfigMap or Secret the pack cannot read, RAY_AUTH_MODE included. */
function envFromProblem(container: any): string[] {
    return (container.envFrom ?? []).length > 0
        ? ["envFrom is set, which can supply RAY_* variables the pack cannot see; set the Ray container's environment with env only"]
        : [];
}

/** Mount paths of the container whose volume is a Secret (directly, or projected from Secrets only). */
export function secretMountPaths(t: PodTemplate, c: ContainerRef): string[] {
    const volumes = new Map<string, any>(((t.spec.volumes ?? []) as any[]).map((v) => [v?.name, v]));
    const isSecret = (v: any) =>
        v?.secret !== undefined ||
        (Array.isArray(v?.projected?.sources) &&
            v.projected.sources.length > 0 &&
            v.projected.sources.every((s: any) => s?.secret !== undefined));
    return ((c.container.volumeMounts ?? []) as any[])
        .filter((m) => typeof m?.mountPath === "string" && m.subPath === undefined && isSecret(volumes.get(m.name)))
        .map((m) => m.mountPath as string);
}

export function isInside(file: string, dir: string): boolean {
    const base = path.posix.normalize(dir).replace(/\/+$/, "");
    return base !== "" && path.posix.normalize(file).startsWith(`${base}/`);
}

function tlsProblems(t: PodTemplate, c: ContainerRef): string[] {
    const env = effectiveEnv(c.container);
    const problems = envFromProblem(c.container);
    const useTls = env.get(RAY_ENV.useTls);
    if (useTls === undefined) {
        problems.push(`${RAY_ENV.useTls} is not set`);
    } else if (typeof useTls.value !== "string") {
        problems.push(`${RAY_ENV.useTls} is not a literal value`);
    } else if (!rayTruthy(useTls.value)) {
        problems.push(`${RAY_ENV.useTls} is ${JSON.stringify(useTls.value)}`);
    }
    const missing = RAY_TLS_FILES.map(([name]) => name).filter((name) => env.get(name) === undefined);
    if (missing.length > 0) {
        problems.push(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set`);
    }
    const mounts = secretMountPaths(t, c);
    for (const [name] of RAY_TLS_FILES) {
        const e = env.get(name);
        if (e === undefined) {
            continue;
        }
        if (typeof e.value !== "string" || e.value === "") {
            problems.push(`${name} is not a literal path`);
        } else if (!mounts.some((dir) => isInside(e.value, dir))) {
            // e.g. the system CA bundle: the node would trust every certificate a public CA signs.
            problems.push(
                `${name} is ${JSON.stringify(e.value)}, which is not inside a mounted Secret (the cluster's TLS Secret at ${TLS_MOUNT.dir})`,
            );
        }
    }
    return problems;
}

export const tlsRequired: Check = {
    kind: "resource",
    id: POLICY_IDS.tlsRequired,
    title: "Ray mutual TLS on",
    seedSection: "1.1",
    description:
        "seed 1.1: the Ray container of the head and of every worker group, and the autoscaler sidecar, set RAY_USE_TLS=1 and RAY_TLS_SERVER_CERT, RAY_TLS_SERVER_KEY and RAY_TLS_CA_CERT as literal paths inside the mounted TLS Secret, in their effective environment (the last entry of a name wins; no envFrom).",
    configKeys: [],
    appliesTo: hasRayCluster,
    validate(r) {
        const findings: Finding[] = [];
        for (const t of podTemplates(r).filter((t) => t.rayCluster !== undefined)) {
            for (const c of containersOf(t).filter((c) => c.isRay)) {
                const problems = tlsProblems(t, c);
                if (problems.length > 0) {
                    findings.push(
                        violation(
                            r,
                            `${c.path}.env`,
                            `${problems.join("; ")}; Ray gRPC must run with RAY_USE_TLS=1 and the certificate, key and CA of the mounted TLS Secret (container "${c.name}")`,
                        ),
                    );
                }
            }
        }
        return findings;
    },
};

/**
 * KubeRay (1.6) skips its token variables when a container already has them, so a container's
 * own RAY_AUTH_MODE or RAY_AUTH_TOKEN wins over spec.authOptions.
 */
function tokenEnvProblems(c: ContainerRef): string[] {
    const env = effectiveEnv(c.container);
    const problems = envFromProblem(c.container);
    const mode = env.get(RAY_ENV.authMode);
    if (mode !== undefined && mode.value !== "token") {
        problems.push(
            `${RAY_ENV.authMode} is ${typeof mode.value === "string" ? JSON.stringify(mode.value) : "not a literal value"}; leave it to KubeRay or set "token"`,
        );
    }
    const token = env.get(RAY_ENV.authToken);
    if (token !== undefined && token.valueFrom?.secretKeyRef === undefined) {
        problems.push(
            `${RAY_ENV.authToken} is ${token.value !== undefined ? "a literal value, readable by anyone who can read this resource" : "not from a Secret"}; leave it to KubeRay (spec.authOptions)`,
        );
    }
    return problems;
}

export const tokenAuthRequired: Check = {
    kind: "resource",
    id: POLICY_IDS.tokenAuthRequired,
    title: "Ray token authentication on",
    seedSection: "1.3, 1.5",
    description:
        "seed 1.3, 1.5: every RayCluster (and RayJob cluster) sets spec.authOptions.mode: token, so GCS, the dashboard/Jobs API and Ray Client require the cluster's token; no container overrides it (RAY_AUTH_MODE other than token, a literal RAY_AUTH_TOKEN, envFrom on a Ray container).",
    configKeys: [],
    appliesTo: hasRayCluster,
    validate(r) {
        const findings = rayClusterSpecs(r)
            .filter((cluster) => cluster.spec.authOptions?.mode !== "token")
            .map((cluster) => {
                const mode = cluster.spec.authOptions?.mode;
                const found = mode === undefined ? "is not set" : `is ${JSON.stringify(mode)}`;
                return violation(r, `${cluster.path}.authOptions.mode`, `${found}; must be "token"`);
            });
        for (const t of podTemplates(r)) {
            for (const c of containersOf(t)) {
                const problems = tokenEnvProblems(c);
                if (problems.length > 0) {
                    findings.push(violation(r, `${c.path}.env`, `${problems.join("; ")} (container "${c.name}")`));
                }
            }
        }
        return findings;
    },
};

/** The leading `major.minor[.patch]` of a Ray image tag such as `2.54.0-py311-gpu`; other tags say nothing about the version. */
function tagVersion(tag: string | undefined): semver.SemVer | undefined {
    const m = tag === undefined ? null : /^v?(\d+\.\d+(?:\.\d+)?)(?![\d.])/.exec(tag);
    return m ? (semver.coerce(m[1]) ?? undefined) : undefined;
}

export const rayVersionMinimum: Check = {
    kind: "resource",
    id: POLICY_IDS.rayVersionMinimum,
    title: `Ray ${MIN_RAY_VERSION} or later`,
    seedSection: "1.5, 6",
    description: `seed 1.5, 6: spec.rayVersion and the Ray images' version tags are at least ${MIN_RAY_VERSION}; older Ray has known dashboard remote-code-execution CVEs.`,
    configKeys: [],
    appliesTo: hasRayCluster,
    validate(r) {
        const findings: Finding[] = [];
        const tooOld = `Ray below ${MIN_RAY_VERSION} has known dashboard remote-code-execution CVEs`;
        for (const cluster of rayClusterSpecs(r)) {
            const path = `${cluster.path}.rayVersion`;
            const declared = cluster.spec.rayVersion;
            const version = declared === undefined ? null : semver.coerce(String(declared));
            if (declared === undefined) {
                findings.push(violation(r, path, `is not set; must be ${MIN_RAY_VERSION} or later`));
            } else if (version === null) {
                findings.push(violation(r, path, `${JSON.stringify(declared)} is not a Ray version`));
            } else if (semver.lt(version, MIN_RAY_VERSION)) {
                findings.push(violation(r, path, `is ${JSON.stringify(declared)}; ${tooOld}`));
            }
        }
        for (const t of podTemplates(r).filter((t) => t.rayCluster !== undefined)) {
            for (const c of containersOf(t).filter((c) => c.isRay && typeof c.container.image === "string")) {
                const version = tagVersion(parseImage(c.container.image).tag);
                if (version && semver.lt(version, MIN_RAY_VERSION)) {
                    findings.push(
                        violation(
                            r,
                            `${c.path}.image`,
                            `${JSON.stringify(c.container.image)} is Ray ${version.version}; ${tooOld} (container "${c.name}")`,
                        ),
                    );
                }
            }
        }
        return findings;
    },
};

export const kuberayVersion: Check = {
    kind: "resource",
    id: POLICY_IDS.kuberayVersion,
    title: `KubeRay ${MIN_KUBERAY_VERSION} or later`,
    seedSection: "1.3, 1.5",
    description: `seed 1.3, 1.5: a KubeRay operator add-on with a pinned version runs ${MIN_KUBERAY_VERSION} or later, the first release that reads spec.authOptions.secretName, the Ray token Secret every RayCluster of the package names.`,
    configKeys: [],
    appliesTo: (r) => r.type === "alicloud:cs/kubernetesAddon:KubernetesAddon" && /kuberay/i.test(String(r.props?.name ?? "")),
    validate(r) {
        const declared = r.props?.version;
        if (declared === undefined || declared === null || declared === "") {
            return []; // unpinned: ACK installs its current release
        }
        const version = semver.coerce(String(declared));
        if (version === null || semver.lt(version, MIN_KUBERAY_VERSION)) {
            return [
                violation(
                    r,
                    "version",
                    `is ${JSON.stringify(declared)}; KubeRay below ${MIN_KUBERAY_VERSION} reads no spec.authOptions.secretName, so it cannot enforce the clusters' Ray token authentication`,
                ),
            ];
        }
        return [];
    },
};
