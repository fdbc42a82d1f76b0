/**
 * Throwaway pods the cluster suite asks the API server to admit or refuse: a compliant one (what
 * PodSecurity "restricted" admits) and the non-compliant variants. Their images are never pulled
 * on the loopback control plane (no kubelet); on a real cluster they are deleted at once.
 */
import { kubectl, KubectlResult } from "./kube";

export const PROBE_IMAGE = "busybox:1.36";

export interface ProbePodSpec {
    /** the pod's securityContext (none: a plain pod) */
    podSecurity?: object;
    /** the container's securityContext */
    containerSecurity?: object;
    cpu: string;
    memory: string;
}

/** what PodSecurity "restricted" requires of a pod and its container */
export const RESTRICTED_POD = { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } };
export const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

export function probePod(name: string, namespace: string, p: ProbePodSpec): object {
    const resources = { cpu: p.cpu, memory: p.memory };
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace, labels: { "ray-on-ack.io/cluster-suite": "probe" } },
        spec: {
            restartPolicy: "Never",
            ...(p.podSecurity === undefined ? {} : { securityContext: p.podSecurity }),
            containers: [
                {
                    name: "c",
                    image: PROBE_IMAGE,
                    ...(p.containerSecurity === undefined ? {} : { securityContext: p.containerSecurity }),
                    resources: { requests: resources, limits: resources },
                },
            ],
        },
    };
}

/** `kubectl create -f -` of the pod: the API server's answer (admitted or refused, and why) */
export function createPod(pod: object): Promise<KubectlResult> {
    return kubectl(["create", "-f", "-"], { input: JSON.stringify(pod) });
}

/** Deletes a probe pod if it got in (no wait: on the loopback control plane it never ran). */
export async function deletePod(name: string, namespace: string): Promise<void> {
    await kubectl(["-n", namespace, "delete", "pod", name, "--ignore-not-found", "--wait=false"]);
}
