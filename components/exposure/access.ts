/**
 * What a data scientist needs to reach a cluster: port-forward commands bound to the
 * loopback address (the seed's `--address 0.0.0.0` would publish the dashboard to the
 * whole office network), the local URLs and how to read the Ray token.
 *
 * Local ports: every cluster forwarding to 8265/10001 would make a second port-forward (another
 * cluster, another team) fail with "address already in use". Each cluster gets a slot in
 * 0..999 from a hash of `<namespace>/<cluster>` (so a cluster keeps its ports when others are
 * added, removed or reordered); clusters of one stack that hash to the same slot take the next
 * free one, in config order. Dashboard 20000 + slot, Ray Client 21000 + slot: below Linux's
 * ephemeral range (32768+), so no outgoing connection holds them.
 *
 * `raySessionCommand` is the same access through the KubeRay kubectl plugin (`kubectl ray session`),
 * for users who have it: the plugin forwards the fixed ports 8265 and 10001 on localhost, so it
 * serves one cluster at a time; the port-forward commands above are what two clusters at once need.
 */
import { createHash } from "crypto";
import { RAY_PORTS, names } from "../core/naming";

export const LOCAL_PORT_SLOTS = 1000;
export const LOCAL_DASHBOARD_BASE = 20000;
export const LOCAL_CLIENT_BASE = 21000;

export interface LocalPorts {
    readonly dashboard: number;
    readonly client: number;
}

/** A cluster's preferred slot: the same on every run and every machine. */
export function localPortSlot(namespace: string, cluster: string): number {
    return createHash("sha256").update(`${namespace}/${cluster}`).digest().readUInt32BE(0) % LOCAL_PORT_SLOTS;
}

const portsOfSlot = (slot: number): LocalPorts => ({ dashboard: LOCAL_DASHBOARD_BASE + slot, client: LOCAL_CLIENT_BASE + slot });

/** Distinct local ports for a stack's clusters, in config order (see the file comment). */
export function localPortsFor(namespace: string, clusters: readonly string[]): Record<string, LocalPorts> {
    const taken = new Set<number>();
    const out: Record<string, LocalPorts> = {};
    for (const cluster of clusters) {
        let slot = localPortSlot(namespace, cluster);
        while (taken.has(slot)) {
            slot = (slot + 1) % LOCAL_PORT_SLOTS;
        }
        taken.add(slot);
        out[cluster] = portsOfSlot(slot);
    }
    return out;
}

/**
 * What a person runs to print their own Kubernetes bearer token, for a personal-identity cluster:
 * the port-forward helper takes it from their current kubeconfig context (a token, or what its
 * credential plugin returns: ACK's RAM authenticator, OIDC), and explains what to do about a
 * client certificate, which Ray cannot be handed (docs/operations.md "Connecting as yourself").
 */
export const PERSONAL_TOKEN_COMMAND = "npm run --silent port-forward -- --print-token";

export interface ClusterAccess {
    /**
     * `token`: the cluster's static Ray token (tokenSecret); `personal`: each person's own Kubernetes
     * token. A string, not a union of the two: Pulumi's component schema (provider/) takes no unions.
     */
    readonly identity: string;
    readonly namespace: string;
    readonly headService: string;
    /** Where port-forward listens on 127.0.0.1 for this cluster (see localPortsFor). */
    readonly localPorts: LocalPorts;
    readonly dashboardPortForward: string;
    readonly clientPortForward: string;
    readonly dashboardUrl: string;
    readonly clientUrl: string;
    /** The Secret holding the static Ray token; none with personal identity. */
    readonly tokenSecret?: string;
    /** Prints the bearer token to present: the cluster's Ray token, or with personal identity your own. */
    readonly tokenCommand: string;
    /** The KubeRay kubectl plugin's equivalent of the two forwards (local 8265 and 10001, one cluster at a time). */
    readonly raySessionCommand: string;
}

/** `kubectl ray session` for a RayCluster (dashboard and Ray Client) or a RayJob's cluster (dashboard only). */
export function raySessionCommand(namespace: string, kind: "raycluster" | "rayjob", name: string): string {
    return `kubectl ray session ${kind}/${name} -n ${namespace}`;
}

/** @param localPorts default: the cluster's own slot (a stack passes localPortsFor's answer, which resolves clashes). */
export function clusterAccess(
    namespace: string,
    cluster: string,
    localPorts: LocalPorts = portsOfSlot(localPortSlot(namespace, cluster)),
    identity: "token" | "personal" = "token",
): ClusterAccess {
    const svc = names.headService(cluster);
    const forward = (local: number, remote: number) =>
        `kubectl -n ${namespace} port-forward --address 127.0.0.1 svc/${svc} ${local}:${remote}`;
    const tokenSecret = names.tokenSecret(cluster);
    const token =
        identity === "personal"
            ? { tokenCommand: PERSONAL_TOKEN_COMMAND }
            : {
                  tokenSecret,
                  tokenCommand: `kubectl -n ${namespace} get secret ${tokenSecret} -o jsonpath='{.data.auth_token}' | base64 -d`,
              };
    return {
        identity,
        namespace,
        headService: svc,
        localPorts,
        dashboardPortForward: forward(localPorts.dashboard, RAY_PORTS.dashboard),
        clientPortForward: forward(localPorts.client, RAY_PORTS.client),
        dashboardUrl: `http://127.0.0.1:${localPorts.dashboard}`,
        clientUrl: `ray://127.0.0.1:${localPorts.client}`,
        ...token,
        raySessionCommand: raySessionCommand(namespace, "raycluster", cluster),
    };
}
