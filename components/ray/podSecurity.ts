/**
 * The hardening every pod template gets (seed section 5): Pod Security Standards
 * `restricted` plus a read-only root filesystem. Ray writes to /tmp/ray (sessions, logs,
 * spilled objects), /tmp and /dev/shm (the object store), so those become emptyDirs.
 */
import type * as k8s from "@pulumi/kubernetes";
import { quantityString } from "../core/quantities";

export const RAY_UID = 1000;
export const RAY_GID = 100;

export function podSecurityContext(): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: RAY_UID,
        runAsGroup: RAY_GID,
        fsGroup: RAY_GID,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

export function containerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
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
export function isolatedPodFields(serviceAccountName: string): Partial<k8s.types.input.core.v1.PodSpec> {
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
    readonly volumes: k8s.types.input.core.v1.Volume[];
    readonly mounts: k8s.types.input.core.v1.VolumeMount[];
}

/** Where Ray processes start: the image's /home/ray is read-only, so jobs writing `out.txt` need this. */
export const RAY_WORKING_DIR = "/tmp";
/** The writable cache emptyDir under the read-only home. */
export const HOME_CACHE_DIR = "/home/ray/.cache";

/**
 * The emptyDirs a read-only-root Ray container needs. /dev/shm is memory-backed and sized
 * for the object store; /tmp/ray (sessions, logs, spilled objects) is bounded so that a
 * spilling job is evicted before it fills the node's disk.
 */
export function rayWritableDirs(shmSize: string, rayTmpSize: string): WritableDirs {
    return {
        volumes: [
            { name: "ray-tmp", emptyDir: { sizeLimit: quantityString(rayTmpSize) } },
            { name: "tmp", emptyDir: {} },
            { name: "home-cache", emptyDir: {} },
            { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: quantityString(shmSize) } },
        ],
        mounts: [
            { name: "ray-tmp", mountPath: "/tmp/ray" },
            { name: "tmp", mountPath: "/tmp" },
            { name: "home-cache", mountPath: HOME_CACHE_DIR },
            { name: "dshm", mountPath: "/dev/shm" },
        ],
    };
}

/**
 * Tools that default to dot-directories in the read-only home (Triton's ~/.triton for
 * torch.compile, ~/.config, conda's pkgs dir for a conda runtime_env, CUDA's JIT cache,
 * matplotlib, IPython) are pointed at the writable cache instead.
 */
export function writableHomeEnv(): { name: string; value: string }[] {
    const under = (dir: string) => `${HOME_CACHE_DIR}/${dir}`;
    return [
        { name: "XDG_CACHE_HOME", value: HOME_CACHE_DIR },
        { name: "XDG_CONFIG_HOME", value: under("xdg-config") },
        { name: "XDG_DATA_HOME", value: under("xdg-data") },
        { name: "XDG_STATE_HOME", value: under("xdg-state") },
        { name: "TRITON_CACHE_DIR", value: under("triton") },
        { name: "CONDA_PKGS_DIRS", value: under("conda/pkgs") },
        { name: "CONDA_ENVS_PATH", value: under("conda/envs") },
        { name: "CUDA_CACHE_PATH", value: under("nv/ComputeCache") },
        { name: "MPLCONFIGDIR", value: under("matplotlib") },
        { name: "IPYTHONDIR", value: under("ipython") },
        { name: "NUMBA_CACHE_DIR", value: under("numba") },
    ];
}

/** Requests equal to limits: Ray sizes its object store and worker pool from the limits. */
export function resourceRequirements(
    cpu: string,
    memory: string,
    gpu = 0,
    sharedGpu: Readonly<Record<string, number>> = {},
): k8s.types.input.core.v1.ResourceRequirements {
    const amounts: Record<string, string> = { cpu: quantityString(cpu), memory: quantityString(memory) };
    if (gpu > 0) {
        amounts["nvidia.com/gpu"] = String(gpu);
    }
    // ACK's shared-GPU resources (aliyun.com/gpu-mem, ...): extended resources, so requests equal limits too.
    for (const [name, amount] of Object.entries(sharedGpu)) {
        amounts[name] = String(amount);
    }
    return { requests: { ...amounts }, limits: { ...amounts } };
}
