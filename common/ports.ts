/** Ports Ray listens on; the pinned ones keep NetworkPolicies and TLS SANs predictable. */
export const RAY_PORTS = {
    gcs: 6379,
    dashboard: 8265,
    client: 10001,
    metrics: 8080,
    dashboardAgentListen: 52365,
    serve: 8000,
} as const;
