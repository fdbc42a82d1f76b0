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
export const AUTH_HONOURING_INGRESS_CLASSES: Readonly<
    Record<string, { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> }>
> = {
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

/**
 * Gateway API exposure (`exposure.mode: gateway`): an HTTPRoute attached to a Gateway the platform
 * runs, with authentication enforced by the implementation's own policy resource. Each ACK gateway
 * with Gateway API support, and whether this package can make it authenticate:
 * - `envoy-gateway`: ACK's "Gateway with Inference Extension" component is built on Envoy Gateway
 *   and serves its extension resources; a `gateway.envoyproxy.io/v1alpha1` SecurityPolicy attached
 *   to the HTTPRoute enforces basic auth and a client-CIDR allowlist. Supported.
 * The others are refused by name, with the reason (GATEWAY_IMPLEMENTATIONS_REFUSED).
 */
export const GATEWAY_IMPLEMENTATIONS: Readonly<
    Record<
        string,
        { readonly proxyNamespace: string; readonly proxyPodLabels: (gateway: string, gatewayNamespace: string) => Record<string, string> }
    >
> = {
    "envoy-gateway": {
        // Envoy Gateway runs one Envoy Deployment per Gateway in its own namespace, labelled with the owning Gateway.
        proxyNamespace: "envoy-gateway-system",
        proxyPodLabels: (gateway, gatewayNamespace) => ({
            "app.kubernetes.io/name": "envoy",
            "gateway.envoyproxy.io/owning-gateway-name": gateway,
            "gateway.envoyproxy.io/owning-gateway-namespace": gatewayNamespace,
        }),
    },
};

/** ACK gateways with Gateway API support this package refuses, and why. */
export const GATEWAY_IMPLEMENTATIONS_REFUSED: Readonly<Record<string, string>> = {
    alb: "ALB's Gateway API support has no authentication policy resource this package can attach to an HTTPRoute; the dashboard would be published with only the Ray token",
    higress:
        "Higress (and the Cloud-native API Gateway built on it) authenticates through WasmPlugin resources matched by route or domain in the gateway's namespace, not a policy attached to the team's HTTPRoute; use exposure.mode ingress with ingressClassName higress instead",
    apig: "the Cloud-native API Gateway is managed outside the cluster: its authentication is configured in the API Gateway console, which the policy pack cannot see, and no pod selector admits its gateway to the dashboard",
    istio: "Alibaba Cloud Service Mesh (ASM/Istio) gateways authenticate with RequestAuthentication and AuthorizationPolicy on the gateway workload in its own namespace, which a team stack does not own",
};

/**
 * Envoy Gateway's policy kind and API version; its basic auth reads an htpasswd file from this
 * Secret key (`{SHA}` hashes only). The fields this package sets exist since Envoy Gateway v1.3
 * (ACK's Gateway with Inference Extension ships v1.3 and v1.4 builds).
 */
export const ENVOY_SECURITY_POLICY = {
    apiVersion: "gateway.envoyproxy.io/v1alpha1",
    kind: "SecurityPolicy",
    htpasswdKey: ".htpasswd",
} as const;
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";

/**
 * Single sign-on at the edge (`exposure.mode: gateway` without `username`): the SecurityPolicy's
 * `oidc` signs people in with the platform's OpenID Connect provider (ray-tenancy.tenants.<stack>.sso),
 * and a `jwt` provider reads the ID token the OIDC filter stored in a cookie, so that `authorization`
 * admits only tokens of that issuer, for that client, carrying the registered claims, from the
 * allowed client CIDRs. Envoy Gateway runs its filters in this order (OAuth2, then JWT, then RBAC).
 *
 * The cookie holds the plain ID token under Envoy Proxy 1.34 (Envoy Gateway v1.4, ACK's build);
 * Envoy 1.35 and later encrypt it by default, and then the JWT provider cannot read it: every
 * request is denied (fail closed) until the platform sets `disableTokenEncryption` (Envoy Gateway
 * v1.6 and later), a field the v1.4 CRD does not have, so this package does not write it.
 */
export const ENVOY_OIDC = {
    /** Where the IdP sends people back; on the route's own host, so the OIDC filter sees the callback. */
    redirectPath: "/oauth2/callback",
    /** Signing out clears the session cookies (Envoy Gateway's default `/logout` could shadow an application path). */
    logoutPath: "/oauth2/logout",
    /** The cookie the ID token is kept in (host-only: no cookie domain), and the JWT provider reads. */
    idTokenCookie: "ray-oidc-id-token",
    /** The JWT provider's name in the SecurityPolicy, which the authorization rule names. */
    jwtProvider: "platform-sso",
    /** The key of the client secret in its Secret (Envoy Gateway's OIDCClientSecretKey). */
    clientSecretKey: "client-secret",
} as const;
