/**
 * Which user `env` names a Ray container may carry. Ray and KubeRay read their security settings
 * from the environment (`RAY_AUTH_MODE`, `RAY_AUTH_TOKEN`, `RAY_USE_TLS`, `RAY_TLS_*`), and
 * KubeRay 1.6's `SetContainerTokenAuthEnvVars` skips the token variables a container already has:
 * a user value would win over ours. So the whole `RAY_` namespace is reserved, but for a few
 * names that only change logging. The other reserved names below change whom the pod trusts or
 * which credentials it uses. See docs/configuration.md (`clusters[].env`).
 */

import { writableHomeEnv } from "./podSecurity";

/**
 * `RAY_` names that only change how logs look:
 * - RAY_DEDUP_LOGS: 0 turns off the driver's de-duplication of repeated worker log lines.
 * - RAY_BACKEND_LOG_LEVEL: verbosity of the raylet and GCS logs (debug, info, warning...).
 * - RAY_COLOR_PREFIX: colours the per-process prefix of forwarded log lines.
 */
export const RAY_ENV_ALLOWLIST: readonly string[] = ["RAY_DEDUP_LOGS", "RAY_BACKEND_LOG_LEVEL", "RAY_COLOR_PREFIX"];

/** Prefixes no user variable may start with, and why. */
const RESERVED_PREFIXES: readonly [string, string][] = [
    [
        "RAY_",
        "Ray reads its authentication, TLS and system settings from RAY_* variables, and a container's own value wins over the operator's",
    ],
    ["KUBERAY_", "KubeRay's variables are set by the operator"],
    [
        "ALIBABA_CLOUD_",
        "RRSA injects the ALIBABA_CLOUD_* role, provider and token-file variables; another value redirects the pod's cloud credentials",
    ],
    ["GRPC_", "gRPC reads its TLS roots and cipher settings from GRPC_* variables (Ray's traffic is gRPC)"],
];

/** Names that change which certificates a process trusts or what code every process loads first. */
const RESERVED_NAMES: readonly [string, string][] = [
    ["SSL_CERT_FILE", "changes the certificate authorities the pod trusts"],
    ["SSL_CERT_DIR", "changes the certificate authorities the pod trusts"],
    ["REQUESTS_CA_BUNDLE", "changes the certificate authorities the pod trusts"],
    ["CURL_CA_BUNDLE", "changes the certificate authorities the pod trusts"],
    ["LD_PRELOAD", "loads a library into every process, the Ray dashboard and raylet included"],
    ["LD_AUDIT", "loads a library into every process, the Ray dashboard and raylet included"],
    ["PYTHONSTARTUP", "runs code in every interactive Python process"],
    ["PYTHONHOME", "replaces the Python standard library of every Ray process"],
    [
        "REDIS_PASSWORD",
        "holds the head's Redis password, which KubeRay sets from gcsFaultToleranceOptions (it refuses a head that sets its own)",
    ],
    [
        "REDIS_USERNAME",
        "holds the head's Redis user, which KubeRay sets from gcsFaultToleranceOptions (it refuses a head that sets its own)",
    ],
];

/** Names the package sets on Ray containers itself; a user value would come last and win. */
const OWN_NAMES: readonly string[] = writableHomeEnv().map((e) => e.name);

/** Why a user env name is refused, or undefined. */
export function reservedEnvProblem(name: string): string | undefined {
    if (RAY_ENV_ALLOWLIST.includes(name)) {
        return undefined;
    }
    if (OWN_NAMES.includes(name)) {
        return `${name} is set by ray-on-ack (docs/configuration.md "Pod runtime"); a second value would replace it`;
    }
    const upper = name.toUpperCase();
    const prefix = RESERVED_PREFIXES.find(([p]) => upper.startsWith(p));
    if (prefix) {
        const allowed = prefix[0] === "RAY_" ? ` (allowed: ${RAY_ENV_ALLOWLIST.join(", ")})` : "";
        return `${name} is reserved: ${prefix[1]}${allowed}`;
    }
    const exact = RESERVED_NAMES.find(([n]) => upper === n);
    return exact ? `${name} is reserved: it ${exact[1]}` : undefined;
}
