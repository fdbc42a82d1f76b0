/**
 * The dashboard through the Gateway API (`exposure.mode: gateway`): an HTTPRoute in the team
 * namespace attached to the platform's Gateway by name, namespace and HTTPS listener, and the
 * implementation's policy resource attached to that route. For Envoy Gateway (ACK's Gateway with
 * Inference Extension) the policy is a SecurityPolicy with a default-deny authorization and either
 * single sign-on (the default: `oidc` with the platform's provider, and a `jwt` provider that reads
 * the ID token, so that only the registered claims from the allowed client CIDRs pass) or the
 * basic-auth fallback (an htpasswd Secret; `username` given, granted by the platform). Only the
 * dashboard port is routed, never GCS or Ray Client. The Ray token is still required behind either,
 * as `X-Ray-Authorization`: basic auth owns `Authorization`, and Envoy's OAuth2 filter removes
 * `Authorization` from every request it sees (Envoy Gateway does not set its
 * `preserve_authorization_header`).
 */
import { createHash } from "crypto";
import type { ExposureConfig } from "./model";
import { ENVOY_OIDC, ENVOY_SECURITY_POLICY, GATEWAY_API_GROUP, GATEWAY_IMPLEMENTATIONS, POLICY_IDS } from "@ray-on-ack/common";
import type { TeamSso } from "@ray-on-ack/common/tenancy";
import { RAY_PORTS, names } from "../core/naming";
import { objectMeta, type NamedMeta } from "../core/meta";
import type { ExposureInput } from "./exposure";

export type GatewayExposure = Extract<ExposureConfig, { mode: "gateway" }>;

/** The Gateway API v1 HTTPRoute this package emits (the fields it sets); a type literal, so that CustomResource takes it. */
export type HttpRoute = {
    apiVersion: "gateway.networking.k8s.io/v1";
    kind: "HTTPRoute";
    metadata: NamedMeta;
    spec: {
        parentRefs: { group: typeof GATEWAY_API_GROUP; kind: "Gateway"; name: string; namespace: string; sectionName: string }[];
        hostnames: string[];
        rules: {
            matches: { path: { type: "PathPrefix"; value: string } }[];
            backendRefs: { group: ""; kind: "Service"; name: string; port: number }[];
        }[];
    };
};

/** A rule of Envoy Gateway's `authorization`: who is admitted (all principals must match). */
type AuthorizationRule = {
    name: string;
    action: "Allow";
    principal: {
        clientCIDRs: string[];
        jwt?: { provider: string; claims: { name: string; valueType: "String" | "StringArray"; values: string[] }[] };
    };
};

/** Envoy Gateway's SecurityPolicy (v1alpha1), the fields this package sets (all present since Envoy Gateway v1.3). */
export type EnvoySecurityPolicy = {
    apiVersion: typeof ENVOY_SECURITY_POLICY.apiVersion;
    kind: typeof ENVOY_SECURITY_POLICY.kind;
    metadata: NamedMeta;
    spec: {
        targetRefs: { group: typeof GATEWAY_API_GROUP; kind: "HTTPRoute"; name: string }[];
        basicAuth?: { users: { name: string } };
        oidc?: {
            provider: { issuer: string };
            clientID: string;
            clientSecret: { name: string };
            redirectURL: string;
            logoutPath: string;
            scopes: string[];
            cookieNames: { idToken: string };
        };
        jwt?: {
            providers: {
                name: string;
                issuer: string;
                audiences: string[];
                remoteJWKS: { uri: string };
                extractFrom: { cookies: string[] };
            }[];
        };
        authorization: { defaultAction: "Deny"; rules: AuthorizationRule[] };
    };
};

export function dashboardHttpRoute(input: ExposureInput, e: GatewayExposure): HttpRoute {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: objectMeta(names.gatewayRoute(input.cluster), input.namespace, input.team),
        spec: {
            // sectionName pins the route to the HTTPS listener: without it, it would attach to every listener that admits it, plain HTTP included.
            parentRefs: [
                {
                    group: GATEWAY_API_GROUP,
                    kind: "Gateway",
                    name: e.gatewayName,
                    namespace: e.gatewayNamespace,
                    sectionName: e.listenerName,
                },
            ],
            hostnames: [e.host],
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: "/" } }],
                    backendRefs: [{ group: "", kind: "Service", name: names.headService(input.cluster), port: RAY_PORTS.dashboard }],
                },
            ],
        },
    };
}

/**
 * The route's SecurityPolicy: single sign-on with the platform's provider (`sso`, the stack's
 * registry entry), or, when the exposure names a `username`, the basic-auth fallback. Behind SSO
 * the ID token Envoy's OIDC filter keeps in a host-only cookie is read again by a JWT provider of
 * the same issuer and audience (the client), so that the authorization rule can require the
 * registered claims; the rule also requires the allowed client CIDRs, and everything else is denied.
 */
export function dashboardSecurityPolicy(input: ExposureInput, e: GatewayExposure, sso?: TeamSso): EnvoySecurityPolicy {
    const targetRefs: EnvoySecurityPolicy["spec"]["targetRefs"] = [
        { group: GATEWAY_API_GROUP, kind: "HTTPRoute", name: names.gatewayRoute(input.cluster) },
    ];
    const name = names.gatewayPolicy(input.cluster);
    if (e.username !== undefined) {
        return {
            apiVersion: ENVOY_SECURITY_POLICY.apiVersion,
            kind: ENVOY_SECURITY_POLICY.kind,
            // The fallback is granted by the platform (ray-basic-auth-fallback); the annotation only explains the grant.
            metadata: objectMeta(name, input.namespace, input.team, { policyExceptions: [POLICY_IDS.basicAuthFallback] }),
            spec: {
                targetRefs,
                basicAuth: { users: { name: names.basicAuthSecret(input.cluster) } },
                authorization: {
                    defaultAction: "Deny",
                    rules: [{ name: "allowed-sources", action: "Allow", principal: { clientCIDRs: [...e.allowedSourceCidrs] } }],
                },
            },
        };
    }
    if (sso === undefined) {
        throw new Error(
            `exposure ${input.namespace}/${input.cluster}: single sign-on needs the platform's OpenID Connect provider (ray-tenancy.tenants.<stack>.sso)`,
        );
    }
    return {
        apiVersion: ENVOY_SECURITY_POLICY.apiVersion,
        kind: ENVOY_SECURITY_POLICY.kind,
        metadata: objectMeta(name, input.namespace, input.team),
        spec: {
            targetRefs,
            oidc: {
                provider: { issuer: sso.issuer },
                clientID: sso.clientId,
                clientSecret: { name: sso.clientSecretName },
                redirectURL: `https://${e.host}${ENVOY_OIDC.redirectPath}`,
                logoutPath: ENVOY_OIDC.logoutPath,
                scopes: [...sso.scopes],
                cookieNames: { idToken: ENVOY_OIDC.idTokenCookie },
            },
            jwt: {
                providers: [
                    {
                        name: ENVOY_OIDC.jwtProvider,
                        issuer: sso.issuer,
                        audiences: [sso.clientId],
                        remoteJWKS: { uri: sso.jwksUri },
                        extractFrom: { cookies: [ENVOY_OIDC.idTokenCookie] },
                    },
                ],
            },
            authorization: {
                defaultAction: "Deny",
                rules: [
                    {
                        name: "team-from-allowed-sources",
                        action: "Allow",
                        principal: {
                            clientCIDRs: [...e.allowedSourceCidrs],
                            jwt: {
                                provider: ENVOY_OIDC.jwtProvider,
                                claims: sso.claims.map((c) => ({ name: c.name, valueType: c.valueType, values: [...c.values] })),
                            },
                        },
                    },
                ],
            },
        },
    };
}

/**
 * Envoy's basic-auth filter reads htpasswd lines with `{SHA}` hashes only (base64 of SHA-1, no
 * salt): the Secret stays in the team namespace, and dashboardPassword must pass the password rules.
 */
export function envoyHtpasswdLine(username: string, password: string): string {
    return `${username}:{SHA}${createHash("sha1").update(password, "utf8").digest("base64")}`;
}

/** The gateway proxy pods a gateway exposure admits to the dashboard: as configured, or the implementation's. */
export function gatewayProxyPeer(e: GatewayExposure): { namespace: string; podLabels: Record<string, string> } {
    const impl = GATEWAY_IMPLEMENTATIONS[e.implementation];
    if (impl === undefined) {
        throw new Error(`gateway implementation ${e.implementation} is not supported`);
    }
    return {
        namespace: e.proxyNamespace ?? impl.proxyNamespace,
        podLabels: { ...(e.proxyPodLabels ?? impl.proxyPodLabels(e.gatewayName, e.gatewayNamespace)) },
    };
}
