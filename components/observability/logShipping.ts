/**
 * Logs that outlive the pod (docs/design.md "Logs that outlive the pod"): every Ray pod of a team
 * with a registered log prefix gets a `ray-log-shipper` container. It runs the namespace's
 * `ray-log-shipper` ConfigMap script (./shipperScript.ts) with the Ray image's own Python, reads
 * Ray's log directory (the pod's `/tmp/ray` emptyDir, read-only), exchanges a ServiceAccount token
 * projected into this container only (audience sts.aliyuncs.com, as RRSA's webhook projects it) for
 * the writer role's temporary credentials at STS, and uploads under
 * `<prefix><kind>/<workload>/<ray cluster>/<pod>/<session>/` on an interval and at termination.
 */
import type * as k8s from "@pulumi/kubernetes";
import { LABELS, LOG_SHIPPER_CONFIGMAP, LOG_SHIPPER_CONTAINER, LOG_SHIPPER_TOKEN_VOLUME, RRSA_TOKEN_AUDIENCE } from "@ray-on-ack/common";
import { objectMeta, type NamedMeta } from "../core/meta";
import { SHIP_RAY_LOGS_PY } from "./shipperScript";

/** Where and how a team's logs go, resolved by the plan from the registry and `cloud`. */
export interface LogShipping {
    readonly bucket: string;
    /** The team's prefix, ending in '/'. */
    readonly prefix: string;
    readonly region: string;
    readonly ossEndpoint: string;
    readonly pathStyle: boolean;
    readonly stsEndpoint: string;
    /** The writer role: may only put objects under the prefix. */
    readonly roleArn: string;
    readonly oidcProviderArn: string;
    /** Seconds between two passes. */
    readonly intervalSeconds: number;
}

export const SHIPPER_SCRIPT_KEY = "ship_ray_logs.py";
const SCRIPT_DIR = "/etc/ray-log-shipper";
const TOKEN_DIR = "/var/run/secrets/ray-log-shipper";
const SCRIPT_VOLUME = "ray-log-shipper-script";
/** Small: it reads files in 1 MiB chunks and streams them. */
export const SHIPPER_RESOURCES = { cpu: "50m", memory: "64Mi" } as const;

export function logShipperConfigMap(team: string, namespace: string): k8s.types.input.core.v1.ConfigMap & { metadata: NamedMeta } {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: objectMeta(LOG_SHIPPER_CONFIGMAP, namespace, team),
        data: { [SHIPPER_SCRIPT_KEY]: SHIP_RAY_LOGS_PY },
    };
}

/** The object keys of one workload's pods: `<prefix><kind>/<workload>/`, then the Ray cluster and the pod. */
export const workloadLogPrefix = (s: Pick<LogShipping, "prefix">, kind: string, workload: string): string =>
    `${s.prefix}${kind.toLowerCase()}/${workload}/`;

export interface ShipperPodParts {
    readonly container: k8s.types.input.core.v1.Container;
    readonly volumes: k8s.types.input.core.v1.Volume[];
}

/**
 * The shipper container and its two volumes. `securityContext` and `resources` come from the
 * caller (the Ray pods' own rules); `rayTmpVolume` is the emptyDir Ray writes `/tmp/ray` to.
 */
export function logShipperPodParts(
    s: LogShipping,
    where: { kind: string; workload: string; image: string; rayTmpVolume: string },
    securityContext: k8s.types.input.core.v1.SecurityContext,
    resources: k8s.types.input.core.v1.ResourceRequirements,
): ShipperPodParts {
    const env: k8s.types.input.core.v1.EnvVar[] = [
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "RAY_CLUSTER_NAME", valueFrom: { fieldRef: { fieldPath: `metadata.labels['${LABELS.rayCluster}']` } } },
        { name: "LOGS_KEY_PREFIX", value: `${workloadLogPrefix(s, where.kind, where.workload)}$(RAY_CLUSTER_NAME)/$(POD_NAME)/` },
        { name: "LOGS_BUCKET", value: s.bucket },
        { name: "LOGS_REGION", value: s.region },
        { name: "LOGS_OSS_ENDPOINT", value: s.ossEndpoint },
        { name: "LOGS_PATH_STYLE", value: String(s.pathStyle) },
        { name: "LOGS_STS_ENDPOINT", value: s.stsEndpoint },
        { name: "LOGS_ROLE_ARN", value: s.roleArn },
        { name: "LOGS_OIDC_PROVIDER_ARN", value: s.oidcProviderArn },
        { name: "LOGS_OIDC_TOKEN_FILE", value: `${TOKEN_DIR}/token` },
        { name: "LOGS_INTERVAL_SECONDS", value: String(s.intervalSeconds) },
        { name: "RAY_LOGS_ROOT", value: "/tmp/ray" },
        { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
    ];
    return {
        container: {
            name: LOG_SHIPPER_CONTAINER,
            image: where.image,
            imagePullPolicy: "IfNotPresent",
            command: ["python", `${SCRIPT_DIR}/${SHIPPER_SCRIPT_KEY}`],
            env,
            resources,
            securityContext,
            volumeMounts: [
                { name: where.rayTmpVolume, mountPath: "/tmp/ray", readOnly: true },
                { name: SCRIPT_VOLUME, mountPath: SCRIPT_DIR, readOnly: true },
                { name: LOG_SHIPPER_TOKEN_VOLUME, mountPath: TOKEN_DIR, readOnly: true },
            ],
        },
        volumes: [
            { name: SCRIPT_VOLUME, configMap: { name: LOG_SHIPPER_CONFIGMAP, defaultMode: 0o444 } },
            {
                name: LOG_SHIPPER_TOKEN_VOLUME,
                projected: {
                    defaultMode: 0o440,
                    sources: [{ serviceAccountToken: { path: "token", audience: RRSA_TOKEN_AUDIENCE, expirationSeconds: 3600 } }],
                },
            },
        ],
    };
}
