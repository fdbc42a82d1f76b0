/**
 * The stack configuration schema: every `ray-on-ack:*` key a stack file may set.
 * Defaults here are the secure ones; every weaker setting is an explicit field whose
 * name says what it gives up (see README "Configuration reference").
 */
import { z } from "zod";
import * as semver from "semver";
import { isQuantity } from "../core/quantities";
import { coverageProblem, isAnyCidr, isCoveredBy, isIpv4Cidr } from "../../common/addresses";
import { accessKeyProblem } from "../rrsa/accessKeys";
import { reservedEnvProblem } from "../workload/env";
import { coverageRefinement, egressRefinement, metadataRefinement, refuseWith } from "../core/addressRules";
import { subjectNameProblem } from "../../common/subjects";
import { RRSA_PROVIDER_ARN, issuerProblem, ossPrefixProblem, ramStatementProblems } from "../../common/ram";
import { CONTROL_PLANE_LABELS, nonEmptySelector } from "../core/scheduling";
import { registryPrefixProblem } from "../images/registries";
import { systemNamespaceProblem } from "../../common/namespaces";
import { groupImageProblems, imageProblems } from "../images/image";
import { objectStoreProblems } from "../workload/objectStore";
import { PKI_DEFAULTS, validatePodCidrs } from "../tls/pki";
import { passwordProblems } from "../exposure/password";
import { quotaTreeProblems } from "../namespace/quotaTree";
import { tlsClientProblems, tlsClientsSchema } from "../tls/tlsClients";
import { HOST_PATHS_REMOVED, removedKey } from "../core/removed";
import { ingressClassRule, isAuthHonouringIngressClass, listenerProblems } from "../exposure/listenerRules";
import { serveConfigSchemaFor } from "../workload/serve";
import { gatewayExposureFields } from "../exposure/gatewayFields";
import { clusterPodOptions, groupPodOptions, headRayStartParams, sharedGpu, volumeClashes, workerRayStartParams } from "../workload/workloadOptions";

import { DEFAULT_ALLOWED_REGISTRIES, MIN_RAY_VERSION } from "@ray-on-ack/common";

export { MIN_RAY_VERSION };
export const DEFAULT_RAY_VERSION = "2.60.0";
/** The oldest KubeRay operator that recreates a RayCluster's pods when its spec changes. */
export const MIN_KUBERAY_VERSION = "1.6.0";

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** The distribution reference grammar's `[domain[:port]/]path`: the registry allowlist compares prefixes of exactly this. */
const IMAGE_REPOSITORY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

export const dnsLabel = (max: number) =>
    z
        .string()
        .max(max, `must be at most ${max} characters`)
        .regex(DNS_LABEL, "must be a DNS label: lower-case letters, digits and '-', starting with a letter");

export const quantity = z
    .union([z.string(), z.number()])
    .transform((v) => String(v).trim())
    .refine(isQuantity, { message: "must be a non-negative Kubernetes quantity such as 500m, 2, 4Gi" });

export const cidr = z.string().refine(isIpv4Cidr, { message: "must be an IPv4 CIDR such as 10.0.0.0/24" });

/** A CIDR that must not be, or lie inside, a cloud metadata range. */
const notMetadata = <T extends z.ZodType<string>>(s: T) => s.superRefine(metadataRefinement);

/**
 * What some field checks depend on elsewhere in the config (the security opt-ins). Read
 * leniently from the raw config before the full parse, so that a refused Ray version and a
 * bad CIDR are reported in the same run.
 */
export interface SchemaContext {
    readonly allowVulnerableRayVersion: boolean;
    readonly allowedRegistries: readonly string[];
    readonly requireDigest: boolean;
}

/** The object store must fit /dev/shm, and /dev/shm must fit the memory limit. */
function checkObjectStore(pod: { memory: string; shmSize?: string }, ctx: z.RefinementCtx): void {
    for (const p of objectStoreProblems(pod.memory, pod.shmSize)) {
        ctx.addIssue({ code: "custom", path: [p.path], message: p.message });
    }
}

const rayVersionFor = (ctx: SchemaContext) =>
    z
        .string()
        .refine((v) => semver.valid(v) !== null, { message: "must be a Ray version such as 2.60.0" })
        .refine((v) => ctx.allowVulnerableRayVersion || semver.valid(v) === null || semver.gte(v, MIN_RAY_VERSION), {
            message: `must be >= ${MIN_RAY_VERSION}: older Ray has dashboard remote-code-execution CVEs (opt-in: security.allowVulnerableRayVersion)`,
        });

const resources = z.strictObject({
    cpu: quantity.describe("CPU request and limit."),
    memory: quantity.describe("Memory request and limit (Ray sizes its object store from the limit)."),
});

export const imageSchema = z.strictObject({
    repository: z
        .string()
        .regex(IMAGE_REPOSITORY, "must be an image repository: lower-case path components of letters and digits joined by '.', '_' or '-' (no '..', no tag)")
        .optional()
        .describe("Fully qualified repository, e.g. `registry.cn-hangzhou.aliyuncs.com/ray/ray`. Default: `docker.io/rayproject/ray`."),
    tag: z.string().min(1).optional().describe("Tag; default: the cluster's Ray version. `latest` is refused."),
    digest: z
        .string()
        .regex(/^sha256:[a-f0-9]{64}$/, "must be sha256:<64 lower-case hex digits>")
        .optional()
        .describe("`sha256:<64 hex>` digest; pins the image."),
});

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
        memory: quantity.describe("Memory request and limit of each worker (`32Gi`); Ray sizes the object store from it (see Pod runtime)."),
        gpu: z.number().int().min(0).default(0).describe("NVIDIA GPUs per worker (`nvidia.com/gpu`). Default 0."),
        sharedGpu: sharedGpu.optional().describe("ACK shared-GPU resources per worker instead of whole GPUs, e.g. `aliyun.com/gpu-mem: 8` (README \"Workload options\")."),
        rayStartParams: workerRayStartParams.optional().describe("Extra `ray start` parameters from the allowlist (num-cpus, num-gpus, memory, resources)."),
        ...groupPodOptions,
        replicas: z.number().int().min(0).default(1).describe("Workers at creation; between `minReplicas` and `maxReplicas`."),
        minReplicas: z.number().int().min(0).default(0).describe("Fewest workers (the autoscaler's floor); at most `maxReplicas`."),
        maxReplicas: z.number().int().min(0).default(4).describe("Most workers (the autoscaler's ceiling)."),
        shmSize: quantity.optional().describe("Size of the memory-backed /dev/shm. Default: sized from the object store (Ray's 30% of memory, at most 10 GB, plus 10%). When set, the object store shrinks to fit it."),
        rayTmpSize: quantity.default("10Gi").describe("Bound of the /tmp/ray emptyDir (sessions, logs, spilled objects). Default 10Gi."),
        image: imageSchema.optional().describe("The group's own image; fields left out come from the cluster's image (never its digest). Default: the cluster's image, or for a GPU group its `-gpu` (CUDA) tag."),
        nodeSelector: z
            .record(z.string(), z.string())
            .superRefine((labels, c) => {
                for (const key of Object.keys(labels).filter((k) => CONTROL_PLANE_LABELS.includes(k))) {
                    c.addIssue({ code: "custom", path: [key], message: `must not select control-plane nodes (${CONTROL_PLANE_LABELS.join(", ")}): Ray runs user code` });
                }
            })
            .optional()
            .describe("Node labels; never the control-plane role labels."),
        tolerations: z
            .array(
                z.strictObject({
                    key: z
                        .string({ error: "is required: a toleration without a key tolerates every taint" })
                        .min(1, "is required: a toleration without a key tolerates every taint")
                        .refine((k) => !CONTROL_PLANE_LABELS.includes(k), { message: "must not tolerate the control-plane taints: Ray runs user code" })
                        .describe("The taint key tolerated. Required: a toleration without a key tolerates every taint; never the control-plane taints."),
                    operator: z.enum(["Equal", "Exists"]).optional().describe("`Equal` (with `value`) or `Exists`; Kubernetes' default `Equal`."),
                    value: z.string().optional().describe("The taint's value, with `operator: Equal`."),
                    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional().describe("The taint effect tolerated; every effect when left out."),
                }),
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
    });

const autoscaling = z.strictObject({
    enabled: z.boolean().default(false).describe("KubeRay in-tree autoscaling. Default false."),
    idleTimeoutSeconds: z.number().int().min(1).default(60).describe("Seconds an idle worker is kept before it is removed. Default 60."),
    upscalingMode: z.enum(["Default", "Conservative", "Aggressive"]).default("Default").describe("`Default`, `Conservative` or `Aggressive`. Default `Default`."),
    resources: resources.default({ cpu: "500m", memory: "512Mi" }).describe("Resources of the autoscaler sidecar."),
});

const aclEntry = z.strictObject({
    cidr: notMetadata(z.string().refine(isAnyCidr, { message: "must be an IPv4 or IPv6 CIDR" })).describe("An IPv4 or IPv6 CIDR the ACL admits; never a cloud metadata range. One IP version per ACL."),
    description: z.string().optional().describe("The ACL entry's comment. Default `ray-on-ack dashboard`."),
});

const exposure = z.discriminatedUnion("mode", [
    z.strictObject({ mode: z.literal("private") }),
    z
        .strictObject({
            mode: z.literal("loadbalancer"),
            addressType: z.enum(["internet", "intranet"]).default("intranet").describe("`internet` or `intranet`. Default `intranet`."),
            listener: z.enum(["https", "tcp"]).default("https").describe("`https` (default): a layer-7 HTTPS listener on the CLB with `certId`; the dashboard and the Ray token never cross the network in cleartext. `tcp`: a layer-4 listener carrying plain HTTP, an opt-in for `intranet` only (refused for `internet`)."),
            certId: z
                .string()
                .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "must be a CLB certificate id (letters, digits, '_', '.', '-')")
                .optional()
                .describe("The CLB server certificate id (uploaded to SLB or from Certificate Management Service). Required with `listener: https`."),
            aclEntries: z.array(aclEntry).default([]).describe("CIDRs allowed through the CLB ACL (whitelist). Required unless `aclId` is given; at most a /16 in total (README \"Address ceilings\")."),
            aclId: z.string().regex(/^acl-[a-z0-9]+$/, "must be a CLB ACL id (acl-...)").optional().describe("Use an existing CLB ACL instead of creating one (bring-your-own, e.g. without cloud credentials)."),
            sourceCidrs: z.array(notMetadata(cidr)).superRefine(coverageRefinement("sourceCidrs")).optional().describe("`listener: tcp` only: source CIDRs the NetworkPolicy admits to 8265 (the CLB keeps client IPs with `externalTrafficPolicy: Local`). Default: the IPv4 ACL entries."),
        })
        .superRefine((e, ctx) => {
            const aclCoverage = coverageProblem(
                e.aclEntries.map((x) => x.cidr),
                e.addressType === "internet" ? "a public ACL" : "an ACL",
            );
            if (aclCoverage) {
                ctx.addIssue({ code: "custom", path: ["aclEntries"], message: aclCoverage });
            }
            if (!e.aclId && e.aclEntries.length === 0) {
                ctx.addIssue({ code: "custom", path: ["aclEntries"], message: "must list at least one CIDR (or give aclId): a public dashboard needs an ACL whitelist" });
            }
            const families = new Set(e.aclEntries.map((x) => (x.cidr.includes(":") ? "IPv6" : "IPv4")));
            if (families.size > 1) {
                ctx.addIssue({ code: "custom", path: ["aclEntries"], message: "mixes IPv4 and IPv6: a CLB ACL holds one IP version" });
            }
            // The NetworkPolicy admits sourceCidrs at the pod, past the CLB: wider than the ACL, it would
            // admit VPC addresses (other teams' pods) the ACL never let through.
            (e.listener === "tcp" ? (e.sourceCidrs ?? []) : []).forEach((src, i) => {
                const acl = e.aclEntries.map((x) => x.cidr);
                if (acl.length > 0 && !isCoveredBy(src, acl)) {
                    ctx.addIssue({ code: "custom", path: ["sourceCidrs", i], message: `${src} is not inside the ACL's entries (${acl.join(", ")}); the NetworkPolicy would admit sources the ACL does not` });
                }
            });
            for (const problem of listenerProblems(e)) {
                ctx.addIssue({ code: "custom", path: [problem.key], message: problem.message });
            }
        }),
    z.strictObject({
        mode: z.literal("ingress"),
        host: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS host name").describe("Host name on the Ingress."),
        ingressClassName: z
            .string()
            .default("nginx")
            .refine(isAuthHonouringIngressClass, { message: ingressClassRule })
            .describe("Ingress class: one whose controller honours the nginx basic-auth annotations (`nginx`, `higress`). Default `nginx`."),
        tlsSecretName: dnsLabel(63).describe("Secret (kubernetes.io/tls) for the Ingress's TLS. Required: basic auth over plain HTTP is refused."),
        username: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'").describe("Basic-auth user name."),
        controllerNamespace: dnsLabel(63).optional().describe("Namespace of the ingress controller pods, admitted to 8265. Default: the class's (`kube-system` for ACK's NGINX Ingress controller, `higress-system` for Higress)."),
        controllerPodLabels: nonEmptySelector.optional().describe("Labels selecting the controller pods, never empty. Default: the class's (`app: ingress-nginx`, `app: higress-gateway`)."),
        allowedSourceCidrs: z
            .array(aclEntry.shape.cidr, { error: (i) => (i.input === undefined ? "is required: list the CIDRs that may reach the dashboard (there is no 'any source')" : undefined) })
            .min(1, "must list at least one CIDR: the dashboard is never open to any source")
            .superRefine(coverageRefinement("allowedSourceCidrs"))
            .describe("CIDRs allowed by the Ingress (nginx whitelist-source-range). Required, at most a /16 in total: there is no \"any source\"."),
    }),
    z.strictObject({
        mode: z.literal("gateway"),
        ...gatewayExposureFields,
        allowedSourceCidrs: z
            .array(aclEntry.shape.cidr, { error: (i) => (i.input === undefined ? "is required: list the CIDRs that may reach the dashboard (there is no 'any source')" : undefined) })
            .min(1, "must list at least one CIDR: the dashboard is never open to any source")
            .superRefine(coverageRefinement("allowedSourceCidrs"))
            .describe("CIDRs the gateway's policy admits (Envoy Gateway: `authorization` with `clientCIDRs`, default deny). Required, at most a /16 in total: there is no \"any source\"."),
    }),
]);

const rrsa = z.strictObject({
    dedicatedRole: z.boolean().default(false).describe("Give this RayCluster its own RAM role (default: the team role is shared by all clusters of the team)."),
});

const headSchema = z
    .strictObject({
        cpu: quantity.default("2").describe("CPU request and limit of the head pod."),
        memory: quantity.default("8Gi").describe("Memory request and limit of the head pod."),
        numCpus: z.string().regex(/^[0-9]+$/, "must be a whole number as a string").default("0").describe("Ray `num-cpus` on the head. Default \"0\": no tasks on the head."),
        shmSize: quantity.optional().describe("As for worker groups: default sized from the object store; when set, the object store fits it."),
        rayTmpSize: quantity.default("10Gi").describe("Bound of the head's /tmp/ray emptyDir. Default 10Gi."),
        rayStartParams: headRayStartParams.optional().describe("Extra `ray start` parameters from the allowlist (num-gpus, memory, resources; num-cpus is numCpus)."),
        ...groupPodOptions,
    })
    .superRefine((h, ctx) => checkObjectStore(h, ctx));

/** What a RayCluster and a RayJob's cluster have in common. */
const clusterShapeFor = (ctx: SchemaContext) => ({
    rayVersion: rayVersionFor(ctx).default(DEFAULT_RAY_VERSION).describe("The Ray version; at least 2.54.0 (older Ray has dashboard remote-code-execution CVEs; opt-in: `security.allowVulnerableRayVersion`). The image tag must start with it."),
    image: imageSchema.default({}).describe("The Ray image of the head and the workers (a GPU group defaults to its `-gpu` tag). Its repository must be under `security.allowedRegistries`; never `latest`."),
    head: headSchema.default(headSchema.parse({})).describe("The head pod: no Ray tasks by default (`numCpus: \"0\"`)."),
    workerGroups: z
        .array(workerGroup)
        .min(1, "needs at least one worker group")
        .superRefine((groups, c) => duplicateNames(groups, "worker group", c))
        .describe("The worker groups: at least one, names unique."),
    autoscaling: autoscaling.default(autoscaling.parse({})).describe("KubeRay's in-tree autoscaler (RayClusters only: a RayJob's cluster has a generated name, so its autoscaler's RBAC cannot be scoped)."),
    hostPaths: removedKey(HOST_PATHS_REMOVED).describe("Removed: Pod Security `restricted` and `baseline` both forbid hostPath volumes, so the opt-in could only work by lowering the namespace to `privileged`; refused with a pointer to read-only PVC/CSI volumes."),
    env: envVars.default({}).describe("Extra environment of the Ray containers. AccessKeys are refused, and so are the names Ray, KubeRay, RRSA and TLS read (`RAY_*` except three logging ones, `KUBERAY_*`, `ALIBABA_CLOUD_*`, `GRPC_*`, CA bundle and loader variables; see What the config refuses)."),
    /** Workload options of every pod (README "Workload options"). */
    ...clusterPodOptions,
});

/** A group's volumes are mounted beside the cluster's. */
const checkVolumeClashes = (c: { volumes?: { name: string; mountPath: string }[]; head: { volumes?: { name: string; mountPath: string }[] }; workerGroups: readonly { volumes?: { name: string; mountPath: string }[] }[] }, issues: z.RefinementCtx) => {
    const groups: [(string | number)[], { volumes?: { name: string; mountPath: string }[] }][] = [[["head"], c.head], ...c.workerGroups.map((g, i): [(string | number)[], typeof g] => [["workerGroups", i], g])];
    for (const [path, g] of groups) {
        for (const p of volumeClashes(c.volumes, g.volumes)) {
            issues.addIssue({ code: "custom", path: [...path, "volumes", p.index, p.field], message: p.message });
        }
    }
};

/** Image checks need the cluster's Ray version, so they run on the whole cluster. */
const checkImage = (ctx: SchemaContext) => (c: { image: ImageConfig; rayVersion: string; workerGroups: readonly WorkerGroupConfig[] }, issues: z.RefinementCtx) => {
    for (const p of imageProblems(c.image, c.rayVersion, ctx)) {
        issues.addIssue({ code: "custom", path: ["image", p.path], message: p.message });
    }
    for (const p of groupImageProblems(c.image, c.workerGroups, c.rayVersion, ctx)) {
        issues.addIssue({ code: "custom", path: ["workerGroups", p.group, "image", p.path], message: p.message });
    }
};

export const rayClusterSchemaFor = (ctx: SchemaContext) =>
    z
        .strictObject({
            name: dnsLabel(40).describe("The RayCluster's name; unique among the stack's clusters and jobs."),
            ...clusterShapeFor(ctx),
            exposure: exposure
                .default({ mode: "private" })
                .describe("How the dashboard is reached: `private` (port-forward only, the default), `loadbalancer` (a CLB with an HTTPS listener and an ACL whitelist) or `ingress` (TLS and basic auth on a class that enforces it). The Ray token is required in every mode; GCS and Ray Client are never exposed."),
            rrsa: rrsa.default({ dedicatedRole: false }).describe("The cluster's RRSA role."),
        })
        .superRefine(checkImage(ctx))
        .superRefine(checkVolumeClashes);

export const rayJobSchemaFor = (ctx: SchemaContext) =>
    z
        .strictObject({
            name: dnsLabel(40).describe("The RayJob's name; unique among the stack's clusters and jobs."),
            ...clusterShapeFor(ctx),
            entrypoint: z.string().min(1).describe("The job's entrypoint, e.g. `python /home/ray/app/main.py`."),
            ttlSecondsAfterFinished: z.number().int().min(0).default(300).describe("Seconds the finished job's cluster is kept for inspection. Default 300."),
            activeDeadlineSeconds: z.number().int().min(1).default(86400).describe("Seconds the job may run before it is stopped. Default 86400 (one day)."),
            backoffLimit: z.number().int().min(0).default(0).describe("Retries of the submitter Job. Default 0."),
            submitter: resources.default({ cpu: "500m", memory: "512Mi" }).describe("Resources of the submitter pod (`ray job submit`)."),
        })
        .superRefine(checkImage(ctx))
        .superRefine(checkVolumeClashes)
        .superRefine((j, c) => {
            if (j.autoscaling.enabled) {
                c.addIssue({
                    code: "custom",
                    path: ["autoscaling", "enabled"],
                    message: "is not supported for a RayJob: its cluster has a generated name, so its autoscaler RBAC cannot be owned; size the job's worker groups instead",
                });
            }
        });

/** A generated cluster name: the same refusal as for a RayJob, with the reason (README "RayService"). */
const AUTOSCALING_GENERATED_NAME = (what: string) =>
    `is not supported for a ${what}: its cluster has a generated name, so its autoscaler RBAC cannot be owned; size the worker groups instead`;

/**
 * A Ray Serve deployment (KubeRay RayService). KubeRay names its clusters `<name>-<random>` and
 * makes a new one on every spec change (zero-downtime upgrade), so: no autoscaling (as a RayJob),
 * and `exposure` is the Serve port's (8000): the dashboard of a service stays private.
 */
export const rayServiceSchemaFor = (ctx: SchemaContext) =>
    z
        .strictObject({
            name: dnsLabel(40).describe("The RayService's name: at most 40 characters (KubeRay appends `-<5 random>` and `-head-svc` to name its clusters' Services)."),
            ...clusterShapeFor(ctx),
            serveConfig: serveConfigSchemaFor(envVars).describe("Ray Serve's `serveConfigV2` in Serve's own field names: applications and their deployments (README \"RayService\")."),
            exposure: exposure
                .default({ mode: "private" })
                .describe("Where Serve's port 8000 is reachable from: `private` (default), `loadbalancer` or `ingress`, with the dashboard's opt-ins; the dashboard, GCS and client ports stay private."),
            rrsa: rrsa.default({ dedicatedRole: false }).describe("The service's RRSA role."),
        })
        .superRefine(checkImage(ctx))
        .superRefine(checkVolumeClashes)
        .superRefine((s, c) => {
            if (s.autoscaling.enabled) {
                c.addIssue({ code: "custom", path: ["autoscaling", "enabled"], message: AUTOSCALING_GENERATED_NAME("RayService") });
            }
            if (s.exposure.mode === "gateway") {
                c.addIssue({
                    code: "custom",
                    path: ["exposure", "mode"],
                    message: "gateway is not supported for a RayService's Serve port yet (its HTTPRoute and SecurityPolicy route to a dashboard); use loadbalancer or ingress",
                });
            }
        });

function duplicateNames(items: readonly { name: string }[], what: string, c: z.RefinementCtx, path: (string | number)[] = []): void {
    const seen = new Set<string>();
    items.forEach((item, i) => {
        if (seen.has(item.name)) {
            c.addIssue({ code: "custom", path: [...path, i, "name"], message: `duplicate ${what} name '${item.name}'` });
        }
        seen.add(item.name);
    });
}

const quotaSchema = z.strictObject({
    cpu: quantity.default("64").describe("The namespace's CPU, as both `requests.cpu` and `limits.cpu` of its ResourceQuota."),
    memory: quantity.default("256Gi").describe("The namespace's memory, as both requests and limits."),
    gpu: quantity.default("0").describe("The namespace's NVIDIA GPUs, as `requests.nvidia.com/gpu` (Kubernetes only accepts `requests.` for extended resources)."),
    gpuMemory: quantity.default("0").describe("GiB of shared GPU memory (`aliyun.com/gpu-mem`) the team's pods may request in total. Default 0."),
    gpuCorePercentage: quantity.default("0").describe("Percent of one GPU's compute (`aliyun.com/gpu-core.percentage`) the team's pods may request in total. Default 0."),
    pods: z.number().int().min(1).default(200).describe("Most pods in the namespace."),
    persistentVolumeClaims: z.number().int().min(0).default(10).describe("Most PersistentVolumeClaims in the namespace."),
    storage: quantity.default("500Gi").describe("Total storage the namespace's claims may request."),
    defaultRequest: resources.default({ cpu: "100m", memory: "256Mi" }).describe("Defaults the LimitRange gives a container that states none."),
    defaultLimit: resources.default({ cpu: "1", memory: "1Gi" }).describe("The limits the LimitRange gives a container that states none."),
});

const networkSchema = z.strictObject({
    apiServerCidrs: z.array(notMetadata(cidr)).superRefine(egressRefinement("apiServerCidrs")).default([]).describe("CIDRs of the Kubernetes API server endpoints (head egress for the autoscaler). Required with autoscaling."),
    apiServerPort: z.number().int().min(1).max(65535).default(6443).describe("API server port. Default 6443."),
    allowedNamespaces: z.array(dnsLabel(63)).default([]).describe("Namespaces whose pods may reach the head's dashboard (8265) and Ray Client (10001). Default none."),
    operatorNamespace: dnsLabel(63).default("kuberay-system").describe("Namespace of the KubeRay operator (reaches 8265 for RayJobs). Default `kuberay-system`."),
    monitoringNamespace: dnsLabel(63).optional().describe("Namespace allowed to scrape metrics (8080). Default none."),
    dnsNamespace: dnsLabel(63).default("kube-system").describe("Namespace and labels of the cluster DNS pods."),
    dnsPodLabels: nonEmptySelector.default({ "k8s-app": "kube-dns" }).describe("Labels of the cluster DNS pods the Ray pods may query; never empty (an empty selector selects every pod)."),
    egress: z
        .array(
            z.strictObject({
                cidr: notMetadata(cidr).describe("An IPv4 CIDR the Ray pods may reach; public addresses at most a /16 in total, never a metadata address (a wider entry holding one gets it as an `except`)."),
                ports: z.array(z.number().int().min(1).max(65535)).default([443]).describe("TCP ports allowed to that CIDR."),
                description: z.string().optional().describe("What the entry is for (shown in the NetworkPolicy's comments and the README)."),
            }),
        )
        .superRefine((entries, c) => egressRefinement("network.egress")(entries.map((e) => e.cidr), c))
        .default([])
        .describe("Egress allowed from Ray pods, e.g. the VPC endpoints of OSS and STS."),
}).superRefine((net, c) => {
    net.allowedNamespaces.forEach((ns, i) => {
        const why = systemNamespaceProblem(ns, platformNamespacesOf(net));
        if (why) {
            c.addIssue({ code: "custom", path: ["allowedNamespaces", i], message: `${why}: every pod there could reach the Ray dashboard and Ray Client` });
        }
    });
});

/** Label prefixes the package, Kubernetes, Pod Security Admission and RRSA own on a namespace. */
const RESERVED_LABEL_PREFIXES = ["kubernetes.io/", "pod-security.kubernetes.io/", "ray-on-ack.io/", "pod-identity.alibabacloud.com/", "k8s.io/"];

/** Namespaces of the cluster services a team relies on: neither the team's namespace nor one its head admits. */
function platformNamespacesOf(net: { operatorNamespace: string; monitoringNamespace?: string; dnsNamespace: string }): Record<string, string | undefined> {
    return {
        "KubeRay operator (network.operatorNamespace)": net.operatorNamespace,
        "monitoring (network.monitoringNamespace)": net.monitoringNamespace,
        "cluster DNS (network.dnsNamespace)": net.dnsNamespace,
    };
}

const podNetworkSchema = z
    .strictObject({
        vSwitchIds: z.array(z.string().regex(/^vsw-[a-z0-9]+$/, "must be a vSwitch id (vsw-...)")).default([]).describe("Existing Terway pod vSwitches the team's pods get their IPs from (their CIDRs must be the pod CIDRs)."),
        securityGroupIds: z.array(z.string().regex(/^sg-[a-z0-9]+$/, "must be a security group id (sg-...)")).min(1, "needs at least one security group").describe("Security groups of the team's pod ENIs. Required."),
        createVSwitch: z
            .strictObject({
                vpcId: z.string().regex(/^vpc-[a-z0-9]+$/, "must be a VPC id (vpc-...)").describe("The VPC of the new pod vSwitches."),
                zoneId: z.string().min(1).describe("The zone of the new pod vSwitches, e.g. `cn-hangzhou-k`."),
            })
            .optional()
            .describe("Create one pod vSwitch per pod CIDR in this VPC and zone instead of using existing ones."),
    })
    .superRefine((p, c) => {
        if (p.createVSwitch && p.vSwitchIds.length > 0) {
            c.addIssue({ code: "custom", path: ["vSwitchIds"], message: "give either vSwitchIds or createVSwitch, not both" });
        }
        if (!p.createVSwitch && p.vSwitchIds.length === 0) {
            c.addIssue({ code: "custom", path: ["vSwitchIds"], message: "is required (or createVSwitch): the team's pods must get their addresses from the pod CIDRs the certificates list" });
        }
    });

const tlsSchema = z.strictObject({
    keySize: z.union([z.literal(2048), z.literal(3072)]).default(PKI_DEFAULTS.keySize).describe("Key size of every RSA key. Default 2048."),
    leafValidityDays: z.number().int().min(1).max(825).default(PKI_DEFAULTS.leafValidityDays).describe("Lifetime of the head, worker and client certificates, in days."),
    caValidityDays: z.number().int().min(30).max(3650).default(PKI_DEFAULTS.caValidityDays).describe("Lifetime of each cluster's CA, in days."),
    renewBeforeDays: z.number().int().min(1).default(PKI_DEFAULTS.renewBeforeDays).describe("A leaf is re-issued when it expires within this many days. Default 30."),
    rotation: z.number().int().min(0).default(PKI_DEFAULTS.rotation).describe("Bump to re-issue the head/worker/client certificates."),
    caRotation: z.number().int().min(0).default(PKI_DEFAULTS.caRotation).describe("Bump to issue a new CA; the old one stays trusted for `caOverlapDays`."),
    caOverlapDays: z.number().int().min(0).default(PKI_DEFAULTS.caOverlapDays).describe("Days during which `ca.crt` holds both the previous and the new CA. Default 30."),
    clients: tlsClientsSchema.describe("Ray Client users, each with the RayClusters whose CA issues them a client-only certificate (`ray://`)."),
});

/** A user or group name: never a Kubernetes `system:` identity; length- and charset-checked (common/subjects.ts). */
const subjectName = z.string().superRefine(refuseWith(subjectNameProblem));

const accessSchema = z.strictObject({
    groups: z.array(subjectName).default([]).describe("Groups (as the cluster authenticator names them, e.g. RAM user groups) bound to the team's people Role."),
    users: z.array(subjectName).default([]).describe("Users bound to the team's people Role; never `system:` names, 1-128 characters of letters, digits and `. _ @ : + = / -`."),
});

const securitySchema = z.strictObject({
    hostPathPrefixes: removedKey(HOST_PATHS_REMOVED).describe("Removed with `clusters[].hostPaths`."),
    allowedRegistries: z
        .array(
            z.string().superRefine(refuseWith(registryPrefixProblem)),
        )
        .min(1)
        .default([...DEFAULT_ALLOWED_REGISTRIES])
        .describe("Registry and namespace prefixes (`host/namespace/`) images may come from. A bare public registry host is no allowlist: anyone can create a namespace there."),
    requireDigest: z.boolean().default(false).describe("Refuse images without a digest. Default false (documented exception in the posture report)."),
    allowVulnerableRayVersion: z.boolean().default(false).describe("Opt-in: allow Ray below 2.54 (known dashboard RCE CVEs). The policy pack fails it unless platform/policy-pack-config.json grants it."),
});

const rrsaTeamSchema = z.strictObject({
    enabled: z.boolean().default(true).describe("Give RRSA roles to the Ray pods. Default true; only takes effect with `cloud` and at least one grant."),
    existingRoleName: z.string().optional().describe("Bring-your-own role: annotate the ServiceAccounts with this role name instead of creating one."),
    oss: z
        .array(
            z.strictObject({
                bucket: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "must be an OSS bucket name").describe("The OSS bucket."),
                prefix: z
                    .string()
                    .superRefine(refuseWith(ossPrefixProblem))
                    .default("")
                    .describe("Object prefix, ending in '/'. Empty: the whole bucket (allowed, and shown in the posture report)."),
                access: z.enum(["read", "read-write"]).default("read").describe("`read` (get and list) or `read-write` (also put and delete)."),
            }),
        )
        .default([])
        .describe("OSS grants of the team role: `{bucket, prefix, access}`."),
    extraStatements: z
        .array(
            z.strictObject({
                Effect: z.enum(["Allow", "Deny"]).describe("`Allow` or `Deny`."),
                Action: z.union([z.string(), z.array(z.string())]).describe("OSS object actions only (`oss:GetObject`, ...; the allowlist is in common/ram.ts)."),
                Resource: z.union([z.string(), z.array(z.string())]).describe("OSS object ARNs of a bucket or prefix (`acs:oss:*:*:<bucket>/<prefix>*`); never `*`."),
                Condition: z.record(z.string(), z.unknown()).optional().describe("A RAM policy condition, as written in RAM."),
            }),
        )
        .default([])
        .superRefine((statements, c) => {
            statements.forEach((st, i) => {
                for (const p of ramStatementProblems(st)) {
                    c.addIssue({ code: "custom", path: [i, ...p.path], message: p.message });
                }
            });
        }).describe("Extra RAM policy statements: OSS object actions on a bucket and prefix only (common/ram.ts, README \"RRSA\")."),
});

const cloudSchema = z.strictObject({
    clusterId: z.string().min(1).describe("ACK cluster id."),
    accountId: z.string().regex(/^[0-9]+$/, "must be the numeric account id").describe("Alibaba Cloud account id (for ARNs)."),
    region: z.string().min(1).describe("The cluster's region, e.g. `cn-hangzhou`."),
    kubeconfigSource: z.enum(["cluster", "config"]).default("cluster").describe("Read the kubeconfig from `alicloud.cs.getClusterCredential` (default) or from the secret config `kubeconfig`."),
    rrsaIssuerUrl: z.string().url().optional().describe("RRSA OIDC issuer URL and provider ARN, when they cannot be read from the cluster (bring-your-own)."),
    rrsaProviderArn: z.string().optional().describe("Bring-your-own RRSA OIDC provider ARN; must be this cluster's (`acs:ram::<account>:oidc-provider/ack-rrsa-<clusterId>`), given with `rrsaIssuerUrl`."),
}).superRefine((cloud, c) => {
    // Bring-your-own RRSA details must be this cluster's: another cluster's provider would trust its ServiceAccounts.
    if (cloud.rrsaProviderArn !== undefined) {
        const cluster = RRSA_PROVIDER_ARN.exec(cloud.rrsaProviderArn)?.[1];
        if (cluster !== cloud.clusterId.toLowerCase()) {
            c.addIssue({ code: "custom", path: ["rrsaProviderArn"], message: `must be this cluster's RRSA provider, acs:ram::<account>:oidc-provider/ack-rrsa-${cloud.clusterId}` });
        } else if (cloud.rrsaIssuerUrl !== undefined) {
            const why = issuerProblem(cloud.rrsaProviderArn, cloud.rrsaIssuerUrl);
            if (why) {
                c.addIssue({ code: "custom", path: ["rrsaIssuerUrl"], message: why });
            }
        }
    }
    if ((cloud.rrsaIssuerUrl === undefined) !== (cloud.rrsaProviderArn === undefined)) {
        c.addIssue({ code: "custom", path: [cloud.rrsaIssuerUrl === undefined ? "rrsaIssuerUrl" : "rrsaProviderArn"], message: "give rrsaIssuerUrl and rrsaProviderArn together" });
    }
});

export const teamConfigSchemaFor = (ctx: SchemaContext) =>
    z
        .strictObject({
            platform: z.literal(false).optional().describe("Pulumi.yaml's default for the platform marker; a team stack leaves it false."),
            team: dnsLabel(30).describe("Team name; a DNS label."),
            namespace: dnsLabel(63).optional().describe("Namespace; default `ray-<team>`."),
            labels: z
                .record(z.string(), z.string())
                .superRefine((labels, c) => {
                    for (const key of Object.keys(labels).filter((k) => RESERVED_LABEL_PREFIXES.some((p) => k.startsWith(p)))) {
                        c.addIssue({ code: "custom", path: [key], message: `is reserved (${RESERVED_LABEL_PREFIXES.join(", ")}): Pod Security, RRSA injection and namespace selectors read these labels` });
                    }
                })
                .default({})
                .describe("Extra namespace labels. Default none. Never Kubernetes', Pod Security's, RRSA's or ours (the NetworkPolicies and PSA read them)."),
            quota: quotaSchema.default(quotaSchema.parse({})).describe("The namespace's ResourceQuota and LimitRange; 0 load balancers and node ports unless an exposure needs them."),
            network: networkSchema.default(networkSchema.parse({})).describe("The NetworkPolicies' peers: deny by default both ways, then exactly these flows."),
            podCidrs: z
                .array(notMetadata(cidr))
                .min(1, "needs at least one pod CIDR")
                .superRefine((cidrs, c) => {
                    for (const message of validatePodCidrs(cidrs)) {
                        c.addIssue({ code: "custom", message });
                    }
                }).describe("The team's pod CIDRs (Terway pod vSwitches); every address is an IP SAN on the Ray certificates. IPv4, disjoint, at most 4096 addresses in total, never a metadata range, and shared with no other team stack of the stacks directory (checked by the renderer)."),
            podNetwork: podNetworkSchema.describe("The Terway pod vSwitches and security groups the namespace is bound to."),
            tls: tlsSchema.default(tlsSchema.parse({})).describe("The per-cluster PKI: one CA per RayCluster and RayJob, head and worker certificates, Ray Client certificates."),
            access: accessSchema.default(accessSchema.parse({})).describe("The team's people: bound to a read-only Role (port-forward, logs, the Ray token Secrets by name)."),
            security: securitySchema.default(securitySchema.parse({})).describe("Image rules and the security opt-ins."),
            kubeRayVersion: z
                .string()
                .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, "must be a version such as 1.6.2")
                .refine((v) => !semver.valid(v) || semver.gte(v, MIN_KUBERAY_VERSION), {
                    message: `must be >= ${MIN_KUBERAY_VERSION}: older operators do not implement upgradeStrategy Recreate, so certificate and token rotations would restart nothing`,
                })
                .default("1.6.2")
                .describe("KubeRay operator version on the cluster. Default \"1.6.2\"; at least 1.6.0 (`upgradeStrategy`, stable `authOptions`)."),
            clusters: z.array(rayClusterSchemaFor(ctx)).default([]).describe("Long-lived RayClusters (see Ray workloads). A team stack needs at least one cluster, job or service."),
            jobs: z.array(rayJobSchemaFor(ctx)).default([]).describe("RayJobs, each with its own RayCluster (see Ray workloads)."),
            services: z.array(rayServiceSchemaFor(ctx)).default([]).describe("Ray Serve deployments (KubeRay RayServices), each with its own RayClusters (see RayService). Default none."),
            cloud: cloudSchema
                .optional()
                .describe("The ACK cluster and account. Without it the stack renders Kubernetes objects only (no RRSA role, no cloud lookups)."),
            rrsa: rrsaTeamSchema.default(rrsaTeamSchema.parse({})).describe("RRSA: a RAM role for the team's Ray pods, trusted through the cluster's OIDC provider, with least-privilege OSS grants."),
            dashboardPassword: z.string().optional().describe("Secret config (`pulumi config set --secret`; plain text is refused): the dashboard basic-auth password, required by `ingress` exposure. Never printed."),
            kubeconfig: z.string().optional().describe("Secret config (plain text is refused): a kubeconfig, required with `cloud.kubeconfigSource: config`."),
            historyServer: z.boolean().default(false).describe("Opt-in: ACK's Ray HistoryServer on the clusters (it replaces the pod ServiceAccount and postStart). Default false."),
        })
        .superRefine((t, c) => {
            if (t.clusters.length + t.jobs.length + t.services.length === 0) {
                c.addIssue({ code: "custom", path: ["clusters"], message: "a team stack needs at least one RayCluster, RayJob or RayService" });
            }
            // RayClusters, RayJobs and RayServices share the namespace's Secret, ServiceAccount and Role names.
            const taken = new Set(t.clusters.map((k) => k.name));
            t.jobs.forEach((j, i) => {
                if (taken.has(j.name)) {
                    c.addIssue({ code: "custom", path: ["jobs", i, "name"], message: `duplicate RayCluster/RayJob name '${j.name}'` });
                }
            });
            const takenByClusterOrJob = new Set([...taken, ...t.jobs.map((j) => j.name)]);
            t.services.forEach((s, i) => {
                if (takenByClusterOrJob.has(s.name)) {
                    c.addIssue({ code: "custom", path: ["services", i, "name"], message: `'${s.name}' is already a RayCluster or RayJob name: they share Secret, ServiceAccount and NetworkPolicy names` });
                }
            });
            duplicateNames(t.services, "RayService", c, ["services"]);
            duplicateNames(t.clusters, "RayCluster", c, ["clusters"]);
            duplicateNames(t.jobs, "RayJob", c, ["jobs"]);
            const rayClusterNames = t.clusters.map((k) => k.name);
            for (const p of tlsClientProblems(t.tls.clients, rayClusterNames, t.jobs.map((j) => j.name))) {
                c.addIssue({ code: "custom", path: ["tls", "clients", ...p.path], message: p.message });
            }
            if (t.clusters.some((k) => k.autoscaling.enabled) && t.network.apiServerCidrs.length === 0) {
                c.addIssue({
                    code: "custom",
                    path: ["network", "apiServerCidrs"],
                    message: "is required when a cluster enables autoscaling: the autoscaler calls the API server and egress is denied by default",
                });
            }
            const ingressExposed = [...t.clusters.map((k, i) => ({ k, at: `clusters[${i}]` })), ...t.services.map((k, i) => ({ k, at: `services[${i}]` }))];
            ingressExposed.forEach(({ k, at }) => {
                if (k.exposure.mode !== "ingress" && k.exposure.mode !== "gateway") {
                    return;
                }
                if (t.dashboardPassword === undefined) {
                    c.addIssue({
                        code: "custom",
                        path: ["dashboardPassword"],
                        message: `is required (as a secret: pulumi config set --secret dashboardPassword) by ${at}.exposure.mode ${k.exposure.mode}`,
                    });
                } else {
                    for (const message of passwordProblems(t.dashboardPassword, k.exposure.username)) {
                        c.addIssue({ code: "custom", path: ["dashboardPassword"], message });
                    }
                }
            });
            // The team's own namespace is no system namespace (common/namespaces.ts); allowedNamespaces: networkSchema.
            const teamNamespace = t.namespace ?? `ray-${t.team}`;
            const nsProblem = systemNamespaceProblem(teamNamespace, platformNamespacesOf(t.network));
            if (nsProblem) {
                c.addIssue({ code: "custom", path: [t.namespace === undefined ? "team" : "namespace"], message: `the team namespace ${nsProblem}; a team gets a namespace of its own` });
            }
            if (t.cloud?.kubeconfigSource === "config" && !t.kubeconfig) {
                c.addIssue({ code: "custom", path: ["kubeconfig"], message: "is required with cloud.kubeconfigSource: config" });
            }
        });

/** Defaults of the security section, for schema contexts and for the team schema's types. */
export const DEFAULT_SCHEMA_CONTEXT: SchemaContext = securitySchema.parse({});

export const teamConfigSchema = teamConfigSchemaFor(DEFAULT_SCHEMA_CONTEXT);
export const rayClusterSchema = rayClusterSchemaFor(DEFAULT_SCHEMA_CONTEXT);
export const rayJobSchema = rayJobSchemaFor(DEFAULT_SCHEMA_CONTEXT);
export const rayServiceSchema = rayServiceSchemaFor(DEFAULT_SCHEMA_CONTEXT);
export { securitySchema };

const quotaTreeChild = z.strictObject({
    name: dnsLabel(63).describe("The child's name, usually the team's."),
    namespaces: z
        .array(dnsLabel(63))
        .min(1)
        .describe("The namespaces whose pods draw on this child: a team's `ray-<team>` (or its `namespace`). The renderer refuses a team stack whose namespace no child lists."),
    min: z.record(z.string(), quantity).describe("Guaranteed resources (`cpu`, `memory`, `nvidia.com/gpu`): at most the parent's."),
    max: z.record(z.string(), quantity).describe("Resources the child may borrow up to: at least its `min`, at most the parent's `max`."),
});

/** An ACK add-on, by its name on the cluster's Add-ons page. */
const addon = (name: string) =>
    z.strictObject({
        name: z.string().default(name).describe("The add-on's name on the cluster's Add-ons page."),
        version: z.string().optional().describe("The add-on version; default: the latest ACK offers."),
    });

export const platformConfigSchema = z
    .strictObject({
        platform: z.literal(true).describe("Marks the platform stack."),
        cloud: cloudSchema.describe("The ACK cluster and account (as for team stacks)."),
        quotaTree: z
            .strictObject({
                min: z.record(z.string(), quantity).describe("The root's guaranteed resources: the cluster's share for Ray."),
                max: z.record(z.string(), quantity).describe("The root's ceiling."),
                children: z.array(quotaTreeChild).default([]).describe("One child per team."),
            })
            .describe("ACK's ElasticQuotaTree (`kube-system`): every team namespace belongs to a child."),
        addons: z
            .strictObject({
                podIdentityWebhook: addon("ack-pod-identity-webhook")
                    .default({ name: "ack-pod-identity-webhook" })
                    .describe("ack-pod-identity-webhook (RRSA injection)."),
                kuberay: addon("kuberay-operator")
                    .default({ name: "kuberay-operator" })
                    .describe("ACK's KubeRay operator add-on, named as on the cluster's Add-ons page."),
            })
            .default({ podIdentityWebhook: { name: "ack-pod-identity-webhook" }, kuberay: { name: "kuberay-operator" } })
            .describe("Cluster add-ons every team relies on, as `alicloud.cs.KubernetesAddon`s; versions default to the latest ACK offers."),
        kubeconfig: z.string().optional().describe("Secret config (plain text is refused): a kubeconfig, required with `cloud.kubeconfigSource: config`."),
    })
    .superRefine((p, c) => {
        for (const problem of quotaTreeProblems(p.quotaTree)) {
            c.addIssue({ code: "custom", path: ["quotaTree", ...problem.path], message: problem.message });
        }
    });

export type TeamConfig = z.infer<typeof teamConfigSchema>;
export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type RayClusterConfig = z.infer<typeof rayClusterSchema>;
export type RayJobConfig = z.infer<typeof rayJobSchema>;
export type RayServiceConfig = z.infer<typeof rayServiceSchema>;
export type ServeConfig = RayServiceConfig["serveConfig"];
export type WorkerGroupConfig = z.infer<typeof workerGroup>;
export type ImageConfig = z.infer<typeof imageSchema>;
export type ExposureConfig = z.infer<typeof exposure>;
export type QuotaConfig = z.infer<typeof quotaSchema>;
export type NetworkConfig = z.infer<typeof networkSchema>;
export type TlsConfig = z.infer<typeof tlsSchema>;
export type SecurityConfig = z.infer<typeof securitySchema>;
export type CloudConfig = z.infer<typeof cloudSchema>;
export type RrsaTeamConfig = z.infer<typeof rrsaTeamSchema>;
export type PodNetworkConfig = z.infer<typeof podNetworkSchema>;
/** The shape a RayCluster and a RayJob's cluster share, as the builders consume it. */
export type ClusterShape = Pick<RayClusterConfig, keyof ReturnType<typeof clusterShapeFor>> & { name: string };
