/**
 * The hardening every pod template gets (seed section 5): Pod Security Standards
 * `restricted` plus a read-only root filesystem. Ray writes to /tmp/ray (sessions, logs,
 * spilled objects), /tmp and /dev/shm (the object store), so those become emptyDirs.
 */
import { quantityString } from "../config/quantities";

export const RAY_UID = 1000;
export const RAY_GID = 100;

export function podSecurityContext(): Record<string, unknown> {
    return {
        runAsNonRoot: true,
        runAsUser: RAY_UID,
        runAsGroup: RAY_GID,
        fsGroup: RAY_GID,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

export function containerSecurityContext(): Record<string, unknown> {
    return {
        runAsNonRoot: true,
        runAsUser: RAY_UID,
        runAsGroup: RAY_GID,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Pod-level fields that keep the pod off the node's namespaces and away from ambient credentials. */
export function isolatedPodFields(serviceAccountName: string): Record<string, unknown> {
    return {
        serviceAccountName,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        hostNetwork: false,
        hostPID: false,
        hostIPC: false,
        securityContext: podSecurityContext(),
    };
}

export interface WritableDirs {
    readonly volumes: Record<string, unknown>[];
    readonly mounts: Record<string, unknown>[];
}

/** The emptyDirs a read-only-root Ray container needs; /dev/shm is memory-backed and bounded. */
export function rayWritableDirs(shmSize: string): WritableDirs {
    return {
        volumes: [
            { name: "ray-tmp", emptyDir: {} },
            { name: "tmp", emptyDir: {} },
            { name: "home-cache", emptyDir: {} },
            { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: quantityString(shmSize) } },
        ],
        mounts: [
            { name: "ray-tmp", mountPath: "/tmp/ray" },
            { name: "tmp", mountPath: "/tmp" },
            { name: "home-cache", mountPath: "/home/ray/.cache" },
            { name: "dshm", mountPath: "/dev/shm" },
        ],
    };
}

/** Requests equal to limits: Ray sizes its object store and worker pool from the limits. */
export function resourceRequirements(cpu: string, memory: string, gpu = 0): Record<string, unknown> {
    const amounts: Record<string, string> = { cpu: quantityString(cpu), memory: quantityString(memory) };
    if (gpu > 0) {
        amounts["nvidia.com/gpu"] = String(gpu);
    }
    return { requests: { ...amounts }, limits: { ...amounts } };
}
