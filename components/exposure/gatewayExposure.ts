/**
 * The dashboard through the Gateway API (`exposure.mode: gateway`): an HTTPRoute in the team
 * namespace attached to the platform's Gateway by name, namespace and HTTPS listener, and the
 * implementation's policy resource attached to that route. For Envoy Gateway (ACK's Gateway with
 * Inference Extension) the policy is a SecurityPolicy with basic auth (an htpasswd Secret) and a
 * default-deny client-CIDR authorization. Only the dashboard port is routed, never GCS or Ray Client.
 * The Ray token is still required, as `X-Ray-Authorization` (basic auth owns `Authorization`).
 */
import { createHash } from "crypto";
import type { ExposureConfig } from "./model";
import { ENVOY_SECURITY_POLICY, GATEWAY_API_GROUP, GATEWAY_IMPLEMENTATIONS } from "@ray-on-ack/common";
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

/** Envoy Gateway's SecurityPolicy (v1alpha1), the fields this package sets. */
export type EnvoySecurityPolicy = {
    apiVersion: typeof ENVOY_SECURITY_POLICY.apiVersion;
    kind: typeof ENVOY_SECURITY_POLICY.kind;
    metadata: NamedMeta;
    spec: {
        targetRefs: { group: typeof GATEWAY_API_GROUP; kind: "HTTPRoute"; name: string }[];
        basicAuth: { users: { name: string } };
        authorization: { defaultAction: "Deny"; rules: { name: string; action: "Allow"; principal: { clientCIDRs: string[] } }[] };
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

export function dashboardSecurityPolicy(input: ExposureInput, e: GatewayExposure): EnvoySecurityPolicy {
    return {
        apiVersion: ENVOY_SECURITY_POLICY.apiVersion,
        kind: ENVOY_SECURITY_POLICY.kind,
        metadata: objectMeta(names.gatewayPolicy(input.cluster), input.namespace, input.team),
        spec: {
            targetRefs: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", name: names.gatewayRoute(input.cluster) }],
            basicAuth: { users: { name: names.basicAuthSecret(input.cluster) } },
            authorization: {
                defaultAction: "Deny",
                rules: [{ name: "allowed-sources", action: "Allow", principal: { clientCIDRs: [...e.allowedSourceCidrs] } }],
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
