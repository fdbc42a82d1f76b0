/**
 * Where a team's fault-tolerant workloads keep their GCS state, from what the platform says: the
 * team's Redis in its tenancy registry entry (`gcsRedis`), the embedded store in the cluster facts.
 * A stack file names neither; it only turns fault tolerance on (./model.ts).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { GCS_REDIS_SECRET, redisAddressOf } from "@ray-on-ack/common/gcs";
import { gcsEmbeddedProblem, type Tenancy } from "@ray-on-ack/common/tenancy";
import type { GcsStore } from "../componentArgs";
import { objectMeta } from "../core/meta";

/** The stores the platform offers stack `stack` (none without a registry entry, or without the facts the embedded store needs). */
export function gcsStoreFor(tenancy: Tenancy, stack: string | undefined): GcsStore {
    const redis = stack === undefined ? undefined : tenancy.tenants[stack]?.gcsRedis;
    const storageClassName = gcsEmbeddedProblem(tenancy) === undefined ? tenancy.cluster.gcsStorageClass : undefined;
    return {
        ...(redis !== undefined
            ? {
                  redis: {
                      address: redisAddressOf(redis),
                      ...(redis.username !== undefined ? { username: redis.username } : {}),
                      secretName: GCS_REDIS_SECRET.name,
                  },
              }
            : {}),
        ...(storageClassName !== undefined ? { embedded: { storageClassName } } : {}),
    };
}

/**
 * The team's Redis credentials in its namespace: the password (the team's secret config), which
 * KubeRay hands the head as `REDIS_PASSWORD` (`gcsFaultToleranceOptions.redisPassword`), and the CA
 * the platform registered, which the head mounts alone (`ca.crt`) for `RAY_REDIS_CA_CERT`.
 */
export function gcsRedisSecretObject(
    team: string,
    namespace: string,
    caCertificate: string,
    password: pulumi.Input<string>,
): k8s.types.input.core.v1.Secret {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: objectMeta(GCS_REDIS_SECRET.name, namespace, team),
        type: "Opaque",
        stringData: { [GCS_REDIS_SECRET.passwordKey]: password, [GCS_REDIS_SECRET.caKey]: caCertificate },
    };
}
