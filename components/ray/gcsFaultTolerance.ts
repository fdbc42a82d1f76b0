/**
 * GCS fault tolerance in a RayCluster spec (a RayCluster's, a RayJob's `rayClusterSpec`, a
 * RayService's `rayClusterConfig`): KubeRay's `gcsFaultToleranceOptions` from the platform's store,
 * and what Ray needs besides, which KubeRay does not set: the CA of the team's Redis (hiredis
 * verifies the server against `RAY_REDIS_CA_CERT`; without it, against the image's system bundle)
 * and reconnect timeouts long enough for a head that restarts on a slow node. KubeRay sets the rest
 * on the head itself (`RAY_REDIS_ADDRESS`, `REDIS_PASSWORD` from the Secret, the storage namespace).
 * KubeRay's Redis cleanup Job is built from the head pod, so it gets the same CA, and the head's
 * labels, under which its NetworkPolicy admits the Redis.
 */
import type * as k8s from "@pulumi/kubernetes";
import { GCS_ENV, GCS_RECONNECT_TIMEOUT_S, GCS_REDIS_CA_MOUNT, GCS_REDIS_SECRET } from "@ray-on-ack/common";
import type { GcsStore } from "../componentArgs";
import type { GcsFaultToleranceOptions } from "./crds/rayV1";
import type { ClusterShape } from "./model";

type EnvVar = { name: string; value: string };

/** The options of KubeRay 1.7 (`backend`, `storage`) beside 1.6.2's, which the generated types hold. */
export type GcsOptions =
    | GcsFaultToleranceOptions
    | {
          backend: "rocksdb";
          storage: { storageClassName: string; size: string; deletionPolicy: "DeleteWithCluster" };
      };

/** What a fault-tolerant workload adds to its spec and to the Ray containers of its head and its workers. */
export interface GcsSpecParts {
    readonly options?: GcsOptions;
    readonly head: {
        readonly env: EnvVar[];
        readonly volumes: k8s.types.input.core.v1.Volume[];
        readonly mounts: k8s.types.input.core.v1.VolumeMount[];
    };
    readonly worker: { readonly env: EnvVar[] };
}

const NONE: GcsSpecParts = { head: { env: [], volumes: [], mounts: [] }, worker: { env: [] } };

/** Every Ray process of a fault-tolerant cluster waits this long for the GCS to come back (common/gcs.ts). */
export function reconnectTimeoutEnv(): EnvVar {
    return { name: GCS_ENV.reconnectTimeout, value: String(GCS_RECONNECT_TIMEOUT_S) };
}

/** Why `store` cannot serve the workload's fault tolerance, or undefined (also when it is off). */
export function gcsStoreProblem(cluster: Pick<ClusterShape, "gcsFaultTolerance">, store: GcsStore | undefined): string | undefined {
    const ft = cluster.gcsFaultTolerance;
    if (!ft.enabled) {
        return undefined;
    }
    if (ft.backend === "redis" && store?.redis === undefined) {
        return "gcsFaultTolerance with backend redis needs the team's Redis (gcsStore.redis: TeamEnvironment takes it from the tenancy registry's gcsRedis)";
    }
    if (ft.backend === "rocksdb" && store?.embedded === undefined) {
        return "gcsFaultTolerance with backend rocksdb needs the platform's embedded store (gcsStore.embedded: KubeRay 1.7 with its feature gate on, and a StorageClass)";
    }
    return undefined;
}

export function gcsSpecParts(cluster: Pick<ClusterShape, "gcsFaultTolerance">, store: GcsStore | undefined): GcsSpecParts {
    const ft = cluster.gcsFaultTolerance;
    if (!ft.enabled) {
        return NONE;
    }
    const why = gcsStoreProblem(cluster, store);
    if (why !== undefined) {
        throw new Error(why);
    }
    if (ft.backend === "rocksdb") {
        // KubeRay 1.7 creates the PVC, mounts it on the head and sets RAY_gcs_storage itself.
        return {
            options: {
                backend: "rocksdb",
                storage: { storageClassName: store!.embedded!.storageClassName, size: ft.storageSize, deletionPolicy: "DeleteWithCluster" },
            },
            head: { env: [reconnectTimeoutEnv()], volumes: [], mounts: [] },
            worker: { env: [reconnectTimeoutEnv()] },
        };
    }
    const redis = store!.redis!;
    return {
        options: {
            redisAddress: redis.address,
            redisPassword: { valueFrom: { secretKeyRef: { name: redis.secretName, key: GCS_REDIS_SECRET.passwordKey } } },
            ...(redis.username !== undefined ? { redisUsername: { value: redis.username } } : {}),
        },
        head: {
            env: [{ name: GCS_ENV.redisCaCert, value: GCS_REDIS_CA_MOUNT.file }, reconnectTimeoutEnv()],
            // The CA only: the password reaches the head through KubeRay's REDIS_PASSWORD, never as a file.
            volumes: [
                {
                    name: GCS_REDIS_CA_MOUNT.volume,
                    secret: {
                        secretName: redis.secretName,
                        defaultMode: 0o440,
                        items: [{ key: GCS_REDIS_SECRET.caKey, path: GCS_REDIS_SECRET.caKey }],
                    },
                },
            ],
            mounts: [{ name: GCS_REDIS_CA_MOUNT.volume, mountPath: GCS_REDIS_CA_MOUNT.dir, readOnly: true }],
        },
        worker: { env: [reconnectTimeoutEnv()] },
    };
}
