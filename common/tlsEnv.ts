/**
 * Ray's TLS and authentication environment: the names Ray and KubeRay read, and where the
 * components mount the TLS Secret. The builders write these; the pack checks every Ray
 * container's effective environment against them.
 */

/** Where the Ray containers find their TLS material (the mounted TLS Secret). */
export const TLS_MOUNT = {
    dir: "/etc/ray/tls",
    cert: "/etc/ray/tls/tls.crt",
    key: "/etc/ray/tls/tls.key",
    ca: "/etc/ray/tls/ca.crt",
} as const;

export const RAY_ENV = {
    useTls: "RAY_USE_TLS",
    serverCert: "RAY_TLS_SERVER_CERT",
    serverKey: "RAY_TLS_SERVER_KEY",
    caCert: "RAY_TLS_CA_CERT",
    /** Set by KubeRay from spec.authOptions; KubeRay skips it when the container already has it. */
    authMode: "RAY_AUTH_MODE",
    authToken: "RAY_AUTH_TOKEN",
} as const;

/** The file variables, each with the file of the TLS Secret it points at. */
export const RAY_TLS_FILES = [
    [RAY_ENV.serverCert, TLS_MOUNT.cert],
    [RAY_ENV.serverKey, TLS_MOUNT.key],
    [RAY_ENV.caCert, TLS_MOUNT.ca],
] as const;

/** Ray parses its boolean settings this way (`1` or `true`, any case). */
export function rayTruthy(value: string): boolean {
    return ["1", "true"].includes(value.toLowerCase());
}

/** The environment the builders give every Ray container (head, workers, autoscaler). */
export function rayTlsEnv(): { name: string; value: string }[] {
    return [{ name: RAY_ENV.useTls, value: "1" }, ...RAY_TLS_FILES.map(([name, value]) => ({ name, value }))];
}
