/**
 * The workload options (components/config/workloadOptions.ts) as pod template fields. Pure; the
 * RayCluster builder (shared by RayCluster, RayJob and RayService) merges them under its own
 * settings, so that nothing here can replace a label, annotation, volume or Ray parameter of ours.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { VolumeConfig } from "./workloadOptions";
import { rayStartParamValue } from "./workloadOptions";

/** The options a cluster sets for all its pods. */
export interface ClusterPodOptions {
    readonly imagePullSecrets?: readonly string[];
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly volumes?: readonly VolumeConfig[];
    readonly priorityClassName?: string;
}

/** The options one group (head or worker group) adds. */
export interface GroupPodOptions extends ClusterPodOptions {
    readonly affinity?: Readonly<Record<string, unknown>>;
    readonly topologySpreadConstraints?: readonly {
        maxSkew: number;
        topologyKey: string;
        whenUnsatisfiable: string;
        labelSelector?: { matchLabels: Record<string, string> };
        minDomains?: number;
        nodeAffinityPolicy?: string;
        nodeTaintsPolicy?: string;
    }[];
    readonly rayStartParams?: Readonly<Record<string, string | number | Record<string, number>>>;
}

export interface PodOptionFields {
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
    readonly volumes: k8s.types.input.core.v1.Volume[];
    readonly mounts: k8s.types.input.core.v1.VolumeMount[];
    /** Pod spec fields (imagePullSecrets, priorityClassName, affinity, topologySpreadConstraints). */
    readonly podFields: Partial<k8s.types.input.core.v1.PodSpec>;
}

/** A PVC or CSI volume, read-only at the source as well as at the mount unless the volume opts out. */
function podVolume(v: VolumeConfig): k8s.types.input.core.v1.Volume {
    if (v.persistentVolumeClaim) {
        return { name: v.name, persistentVolumeClaim: { claimName: v.persistentVolumeClaim.claimName, readOnly: v.readOnly } };
    }
    const csi = v.csi!;
    return {
        name: v.name,
        csi: {
            driver: csi.driver,
            readOnly: v.readOnly,
            ...(Object.keys(csi.volumeAttributes).length > 0 ? { volumeAttributes: { ...csi.volumeAttributes } } : {}),
            ...(csi.nodePublishSecretRef ? { nodePublishSecretRef: { name: csi.nodePublishSecretRef.name } } : {}),
        },
    };
}

function mount(v: VolumeConfig): k8s.types.input.core.v1.VolumeMount {
    return { name: v.name, mountPath: v.mountPath, readOnly: v.readOnly, ...(v.subPath !== undefined ? { subPath: v.subPath } : {}) };
}

/**
 * The pod fields of one group's options on top of its cluster's.
 * @param ownLabels the builder's labels of this pod, the default selector of a topology spread constraint.
 */
export function podOptionFields(cluster: ClusterPodOptions, group: GroupPodOptions, ownLabels: Record<string, string>): PodOptionFields {
    const volumes = [...(cluster.volumes ?? []), ...(group.volumes ?? [])];
    const podFields: Partial<k8s.types.input.core.v1.PodSpec> = {};
    if ((cluster.imagePullSecrets ?? []).length > 0) {
        podFields.imagePullSecrets = cluster.imagePullSecrets!.map((name) => ({ name }));
    }
    const priority = group.priorityClassName ?? cluster.priorityClassName;
    if (priority !== undefined) {
        podFields.priorityClassName = priority;
    }
    if (group.affinity !== undefined) {
        podFields.affinity = structuredClone(group.affinity);
    }
    if (group.topologySpreadConstraints !== undefined) {
        podFields.topologySpreadConstraints = group.topologySpreadConstraints.map((t) => ({
            ...t,
            labelSelector: { matchLabels: { ...(t.labelSelector?.matchLabels ?? ownLabels) } },
        }));
    }
    return {
        labels: { ...(cluster.labels ?? {}), ...(group.labels ?? {}) },
        annotations: { ...(cluster.annotations ?? {}), ...(group.annotations ?? {}) },
        volumes: volumes.map(podVolume),
        mounts: volumes.map(mount),
        podFields,
    };
}

/** A group's own `rayStartParams` as KubeRay strings; the builder's own parameters are set after these. */
export function userRayStartParams(group: GroupPodOptions): Record<string, string> {
    return Object.fromEntries(Object.entries(group.rayStartParams ?? {}).map(([k, v]) => [k, rayStartParamValue(v)]));
}
