/**
 * Rules for the workload options a team may set on its Ray pods (volumes, labels and annotations,
 * scheduling, priority, GPU sharing). The config schema refuses a breach with the key and value;
 * the policy pack applies the same predicates to whatever reaches the cluster, so both live here.
 */
import { GCS_REDIS_CA_MOUNT } from "./gcs";
import { TLS_MOUNT } from "./tlsEnv";

/** Control-plane node role labels (and the taints on those nodes). Ray runs user code: never there. */
export const CONTROL_PLANE_LABELS: readonly string[] = ["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"];

/**
 * Directories the Ray container needs as the builders mount them: a volume on, inside or above one
 * would hide the TLS material, the object store or Ray's session directory.
 */
export const RAY_OWNED_PATHS: readonly string[] = ["/tmp/ray", "/dev/shm", "/home/ray/.cache", TLS_MOUNT.dir];
/**
 * The mounts ray-on-ack's builders give their pods (components/workload): the TLS Secret, Ray's
 * emptyDirs (session directory, /tmp, the cache under the read-only home, the object store) and the
 * autoscaler's own API token, and on a fault-tolerant head the CA of the team's Redis. A mount is the builders' only with this volume name, this path and a
 * volume of this source: a PersistentVolumeClaim named `tmp` at /tmp is a team volume over the
 * working directory, and is judged like one.
 */
export const BUILDER_MOUNTS: readonly {
    readonly volume: string;
    readonly mountPath: string;
    readonly source: "secret" | "emptyDir" | "projected";
}[] = [
    { volume: "ray-tls", mountPath: TLS_MOUNT.dir, source: "secret" },
    { volume: "ray-tmp", mountPath: "/tmp/ray", source: "emptyDir" },
    { volume: "tmp", mountPath: "/tmp", source: "emptyDir" },
    { volume: "home-cache", mountPath: "/home/ray/.cache", source: "emptyDir" },
    { volume: "dshm", mountPath: "/dev/shm", source: "emptyDir" },
    { volume: "autoscaler-sa-token", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", source: "projected" },
    { volume: GCS_REDIS_CA_MOUNT.volume, mountPath: GCS_REDIS_CA_MOUNT.dir, source: "secret" },
];

/** System directories: a volume inside one changes what the container trusts or runs (certificates, binaries, service-account and RRSA tokens). */
export const SYSTEM_PATHS: readonly string[] = [
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
    "/var",
];

/** Kubernetes' own priority classes (system-node-critical, system-cluster-critical) preempt anything; never for user code. */
export function priorityClassProblem(name: string): string | undefined {
    return name.startsWith("system-")
        ? "must not be a system-* priority class: they are for node and cluster components, and would let Ray pods preempt them"
        : undefined;
}

/** Paths (inside the affinity) of node terms that select control-plane nodes by key, with an operator other than NotIn/DoesNotExist. */
export function controlPlaneAffinityPaths(affinity: unknown): string[] {
    const node = obj(obj(affinity).nodeAffinity);
    const terms: [string, unknown][] = [
        ...list(obj(node.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms).map((t, i): [string, unknown] => [
            `nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`,
            t,
        ]),
        ...list(node.preferredDuringSchedulingIgnoredDuringExecution).map((p, i): [string, unknown] => [
            `nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`,
            obj(p).preference,
        ]),
    ];
    return terms.flatMap(([at, term]) =>
        ["matchExpressions", "matchFields"].flatMap((field) =>
            list(obj(term)[field]).flatMap((e, j) => {
                const { key, operator } = obj(e);
                return typeof key === "string" && CONTROL_PLANE_LABELS.includes(key) && operator !== "NotIn" && operator !== "DoesNotExist"
                    ? [`${at}.${field}[${j}]`]
                    : [];
            }),
        ),
    );
}

/** A JSON object as found (the pack reads props, the config reads the stack file): anything else reads as empty. */
type JsonObject = { readonly [key: string]: unknown };
const obj = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/** ACK's CSI drivers for OSS (bucket + path) and NAS (server + path) volumes. */
export const OSS_CSI_DRIVER = "ossplugin.csi.alibabacloud.com";
export const NAS_CSI_DRIVER = "nasplugin.csi.alibabacloud.com";

/** The CSI drivers a Ray pod may mount inline: ACK's OSS and NAS (CPFS general-purpose comes through the NAS plugin, or a PVC). */
export const ALLOWED_CSI_DRIVERS: readonly string[] = [OSS_CSI_DRIVER, NAS_CSI_DRIVER];

/** The ServiceAccount annotation ACK's pod identity webhook reads: the RAM role the account's pods assume (RRSA). */
export const RRSA_ROLE_ANNOTATION = "pod-identity.alibabacloud.com/role-name";

/** `volumeAttributes` keys the Alibaba Cloud CSI drivers read AccessKeys from; a Secret reference or RRSA replaces them. */
export const CSI_ACCESS_KEY_ATTRIBUTES: readonly string[] = ["akId", "akSecret", "accessKeyId", "accessKeySecret", "akid", "aksecret"];

/**
 * Extended resources a worker group may request besides `nvidia.com/gpu`: ACK's shared-GPU
 * scheduling (`aliyun.com/gpu-mem` in GiB of GPU memory, `aliyun.com/gpu-core.percentage` of one GPU's compute).
 */
export const SHARED_GPU_RESOURCES: readonly string[] = ["aliyun.com/gpu-mem", "aliyun.com/gpu-core.percentage"];
