/**
 * Pod settings that hand a team's pods to a controller other than the scheduler and kubelet of the
 * cluster's own nodes: virtual nodes (ECI, ACS) run them outside the team's node pools and pod
 * vSwitch, a service mesh injects a sidecar that sees all traffic, Multus and Terway give them
 * interfaces in other networks, ACK's HistoryServer replaces their ServiceAccount and postStart.
 * Each is a platform decision: the pack refuses it unless the platform grants it for one pod
 * template (`ray-pod-controllers`), and ray-pod-metadata leaves these keys to that policy.
 * Keys are matched case-insensitively: a look-alike (`Sidecar.Istio.io/inject`) is judged as
 * what it looks like, since an annotation key's prefix is validated lower-cased by the API server.
 */

export interface PodController {
    /** The controller, as a reviewer knows it. */
    readonly name: string;
    /** What handing the pod to it means for the team's boundary. */
    readonly why: string;
}

export const CONTROLLERS = {
    virtualNode: {
        name: "Alibaba Cloud virtual nodes (ECI, ACS)",
        why: "the pod runs as an Elastic Container Instance or ACS instance outside the team's node pools, with settings (vSwitch, security group, public IP) the pack does not judge",
    },
    terway: {
        name: "Terway pod networking",
        why: "the pod gets an interface, vSwitch or security group of its own choosing instead of the team's pod network",
    },
    multus: {
        name: "Multus extra networks",
        why: "the pod gets interfaces in networks the NetworkPolicies do not cover",
    },
    serviceMesh: {
        name: "service mesh (Istio, ASM) sidecar injection",
        why: "an injected proxy sees and redirects all of the pod's traffic and runs with settings the pack never sees",
    },
    historyServer: {
        name: "ACK's Ray HistoryServer",
        why: "it replaces the pod's ServiceAccount and postStart hook with its own",
    },
    scheduler: {
        name: "another scheduler",
        why: "it decides where the pod runs, outside the rules the default scheduler applies",
    },
    node: {
        name: "a named node",
        why: "nodeName skips the scheduler and every taint: the pod lands on that node, virtual or control-plane",
    },
    runtime: {
        name: "another container runtime (RuntimeClass)",
        why: "the RuntimeClass picks the runtime handler and adds its own node selector and tolerations",
    },
} as const satisfies Record<string, PodController>;

const domainOf = (key: string): string | undefined => {
    const slash = key.indexOf("/");
    return slash < 0 ? undefined : key.slice(0, slash).toLowerCase();
};
const underDomain = (domain: string | undefined, root: string) => domain !== undefined && (domain === root || domain.endsWith(`.${root}`));

/**
 * The controller a pod label, pod annotation or namespace label key hands the pod to, or undefined.
 * Domains: `alibabacloud.com/` itself (ECI and ACS: `alibabacloud.com/eci`, `alibabacloud.com/acs`,
 * `alibabacloud.com/compute-class`, `alibabacloud.com/burst-resource`), `k8s.aliyun.com/` (Terway's
 * `pod-networks`, `pod-networks-request`, `pod-networking`, `pod-eni`, `ignore-by-terway`, and the ECI
 * `eci-*` settings, `vnode`), `ray.alibabacloud.com/` (the HistoryServer), `*.istio.io/`
 * (`sidecar.istio.io/inject`, `istio.io/rev`, `istio.io/dataplane-mode`), `k8s.v1.cni.cncf.io/` and
 * `v1.multus-cni.io/` (Multus); keys: `istio-injection` (the namespace label) and `eci` (ECI's old pod label).
 */
export function controllerOfKey(key: string): PodController | undefined {
    const domain = domainOf(key);
    const lower = key.toLowerCase();
    if (domain === "alibabacloud.com" || lower === "eci") {
        return CONTROLLERS.virtualNode;
    }
    if (domain === "k8s.aliyun.com") {
        return lower.startsWith("k8s.aliyun.com/eci") || lower === "k8s.aliyun.com/vnode" ? CONTROLLERS.virtualNode : CONTROLLERS.terway;
    }
    if (domain === "ray.alibabacloud.com") {
        return CONTROLLERS.historyServer;
    }
    if (underDomain(domain, "istio.io") || lower === "istio-injection") {
        return CONTROLLERS.serviceMesh;
    }
    if (domain === "k8s.v1.cni.cncf.io" || domain === "v1.multus-cni.io") {
        return CONTROLLERS.multus;
    }
    return undefined;
}

/** Node labels of ACK's virtual nodes (`type: virtual-kubelet`; `k8s.aliyun.com/vnode` on VNodes of self-managed clusters). */
export function virtualNodeSelector(key: string, values: readonly unknown[]): boolean {
    const lower = key.toLowerCase();
    if (lower === "k8s.aliyun.com/vnode") {
        return true;
    }
    return lower === "type" && (values.length === 0 || values.some((v) => typeof v === "string" && v.toLowerCase() === "virtual-kubelet"));
}

/** Taints of ACK's virtual nodes (`virtual-kubelet.io/provider`, `k8s.aliyun.com/vnode`): tolerating one lets the pod run there. */
export function virtualNodeTaint(key: unknown): boolean {
    return typeof key === "string" && ["virtual-kubelet.io/provider", "k8s.aliyun.com/vnode"].includes(key.toLowerCase());
}

/** The scheduler every pod gets when it names none. */
export const DEFAULT_SCHEDULER = "default-scheduler";
