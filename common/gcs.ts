/**
 * GCS fault tolerance: what the builders write and the policy pack reads. The head's GCS keeps the
 * cluster's metadata (nodes, actors, jobs, placement groups) in a store that outlives the head pod:
 * the team's Redis, which the platform registers in the tenancy registry (`gcsRedis` of the team's
 * entry, common/tenancy.ts) and Ray reaches over TLS only (`rediss://`, the registered CA), or, on
 * KubeRay 1.7 with its alpha feature gate, an embedded RocksDB on a volume of the head.
 */
import { X509Certificate } from "crypto";

/** The Secret the package creates in the team namespace for the team's Redis: its password and the CA to trust. */
export const GCS_REDIS_SECRET = { name: "ray-gcs-redis", passwordKey: "password", caKey: "ca.crt" } as const;

/** Where the head's Ray container (and KubeRay's cleanup Job, built from it) finds the Redis CA: the Secret's `ca.crt` only. */
export const GCS_REDIS_CA_MOUNT = { volume: "gcs-redis-ca", dir: "/etc/ray/redis", file: "/etc/ray/redis/ca.crt" } as const;

/** The environment of GCS fault tolerance: Ray's Redis TLS settings (RayConfig, `RAY_<name>`), and what KubeRay sets itself. */
export const GCS_ENV = {
    /** The CA file hiredis verifies the Redis server's certificate against (Ray's `REDIS_CA_CERT`). */
    redisCaCert: "RAY_REDIS_CA_CERT",
    /** A directory of CAs: it would add every CA in it; never set. */
    redisCaPath: "RAY_REDIS_CA_PATH",
    redisClientCert: "RAY_REDIS_CLIENT_CERT",
    redisClientKey: "RAY_REDIS_CLIENT_KEY",
    redisServerName: "RAY_REDIS_SERVER_NAME",
    /** Set by KubeRay on the head from `gcsFaultToleranceOptions.redisAddress`; `rediss://` turns TLS on. */
    redisAddress: "RAY_REDIS_ADDRESS",
    /** Set by KubeRay on the head from `gcsFaultToleranceOptions.redisPassword`. */
    redisPassword: "REDIS_PASSWORD",
    redisUsername: "REDIS_USERNAME",
    /** Seconds a raylet or worker process waits for the GCS to come back before it exits. */
    reconnectTimeout: "RAY_gcs_rpc_server_reconnect_timeout_s",
    /** Set by KubeRay: the key prefix of the cluster in Redis (the RayCluster's UID). */
    storageNamespace: "RAY_external_storage_namespace",
    /** Set by KubeRay 1.7 for the embedded backend. */
    gcsStorage: "RAY_gcs_storage",
    gcsStoragePath: "RAY_gcs_storage_path",
} as const;

/**
 * Seconds every Ray process of a fault-tolerant cluster waits for a restarted GCS before it exits
 * (Ray's default is 60, KubeRay's for workers with GCS fault tolerance 600). A head pod that has to
 * be rescheduled onto another node and pull a multi-gigabyte Ray image there can take longer than
 * ten minutes; a worker waiting longer costs nothing while it waits.
 */
export const GCS_RECONNECT_TIMEOUT_S = 900;

/** The least reconnect timeout the pack accepts on a fault-tolerant cluster: KubeRay's own default for its workers. */
export const MIN_GCS_RECONNECT_TIMEOUT_S = 600;

/** KubeRay 1.7's embedded RocksDB backend (alpha): off unless the operator's feature gate is on; Ray must read `RAY_gcs_storage`. */
export const GCS_EMBEDDED = {
    featureGate: "GCSFaultToleranceEmbeddedStorage",
    minKubeRayVersion: "1.7.0",
    minRayVersion: "2.57.0",
    /** The PVC KubeRay mounts on the head, at this path. */
    volume: "gcs-storage",
    mountPath: "/data/gcs",
} as const;

/** The address Ray dials for a registered Redis: TLS always. */
export function redisAddressOf(redis: { readonly host: string; readonly port: number }): string {
    return `rediss://${redis.host}:${redis.port}`;
}

/** Why a PEM text is not a bundle of CA certificates only (no key, nothing else), or undefined. */
export function caBundleProblem(pem: string): string | undefined {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
        return "holds a private key: the registry holds the CA certificate only";
    }
    const blocks = pem.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
    if (blocks.length === 0) {
        return "must be PEM: one or more -----BEGIN CERTIFICATE----- blocks";
    }
    for (const [i, block] of blocks.entries()) {
        if (!block.startsWith("-----BEGIN CERTIFICATE-----")) {
            return `block ${i + 1} is not a certificate`;
        }
        try {
            if (!new X509Certificate(block).ca) {
                return `certificate ${i + 1} is not a CA (basicConstraints CA:TRUE): trust the Redis server's issuer, not the server`;
            }
        } catch (e) {
            return `certificate ${i + 1} does not parse: ${(e as Error).message}`;
        }
    }
    const rest = pem.replace(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g, "").trim();
    return rest === "" ? undefined : "holds text outside its certificates";
}

/** `a` >= `b` for versions `major.minor.patch` (anything after the patch ignored); false for a text that is none. */
export function versionAtLeast(a: string, b: string): boolean {
    const parse = (v: string) => /^v?(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number);
    const x = parse(a);
    const y = parse(b);
    if (x === undefined || y === undefined) {
        return false;
    }
    for (let i = 0; i < 3; i++) {
        if (x[i] !== y[i]) {
            return x[i] > y[i];
        }
    }
    return true;
}
