/**
 * The `ray.io/v1` RayCluster spec, shared by HardenedRayCluster and HardenedRayJob
 * (a RayJob's `rayClusterSpec` is the same object). Pure: plain data in, plain data out;
 * only the TLS fingerprint may be a Pulumi input, placed as-is.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as semver from "semver";
import type { ClusterShape, WorkerGroupConfig } from "../config/schema";
import { ANNOTATIONS, LABELS, RAY_PORTS, TLS_MOUNT, names, teamLabels } from "../naming";
import {
    containerSecurityContext,
    isolatedPodFields,
    rayWritableDirs,
    resourceRequirements,
    type WritableDirs,
} from "./podSecurity";

export type RayClusterKind = "RayCluster" | "RayJob";

export interface RayClusterSpecInput {
    /** Whether the spec is a RayCluster's or a RayJob's `rayClusterSpec`. */
    readonly kind: RayClusterKind;
    readonly cluster: ClusterShape;
    readonly team: string;
    readonly namespace: string;
    /** Fully resolved image reference. */
    readonly image: string;
    /** Changes whenever the certificates change; restarts the pods on rotation. */
    readonly tlsFingerprint: pulumi.Input<string>;
    /** KubeRay operator version the cluster runs under; >= 1.7 gets `upgradeStrategy: Recreate`. */
    readonly kubeRayVersion: string;
    /** Extra pod annotations (RRSA's only-containers, the ACK HistoryServer opt-in). */
    readonly podAnnotations?: Record<string, string>;
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

function tlsVolume(cluster: string, role: "head" | "worker"): Record<string, unknown> {
    // 0440 with fsGroup 100: readable by the ray user's group, by nobody else.
    return { name: TLS_VOLUME, secret: { secretName: names.tlsSecret(cluster, role), defaultMode: 0o440 } };
}

const tlsMount = { name: TLS_VOLUME, mountPath: TLS_MOUNT.dir, readOnly: true };

/** The autoscaler's own API token: the ServiceAccount disables automount, so only this container gets one. */
export function autoscalerTokenVolume(): Record<string, unknown> {
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

function hostPathParts(cluster: ClusterShape): WritableDirs {
    return {
        volumes: cluster.hostPaths.map((h) => ({ name: `host-${h.name}`, hostPath: { path: h.path, type: "Directory" } })),
        mounts: cluster.hostPaths.map((h) => ({ name: `host-${h.name}`, mountPath: h.mountPath, readOnly: true })),
    };
}

function userEnv(cluster: ClusterShape): { name: string; value: string }[] {
    return Object.entries(cluster.env).map(([name, value]) => ({ name, value }));
}

function podTemplate(
    input: RayClusterSpecInput,
    role: "head" | "worker",
    container: Record<string, unknown>,
    shmSize: string,
    extraVolumes: Record<string, unknown>[],
    podExtras: Record<string, unknown>,
): Record<string, unknown> {
    const { cluster } = input;
    const dirs = rayWritableDirs(shmSize);
    const hostPaths = hostPathParts(cluster);
    return {
        metadata: {
            labels: clusterPodLabels(input.team, cluster.name, role),
            annotations: { ...(input.podAnnotations ?? {}), [ANNOTATIONS.tlsFingerprint]: input.tlsFingerprint },
        },
        spec: {
            ...isolatedPodFields(names.serviceAccount(cluster.name, role)),
            ...podExtras,
            containers: [
                {
                    ...container,
                    image: input.image,
                    imagePullPolicy: "IfNotPresent",
                    securityContext: containerSecurityContext(),
                    env: [...tlsEnv(), ...userEnv(cluster)],
                    volumeMounts: [tlsMount, ...dirs.mounts, ...hostPaths.mounts],
                    lifecycle: { preStop: { exec: { command: ["/bin/sh", "-c", "ray stop"] } } },
                },
            ],
            volumes: [tlsVolume(cluster.name, role), ...dirs.volumes, ...extraVolumes, ...hostPaths.volumes],
        },
    };
}

function headGroupSpec(input: RayClusterSpecInput): Record<string, unknown> {
    const { cluster } = input;
    const autoscaling = cluster.autoscaling.enabled;
    const container = {
        name: HEAD_CONTAINER,
        ports: [
            { name: "gcs", containerPort: RAY_PORTS.gcs },
            { name: "dashboard", containerPort: RAY_PORTS.dashboard },
            { name: "client", containerPort: RAY_PORTS.client },
            { name: "metrics", containerPort: RAY_PORTS.metrics },
        ],
        resources: resourceRequirements(cluster.head.cpu, cluster.head.memory),
    };
    return {
        serviceType: "ClusterIP",
        enableIngress: false,
        rayStartParams: {
            // Reachable through the ClusterIP Service and port-forward; the NetworkPolicies decide who gets there.
            "dashboard-host": "0.0.0.0",
            "num-cpus": cluster.head.numCpus,
        },
        template: podTemplate(input, "head", container, cluster.head.shmSize, autoscaling ? [autoscalerTokenVolume()] : [], {}),
    };
}

function workerGroupSpec(input: RayClusterSpecInput, group: WorkerGroupConfig): Record<string, unknown> {
    const container = {
        name: WORKER_CONTAINER,
        ports: [{ name: "metrics", containerPort: RAY_PORTS.metrics }],
        resources: resourceRequirements(group.cpu, group.memory, group.gpu),
    };
    const podExtras: Record<string, unknown> = {};
    if (group.nodeSelector) {
        podExtras.nodeSelector = group.nodeSelector;
    }
    if (group.tolerations) {
        podExtras.tolerations = group.tolerations;
    }
    return {
        groupName: group.name,
        replicas: group.replicas,
        minReplicas: group.minReplicas,
        maxReplicas: group.maxReplicas,
        rayStartParams: {},
        template: podTemplate(input, "worker", container, group.shmSize, [], podExtras),
    };
}

function autoscalerOptions(input: RayClusterSpecInput): Record<string, unknown> {
    const { autoscaling } = input.cluster;
    return {
        upscalingMode: autoscaling.upscalingMode,
        idleTimeoutSeconds: autoscaling.idleTimeoutSeconds,
        imagePullPolicy: "IfNotPresent",
        resources: resourceRequirements(autoscaling.resources.cpu, autoscaling.resources.memory),
        securityContext: containerSecurityContext(),
        env: tlsEnv(),
        volumeMounts: [
            tlsMount,
            { name: "ray-tmp", mountPath: "/tmp/ray" },
            { name: "tmp", mountPath: "/tmp" },
            { name: AUTOSCALER_TOKEN_VOLUME, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true },
        ],
    };
}

/** The RayCluster `spec` (or a RayJob's `rayClusterSpec`). */
export function rayClusterSpec(input: RayClusterSpecInput): Record<string, unknown> {
    const { cluster } = input;
    const spec: Record<string, unknown> = {
        rayVersion: cluster.rayVersion,
        authOptions: { mode: "token", secretName: names.tokenSecret(cluster.name) },
        enableInTreeAutoscaling: cluster.autoscaling.enabled,
        headGroupSpec: headGroupSpec(input),
        workerGroupSpecs: cluster.workerGroups.map((g) => workerGroupSpec(input, g)),
    };
    if (cluster.autoscaling.enabled) {
        spec.autoscalerOptions = autoscalerOptions(input);
    }
    if (input.kind === "RayCluster" && semver.gte(semver.coerce(input.kubeRayVersion) ?? "0.0.0", "1.7.0")) {
        // A certificate rotation changes the pod templates; Recreate restarts every pod with the new material.
        spec.upgradeStrategy = { type: "Recreate" };
    }
    return spec;
}
