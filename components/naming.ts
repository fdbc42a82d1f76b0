/**
 * Names and labels shared by every builder, the renderer, the policy pack and the tests.
 * KubeRay derives some names itself (head Service, autoscaler Role/RoleBinding); those
 * derivations live here and nowhere else.
 */

export const MANAGED_BY = "ray-on-ack";

export const LABELS = {
    managedBy: "app.kubernetes.io/managed-by",
    team: "ray-on-ack.io/team",
    /** Our own cluster label, set on pod templates: RayJob clusters get a random `ray.io/cluster` name. */
    cluster: "ray-on-ack.io/cluster",
    role: "ray-on-ack.io/role",
    /** Set by KubeRay on every pod of a RayCluster. */
    rayCluster: "ray.io/cluster",
    rayNodeType: "ray.io/node-type",
} as const;

export const ANNOTATIONS = {
    /** Changes when a pod's certificates change, so that a rotation restarts the pods (Ray does not reload certificates). */
    tlsFingerprint: "ray-on-ack.io/tls-fingerprint",
    /** Changes when the Ray token is rotated (a truncated sha256 of it), so that a rotation restarts the pods too. */
    tokenFingerprint: "ray-on-ack.io/token-fingerprint",
    /** Comma-separated policy ids the stack deliberately weakens (documented opt-ins); the posture report lists them as exceptions. */
    policyExceptions: "ray-on-ack.io/policy-exceptions",
} as const;

export type RayRole = "head" | "worker" | "submitter";

export const names = {
    namespace: (team: string, override?: string): string => override ?? `ray-${team}`,
    /** KubeRay's head Service name for a RayCluster. */
    headService: (cluster: string): string => `${cluster}-head-svc`,
    /** The four DNS forms under which workers and clients reach the head Service. */
    headServiceDnsNames: (cluster: string, namespace: string): string[] => {
        const svc = `${cluster}-head-svc`;
        return [svc, `${svc}.${namespace}`, `${svc}.${namespace}.svc`, `${svc}.${namespace}.svc.cluster.local`];
    },
    serviceAccount: (cluster: string, role: RayRole): string => `${cluster}-ray-${role}`,
    /** KubeRay names the autoscaler Role and RoleBinding after the RayCluster. */
    autoscalerRole: (cluster: string): string => cluster,
    tlsSecret: (cluster: string, role: "head" | "worker"): string => `${cluster}-ray-tls-${role}`,
    tokenSecret: (cluster: string): string => `${cluster}-ray-token`,
    peopleRole: (team: string): string => `${team}-ray-users`,
    dashboardService: (cluster: string): string => `${cluster}-dashboard-public`,
    dashboardIngress: (cluster: string): string => `${cluster}-dashboard`,
    basicAuthSecret: (cluster: string): string => `${cluster}-dashboard-basic-auth`,
};

/** Ports Ray listens on; the pinned ones keep NetworkPolicies and TLS SANs predictable. */
export const RAY_PORTS = {
    gcs: 6379,
    dashboard: 8265,
    client: 10001,
    metrics: 8080,
    dashboardAgentListen: 52365,
    serve: 8000,
} as const;

/** Where the Ray containers find their TLS material. */
export const TLS_MOUNT = {
    dir: "/etc/ray/tls",
    cert: "/etc/ray/tls/tls.crt",
    key: "/etc/ray/tls/tls.key",
    ca: "/etc/ray/tls/ca.crt",
} as const;

export function teamLabels(team: string): Record<string, string> {
    return { [LABELS.managedBy]: MANAGED_BY, [LABELS.team]: team };
}
