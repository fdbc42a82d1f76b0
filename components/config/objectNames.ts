/**
 * The names of the objects a team stack creates, derived from its config (core/naming.ts), so
 * that no two of them share kind and name, and no reference a team writes (a pull secret, a TLS
 * Secret, a CSI credential Secret) names a Secret the stack generates: two resources fighting
 * over one object leave it to whichever `pulumi up` wrote last, and a reference to the Ray token
 * or the TLS key Secret hands it to whatever reads the reference.
 */
import { KUBERAY_GENERATION_NAME, names } from "../core/naming";
import type { Issue } from "../core/issue";
import { TLS_SLOTS } from "../tls/generations";
import type { TeamConfig } from "./model";
import { GCS_REDIS_SECRET } from "@ray-on-ack/common/gcs";

type Path = (string | number)[];
interface Generated {
    readonly kind: string;
    readonly name: string;
    /** The key whose value gave the object its name. */
    readonly path: Path;
}

const ROLES = ["head", "worker"] as const;

/** Every object the stack names itself, with the key that named it. */
export function generatedObjects(config: TeamConfig): Generated[] {
    const out: Generated[] = [];
    const add = (kind: string, name: string, path: Path) => out.push({ kind, name, path });
    const team: Path = ["team"];
    add("Role", names.peopleRole(config.team), team);
    add("RoleBinding", names.peopleRole(config.team), team);
    for (const policy of ["default-deny-all", "allow-dns", "ray-metrics", "ray-egress-allowlist"]) {
        add("NetworkPolicy", policy, team);
    }
    const workloads = [
        ...config.clusters.map((w, i) => ({ w, kind: "RayCluster", path: ["clusters", i, "name"] as Path })),
        ...config.jobs.map((w, i) => ({ w, kind: "RayJob", path: ["jobs", i, "name"] as Path })),
        ...config.services.map((w, i) => ({ w, kind: "RayService", path: ["services", i, "name"] as Path })),
    ];
    for (const { w, kind, path } of workloads) {
        const n = w.name;
        add(kind, n, path);
        for (const role of [...ROLES, ...(kind === "RayJob" ? (["submitter"] as const) : [])]) {
            add("ServiceAccount", names.serviceAccount(n, role), path);
        }
        add("Secret", names.tokenSecret(n), path);
        for (const role of ROLES) {
            if (kind === "RayService") {
                TLS_SLOTS.forEach((slot) => add("Secret", names.tlsSlotSecret(n, role, slot), path));
            } else {
                add("Secret", names.tlsSecret(n, role), path);
            }
        }
        if (w.autoscaling.enabled) {
            add("Role", names.autoscalerRole(n), path);
            add("RoleBinding", names.autoscalerRole(n), path);
            add("NetworkPolicy", `${n}-head-apiserver`, path);
        }
        add("NetworkPolicy", `${n}-ray-internal`, path);
        add("NetworkPolicy", `${n}-head-ingress`, path);
        if (kind === "RayService") {
            add("NetworkPolicy", `${n}-serve-ingress`, path);
            add("Service", names.serveService(n), path);
        } else {
            add("Service", names.headService(n), path);
        }
        if (kind === "RayJob") {
            add("NetworkPolicy", `${n}-submitter-egress`, path);
        }
        if (w.gcsFaultTolerance.enabled && w.gcsFaultTolerance.backend === "redis") {
            add("NetworkPolicy", names.gcsRedisPolicy(n), path);
            // One per team: every fault-tolerant workload names it.
            add("Secret", GCS_REDIS_SECRET.name, ["gcsRedisPassword"]);
        }
        const exposure = "exposure" in w ? w.exposure : undefined;
        const serve = kind === "RayService";
        if (exposure?.mode === "loadbalancer") {
            add("Service", serve ? names.servePublicService(n) : names.dashboardService(n), path);
        }
        if (exposure?.mode === "ingress") {
            add("Ingress", serve ? names.serveIngress(n) : names.dashboardIngress(n), path);
            add("Secret", serve ? names.serveBasicAuthSecret(n) : names.basicAuthSecret(n), path);
        }
        if (exposure?.mode === "gateway") {
            add("HTTPRoute", names.gatewayRoute(n), path);
            add("SecurityPolicy", names.gatewayPolicy(n), path);
            add("Secret", names.basicAuthSecret(n), path);
        }
    }
    return out;
}

const keyText = (path: Path) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

/** Secrets a team names by reference, each with its key. */
function secretReferences(config: TeamConfig): { name: string; path: Path }[] {
    const out: { name: string; path: Path }[] = [];
    const volumesOf = (vs: { csi?: { nodePublishSecretRef?: { name: string } } }[] | undefined, at: Path) =>
        (vs ?? []).forEach(
            (v, i) =>
                v.csi?.nodePublishSecretRef &&
                out.push({ name: v.csi.nodePublishSecretRef.name, path: [...at, "volumes", i, "csi", "nodePublishSecretRef", "name"] }),
        );
    const lists = [
        ["clusters", config.clusters],
        ["jobs", config.jobs],
        ["services", config.services],
    ] as const;
    for (const [key, list] of lists) {
        list.forEach((w, i) => {
            (w.imagePullSecrets ?? []).forEach((name, j) => out.push({ name, path: [key, i, "imagePullSecrets", j] }));
            volumesOf(w.volumes, [key, i]);
            volumesOf(w.head.volumes, [key, i, "head"]);
            w.workerGroups.forEach((g, j) => volumesOf(g.volumes, [key, i, "workerGroups", j]));
            const exposure = "exposure" in w ? w.exposure : undefined;
            if (exposure?.mode === "ingress") {
                out.push({ name: exposure.tlsSecretName, path: [key, i, "exposure", "tlsSecretName"] });
            }
        });
    }
    return out;
}

/**
 * Worker pods of two groups (of one cluster or two) whose names KubeRay starts alike: the autoscaler
 * scope tells a cluster's own workers by that prefix, so one cluster's autoscaler could name the
 * other's workers in `workersToDelete`.
 */
function workerPrefixClashes(config: TeamConfig): Issue[] {
    const seen = new Map<string, Path>();
    const out: Issue[] = [];
    const lists = [
        ["clusters", config.clusters],
        ["jobs", config.jobs],
        ["services", config.services],
    ] as const;
    for (const [key, list] of lists) {
        list.forEach((w, i) =>
            w.workerGroups.forEach((g, j) => {
                const prefix = names.workerPodPrefix(w.name, g.name);
                const path: Path = [key, i, "workerGroups", j, "name"];
                const first = seen.get(prefix);
                if (first === undefined) {
                    seen.set(prefix, path);
                } else {
                    out.push({
                        path,
                        message: `its worker pods would be named ${prefix}<random>, as those of ${keyText(first)}: name the cluster or group apart, or one autoscaler could delete the other's workers`,
                    });
                }
            }),
        );
    }
    return out;
}

/**
 * A workload named as KubeRay may name a cluster of a RayService or a RayJob (`<name>-` and 5
 * random characters): the two would share a RayCluster name, its pods' names and the autoscaler
 * scope's idea of which cluster a head pod belongs to.
 */
function generatedNameClashes(config: TeamConfig): Issue[] {
    const generating = [
        ...config.jobs.map((w, i) => ({ name: w.name, kind: "RayJob", path: ["jobs", i, "name"] as Path })),
        ...config.services.map((w, i) => ({ name: w.name, kind: "RayService", path: ["services", i, "name"] as Path })),
    ];
    const all = [...config.clusters.map((w, i) => ({ name: w.name, path: ["clusters", i, "name"] as Path })), ...generating];
    const random = new RegExp(`^[a-z0-9]{${KUBERAY_GENERATION_NAME.randomSuffix}}$`);
    return all.flatMap((w) =>
        generating
            .filter((g) => w.name.startsWith(`${g.name}-`) && random.test(w.name.slice(g.name.length + 1)))
            .map((g) => ({
                path: w.path,
                message: `${JSON.stringify(w.name)} is a name KubeRay may give a cluster of ${g.kind} ${g.name} (${keyText(g.path)}: ${g.name}-<5 random>), whose objects and autoscaler scope would then be this one's; rename it`,
            })),
    );
}

export function objectNameClashes(config: TeamConfig): Issue[] {
    const out: Issue[] = [...workerPrefixClashes(config), ...generatedNameClashes(config)];
    const seen = new Map<string, Generated>();
    for (const g of generatedObjects(config)) {
        const id = `${g.kind}/${g.name}`;
        const first = seen.get(id);
        if (first === undefined) {
            seen.set(id, g);
        } else if (keyText(first.path) !== keyText(g.path)) {
            out.push({
                path: g.path,
                message: `names ${g.kind} ${g.name}, which ${keyText(first.path)} already names: two resources would own one object; rename one of them`,
            });
        }
    }
    for (const ref of secretReferences(config)) {
        const ours = seen.get(`Secret/${ref.name}`);
        if (ours !== undefined) {
            out.push({
                path: ref.path,
                message: `${JSON.stringify(ref.name)} is a Secret this stack generates for ${keyText(ours.path)} (its Ray token, TLS keys, basic-auth hash or Redis password); name a Secret of your own`,
            });
        }
    }
    return out;
}
