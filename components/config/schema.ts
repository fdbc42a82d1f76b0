/**
 * The stack configuration schema: every `ray-on-ack:*` key a stack file may set.
 * Defaults here are the secure ones; every weaker setting is an explicit field whose
 * name says what it gives up (see README "Configuration reference").
 */
import { z } from "zod";
import * as semver from "semver";
import { isQuantity } from "./quantities";
import { coverageProblem, isAnyCidr, isCoveredBy, isIpv4Cidr } from "../../common/addresses";
import { accessKeyProblem } from "./accessKeys";
import { reservedEnvProblem } from "./env";
import { coverageRefinement, egressRefinement, metadataRefinement, refuseWith } from "./addressRules";
import { subjectNameProblem } from "../../common/subjects";
import { RRSA_PROVIDER_ARN, issuerProblem, ossPrefixProblem, ramStatementProblems } from "../../common/ram";
import { CONTROL_PLANE_LABELS, nonEmptySelector } from "./scheduling";
import { registryPrefixProblem } from "./registries";
import { systemNamespaceProblem } from "../../common/namespaces";
import { groupImageProblems, imageProblems } from "../builders/image";
import { objectStoreProblems } from "../builders/objectStore";
import { PKI_DEFAULTS, validatePodCidrs } from "../tls/pki";
import { passwordProblems } from "./password";
import { quotaTreeProblems } from "./quotaTree";
import { tlsClientProblems, tlsClientsSchema } from "./tlsClients";
import { HOST_PATHS_REMOVED, removedKey } from "./removed";
import { ingressClassRule, isAuthHonouringIngressClass, listenerProblems } from "./exposure";
import { serveConfigSchemaFor } from "./serve";
import { gatewayExposureFields } from "./gatewayExposure";
import { clusterPodOptions, groupPodOptions, headRayStartParams, sharedGpu, volumeClashes, workerRayStartParams } from "./workloadOptions";

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
    /** CPU request and limit. */
    cpu: quantity,
    /** Memory request and limit (Ray sizes its object store from the limit). */
    memory: quantity,
});

export const imageSchema = z.strictObject({
    /** Fully qualified repository, e.g. `registry.cn-hangzhou.aliyuncs.com/ray/ray`. Default: `docker.io/rayproject/ray`. */
    repository: z
        .string()
        .regex(IMAGE_REPOSITORY, "must be an image repository: lower-case path components of letters and digits joined by '.', '_' or '-' (no '..', no tag)")
        .optional(),
    /** Tag; default: the cluster's Ray version. `latest` is refused. */
    tag: z.string().min(1).optional(),
    /** `sha256:<64 hex>` digest; pins the image. */
    digest: z
        .string()
        .regex(/^sha256:[a-f0-9]{64}$/, "must be sha256:<64 lower-case hex digits>")
        .optional(),
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
        name: dnsLabel(30),
        cpu: quantity,
        memory: quantity,
        /** NVIDIA GPUs per worker (`nvidia.com/gpu`). Default 0. */
        gpu: z.number().int().min(0).default(0),
        /** ACK shared-GPU resources per worker instead of whole GPUs, e.g. `aliyun.com/gpu-mem: 8` (README "Workload options"). */
        sharedGpu: sharedGpu.optional(),
        /** Extra `ray start` parameters from the allowlist (num-cpus, num-gpus, memory, resources). */
        rayStartParams: workerRayStartParams.optional(),
        ...groupPodOptions,
        replicas: z.number().int().min(0).default(1),
        minReplicas: z.number().int().min(0).default(0),
        maxReplicas: z.number().int().min(0).default(4),
        /**
         * Size of the memory-backed /dev/shm. Default: sized from the object store (Ray's 30% of
         * memory, at most 10 GB, plus 10%). When set, the object store shrinks to fit it.
         */
        shmSize: quantity.optional(),
        /** Bound of the /tmp/ray emptyDir (sessions, logs, spilled objects). Default 10Gi. */
        rayTmpSize: quantity.default("10Gi"),
        /**
         * The group's own image; fields left out come from the cluster's image (never its digest).
         * Default: the cluster's image, or for a GPU group its `-gpu` (CUDA) tag.
         */
        image: imageSchema.optional(),
        /** Node labels; never the control-plane role labels. */
        nodeSelector: z
            .record(z.string(), z.string())
            .superRefine((labels, c) => {
                for (const key of Object.keys(labels).filter((k) => CONTROL_PLANE_LABELS.includes(k))) {
                    c.addIssue({ code: "custom", path: [key], message: `must not select control-plane nodes (${CONTROL_PLANE_LABELS.join(", ")}): Ray runs user code` });
                }
            })
            .optional(),
        /** Each names the taint it tolerates: a toleration without a key tolerates every taint, control-plane ones included. */
        tolerations: z
            .array(
                z.strictObject({
                    key: z
                        .string({ error: "is required: a toleration without a key tolerates every taint" })
                        .min(1, "is required: a toleration without a key tolerates every taint")
                        .refine((k) => !CONTROL_PLANE_LABELS.includes(k), { message: "must not tolerate the control-plane taints: Ray runs user code" }),
                    operator: z.enum(["Equal", "Exists"]).optional(),
                    value: z.string().optional(),
                    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
                }),
            )
            .optional(),
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
    /** KubeRay in-tree autoscaling. Default false. */
    enabled: z.boolean().default(false),
    /** Seconds an idle worker is kept before it is removed. Default 60. */
    idleTimeoutSeconds: z.number().int().min(1).default(60),
    /** `Default`, `Conservative` or `Aggressive`. Default `Default`. */
    upscalingMode: z.enum(["Default", "Conservative", "Aggressive"]).default("Default"),
    /** Resources of the autoscaler sidecar. */
    resources: resources.default({ cpu: "500m", memory: "512Mi" }),
});

const aclEntry = z.strictObject({
    cidr: notMetadata(z.string().refine(isAnyCidr, { message: "must be an IPv4 or IPv6 CIDR" })),
    description: z.string().optional(),
});

const exposure = z.discriminatedUnion("mode", [
    z.strictObject({ mode: z.literal("private") }),
    z
        .strictObject({
            mode: z.literal("loadbalancer"),
            /** `internet` or `intranet`. Default `intranet`. */
            addressType: z.enum(["internet", "intranet"]).default("intranet"),
            /**
             * `https` (default): a layer-7 HTTPS listener on the CLB with `certId`; the dashboard and
             * the Ray token never cross the network in cleartext. `tcp`: a layer-4 listener carrying
             * plain HTTP, an opt-in for `intranet` only (refused for `internet`).
             */
            listener: z.enum(["https", "tcp"]).default("https"),
            /** The CLB server certificate id (uploaded to SLB or from Certificate Management Service). Required with `listener: https`. */
            certId: z
                .string()
                .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "must be a CLB certificate id (letters, digits, '_', '.', '-')")
                .optional(),
            /** CIDRs allowed through the CLB ACL (whitelist). Required unless `aclId` is given; at most a /16 in total (README "Address ceilings"). */
            aclEntries: z.array(aclEntry).default([]),
            /** Use an existing CLB ACL instead of creating one (bring-your-own, e.g. without cloud credentials). */
            aclId: z.string().regex(/^acl-[a-z0-9]+$/, "must be a CLB ACL id (acl-...)").optional(),
            /** `listener: tcp` only: source CIDRs the NetworkPolicy admits to 8265 (the CLB keeps client IPs with `externalTrafficPolicy: Local`). Default: the IPv4 ACL entries. */
            sourceCidrs: z.array(notMetadata(cidr)).superRefine(coverageRefinement("sourceCidrs")).optional(),
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
        /** Host name on the Ingress. */
        host: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS host name"),
        /** Ingress class: one whose controller honours the nginx basic-auth annotations (`nginx`, `higress`). Default `nginx`. */
        ingressClassName: z
            .string()
            .default("nginx")
            .refine(isAuthHonouringIngressClass, { message: ingressClassRule }),
        /** Secret (kubernetes.io/tls) for the Ingress's TLS. Required: basic auth over plain HTTP is refused. */
        tlsSecretName: dnsLabel(63),
        /** Basic-auth user name. */
        username: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'"),
        /** Namespace of the ingress controller pods, admitted to 8265. Default: the class's (`kube-system` for ACK's NGINX Ingress controller, `higress-system` for Higress). */
        controllerNamespace: dnsLabel(63).optional(),
        /** Labels selecting the controller pods, never empty. Default: the class's (`app: ingress-nginx`, `app: higress-gateway`). */
        controllerPodLabels: nonEmptySelector.optional(),
        /** CIDRs allowed by the Ingress (nginx whitelist-source-range). Required, at most a /16 in total: there is no "any source". */
        allowedSourceCidrs: z
            .array(aclEntry.shape.cidr, { error: (i) => (i.input === undefined ? "is required: list the CIDRs that may reach the dashboard (there is no 'any source')" : undefined) })
            .min(1, "must list at least one CIDR: the dashboard is never open to any source")
            .superRefine(coverageRefinement("allowedSourceCidrs")),
    }),
    z.strictObject({
        mode: z.literal("gateway"),
        ...gatewayExposureFields,
        allowedSourceCidrs: z
            .array(aclEntry.shape.cidr, { error: (i) => (i.input === undefined ? "is required: list the CIDRs that may reach the dashboard (there is no 'any source')" : undefined) })
            .min(1, "must list at least one CIDR: the dashboard is never open to any source")
            .superRefine(coverageRefinement("allowedSourceCidrs")),
    }),
]);

const rrsa = z.strictObject({
    /** Give this RayCluster its own RAM role (default: the team role is shared by all clusters of the team). */
    dedicatedRole: z.boolean().default(false),
});

const headSchema = z
    .strictObject({
        cpu: quantity.default("2"),
        memory: quantity.default("8Gi"),
        /** Ray `num-cpus` on the head. Default "0": no tasks on the head. */
        numCpus: z.string().regex(/^[0-9]+$/, "must be a whole number as a string").default("0"),
        /** As for worker groups: default sized from the object store; when set, the object store fits it. */
        shmSize: quantity.optional(),
        /** Bound of the head's /tmp/ray emptyDir. Default 10Gi. */
        rayTmpSize: quantity.default("10Gi"),
        /** Extra `ray start` parameters from the allowlist (num-gpus, memory, resources; num-cpus is numCpus). */
        rayStartParams: headRayStartParams.optional(),
        ...groupPodOptions,
    })
    .superRefine((h, ctx) => checkObjectStore(h, ctx));

/** What a RayCluster and a RayJob's cluster have in common. */
const clusterShapeFor = (ctx: SchemaContext) => ({
    rayVersion: rayVersionFor(ctx).default(DEFAULT_RAY_VERSION),
    image: imageSchema.default({}),
    head: headSchema.default(headSchema.parse({})),
    workerGroups: z
        .array(workerGroup)
        .min(1, "needs at least one worker group")
        .superRefine((groups, c) => duplicateNames(groups, "worker group", c)),
    autoscaling: autoscaling.default(autoscaling.parse({})),
    /** Removed: refused with a pointer to read-only PVC/CSI volumes. */
    hostPaths: removedKey(HOST_PATHS_REMOVED),
    env: envVars.default({}),
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
            name: dnsLabel(40),
            ...clusterShapeFor(ctx),
            exposure: exposure.default({ mode: "private" }),
            rrsa: rrsa.default({ dedicatedRole: false }),
        })
        .superRefine(checkImage(ctx))
        .superRefine(checkVolumeClashes);

export const rayJobSchemaFor = (ctx: SchemaContext) =>
    z
        .strictObject({
            name: dnsLabel(40),
            ...clusterShapeFor(ctx),
            /** The job's entrypoint, e.g. `python /home/ray/app/main.py`. */
            entrypoint: z.string().min(1),
            /** Seconds the finished job's cluster is kept for inspection. Default 300. */
            ttlSecondsAfterFinished: z.number().int().min(0).default(300),
            /** Seconds the job may run before it is stopped. Default 86400 (one day). */
            activeDeadlineSeconds: z.number().int().min(1).default(86400),
            /** Retries of the submitter Job. Default 0. */
            backoffLimit: z.number().int().min(0).default(0),
            submitter: resources.default({ cpu: "500m", memory: "512Mi" }),
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
            /** At most 40: KubeRay appends `-<5 random>` and `-head-svc` (a Service name is a 63-character DNS label). */
            name: dnsLabel(40),
            ...clusterShapeFor(ctx),
            /** Ray Serve's `serveConfigV2`: applications and their deployments (README "RayService"). */
            serveConfig: serveConfigSchemaFor(envVars),
            /** Where Serve's port 8000 is reachable from: `private` (default), `loadbalancer` or `ingress`, as a cluster's dashboard. */
            exposure: exposure.default({ mode: "private" }),
            rrsa: rrsa.default({ dedicatedRole: false }),
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
    cpu: quantity.default("64"),
    memory: quantity.default("256Gi"),
    gpu: quantity.default("0"),
    /** GiB of shared GPU memory (`aliyun.com/gpu-mem`) the team's pods may request in total. Default 0. */
    gpuMemory: quantity.default("0"),
    /** Percent of one GPU's compute (`aliyun.com/gpu-core.percentage`) the team's pods may request in total. Default 0. */
    gpuCorePercentage: quantity.default("0"),
    pods: z.number().int().min(1).default(200),
    persistentVolumeClaims: z.number().int().min(0).default(10),
    storage: quantity.default("500Gi"),
    /** Defaults the LimitRange gives a container that states none. */
    defaultRequest: resources.default({ cpu: "100m", memory: "256Mi" }),
    defaultLimit: resources.default({ cpu: "1", memory: "1Gi" }),
});

const networkSchema = z.strictObject({
    /** CIDRs of the Kubernetes API server endpoints (head egress for the autoscaler). Required with autoscaling. */
    apiServerCidrs: z.array(notMetadata(cidr)).superRefine(egressRefinement("apiServerCidrs")).default([]),
    /** API server port. Default 6443. */
    apiServerPort: z.number().int().min(1).max(65535).default(6443),
    /** Namespaces whose pods may reach the head's dashboard (8265) and Ray Client (10001). Default none. */
    allowedNamespaces: z.array(dnsLabel(63)).default([]),
    /** Namespace of the KubeRay operator (reaches 8265 for RayJobs). Default `kuberay-system`. */
    operatorNamespace: dnsLabel(63).default("kuberay-system"),
    /** Namespace allowed to scrape metrics (8080). Default none. */
    monitoringNamespace: dnsLabel(63).optional(),
    /** Namespace and labels of the cluster DNS pods. */
    dnsNamespace: dnsLabel(63).default("kube-system"),
    dnsPodLabels: nonEmptySelector.default({ "k8s-app": "kube-dns" }),
    /** Egress allowed from Ray pods, e.g. the VPC endpoints of OSS and STS. */
    egress: z
        .array(
            z.strictObject({
                cidr: notMetadata(cidr),
                ports: z.array(z.number().int().min(1).max(65535)).default([443]),
                description: z.string().optional(),
            }),
        )
        .superRefine((entries, c) => egressRefinement("network.egress")(entries.map((e) => e.cidr), c))
        .default([]),
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
        /** Existing Terway pod vSwitches the team's pods get their IPs from (their CIDRs must be the pod CIDRs). */
        vSwitchIds: z.array(z.string().regex(/^vsw-[a-z0-9]+$/, "must be a vSwitch id (vsw-...)")).default([]),
        /** Security groups of the team's pod ENIs. Required. */
        securityGroupIds: z.array(z.string().regex(/^sg-[a-z0-9]+$/, "must be a security group id (sg-...)")).min(1, "needs at least one security group"),
        /** Create one pod vSwitch per pod CIDR in this VPC and zone instead of using existing ones. */
        createVSwitch: z
            .strictObject({ vpcId: z.string().regex(/^vpc-[a-z0-9]+$/, "must be a VPC id (vpc-...)"), zoneId: z.string().min(1) })
            .optional(),
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
    /** Key size of every RSA key. Default 2048. */
    keySize: z.union([z.literal(2048), z.literal(3072)]).default(PKI_DEFAULTS.keySize),
    leafValidityDays: z.number().int().min(1).max(825).default(PKI_DEFAULTS.leafValidityDays),
    caValidityDays: z.number().int().min(30).max(3650).default(PKI_DEFAULTS.caValidityDays),
    /** A leaf is re-issued when it expires within this many days. Default 30. */
    renewBeforeDays: z.number().int().min(1).default(PKI_DEFAULTS.renewBeforeDays),
    /** Bump to re-issue the head/worker/client certificates. */
    rotation: z.number().int().min(0).default(PKI_DEFAULTS.rotation),
    /** Bump to issue a new CA; the old one stays trusted for `caOverlapDays`. */
    caRotation: z.number().int().min(0).default(PKI_DEFAULTS.caRotation),
    /** Days during which `ca.crt` holds both the previous and the new CA. Default 30. */
    caOverlapDays: z.number().int().min(0).default(PKI_DEFAULTS.caOverlapDays),
    /** Ray Client users, each with the RayClusters whose CA issues them a client-only certificate (`ray://`). */
    clients: tlsClientsSchema,
});

/** A user or group name: never a Kubernetes `system:` identity; length- and charset-checked (common/subjects.ts). */
const subjectName = z.string().superRefine(refuseWith(subjectNameProblem));

const accessSchema = z.strictObject({
    /** Groups (as the cluster authenticator names them, e.g. RAM user groups) bound to the team's people Role. */
    groups: z.array(subjectName).default([]),
    users: z.array(subjectName).default([]),
});

const securitySchema = z.strictObject({
    /** Removed with `clusters[].hostPaths`. */
    hostPathPrefixes: removedKey(HOST_PATHS_REMOVED),
    /**
     * Registry and namespace prefixes (`host/namespace/`) images may come from. A bare public
     * registry host is no allowlist: anyone can create a namespace there.
     */
    allowedRegistries: z
        .array(
            z.string().superRefine(refuseWith(registryPrefixProblem)),
        )
        .min(1)
        .default([...DEFAULT_ALLOWED_REGISTRIES]),
    /** Refuse images without a digest. Default false (documented exception in the posture report). */
    requireDigest: z.boolean().default(false),
    /** Opt-in: allow Ray below 2.54 (known dashboard RCE CVEs). The policy pack fails it unless platform/policy-pack-config.json grants it. */
    allowVulnerableRayVersion: z.boolean().default(false),
});

const rrsaTeamSchema = z.strictObject({
    /** Give RRSA roles to the Ray pods. Default true; only takes effect with `cloud` and at least one grant. */
    enabled: z.boolean().default(true),
    /** Bring-your-own role: annotate the ServiceAccounts with this role name instead of creating one. */
    existingRoleName: z.string().optional(),
    oss: z
        .array(
            z.strictObject({
                bucket: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "must be an OSS bucket name"),
                /** Object prefix, ending in '/'. Empty: the whole bucket (allowed, and shown in the posture report). */
                prefix: z
                    .string()
                    .superRefine(refuseWith(ossPrefixProblem))
                    .default(""),
                access: z.enum(["read", "read-write"]).default("read"),
            }),
        )
        .default([]),
    /** Extra RAM policy statements: OSS object actions on a bucket and prefix only (common/ram.ts, README "RRSA"). */
    extraStatements: z
        .array(
            z.strictObject({
                Effect: z.enum(["Allow", "Deny"]),
                Action: z.union([z.string(), z.array(z.string())]),
                Resource: z.union([z.string(), z.array(z.string())]),
                Condition: z.record(z.string(), z.unknown()).optional(),
            }),
        )
        .default([])
        .superRefine((statements, c) => {
            statements.forEach((st, i) => {
                for (const p of ramStatementProblems(st)) {
                    c.addIssue({ code: "custom", path: [i, ...p.path], message: p.message });
                }
            });
        }),
});

const cloudSchema = z.strictObject({
    /** ACK cluster id. */
    clusterId: z.string().min(1),
    /** Alibaba Cloud account id (for ARNs). */
    accountId: z.string().regex(/^[0-9]+$/, "must be the numeric account id"),
    region: z.string().min(1),
    /** Read the kubeconfig from `alicloud.cs.getClusterCredential` (default) or from the secret config `kubeconfig`. */
    kubeconfigSource: z.enum(["cluster", "config"]).default("cluster"),
    /** RRSA OIDC issuer URL and provider ARN, when they cannot be read from the cluster (bring-your-own). */
    rrsaIssuerUrl: z.string().url().optional(),
    rrsaProviderArn: z.string().optional(),
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
            /** Pulumi.yaml's default for the platform marker; a team stack leaves it false. */
            platform: z.literal(false).optional(),
            /** Team name; a DNS label. */
            team: dnsLabel(30),
            /** Namespace; default `ray-<team>`. */
            namespace: dnsLabel(63).optional(),
            /** Extra namespace labels. Default none. Never Kubernetes', Pod Security's, RRSA's or ours (the NetworkPolicies and PSA read them). */
            labels: z
                .record(z.string(), z.string())
                .superRefine((labels, c) => {
                    for (const key of Object.keys(labels).filter((k) => RESERVED_LABEL_PREFIXES.some((p) => k.startsWith(p)))) {
                        c.addIssue({ code: "custom", path: [key], message: `is reserved (${RESERVED_LABEL_PREFIXES.join(", ")}): Pod Security, RRSA injection and namespace selectors read these labels` });
                    }
                })
                .default({}),
            quota: quotaSchema.default(quotaSchema.parse({})),
            network: networkSchema.default(networkSchema.parse({})),
            /** The team's pod CIDRs (Terway pod vSwitches); every address is an IP SAN on the Ray certificates. */
            podCidrs: z
                .array(notMetadata(cidr))
                .min(1, "needs at least one pod CIDR")
                .superRefine((cidrs, c) => {
                    for (const message of validatePodCidrs(cidrs)) {
                        c.addIssue({ code: "custom", message });
                    }
                }),
            /** The Terway pod vSwitches and security groups the namespace is bound to. */
            podNetwork: podNetworkSchema,
            tls: tlsSchema.default(tlsSchema.parse({})),
            access: accessSchema.default(accessSchema.parse({})),
            security: securitySchema.default(securitySchema.parse({})),
            /** KubeRay operator version on the cluster. Default "1.6.2"; at least 1.6.0 (`upgradeStrategy`, stable `authOptions`). */
            kubeRayVersion: z
                .string()
                .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, "must be a version such as 1.6.2")
                .refine((v) => !semver.valid(v) || semver.gte(v, MIN_KUBERAY_VERSION), {
                    message: `must be >= ${MIN_KUBERAY_VERSION}: older operators do not implement upgradeStrategy Recreate, so certificate and token rotations would restart nothing`,
                })
                .default("1.6.2"),
            clusters: z.array(rayClusterSchemaFor(ctx)).default([]),
            jobs: z.array(rayJobSchemaFor(ctx)).default([]),
            /** Ray Serve deployments (KubeRay RayServices). Default none. */
            services: z.array(rayServiceSchemaFor(ctx)).default([]),
            cloud: cloudSchema.optional(),
            rrsa: rrsaTeamSchema.default(rrsaTeamSchema.parse({})),
            /** Secret config: the dashboard basic-auth password (ingress exposure). Never printed. */
            dashboardPassword: z.string().optional(),
            /** Secret config: a kubeconfig (with `cloud.kubeconfigSource: config`). */
            kubeconfig: z.string().optional(),
            /** Opt-in: ACK's Ray HistoryServer on the clusters (it replaces the pod ServiceAccount and postStart). Default false. */
            historyServer: z.boolean().default(false),
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
    name: dnsLabel(63),
    namespaces: z.array(dnsLabel(63)).min(1),
    min: z.record(z.string(), quantity),
    max: z.record(z.string(), quantity),
});

export const platformConfigSchema = z
    .strictObject({
        /** Marks the platform stack. */
        platform: z.literal(true),
        cloud: cloudSchema,
        /** ACK's ElasticQuotaTree: one child per team. */
        quotaTree: z.strictObject({
            min: z.record(z.string(), quantity),
            max: z.record(z.string(), quantity),
            children: z.array(quotaTreeChild).default([]),
        }),
        /** Cluster add-ons every team relies on, as `alicloud.cs.KubernetesAddon`s; versions default to the latest ACK offers. */
        addons: z
            .strictObject({
                /** ack-pod-identity-webhook (RRSA injection). */
                podIdentityWebhook: z
                    .strictObject({ name: z.string().default("ack-pod-identity-webhook"), version: z.string().optional() })
                    .default({ name: "ack-pod-identity-webhook" }),
                /** ACK's KubeRay operator add-on, named as on the cluster's Add-ons page. */
                kuberay: z.strictObject({ name: z.string().default("kuberay-operator"), version: z.string().optional() }).default({ name: "kuberay-operator" }),
            })
            .default({ podIdentityWebhook: { name: "ack-pod-identity-webhook" }, kuberay: { name: "kuberay-operator" } }),
        /** Secret config: a kubeconfig (with `cloud.kubeconfigSource: config`). */
        kubeconfig: z.string().optional(),
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
