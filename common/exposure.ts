/**
 * Platform facts about exposing a dashboard on ACK, shared by the config, the builders and the
 * policy pack. No imports: the pack reads these without depending on the components. The CLB
 * annotation prefix lives in labels.ts (CLB_ANNOTATION_PREFIX).
 */

/**
 * Where a CLB's layer-7 (HTTP/HTTPS) listeners and its health checks connect to backends from:
 * Alibaba Cloud reserves 100.64.0.0/10 for Server Load Balancer and no customer can hold an
 * address in it (CLB "Health check overview"). Behind an HTTPS listener the pods see these
 * addresses, never the client's (which travels in X-Forwarded-For), so the NetworkPolicy admits
 * this range to the dashboard while the CLB ACL decides who reaches the listener. A platform fact,
 * not a user CIDR: the address ceilings on user CIDRs do not apply to it.
 */
export const CLB_BACKEND_SOURCE_RANGE = "100.64.0.0/10";

/** The TLS policy of the HTTPS listener: TLS 1.2 and later only (CLB's default, tls_cipher_policy_1_0, still accepts TLS 1.0). */
export const CLB_TLS_CIPHER_POLICY = "tls_cipher_policy_1_2";

/**
 * Ingress classes whose controllers honour `nginx.ingress.kubernetes.io/auth-type: basic`, with
 * the namespace and labels of their in-cluster gateway pods (the NetworkPolicy admits those to the
 * dashboard). ingress-nginx upstream was retired in March 2026; on ACK these are the ACK-maintained
 * NGINX Ingress controller (class `nginx`) and Higress, the engine of the Cloud-native API Gateway
 * (class `higress`). An `alb` class (ALB Ingress) ignores the nginx auth annotations and would
 * publish the dashboard without a password; MSE-managed gateways run outside the cluster, so no
 * pod selector admits them; neither is listed.
 */
export const AUTH_HONOURING_INGRESS_CLASSES: Readonly<Record<string, { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> }>> = {
    nginx: { namespace: "kube-system", podLabels: { app: "ingress-nginx" } },
    higress: { namespace: "higress-system", podLabels: { app: "higress-gateway" } },
};

/**
 * Snippet annotations inject raw controller configuration (nginx.conf fragments, Lua, Wasm
 * settings) and can switch authentication off or read other tenants' Secrets (CVE-2021-25742).
 * Any annotation key whose name ends in `snippet` or `snippets`, under any prefix.
 */
export function isSnippetAnnotation(key: string): boolean {
    const name = key.slice(key.lastIndexOf("/") + 1).toLowerCase();
    return name === "snippet" || name.endsWith("-snippet") || name.endsWith("-snippets");
}
