/**
 * The workload config fragment: a RayCluster, a RayJob and a RayService (their head, worker
 * groups, autoscaler, environment and pod options), composed with the image, exposure and RRSA fragments.
 */
import { z } from "zod";
import * as semver from "semver";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { duplicateNames, dnsLabel, quantity, resources } from "../core/model";
import { HOST_PATHS_REMOVED, removedKey } from "../core/removed";
import { CONTROL_PLANE_LABELS } from "@ray-on-ack/common";
import { accessKeyProblem } from "@ray-on-ack/common";
import { clusterRrsaSchema as rrsa } from "../cloud/model";
import { clusterIdentitySchema } from "../identity/model";
import { MIN_PERSONAL_IDENTITY_RAY_VERSION } from "@ray-on-ack/common/identity";
import { exposureSchema as exposure } from "../exposure/model";
import { gcsFaultToleranceSchema } from "../gcs/model";
import { DEFAULT_RAY_VERSION, imageSchema, rayVersionSchema } from "../images/model";
import { reservedEnvProblem } from "./env";
import { objectStoreProblems } from "./objectStore";
import { serveConfigSchemaFor } from "./serve";
import { serveCapacityProblems } from "./serveCapacity";
import { clusterPodOptions, groupPodOptions, headRayStartParams, sharedGpu, volumeClashes, workerRayStartParams } from "./workloadOptions";

/** The object store must fit /dev/shm, and /dev/shm must fit the memory limit. */
function checkObjectStore(pod: { memory: string; shmSize?: string }, ctx: z.RefinementCtx): void {
    for (const p of objectStoreProblems(pod.memory, pod.shmSize)) {
        ctx.addIssue({ code: "custom", path: [p.path], message: p.message });
    }
}

const envVars = z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid environment variable name"), z.string())
    .superRefine((env, ctx) => {
        for (const [name, value] of Object.entries(env)) {
            const why = accessKeyProblem(name, value) ?? reservedEnvProblem(name);
            if (why) {
                ctx.addIssue({ code: "custom", path: [name], message: why });
            }
        }
    });

const workerGroup = z
    .strictObject({
        name: dnsLabel(30).describe("The group's name, unique in its cluster (the Ray group name and part of its pods' names)."),
        cpu: quantity.describe("CPU request and limit of each worker (a Kubernetes quantity: `8`, `500m`)."),
        memory: quantity.describe(
            "Memory request and limit of each worker (`32Gi`); Ray sizes the object store from it (see Pod runtime).",
        ),
        gpu: z.number().int().min(0).default(0).describe("NVIDIA GPUs per worker (`nvidia.com/gpu`). Default 0."),
        sharedGpu: sharedGpu
            .optional()
            .describe(
                'ACK shared-GPU resources per worker instead of whole GPUs, e.g. `aliyun.com/gpu-mem: 8` (docs/configuration.md "Workload options").',
            ),
        rayStartParams: workerRayStartParams
            .optional()
            .describe("Extra `ray start` parameters from the allowlist (num-cpus, num-gpus, memory, resources)."),
        ...groupPodOptions,
        replicas: z.number().int().min(0).default(1).describe("Workers at creation; between `minReplicas` and `maxReplicas`."),
        minReplicas: z.number().int().min(0).default(0).describe("Fewest workers (the autoscaler's floor); at most `maxReplicas`."),
        maxReplicas: z.number().int().min(0).default(4).describe("Most workers (the autoscaler's ceiling)."),
        shmSize: quantity
            .optional()
            .describe(
                "Size of the memory-backed /dev/shm. Default: sized from the object store (Ray's 30% of memory, at most 10 GB, plus 10%). When set, the object store shrinks to fit it.",
            ),
        rayTmpSize: quantity.default("10Gi").describe("Bound of the /tmp/ray emptyDir (sessions, logs, spilled objects). Default 10Gi."),
        image: imageSchema
            .optional()
            .describe(
                "The group's own image; fields left out come from the cluster's image (never its digest). Default: the cluster's image, or for a GPU group its `-gpu` (CUDA) tag.",
            ),
        nodeSelector: z
            .record(z.string(), z.string())
            .superRefine((labels, c) => {
                for (const key of Object.keys(labels).filter((k) => CONTROL_PLANE_LABELS.includes(k))) {
                    c.addIssue({
                        code: "custom",
                        path: [key],
                        message: `must not select control-plane nodes (${CONTROL_PLANE_LABELS.join(", ")}): Ray runs user code`,
                    });
                }
            })
            .optional()
            .describe("Node labels; never the control-plane role labels."),
        tolerations: z
            .array(
                z
                    .strictObject({
                        key: z
                            .string({ error: "is required: a toleration without a key tolerates every taint" })
                            .min(1, "is required: a toleration without a key tolerates every taint")
                            .refine((k) => !CONTROL_PLANE_LABELS.includes(k), {
                                message: "must not tolerate the control-plane taints: Ray runs user code",
                            })
                            .describe(
                                "The taint key tolerated. Required: a toleration without a key tolerates every taint; never the control-plane taints.",
                            ),
                        operator: z
                            .enum(["Equal", "Exists"])
                            .optional()
                            .describe("`Equal` (with `value`) or `Exists`; Kubernetes' default `Equal`."),
                        value: z.string().optional().describe("The taint's value, with `operator: Equal`."),
                        effect: z
                            .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"])
                            .optional()
                            .describe("The taint effect tolerated; every effect when left out."),
                    })
                    .register(argTypes, { id: "Toleration", description: "A toleration; it must name the taint it tolerates." }),
            )
            .optional()
            .describe("Each names the taint it tolerates: a toleration without a key tolerates every taint, control-plane ones included."),
    })
    .superRefine((g, ctx) => {
        checkObjectStore(g, ctx);
        if (g.gpu > 0 && Object.keys(g.sharedGpu ?? {}).length > 0) {
            ctx.addIssue({ code: "custom", path: ["sharedGpu"], message: "give either gpu (whole GPUs) or sharedGpu, not both" });
        }
        if (g.minReplicas > g.maxReplicas) {
            ctx.addIssue({ code: "custom", path: ["minReplicas"], message: `must be <= maxReplicas (${g.maxReplicas})` });
        }
        if (g.replicas < g.minReplicas || g.replicas > g.maxReplicas) {
            ctx.addIssue({
                code: "custom",
                path: ["replicas"],
                message: `must be between minReplicas (${g.minReplicas}) and maxReplicas (${g.maxReplicas})`,
            });
        }
    })
    .register(argTypes, { id: "WorkerGroup", description: "A Ray worker group." });

const autoscaling = z
    .strictObject({
        enabled: z.boolean().default(false).describe("KubeRay in-tree autoscaling. Default false."),
        idleTimeoutSeconds: z
            .number()
            .int()
            .min(1)
            .default(60)
            .describe("Seconds an idle worker is kept before it is removed. Default 60."),
        upscalingMode: z
            .enum(["Default", "Conservative", "Aggressive"])
            .default("Default")
            .describe("`Default`, `Conservative` or `Aggressive`. Default `Default`."),
        resources: resources.default({ cpu: "500m", memory: "512Mi" }).describe("Resources of the autoscaler sidecar."),
    })
    .register(argTypes, { id: "Autoscaling", description: "KubeRay in-tree autoscaling." });

const headSchema = z
    .strictObject({
        cpu: quantity.default("2").describe("CPU request and limit of the head pod."),
        memory: quantity.default("8Gi").describe("Memory request and limit of the head pod."),
        numCpus: z
            .string()
            .regex(/^[0-9]+$/, "must be a whole number as a string")
            .default("0")
            .describe('Ray `num-cpus` on the head. Default "0": no tasks on the head.'),
        shmSize: quantity
            .optional()
            .describe("As for worker groups: default sized from the object store; when set, the object store fits it."),
        rayTmpSize: quantity.default("10Gi").describe("Bound of the head's /tmp/ray emptyDir. Default 10Gi."),
        rayStartParams: headRayStartParams
            .optional()
            .describe("Extra `ray start` parameters from the allowlist (num-gpus, memory, resources; num-cpus is numCpus)."),
        ...groupPodOptions,
    })
    .superRefine((h, ctx) => checkObjectStore(h, ctx))
    .register(argTypes, { id: "Head", description: "The Ray head pod." });

/** What a RayCluster and a RayJob's cluster have in common. */
const clusterShape = {
    rayVersion: rayVersionSchema
        .default(DEFAULT_RAY_VERSION)
        .describe(
            "The Ray version; at least 2.54.0 (older Ray has dashboard remote-code-execution CVEs; opt-in: `security.allowVulnerableRayVersion`). The image tag must start with it.",
        ),
    image: imageSchema
        .default({})
        .describe(
            "The Ray image of the head and the workers (a GPU group defaults to its `-gpu` tag). Its repository must be under `security.allowedRegistries`; never `latest`.",
        ),
    head: headSchema.default(headSchema.parse({})).describe('The head pod: no Ray tasks by default (`numCpus: "0"`).'),
    workerGroups: z
        .array(workerGroup)
        .min(1, "needs at least one worker group")
        .superRefine((groups, c) => duplicateNames(groups, "worker group", c))
        .describe("The worker groups: at least one, names unique."),
    autoscaling: autoscaling
        .default(autoscaling.parse({}))
        .describe(
            "KubeRay's in-tree autoscaler, for RayClusters and RayServices (a RayService's generations are told apart by the head pod its autoscaler's token is bound to; docs/design.md \"The autoscaler's reach\"); refused for a RayJob.",
        ),
    hostPaths: removedKey(HOST_PATHS_REMOVED).describe(
        "Removed: Pod Security `restricted` and `baseline` both forbid hostPath volumes, so the opt-in could only work by lowering the namespace to `privileged`; refused with a pointer to read-only PVC/CSI volumes.",
    ),
    gcsFaultTolerance: gcsFaultToleranceSchema
        .default(gcsFaultToleranceSchema.parse({}))
        .describe(
            "GCS fault tolerance: the head's GCS keeps the cluster's state in the team's Redis (registered by the platform) or KubeRay 1.7's embedded store, so a head restart keeps the workers. Default off.",
        ),
    env: envVars
        .default({})
        .describe(
            "Extra environment of the Ray containers. AccessKeys are refused, and so are the names Ray, KubeRay, RRSA and TLS read (`RAY_*` except three logging ones, `KUBERAY_*`, `ALIBABA_CLOUD_*`, `GRPC_*`, CA bundle and loader variables; see What the config refuses).",
        ),
    identity: clusterIdentitySchema
        .default({ mode: "token" })
        .describe(
            'How people reach the cluster: `token` (default, the static Ray token) or `personal` (each person\'s own Kubernetes identity; RayClusters only, docs/design.md "People: personal identity").',
        ),
    /** Workload options of every pod (docs/configuration.md "Workload options"). */
    ...clusterPodOptions,
};

/**
 * Personal identity on a RayCluster: Ray checks Kubernetes tokens from 2.55, and the autoscaler
 * would hand the Ray container a credential that patches pods (docs/design.md "People: personal identity").
 */
const checkPersonalIdentity = (
    c: { rayVersion: string; autoscaling: { enabled: boolean }; identity: { mode: string } },
    ctx: z.RefinementCtx,
) => {
    if (c.identity.mode !== "personal") {
        return;
    }
    if (semver.valid(c.rayVersion) !== null && semver.lt(c.rayVersion, MIN_PERSONAL_IDENTITY_RAY_VERSION)) {
        ctx.addIssue({
            code: "custom",
            path: ["identity", "mode"],
            message: `personal needs Ray >= ${MIN_PERSONAL_IDENTITY_RAY_VERSION} (rayVersion is ${c.rayVersion}): older Ray does not check Kubernetes tokens, and KubeRay refuses enableK8sTokenAuth below it`,
        });
    }
    if (c.autoscaling.enabled) {
        ctx.addIssue({
            code: "custom",
            path: ["identity", "mode"],
            message:
                "personal is refused with autoscaling.enabled: KubeRay runs the autoscaler in the head pod under the head's ServiceAccount, and a projected token is always the pod's ServiceAccount's, so the Ray container, where job drivers run, would hold a credential that may patch the namespace's pods; size the worker groups instead, or keep mode token",
        });
    }
};

/** KubeRay 1.6 and 1.7 refuse enableK8sTokenAuth on a RayJob and a RayService; their people never need the token. */
const refusePersonalIdentity = (what: string, whoNeedsTheToken: string) => (w: { identity: { mode: string } }, ctx: z.RefinementCtx) => {
    if (w.identity.mode === "personal") {
        ctx.addIssue({
            code: "custom",
            path: ["identity", "mode"],
            message: `personal is not supported for a ${what}: KubeRay 1.6 and 1.7 refuse enableK8sTokenAuth for it; people never need its token (${whoNeedsTheToken}), so it keeps its own static token`,
        });
    }
};

/** A group's volumes are mounted beside the cluster's. */
const checkVolumeClashes = (
    c: {
        volumes?: { name: string; mountPath: string }[];
        head: { volumes?: { name: string; mountPath: string }[] };
        workerGroups: readonly { volumes?: { name: string; mountPath: string }[] }[];
    },
    issues: z.RefinementCtx,
) => {
    const groups: [(string | number)[], { volumes?: { name: string; mountPath: string }[] }][] = [
        [["head"], c.head],
        ...c.workerGroups.map((g, i): [(string | number)[], typeof g] => [["workerGroups", i], g]),
    ];
    for (const [path, g] of groups) {
        for (const p of volumeClashes(c.volumes, g.volumes)) {
            issues.addIssue({ code: "custom", path: [...path, "volumes", p.index, p.field], message: p.message });
        }
    }
};

export const rayClusterSchema = z
    .strictObject({
        name: dnsLabel(40).describe("The RayCluster's name; unique among the stack's clusters and jobs."),
        ...clusterShape,
        exposure: exposure
            .default({ mode: "private" })
            .describe(
                "How the dashboard is reached: `private` (port-forward only, the default), `loadbalancer` (a CLB with an HTTPS listener and an ACL whitelist) or `ingress` (TLS and basic auth on a class that enforces it). The Ray token is required in every mode; GCS and Ray Client are never exposed.",
            ),
        rrsa: rrsa.default({ dedicatedRole: false }).describe("The cluster's RRSA role."),
    })
    .superRefine(checkVolumeClashes)
    .superRefine(checkPersonalIdentity)
    .register(argTypes, { id: "RayClusterSettings", description: "A long-lived RayCluster." });

export const rayJobSchema = z
    .strictObject({
        name: dnsLabel(40).describe("The RayJob's name; unique among the stack's clusters and jobs."),
        ...clusterShape,
        entrypoint: z.string().min(1).describe("The job's entrypoint, e.g. `python /home/ray/app/main.py`."),
        ttlSecondsAfterFinished: z
            .number()
            .int()
            .min(0)
            .default(300)
            .describe("Seconds the finished job's cluster is kept for inspection. Default 300."),
        activeDeadlineSeconds: z
            .number()
            .int()
            .min(1)
            .default(86400)
            .describe("Seconds the job may run before it is stopped. Default 86400 (one day)."),
        backoffLimit: z.number().int().min(0).default(0).describe("Retries of the submitter Job. Default 0."),
        submitter: resources.default({ cpu: "500m", memory: "512Mi" }).describe("Resources of the submitter pod (`ray job submit`)."),
    })
    .superRefine(checkVolumeClashes)
    .superRefine(refusePersonalIdentity("RayJob", "its submitter submits the job"))
    .superRefine((j, c) => {
        if (j.autoscaling.enabled) {
            c.addIssue({
                code: "custom",
                path: ["autoscaling", "enabled"],
                message:
                    "is not supported for a RayJob: its cluster has a generated name, so its autoscaler RBAC cannot be owned; size the job's worker groups instead",
            });
        }
    })
    .register(argTypes, { id: "RayJobSettings", description: "A RayJob: one job on a cluster of its own." });

/**
 * A Ray Serve deployment (KubeRay RayService). KubeRay names its clusters `<name>-<random>` and
 * makes a new one on every spec change (zero-downtime upgrade); its autoscaler is held to its own
 * generation by the head pod its token is bound to (identity/autoscalerScope.ts), and Serve's
 * replicas must fit what its Ray nodes offer (serveCapacity.ts). `exposure` is the Serve port's
 * (8000): the dashboard of a service stays private.
 */
export const rayServiceSchema = z
    .strictObject({
        name: dnsLabel(40).describe(
            "The RayService's name: at most 40 characters (KubeRay appends `-<5 random>` and `-head-svc` to name its clusters' Services).",
        ),
        ...clusterShape,
        serveConfig: serveConfigSchemaFor(envVars).describe(
            "Ray Serve's `serveConfigV2` in Serve's own field names: applications and their deployments (docs/design.md \"RayService\").",
        ),
        exposure: exposure
            .default({ mode: "private" })
            .describe(
                "Where Serve's port 8000 is reachable from: `private` (default), `loadbalancer` or `ingress`, with the dashboard's opt-ins; the dashboard, GCS and client ports stay private.",
            ),
        rrsa: rrsa.default({ dedicatedRole: false }).describe("The service's RRSA role."),
    })
    .superRefine(checkVolumeClashes)
    .superRefine(refusePersonalIdentity("RayService", "Serve and the operator use it; Serve's HTTP port checks no token"))
    .superRefine((s, c) => {
        for (const p of serveCapacityProblems(s)) {
            c.addIssue({ code: "custom", path: [...p.path], message: p.message });
        }
        if (s.exposure.mode === "gateway") {
            c.addIssue({
                code: "custom",
                path: ["exposure", "mode"],
                message:
                    "gateway is not supported for a RayService's Serve port yet (its HTTPRoute and SecurityPolicy route to a dashboard); use loadbalancer or ingress",
            });
        }
    })
    .register(argTypes, {
        id: "RayServiceSettings",
        description:
            "A RayService: a cluster shape (autoscaling held to each generation), its Serve applications and the Serve port's exposure.",
    });

export type RayClusterConfig = z.infer<typeof rayClusterSchema>;
export type RayJobConfig = z.infer<typeof rayJobSchema>;
export type RayServiceConfig = z.infer<typeof rayServiceSchema>;
export type ServeConfig = RayServiceConfig["serveConfig"];
export type WorkerGroupConfig = z.infer<typeof workerGroup>;
/** The shape a RayCluster and a RayJob's cluster share, as the builders consume it. */
export type ClusterShape = Pick<RayClusterConfig, keyof typeof clusterShape> & { name: string };
