/**
 * The workload options teams coming from the KubeRay Helm chart reach for (issue 14, section 2):
 * image pull secrets, PVC and CSI volumes, affinity, topology spread, priority class, pod labels
 * and annotations, extra `rayStartParams` and ACK shared-GPU resources. Each is checked against
 * the same rules the policy pack applies (common/podOptions.ts); the only weakening, a read-write
 * volume, is an explicit per-volume opt-in that the pack fails unless the platform grants it.
 * docs/configuration.md "Workload options" documents every key.
 */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import {
    ALLOWED_CSI_DRIVERS,
    CSI_ACCESS_KEY_ATTRIBUTES,
    SHARED_GPU_RESOURCES,
    controlPlaneAffinityPaths,
    priorityClassProblem,
    BUILDER_MOUNTS,
} from "@ray-on-ack/common";
import { reservedKeyProblem } from "@ray-on-ack/common/platformLists";
import { accessKeyProblem } from "@ray-on-ack/common";
import { refuseWith } from "../core/addressRules";

/** A refusal that starts with the value given, so that `error: <key>: <value> <why>` reads as one sentence. */
const echoing = (problem: (v: string) => string | undefined) =>
    refuseWith((v: string) => {
        const why = problem(v);
        return why === undefined ? undefined : `${JSON.stringify(v)} ${why}`;
    });

/** DNS-1123 subdomain: Secret, PVC and PriorityClass names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dnsSubdomain = z
    .string()
    .max(253, "must be at most 253 characters")
    .regex(
        DNS_SUBDOMAIN,
        "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
    );

/** Qualified name `[prefix/]name`, as Kubernetes label and annotation keys. */
const QUALIFIED_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Names of the volumes the builders give every Ray pod. */
export const RESERVED_VOLUME_NAMES: readonly string[] = [...new Set(BUILDER_MOUNTS.map((m) => m.volume))];

const podKeys = (what: "label" | "annotation") =>
    z.record(z.string(), z.string()).superRefine((entries, c) => {
        for (const [key, value] of Object.entries(entries)) {
            const why = !QUALIFIED_KEY.test(key)
                ? `must be a Kubernetes ${what} key: [prefix/]name, the name at most 63 letters, digits, '-', '_' or '.'`
                : (reservedKeyProblem(key) ??
                  (what === "label" && !LABEL_VALUE.test(value)
                      ? `value ${JSON.stringify(value)} must be a label value: at most 63 letters, digits, '-', '_' or '.'`
                      : undefined));
            if (why) {
                c.addIssue({ code: "custom", path: [key], message: `${JSON.stringify(key)} ${why}` });
            }
        }
    });

/** Pod labels: never a reserved key; beyond that, only the keys on the platform's allowlist (ray/rules.ts). */
export const podLabels = podKeys("label");
/** Pod annotations: the same. */
export const podAnnotations = podKeys("annotation");

const csiSource = z
    .strictObject({
        driver: z
            .string()
            .refine((d) => ALLOWED_CSI_DRIVERS.includes(d), {
                message: `must be one of ${ALLOWED_CSI_DRIVERS.join(", ")} (CPFS: through the NAS plugin, or a PersistentVolumeClaim the platform provisions)`,
            })
            .describe("`ossplugin.csi.alibabacloud.com` (OSS) or `nasplugin.csi.alibabacloud.com` (NAS, and CPFS general-purpose)."),
        volumeAttributes: z
            .record(z.string(), z.string())
            .superRefine((attrs, c) => {
                for (const [key, value] of Object.entries(attrs)) {
                    const why = CSI_ACCESS_KEY_ATTRIBUTES.includes(key)
                        ? "is an AccessKey attribute: reference a Secret with nodePublishSecretRef, or use RRSA (authType: rrsa), never inline keys"
                        : accessKeyProblem(key, value);
                    if (why) {
                        c.addIssue({ code: "custom", path: [key], message: why });
                    }
                }
            })
            .default({})
            .describe("The driver's attributes (bucket, url, path, authType: rrsa, ...); never AccessKeys."),
        nodePublishSecretRef: z
            .strictObject({ name: dnsSubdomain.describe("The Secret's name.") })
            .register(argTypes, { id: "SecretRef", description: "A Secret in the team namespace, by name." })
            .optional()
            .describe("The Secret (in the team namespace) holding the driver's credentials, when RRSA is not used."),
    })
    .register(argTypes, { id: "CsiVolume", description: "An inline CSI volume of ACK's OSS or NAS driver." });

const volume = z
    .strictObject({
        name: z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-'")
            .max(63)
            .refine((n) => !RESERVED_VOLUME_NAMES.includes(n), {
                message: `is one of ray-on-ack's own volumes (${RESERVED_VOLUME_NAMES.join(", ")})`,
            })
            .describe("Volume name in the pod; not one of the builders' own."),
        mountPath: z
            .string()
            .min(1)
            .describe(
                "Where the Ray container sees it, e.g. /mnt/data: inside a data root the platform allows (ray-volume-mounts.allowedMountRoots, default /mnt/ and /data/), never over Ray's, the image's or the system's directories.",
            ),
        subPath: z
            .string()
            .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/, "must be a relative path without '..'")
            .optional()
            .describe("A directory inside the volume to mount instead of its root (relative, no '..')."),
        readOnly: z
            .boolean()
            .default(true)
            .describe(
                "Default true. `false` is the explicit opt-in to a writable volume: shown in the posture report, and failed by the policy pack (ray-volume-read-only) unless the platform grants it.",
            ),
        persistentVolumeClaim: z
            .strictObject({ claimName: dnsSubdomain.describe("The claim's name.") })
            .register(argTypes, { id: "PvcSource", description: "A PersistentVolumeClaim in the team namespace." })
            .optional()
            .describe("An existing PersistentVolumeClaim in the team namespace (counted by the ResourceQuota)."),
        csi: csiSource.optional().describe("An inline CSI volume of ACK's OSS or NAS driver."),
        hostPath: z
            .unknown()
            .refine((v) => v === undefined, {
                message: "is not possible: Pod Security restricted forbids hostPath volumes; use persistentVolumeClaim or csi",
            })
            .optional()
            .register(argTypes, { notArg: "refused: Pod Security restricted forbids hostPath volumes" })
            .describe("hostPath stays impossible."),
    })
    .superRefine((v, c) => {
        const sources = [v.persistentVolumeClaim, v.csi].filter((s) => s !== undefined).length;
        if (sources !== 1) {
            c.addIssue({ code: "custom", path: [], message: `needs exactly one source, persistentVolumeClaim or csi (got ${sources})` });
        }
    })
    .register(argTypes, {
        id: "Volume",
        description: 'A PVC or CSI volume mounted into the Ray container (docs/configuration.md "Workload options").',
    });

export const volumes = z.array(volume).superRefine((vs, c) => {
    const names = new Set<string>();
    const paths = new Set<string>();
    vs.forEach((v, i) => {
        if (names.has(v.name)) {
            c.addIssue({ code: "custom", path: [i, "name"], message: `duplicate volume name ${JSON.stringify(v.name)}` });
        }
        if (paths.has(v.mountPath)) {
            c.addIssue({ code: "custom", path: [i, "mountPath"], message: `duplicate mountPath ${JSON.stringify(v.mountPath)}` });
        }
        names.add(v.name);
        paths.add(v.mountPath);
    });
});

/** Node affinity may not select control-plane nodes; pod (anti-)affinity is free. Fields as in the Kubernetes Affinity type. */
export const affinity = z
    .strictObject({
        nodeAffinity: z
            .record(z.string(), z.unknown())
            .optional()
            .describe("As Kubernetes' `nodeAffinity`; never selecting control-plane nodes."),
        podAffinity: z.record(z.string(), z.unknown()).optional().describe("As Kubernetes' `podAffinity`."),
        podAntiAffinity: z.record(z.string(), z.unknown()).optional().describe("As Kubernetes' `podAntiAffinity`."),
    })
    .superRefine((a, c) => {
        for (const p of controlPlaneAffinityPaths(a)) {
            c.addIssue({
                code: "custom",
                path: p
                    .split(/[.[\]]+/)
                    .filter(Boolean)
                    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s)),
                message: "must not select control-plane nodes: Ray runs user code",
            });
        }
    })
    .register(argTypes, { id: "Affinity", description: "Pod (anti-)affinity and node affinity, as Kubernetes writes them." });

/** One topology spread constraint; without a labelSelector it spreads the pods of its own group (ours). */
export const topologySpreadConstraints = z.array(
    z
        .strictObject({
            maxSkew: z.number().int().min(1).describe("The largest allowed difference in matching pods between two domains."),
            topologyKey: z.string().min(1).describe("The node label that defines a domain, e.g. `topology.kubernetes.io/zone`."),
            whenUnsatisfiable: z
                .enum(["DoNotSchedule", "ScheduleAnyway"])
                .default("ScheduleAnyway")
                .describe("`ScheduleAnyway` (a preference) or `DoNotSchedule` (a rule)."),
            labelSelector: z
                .strictObject({ matchLabels: z.record(z.string(), z.string()).describe("Labels of the pods counted.") })
                .register(argTypes, { id: "LabelSelector", description: "A label selector by labels." })
                .optional()
                .describe("The pods counted; default: the pods of this group."),
            minDomains: z.number().int().min(1).optional().describe("The fewest eligible domains (with `DoNotSchedule`)."),
            nodeAffinityPolicy: z
                .enum(["Honor", "Ignore"])
                .optional()
                .describe("Whether the pod's node affinity limits the domains counted (Kubernetes' default `Honor`)."),
            nodeTaintsPolicy: z
                .enum(["Honor", "Ignore"])
                .optional()
                .describe("Whether node taints limit the domains counted (Kubernetes' default `Ignore`)."),
        })
        .register(argTypes, { id: "TopologySpreadConstraint", description: "A topology spread constraint, as Kubernetes writes it." }),
);

export const priorityClassName = dnsSubdomain.superRefine(echoing(priorityClassProblem));

/**
 * The `rayStartParams` a team may add. Everything else is refused: ports, TLS, authentication,
 * addresses and `block` are what the certificates and NetworkPolicies are built for, and the
 * object store is sized with /dev/shm (shmSize). KubeRay pastes values into a shell command,
 * so each value has a strict form.
 */
export const RAY_START_PARAMS_ALLOWED: readonly string[] = ["num-cpus", "num-gpus", "memory", "resources"];
const RAY_START_PARAM_REASONS: Record<string, string> = {
    "object-store-memory": "is computed by ray-on-ack to fit /dev/shm; set shmSize (or memory) to size the object store",
    "num-cpus@head": "is head.numCpus on the head (default 0: no tasks on the head)",
};
const WHOLE_NUMBER = /^[0-9]+$/;
/** Ray custom resource names: no quotes, spaces or shell characters. */
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;

const rayStartParamsFor = (role: "head" | "worker") =>
    z.record(z.string(), z.union([z.string(), z.number(), z.record(z.string(), z.number())])).superRefine((params, c) => {
        for (const [key, value] of Object.entries(params)) {
            const reason = RAY_START_PARAM_REASONS[`${key}@${role}`] ?? RAY_START_PARAM_REASONS[key];
            if (reason || !RAY_START_PARAMS_ALLOWED.includes(key) || (role === "head" && key === "num-cpus")) {
                c.addIssue({
                    code: "custom",
                    path: [key],
                    message: `${JSON.stringify(key)} ${reason ?? `is not allowed (allowed: ${RAY_START_PARAMS_ALLOWED.filter((k) => role === "worker" || k !== "num-cpus").join(", ")}): ports, TLS, authentication, addresses and block are set by ray-on-ack`}`,
                });
                continue;
            }
            if (key === "resources") {
                const bad =
                    typeof value !== "object"
                        ? "must be a map of Ray custom resource names to amounts, e.g. {accelerator_a10: 1}"
                        : Object.entries(value)
                              .filter(([n, a]) => !RESOURCE_NAME.test(n) || !Number.isFinite(a) || a < 0)
                              .map(([n, a]) => `${JSON.stringify(n)}: ${a}`)
                              .join(", ");
                if (bad) {
                    c.addIssue({
                        code: "custom",
                        path: [key],
                        message:
                            typeof value !== "object"
                                ? bad
                                : `has invalid entries (${bad}): names are letters, digits, '_', '.', ':', '/', '-'; amounts non-negative numbers`,
                    });
                }
            } else if (typeof value === "object" || !WHOLE_NUMBER.test(String(value))) {
                c.addIssue({
                    code: "custom",
                    path: [key],
                    message: `${typeof value === "object" ? "a map" : JSON.stringify(value)} must be a whole number${key === "memory" ? " of bytes" : ""}`,
                });
            }
        }
    });

export const headRayStartParams = rayStartParamsFor("head");
export const workerRayStartParams = rayStartParamsFor("worker");

/** The `ray start` parameter value KubeRay passes through: `resources` as the quoted JSON its samples use. */
export function rayStartParamValue(value: string | number | Record<string, number>): string {
    if (typeof value === "object") {
        return `"${JSON.stringify(value).replace(/"/g, '\\"')}"`;
    }
    return String(value);
}

/** ACK shared-GPU resources per worker (`aliyun.com/gpu-mem` GiB, `aliyun.com/gpu-core.percentage`); the quota caps them. */
export const sharedGpu = z.record(z.string(), z.number().int().min(1)).superRefine((r, c) => {
    for (const [name, amount] of Object.entries(r)) {
        if (!SHARED_GPU_RESOURCES.includes(name)) {
            c.addIssue({
                code: "custom",
                path: [name],
                message: `${JSON.stringify(name)} is not a shared-GPU resource (${SHARED_GPU_RESOURCES.join(", ")}); whole GPUs are \`gpu\` (nvidia.com/gpu)`,
            });
        } else if (name === "aliyun.com/gpu-core.percentage" && amount > 100) {
            c.addIssue({ code: "custom", path: [name], message: `${amount} must be at most 100 (percent of one GPU)` });
        }
    }
});

/** Labels, annotations, volumes and priority: set on a cluster (every pod) or on one group (added to the cluster's). */
const sharedPodOptions = {
    labels: podLabels.optional().describe('Pod labels (docs/configuration.md "Workload options": reserved prefixes refused).'),
    annotations: podAnnotations.optional().describe("Pod annotations."),
    volumes: volumes.optional().describe("PVC and CSI volumes, read-only unless `readOnly: false`."),
    priorityClassName: priorityClassName
        .optional()
        .describe(
            "A group's overrides the cluster's. Never system-*; any other class must be listed by the platform in the pack's ray-pod-scheduling.allowedPriorityClasses.",
        ),
};

/** Options of the pods of one group (the head or a worker group). */
export const groupPodOptions = {
    ...sharedPodOptions,
    affinity: affinity
        .optional()
        .describe("Affinity of the pods, as Kubernetes' `affinity`; node affinity never selects control-plane nodes."),
    topologySpreadConstraints: topologySpreadConstraints
        .optional()
        .describe("Topology spread constraints of the pods; without a `labelSelector`, a constraint spreads its own group's pods."),
};

/** Options of every pod of a cluster (head and all worker groups). */
export const clusterPodOptions = {
    ...sharedPodOptions,
    imagePullSecrets: z
        .array(dnsSubdomain)
        .superRefine((names, c) => {
            if (new Set(names).size !== names.length) {
                c.addIssue({ code: "custom", message: "lists a Secret twice" });
            }
        })
        .optional()
        .describe("Secrets (kubernetes.io/dockerconfigjson, in the team namespace) for private registries such as ACR Enterprise."),
};

type Named = { name: string; mountPath: string };
/** A group's volumes are mounted with the cluster's: names and mount paths must not collide. */
export function volumeClashes(
    cluster: readonly Named[] | undefined,
    group: readonly Named[] | undefined,
): { index: number; field: "name" | "mountPath"; message: string }[] {
    const out: { index: number; field: "name" | "mountPath"; message: string }[] = [];
    (group ?? []).forEach((v, index) => {
        if ((cluster ?? []).some((k) => k.name === v.name)) {
            out.push({ index, field: "name", message: `${JSON.stringify(v.name)} is also a cluster-wide volume (clusters[].volumes)` });
        }
        if ((cluster ?? []).some((k) => k.mountPath === v.mountPath)) {
            out.push({ index, field: "mountPath", message: `${JSON.stringify(v.mountPath)} is also a cluster-wide volume's mountPath` });
        }
    });
    return out;
}

export type VolumeConfig = z.infer<typeof volume>;
export type RayStartParamsConfig = z.infer<typeof workerRayStartParams>;
