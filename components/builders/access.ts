/**
 * What a data scientist needs to reach a cluster: port-forward commands bound to the
 * loopback address (the seed's `--address 0.0.0.0` would publish the dashboard to the
 * whole office network), the local URLs and how to read the Ray token.
 */
import { RAY_PORTS, names } from "../naming";

export interface ClusterAccess {
    readonly namespace: string;
    readonly headService: string;
    readonly dashboardPortForward: string;
    readonly clientPortForward: string;
    readonly dashboardUrl: string;
    readonly clientUrl: string;
    readonly tokenSecret: string;
    readonly tokenCommand: string;
}

export function clusterAccess(namespace: string, cluster: string): ClusterAccess {
    const svc = names.headService(cluster);
    const forward = (port: number) => `kubectl -n ${namespace} port-forward --address 127.0.0.1 svc/${svc} ${port}:${port}`;
    const tokenSecret = names.tokenSecret(cluster);
    return {
        namespace,
        headService: svc,
        dashboardPortForward: forward(RAY_PORTS.dashboard),
        clientPortForward: forward(RAY_PORTS.client),
        dashboardUrl: `http://127.0.0.1:${RAY_PORTS.dashboard}`,
        clientUrl: `ray://127.0.0.1:${RAY_PORTS.client}`,
        tokenSecret,
        tokenCommand: `kubectl -n ${namespace} get secret ${tokenSecret} -o jsonpath='{.data.auth_token}' | base64 -d`,
    };
}
