/**
 * Namespaces a team must never take or open its Ray head to. `kube-*` and `default` belong to
 * Kubernetes and ACK's system components; the KubeRay operator's namespace holds a controller that
 * can edit every RayCluster. A team namespace there would put Ray pods next to them (and under
 * their relaxed Pod Security); admitting them to the head lets every pod there submit jobs.
 */

export const SYSTEM_NAMESPACE_PREFIXES: readonly string[] = ["kube-"];
export const SYSTEM_NAMESPACES: readonly string[] = ["default", "kuberay-system"];

/**
 * Why `ns` is a system namespace, or undefined. `platform` names the namespaces this stack
 * relies on for cluster services (operator, monitoring, DNS, ingress controller).
 */
export function systemNamespaceProblem(ns: string, platform: Readonly<Record<string, string | undefined>> = {}): string | undefined {
    const prefix = SYSTEM_NAMESPACE_PREFIXES.find((p) => ns.startsWith(p));
    if (prefix !== undefined) {
        return `"${ns}" is a system namespace (${prefix}*)`;
    }
    if (SYSTEM_NAMESPACES.includes(ns)) {
        return `"${ns}" is a system namespace (${SYSTEM_NAMESPACES.join(", ")})`;
    }
    const role = Object.entries(platform).find(([, v]) => v === ns)?.[0];
    return role === undefined ? undefined : `"${ns}" is the ${role} namespace`;
}
