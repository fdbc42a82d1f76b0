/**
 * Seed 9 (production Ray, issue 23): a head failure must not take a service down. A RayService's
 * GCS keeps its state in a store that outlives the head (KubeRay's `gcsFaultToleranceOptions`)
 * unless the platform grants its absence; and wherever GCS fault tolerance is on, it is on safely:
 * Redis over TLS (`rediss://`) with a password from a Secret, verified against a CA mounted from a
 * Secret (never the image's system bundle: hiredis does not match host names), each cluster under
 * its own storage namespace, and workers that wait long enough for a restarted head. Which Redis
 * (the team's registered one) is `ray-tenancy`'s to judge (policy/tenancy/gcs.ts).
 */
import { GCS_EMBEDDED, GCS_ENV, MIN_GCS_RECONNECT_TIMEOUT_S, POLICY_IDS, versionAtLeast } from "@ray-on-ack/common";
import { Check, Finding, ungrantable, violation } from "../check";
import { PolicyResource, isKind } from "../resource";
import { ContainerRef, PodTemplate, RayClusterSpecRef, containersOf, podTemplates, rayClusterSpecs } from "../podTemplates";
import { effectiveEnv, isInside, secretMountPaths } from "./ray";

/** KubeRay's older switch: GCS fault tolerance with nothing the pack can judge (no address, no TLS). */
const LEGACY_FT_ANNOTATION = "ray.io/ft-enabled";

const templatesOf = (r: PolicyResource, cluster: RayClusterSpecRef): PodTemplate[] =>
    podTemplates(r).filter((t) => t.rayCluster?.path === cluster.path);

/** The Ray container of the cluster's head template. */
function headRayContainer(r: PolicyResource, cluster: RayClusterSpecRef): { t: PodTemplate; c: ContainerRef } | undefined {
    const t = templatesOf(r, cluster).find((x) => x.role === "head");
    const c = t && containersOf(t).find((x) => x.isRay && x.kind === "container");
    return t && c ? { t, c } : undefined;
}

function redisFindings(r: PolicyResource, cluster: RayClusterSpecRef, ft: any): Finding[] {
    const at = `${cluster.path}.gcsFaultToleranceOptions`;
    const out: Finding[] = [];
    const address = ft.redisAddress;
    if (typeof address !== "string" || !address.startsWith("rediss://")) {
        out.push(
            ungrantable(
                violation(
                    r,
                    `${at}.redisAddress`,
                    `is ${JSON.stringify(address)}; GCS fault tolerance reaches Redis over TLS only (rediss://<host>:<port>): in cleartext the password and every actor's and job's state cross the network`,
                ),
            ),
        );
    }
    const password = ft.redisPassword;
    if (password?.valueFrom?.secretKeyRef === undefined || password?.value !== undefined) {
        const found =
            password === undefined || password === null
                ? "is not set: the Redis would take any client that reaches it"
                : password.value !== undefined
                  ? "is a literal value, readable by anyone who can read this resource"
                  : "is not from a Secret";
        out.push(ungrantable(violation(r, `${at}.redisPassword`, `${found}; the password comes from a Secret (valueFrom.secretKeyRef)`)));
    }
    if (ft.externalStorageNamespace !== undefined) {
        out.push(
            ungrantable(
                violation(
                    r,
                    `${at}.externalStorageNamespace`,
                    "is set; leave it to KubeRay (the RayCluster's UID): a fixed namespace makes two clusters (a RayService's old and new generation, a recreated cluster) share one GCS state, and one's cleanup Job erase the other's",
                ),
            ),
        );
    }
    const head = headRayContainer(r, cluster);
    if (head !== undefined) {
        const ca = effectiveEnv(head.c.container).get(GCS_ENV.redisCaCert);
        const mounts = secretMountPaths(head.t, head.c);
        const problem =
            ca === undefined
                ? "is not set, so hiredis trusts the image's system CA bundle: any certificate a public CA signs would pass for the team's Redis (hiredis does not match host names)"
                : typeof ca.value !== "string" || ca.value === ""
                  ? "is not a literal path"
                  : mounts.some((dir) => isInside(ca.value, dir))
                    ? undefined
                    : `is ${JSON.stringify(ca.value)}, which is not inside a mounted Secret (the registered CA of the team's Redis)`;
        if (problem !== undefined) {
            out.push(ungrantable(violation(r, `${head.c.path}.env`, `${GCS_ENV.redisCaCert} ${problem} (container "${head.c.name}")`)));
        }
    }
    return out;
}

function embeddedFindings(r: PolicyResource, cluster: RayClusterSpecRef, ft: any): Finding[] {
    const at = `${cluster.path}.gcsFaultToleranceOptions`;
    const out: Finding[] = [];
    if (ft.storage?.claimName !== undefined) {
        out.push(
            ungrantable(
                violation(
                    r,
                    `${at}.storage.claimName`,
                    "names an existing claim; let KubeRay create the head's own volume: a claim of another cluster's would put two GCS stores (RocksDB is single-writer) or another cluster's state under this head",
                ),
            ),
        );
    }
    const version = cluster.spec.rayVersion;
    if (typeof version !== "string" || !versionAtLeast(version, GCS_EMBEDDED.minRayVersion)) {
        out.push(
            violation(
                r,
                `${cluster.path}.rayVersion`,
                `is ${JSON.stringify(version)}; the embedded GCS store needs Ray ${GCS_EMBEDDED.minRayVersion} or later`,
            ),
        );
    }
    return out;
}

/** Every Ray container of a fault-tolerant cluster: no CA directory beside the registered CA; workers wait for a restarted head. */
function containerFindings(r: PolicyResource, cluster: RayClusterSpecRef): Finding[] {
    const out: Finding[] = [];
    for (const t of templatesOf(r, cluster)) {
        for (const c of containersOf(t).filter((x) => x.isRay)) {
            const env = effectiveEnv(c.container);
            if (env.has(GCS_ENV.redisCaPath)) {
                out.push(
                    ungrantable(
                        violation(
                            r,
                            `${c.path}.env`,
                            `${GCS_ENV.redisCaPath} is set, which adds every CA of a directory to what Redis connections trust (container "${c.name}")`,
                        ),
                    ),
                );
            }
            const timeout = env.get(GCS_ENV.reconnectTimeout);
            // Unset on a worker, KubeRay sets 600 s itself; a shorter wait kills the workers of a head that restarts on a slow node.
            if (t.role === "worker" && timeout !== undefined && !(Number(timeout.value) >= MIN_GCS_RECONNECT_TIMEOUT_S)) {
                out.push(
                    violation(
                        r,
                        `${c.path}.env`,
                        `${GCS_ENV.reconnectTimeout} is ${JSON.stringify(timeout.value ?? "not a literal value")}; a worker of a fault-tolerant cluster waits at least ${MIN_GCS_RECONNECT_TIMEOUT_S} s for a restarted head, or it exits before the head is back (container "${c.name}")`,
                    ),
                );
            }
        }
    }
    return out;
}

/** Whether `cluster` of `r` keeps its GCS state across head restarts, and how (for the posture report). */
export function gcsFaultToleranceOf(r: PolicyResource, cluster: RayClusterSpecRef): string {
    const ft = cluster.spec.gcsFaultToleranceOptions;
    if (ft === undefined || ft === null) {
        return String(r.props?.metadata?.annotations?.[LEGACY_FT_ANNOTATION]).toLowerCase() === "true" ? "legacy annotation" : "none";
    }
    return ft.backend === "rocksdb" ? "embedded RocksDB" : `Redis ${String(ft.redisAddress)}`;
}

export const gcsFaultTolerance: Check = {
    kind: "resource",
    id: POLICY_IDS.gcsFaultTolerance,
    title: "GCS fault tolerance: required for RayServices, and over TLS wherever it is on",
    seedSection: "9",
    description:
        "seed 9: production Ray: every RayService keeps its GCS state across head restarts (gcsFaultToleranceOptions) unless the platform grants its absence, and excludes its head from the serve Service; wherever GCS fault tolerance is on, Redis is reached over TLS (rediss://) with the password from a Secret, verified against RAY_REDIS_CA_CERT inside a mounted Secret (no RAY_REDIS_CA_PATH), under KubeRay's own storage namespace, workers wait at least 600 s for a restarted head, and the embedded store (KubeRay 1.7) gets a volume of its own on Ray 2.57 or later. Never the legacy ray.io/ft-enabled annotation.",
    configKeys: [],
    appliesTo: (r) => rayClusterSpecs(r).length > 0,
    validate(r) {
        const findings: Finding[] = [];
        if (String(r.props?.metadata?.annotations?.[LEGACY_FT_ANNOTATION] ?? "") !== "") {
            findings.push(
                ungrantable(
                    violation(
                        r,
                        `metadata.annotations["${LEGACY_FT_ANNOTATION}"]`,
                        "is set; KubeRay's legacy switch takes the Redis address and password from the environment, where the pack cannot judge TLS or the store: use spec gcsFaultToleranceOptions",
                    ),
                ),
            );
        }
        for (const cluster of rayClusterSpecs(r)) {
            const ft = cluster.spec.gcsFaultToleranceOptions;
            if (ft === undefined || ft === null) {
                if (isKind(r, "ray.io", "RayService")) {
                    findings.push(
                        violation(
                            r,
                            `${cluster.path}.gcsFaultToleranceOptions`,
                            "is not set: without GCS fault tolerance a head restart (a node drained, the head OOM-killed) takes every Serve replica down with it; turn it on (gcsFaultTolerance.enabled, with the team's registered Redis), or the platform grants its absence for this service",
                        ),
                    );
                }
                continue;
            }
            findings.push(...(ft.backend === "rocksdb" ? embeddedFindings(r, cluster, ft) : redisFindings(r, cluster, ft)));
            findings.push(...containerFindings(r, cluster));
            if (isKind(r, "ray.io", "RayService") && r.props?.spec?.excludeHeadPodFromServeSvc !== true) {
                findings.push(
                    violation(
                        r,
                        "spec.excludeHeadPodFromServeSvc",
                        "is not true: the head of a fault-tolerant service restarts while its workers serve on, and requests its proxy holds are lost when it does; serve from the workers only",
                    ),
                );
            }
        }
        return findings;
    },
};
