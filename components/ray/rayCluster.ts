/**
 * The `ray.io/v1` RayCluster spec, shared by HardenedRayCluster, HardenedRayJob and
 * HardenedRayService (a RayJob's `rayClusterSpec` and a RayService's `rayClusterConfig` are the same object). Pure: plain data in, plain data out;
 * only the TLS fingerprint may be a Pulumi input, placed as-is.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { AutoscalerOptions, HeadGroupSpec, RayClusterSpec, WorkerGroupSpec } from "./crds/rayV1";
import type { ClusterShape, WorkerGroupConfig } from "./model";
import { ANNOTATIONS, LABELS, RAY_PORTS, TLS_MOUNT, names, teamLabels } from "../core/naming";
import { resolveGroupImage } from "../images/image";
import { GroupPodOptions, podOptionFields, userRayStartParams } from "./podOptions";
import { placeObjectStore } from "./objectStore";
import { gcsSpecParts } from "./gcsFaultTolerance";
import type { GcsStore } from "../componentArgs";
import {
    RAY_WORKING_DIR,
    containerSecurityContext,
    isolatedPodFields,
    rayWritableDirs,
    resourceRequirements,
    writableHomeEnv,
} from "./podSecurity";

export type RayClusterKind = "RayCluster" | "RayJob" | "RayService";

export interface RayClusterSpecInput {
    /** Whether the spec is a RayCluster's or a RayJob's `rayClusterSpec`. */
    readonly kind: RayClusterKind;
    readonly cluster: ClusterShape;
    readonly team: string;
    readonly namespace: string;
    /** Fully resolved image reference (head, and worker groups without an image of their own). */
    readonly image: string;
    /** Changes whenever the certificates change; restarts the pods on rotation. */
    readonly tlsFingerprint: pulumi.Input<string>;
    /** A hash of the Ray token: changes when the token is rotated, which restarts the pods. */
    readonly tokenFingerprint: pulumi.Input<string>;
    /** KubeRay operator version the cluster runs under (>= 1.6: `upgradeStrategy: Recreate` works on all of them). */
    readonly kubeRayVersion: string;
    /** Extra pod annotations (RRSA's only-containers, the ACK HistoryServer opt-in). */
    readonly podAnnotations?: Record<string, string>;
    /**
     * The TLS Secrets the pods mount. Default `<cluster>-ray-tls-<role>`; a RayService's generation
     * slot (components/tls/generations.ts), so that its old cluster keeps its own until the switch.
     */
    readonly tlsSecretNames?: { readonly head: pulumi.Input<string>; readonly worker: pulumi.Input<string> };
    /** Where the GCS keeps its state when `cluster.gcsFaultTolerance` is on (the platform's, components/ray/gcsFaultTolerance.ts). */
    readonly gcsStore?: GcsStore;
}

export const HEAD_CONTAINER = "ray-head";
export const WORKER_CONTAINER = "ray-worker";
export const AUTOSCALER_TOKEN_VOLUME = "autoscaler-sa-token";
const TLS_VOLUME = "ray-tls";

/** Labels on every pod of the cluster: ours, because a RayJob's cluster gets a random `ray.io/cluster`. */
export function clusterPodLabels(team: string, cluster: string, role: "head" | "worker"): Record<string, string> {
    return { ...teamLabels(team), [LABELS.cluster]: cluster, [LABELS.role]: role };
}

import { rayTlsEnv as tlsEnv } from "@ray-on-ack/common";

export { tlsEnv };

function tlsVolume(input: RayClusterSpecInput, role: "head" | "worker"): k8s.types.input.core.v1.Volume {
    const secretName = input.tlsSecretNames?.[role] ?? names.tlsSecret(input.cluster.name, role);
    // 0440 with fsGroup 100: readable by the ray user's group, by nobody else.
    return { name: TLS_VOLUME, secret: { secretName, defaultMode: 0o440 } };
}

/** Ray Serve's HTTP proxy runs on every node of a RayService; KubeRay builds its serve Service from the head's port named `serve`. */
function servePorts(input: RayClusterSpecInput): k8s.types.input.core.v1.ContainerPort[] {
    return input.kind === "RayService" ? [{ name: "serve", containerPort: RAY_PORTS.serve }] : [];
}

const tlsMount = { name: TLS_VOLUME, mountPath: TLS_MOUNT.dir, readOnly: true };

/** The autoscaler's own API token: the ServiceAccount disables automount, so only this container gets one. */
export function autoscalerTokenVolume(): k8s.types.input.core.v1.Volume {
    return {
        name: AUTOSCALER_TOKEN_VOLUME,
        projected: {
            defaultMode: 0o440,
            sources: [
                { serviceAccountToken: { path: "token", expirationSeconds: 3600 } },
                { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
            ],
        },
    };
}

function userEnv(cluster: ClusterShape): { name: string; value: string }[] {
    return Object.entries(cluster.env).map(([name, value]) => ({ name, value }));
}

/** What differs between the head's and a worker group's pods. */
interface PodParts {
    readonly role: "head" | "worker";
    readonly container: Omit<k8s.types.input.core.v1.Container, "image">;
    readonly image: string;
    readonly shmSize: string;
    readonly rayTmpSize: string;
    readonly extraVolumes: k8s.types.input.core.v1.Volume[];
    readonly podExtras: Partial<k8s.types.input.core.v1.PodSpec>;
    /** The group's workload options (the cluster's come from `input.cluster`). */
    readonly options: GroupPodOptions;
    /** GCS fault tolerance's environment, volumes and mounts for this pod's Ray container. */
    readonly gcs: {
        readonly env: { name: string; value: string }[];
        readonly volumes?: k8s.types.input.core.v1.Volume[];
        readonly mounts?: k8s.types.input.core.v1.VolumeMount[];
    };
}

function podTemplate(input: RayClusterSpecInput, parts: PodParts): k8s.types.input.core.v1.PodTemplateSpec {
    const { cluster } = input;
    const { role, container } = parts;
    const dirs = rayWritableDirs(parts.shmSize, parts.rayTmpSize);
    const ownLabels = clusterPodLabels(input.team, cluster.name, role);
    // The team's options go first: ours are set after them (reserved keys are refused anyway).
    const options = podOptionFields(cluster, parts.options, ownLabels);
    return {
        metadata: {
            labels: { ...options.labels, ...ownLabels },
            annotations: {
                ...options.annotations,
                ...(input.podAnnotations ?? {}),
                [ANNOTATIONS.tlsFingerprint]: input.tlsFingerprint,
                [ANNOTATIONS.tokenFingerprint]: input.tokenFingerprint,
            },
        },
        spec: {
            ...options.podFields,
            ...isolatedPodFields(names.serviceAccount(cluster.name, role)),
            ...parts.podExtras,
            // No preStop `ray stop`: on SIGTERM Ray 2.60 drains the node itself, and a preStop
            // hook would kill the raylet before that drain.
            containers: [
                {
                    ...container,
                    image: parts.image,
                    imagePullPolicy: "IfNotPresent",
                    // The image's /home/ray is read-only here; jobs write relative paths into this.
                    workingDir: RAY_WORKING_DIR,
                    securityContext: containerSecurityContext(),
                    env: [...tlsEnv(), ...parts.gcs.env, ...writableHomeEnv(), ...userEnv(cluster)],
                    volumeMounts: [tlsMount, ...(parts.gcs.mounts ?? []), ...dirs.mounts, ...options.mounts],
                },
            ],
            volumes: [tlsVolume(input, role), ...(parts.gcs.volumes ?? []), ...dirs.volumes, ...parts.extraVolumes, ...options.volumes],
        },
    };
}

function headGroupSpec(input: RayClusterSpecInput): HeadGroupSpec {
    const { cluster } = input;
    const autoscaling = cluster.autoscaling.enabled;
    const container = {
        name: HEAD_CONTAINER,
        ports: [
            { name: "gcs", containerPort: RAY_PORTS.gcs },
            { name: "dashboard", containerPort: RAY_PORTS.dashboard },
            { name: "client", containerPort: RAY_PORTS.client },
            { name: "metrics", containerPort: RAY_PORTS.metrics },
            ...servePorts(input),
        ],
        resources: resourceRequirements(cluster.head.cpu, cluster.head.memory),
    };
    const store = placeObjectStore(cluster.head.memory, cluster.head.shmSize);
    return {
        serviceType: "ClusterIP",
        enableIngress: false,
        rayStartParams: {
            ...userRayStartParams(cluster.head),
            // Reachable through the ClusterIP Service and port-forward; the NetworkPolicies decide who gets there.
            "dashboard-host": "0.0.0.0",
            "num-cpus": cluster.head.numCpus,
            "object-store-memory": String(store.objectStoreBytes),
        },
        template: podTemplate(input, {
            role: "head",
            container,
            image: input.image,
            shmSize: store.shmSize,
            rayTmpSize: cluster.head.rayTmpSize,
            extraVolumes: autoscaling ? [autoscalerTokenVolume()] : [],
            podExtras: {},
            options: cluster.head,
            gcs: gcsSpecParts(cluster, input.gcsStore).head,
        }),
    };
}

function workerGroupSpec(input: RayClusterSpecInput, group: WorkerGroupConfig): WorkerGroupSpec {
    const container = {
        name: WORKER_CONTAINER,
        ports: [{ name: "metrics", containerPort: RAY_PORTS.metrics }, ...servePorts(input)],
        resources: resourceRequirements(group.cpu, group.memory, group.gpu, group.sharedGpu),
    };
    const podExtras: Partial<k8s.types.input.core.v1.PodSpec> = {};
    if (group.nodeSelector) {
        podExtras.nodeSelector = group.nodeSelector;
    }
    if (group.tolerations) {
        podExtras.tolerations = group.tolerations;
    }
    const store = placeObjectStore(group.memory, group.shmSize);
    const image = resolveGroupImage(input.cluster.image, group, input.cluster.rayVersion)?.reference ?? input.image;
    return {
        groupName: group.name,
        replicas: group.replicas,
        minReplicas: group.minReplicas,
        maxReplicas: group.maxReplicas,
        rayStartParams: { ...userRayStartParams(group), "object-store-memory": String(store.objectStoreBytes) },
        template: podTemplate(input, {
            role: "worker",
            container,
            image,
            shmSize: store.shmSize,
            rayTmpSize: group.rayTmpSize,
            extraVolumes: [],
            podExtras,
            options: group,
            gcs: gcsSpecParts(input.cluster, input.gcsStore).worker,
        }),
    };
}

/**
 * Ray 2.60's autoscaler v2 counts a worker that is still starting (its pod pending or Ray not
 * yet up) towards the group's `minReplicas`, but never idle-terminates it: with that worker
 * pending, the running `minReplicas` worker is drained once idle, and the group is left with no
 * running worker until the pending one starts, or for good if it never schedules (seen on the
 * e2e node). With a pending timeout, a starting worker that no task needs any more is removed
 * instead, and the running one is kept for `minReplicas`. Half the idle timeout: the pending
 * worker stops being needed about when the running one goes idle, and must time out first.
 */
export function pendingNodeIdleTimeoutEnv(idleTimeoutSeconds: number): { name: string; value: string } {
    return { name: "RAY_AUTOSCALER_PENDING_NODE_IDLE_TIMEOUT_S", value: String(Math.max(1, Math.floor(idleTimeoutSeconds / 2))) };
}

function autoscalerOptions(input: RayClusterSpecInput): AutoscalerOptions {
    const { autoscaling } = input.cluster;
    return {
        // Ray 2.60 picks autoscaler v2 silently; pinned so that a Ray upgrade cannot switch it.
        version: "v2",
        upscalingMode: autoscaling.upscalingMode,
        idleTimeoutSeconds: autoscaling.idleTimeoutSeconds,
        imagePullPolicy: "IfNotPresent",
        resources: resourceRequirements(autoscaling.resources.cpu, autoscaling.resources.memory),
        securityContext: containerSecurityContext(),
        env: [...tlsEnv(), pendingNodeIdleTimeoutEnv(autoscaling.idleTimeoutSeconds)],
        volumeMounts: [
            tlsMount,
            { name: "ray-tmp", mountPath: "/tmp/ray" },
            { name: "tmp", mountPath: "/tmp" },
            { name: AUTOSCALER_TOKEN_VOLUME, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true },
        ],
    };
}

/** The RayCluster `spec` (or a RayJob's `rayClusterSpec`). */
export function rayClusterSpec(input: RayClusterSpecInput): RayClusterSpec {
    const { cluster } = input;
    const spec: RayClusterSpec = {
        rayVersion: cluster.rayVersion,
        authOptions: { mode: "token", secretName: names.tokenSecret(cluster.name) },
        enableInTreeAutoscaling: cluster.autoscaling.enabled,
        headGroupSpec: headGroupSpec(input),
        workerGroupSpecs: cluster.workerGroups.map((g) => workerGroupSpec(input, g)),
    };
    if (cluster.autoscaling.enabled) {
        spec.autoscalerOptions = autoscalerOptions(input);
    }
    const gcs = gcsSpecParts(cluster, input.gcsStore).options;
    if (gcs !== undefined) {
        // KubeRay 1.7's embedded backend has fields the 1.6.2 types lack (GcsOptions types them).
        spec.gcsFaultToleranceOptions = gcs as RayClusterSpec["gcsFaultToleranceOptions"];
    }
    if (input.kind === "RayCluster") {
        // Ray reloads neither certificates nor tokens: a rotation changes the pod templates, and
        // Recreate (KubeRay >= 1.6: the head pod carries a hash of the spec) restarts every pod.
        // A RayJob's cluster lives as long as its job, so it needs none; a RayService replaces its
        // cluster by a new one on every spec change (its own upgradeStrategy, NewCluster).
        spec.upgradeStrategy = { type: "Recreate" };
    }
    return spec;
}
