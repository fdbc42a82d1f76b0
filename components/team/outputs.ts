/**
 * What a team's people get from the stack outputs, per RayCluster, RayJob and RayService: how to
 * reach it (port-forward commands bound to loopback, URLs, the token Secret), its CA, the Ray
 * Client certificates and the kubectl commands to follow it. Pure: TeamEnvironment fills in the
 * values its resources give (CA bundles, client certificates, the public exposure's address).
 */
import { clusterAccess, raySessionCommand, type ClusterAccess, type LocalPorts } from "../exposure/access";
import type { PublicDashboard } from "../exposure/dashboardExposure";
import { names } from "../core/naming";
import { serveAccess, type ServeAccess } from "../ray/rayService";

/** What a data scientist gets per RayCluster (stack output `clusters`). */
export interface ClusterOutput extends ClusterAccess {
    /** The cluster's Ray version. */
    readonly rayVersion: string;
    /** The cluster's own CA (a bundle of two during a CA rotation): Ray Client's `ca.crt`. */
    readonly caCertificate: string;
    /** The Ray Client users of this cluster (`tls.clients`), each with a certificate from its CA. */
    readonly tlsClients: Record<string, TlsClientOutput>;
    /** Only for clusters whose dashboard is public on request. */
    readonly publicDashboard?: PublicDashboard;
}

/** What a data scientist gets per RayJob (stack output `jobs`). */
export interface JobOutput {
    /** The team's namespace. */
    readonly namespace: string;
    /** The job's own CA: no other cluster's nodes accept its certificates. */
    readonly caCertificate: string;
    /** The Secret holding the job cluster's Ray token. */
    readonly tokenSecret: string;
    /** `kubectl` command showing the job's status. */
    readonly statusCommand: string;
    /** `kubectl` command printing the submitter's log (the job's output). */
    readonly logsCommand: string;
    /** The KubeRay kubectl plugin's dashboard forward to the job's cluster (local 8265), while it runs. */
    readonly raySessionCommand: string;
}

/** What a team gets per RayService (stack output `services`). */
export interface ServiceOutput extends ServeAccess {
    readonly rayVersion: string;
    /** The service's own CA (both during a CA rotation overlap): every generation of its clusters is issued from it. */
    readonly caCertificate: string;
    readonly tokenSecret: string;
    readonly statusCommand: string;
    /** Only for services whose Serve port is public on request. */
    readonly publicServe?: PublicDashboard;
}

/** What a Ray Client user sets, after writing the certificate, key and CA to files. */
export interface TlsClientOutput {
    /** The client certificate (PEM), from the cluster's CA. */
    readonly certificate: string;
    /** The RAY_TLS_* variables pointing at the files. */
    readonly env: Record<string, string>;
}

/**
 * Ray Client reads the same RAY_TLS_* variables as the nodes; the client certificate is its "server"
 * pair. One directory per cluster: each cluster has its own CA, and trusts only its own certificates.
 */
export function tlsClientEnv(team: string, cluster: string, client: string): Record<string, string> {
    const dir = `$HOME/.ray-on-ack/${team}/${cluster}`;
    return {
        RAY_USE_TLS: "1",
        RAY_TLS_SERVER_CERT: `${dir}/${client}.crt`,
        RAY_TLS_SERVER_KEY: `${dir}/${client}.key`,
        RAY_TLS_CA_CERT: `${dir}/ca.crt`,
    };
}

export function clusterOutput(
    c: { team: string; namespace: string; name: string; rayVersion: string; localPorts: LocalPorts; identity: "token" | "personal" },
    caCertificate: string,
    clientCerts: Record<string, string>,
): ClusterOutput {
    return {
        ...clusterAccess(c.namespace, c.name, c.localPorts, c.identity),
        rayVersion: c.rayVersion,
        caCertificate,
        tlsClients: Object.fromEntries(
            Object.entries(clientCerts).map(([client, certificate]) => [
                client,
                { certificate, env: tlsClientEnv(c.team, c.name, client) },
            ]),
        ),
    };
}

export function jobOutput(namespace: string, job: string, caCertificate: string): JobOutput {
    return {
        namespace,
        caCertificate,
        tokenSecret: names.tokenSecret(job),
        statusCommand: `kubectl -n ${namespace} get rayjob ${job}`,
        logsCommand: `kubectl -n ${namespace} logs -l ray-on-ack.io/cluster=${job},ray-on-ack.io/role=submitter --tail=-1`,
        raySessionCommand: raySessionCommand(namespace, "rayjob", job),
    };
}

export function serviceOutput(namespace: string, service: string, rayVersion: string, caCertificate: string): ServiceOutput {
    return {
        ...serveAccess(namespace, service),
        rayVersion,
        caCertificate,
        tokenSecret: names.tokenSecret(service),
        statusCommand: `kubectl -n ${namespace} get rayservice ${service}`,
    };
}
