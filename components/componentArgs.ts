/**
 * The components' args that are no config: what a program brings along (Inputs from other
 * resources, the platform's lists, wiring between components). Hand-written, unlike the config
 * shapes of args.ts, which are generated from the zod models (`npm run gen:args`).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformLists, Security } from "./args";

/** The cluster's RRSA OIDC provider. */
export interface RrsaProvider {
    /** `acs:ram::<accountId>:oidc-provider/ack-rrsa-<clusterId>` */
    providerArn: string;
    /** The cluster's OIDC issuer URL. */
    issuerUrl: string;
}

/**
 * Where a fault-tolerant workload's GCS keeps its state: the platform's, never the workload's to
 * choose (TeamEnvironment takes it from the tenancy registry). A workload with
 * `gcsFaultTolerance.enabled` needs the part its `backend` names.
 */
export interface GcsStore {
    /** The team's Redis (backend `redis`): Ray dials it over TLS with the password and CA of a Secret in the namespace. */
    redis?: GcsRedisStore;
    /** KubeRay 1.7's embedded store (backend `rocksdb`, alpha): the StorageClass of its volumes. */
    embedded?: GcsEmbeddedStore;
}

/** The team's Redis, as the workload's pods use it. */
export interface GcsRedisStore {
    /** `rediss://<host>:<port>`: TLS only. */
    address: string;
    /** A Redis ACL account. @default the instance's default account */
    username?: string;
    /** The Secret in the namespace holding `password` and `ca.crt` (TeamEnvironment creates `ray-gcs-redis`). */
    secretName: string;
}

/** The embedded GCS store the platform offers (KubeRay >= 1.7 with its feature gate on). */
export interface GcsEmbeddedStore {
    /** The StorageClass of the head's GCS volume. */
    storageClassName: string;
}

/** What HardenedRayCluster, HardenedRayJob and HardenedRayService take besides the workload: where it runs and how it is wired. */
export interface RayWorkloadArgs {
    /** The team (labels, names). */
    team: string;
    /** The team's namespace. */
    namespace: string;
    /** The security opt-ins the workload is checked against. @default the team defaults (no vulnerable Ray, the package's registry allowlist) */
    security?: Security;
    /** Fingerprint of the workload's certificates (TeamPki); a change restarts the pods. */
    tlsFingerprint: pulumi.Input<string>;
    /** KubeRay version on the cluster. @default "1.6.2" */
    kubeRayVersion?: string;
    /** What the platform allows (registries, digests, label and annotation keys, mount roots). @default the secure defaults */
    platformLists?: PlatformLists;
    /** The ServiceAccounts carry an RRSA role: the webhook's credentials go to the Ray containers only, never the autoscaler's. @default false */
    rrsaInjection?: boolean;
    /** Opt-in: ACK's Ray HistoryServer collects the pods' logs (its webhook takes over the pods: the policy pack needs a grant). @default false */
    historyServer?: boolean;
    /** Policy ids the workload deliberately weakens (documented opt-ins). @default none */
    policyExceptions?: string[];
    /** Bump to replace the Ray token. @default 0 */
    tokenRotation?: number;
    /** Where the GCS keeps its state when the workload enables `gcsFaultTolerance`. @default none: fault tolerance cannot be enabled */
    gcsStore?: GcsStore;
}
