/**
 * Names and labels shared by every builder, the renderer, the policy pack and the tests.
 * KubeRay derives some names itself (head Service, autoscaler Role/RoleBinding); those
 * derivations live here and nowhere else.
 */

// Shared with the policy pack, which must not import the components.
import { LABELS, MANAGED_BY } from "@ray-on-ack/common";

export { ANNOTATIONS, LABELS, MANAGED_BY, RAY_PORTS, TLS_MOUNT } from "@ray-on-ack/common";

export type RayRole = "head" | "worker" | "submitter";

/** How KubeRay (1.6, 1.7) names a worker pod: generateName `<cluster>-<group>` cut to 50 characters, `-worker-`, 5 random characters. */
export const KUBERAY_WORKER_NAME = { prefixMax: 50, infix: "-worker-", randomSuffix: 5 } as const;

/**
 * How KubeRay (1.6, 1.7) names a head pod: generateName `<cluster>-head-` (5 random characters
 * appended by the API server), or `<cluster>-head` when the operator runs with
 * ENABLE_DETERMINISTIC_HEAD_POD_NAME; `<cluster>` cut to 50 characters first.
 */
export const KUBERAY_HEAD_NAME = { prefixMax: 50, suffix: "-head", randomSuffix: 5 } as const;

/** How KubeRay (1.6, 1.7) names a RayService's clusters: `<service>-` and 5 random characters. */
export const KUBERAY_GENERATION_NAME = { randomSuffix: 5 } as const;

export const names = {
    namespace: (team: string, override?: string): string => override ?? `ray-${team}`,
    /** KubeRay's head Service name for a RayCluster. */
    headService: (cluster: string): string => `${cluster}-head-svc`,
    /** The four DNS forms under which workers and clients reach the head Service. */
    headServiceDnsNames: (cluster: string, namespace: string): string[] => {
        const svc = `${cluster}-head-svc`;
        return [svc, `${svc}.${namespace}`, `${svc}.${namespace}.svc`, `${svc}.${namespace}.svc.cluster.local`];
    },
    /**
     * A RayService's clusters are `<service>-<random>`, their head Services `<that>-head-svc`: unknown
     * in advance, so their certificates name every Service of the namespace, in the two forms KubeRay's
     * workers dial (`<svc>.<ns>.svc.cluster.local`) and gRPC accepts a wildcard for (at least two dots).
     */
    generatedHeadServiceDnsNames: (namespace: string): string[] => [`*.${namespace}.svc`, `*.${namespace}.svc.cluster.local`],
    serviceAccount: (cluster: string, role: RayRole): string => `${cluster}-ray-${role}`,
    /** KubeRay's ClusterIP Service in front of the active cluster's Serve proxies (port 8000). */
    serveService: (service: string): string => `${service}-serve-svc`,
    /** A TLS Secret of one generation slot (0 or 1) of a RayService. */
    tlsSlotSecret: (service: string, role: "head" | "worker", slot: number): string => `${service}-ray-tls-${role}-${slot}`,
    servePublicService: (service: string): string => `${service}-serve-public`,
    serveIngress: (service: string): string => `${service}-serve`,
    serveBasicAuthSecret: (service: string): string => `${service}-serve-basic-auth`,
    /** KubeRay names the autoscaler Role and RoleBinding after the RayCluster. */
    autoscalerRole: (cluster: string): string => cluster,
    tlsSecret: (cluster: string, role: "head" | "worker"): string => `${cluster}-ray-tls-${role}`,
    tokenSecret: (cluster: string): string => `${cluster}-ray-token`,
    /** The NetworkPolicy admitting a fault-tolerant workload's head (and KubeRay's cleanup Job) to the team's Redis. */
    gcsRedisPolicy: (cluster: string): string => `${cluster}-gcs-redis`,
    peopleRole: (team: string): string => `${team}-ray-users`,
    /** Personal identity: the Role granting `ray:write` on one RayCluster, bound to its Ray nodes and, apart, to its people. */
    rayAccessRole: (cluster: string): string => `${cluster}-ray-access`,
    rayNodesBinding: (cluster: string): string => `${cluster}-ray-nodes`,
    rayPeopleBinding: (cluster: string): string => `${cluster}-ray-people`,
    dashboardService: (cluster: string): string => `${cluster}-dashboard-public`,
    dashboardIngress: (cluster: string): string => `${cluster}-dashboard`,
    basicAuthSecret: (cluster: string): string => `${cluster}-dashboard-basic-auth`,
    /** A gateway exposure's HTTPRoute and the SecurityPolicy that authenticates it. */
    gatewayRoute: (cluster: string): string => `${cluster}-dashboard`,
    gatewayPolicy: (cluster: string): string => `${cluster}-dashboard-auth`,
    /** What every worker pod name of a group starts with (KUBERAY_WORKER_NAME). */
    workerPodPrefix: (cluster: string, group: string): string =>
        `${`${cluster}-${group}`.slice(0, KUBERAY_WORKER_NAME.prefixMax)}${KUBERAY_WORKER_NAME.infix}`,
};

export function teamLabels(team: string): Record<string, string> {
    return { [LABELS.managedBy]: MANAGED_BY, [LABELS.team]: team };
}
