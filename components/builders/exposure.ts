/**
 * A public dashboard, only on request (seed sections 1.5.3 and 1.6): a dedicated
 * LoadBalancer Service behind a CLB ACL whitelist, or an nginx Ingress with TLS and basic
 * auth. Either way the Ray token is still required: behind basic auth, which owns the
 * `Authorization` header, clients send it as `X-Ray-Authorization: Bearer <token>`.
 * KubeRay's own head Service stays ClusterIP.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ExposureConfig } from "../config/schema";
import { LABELS, RAY_PORTS, names } from "../naming";
import { objectMeta } from "./meta";
import { POLICY_IDS } from "../policyIds";

import { CLB_ANNOTATION_PREFIX as CLB } from "@ray-on-ack/common";

export { CLB };

type LoadBalancerExposure = Extract<ExposureConfig, { mode: "loadbalancer" }>;
type IngressExposure = Extract<ExposureConfig, { mode: "ingress" }>;

export interface ExposureInput {
    readonly team: string;
    readonly namespace: string;
    readonly cluster: string;
}

export function dashboardLoadBalancerService(input: ExposureInput, exposure: LoadBalancerExposure, aclId: pulumi.Input<string>): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: objectMeta(names.dashboardService(input.cluster), input.namespace, input.team, {
            annotations: {
                [`${CLB}address-type`]: exposure.addressType,
                [`${CLB}acl-status`]: "on",
                [`${CLB}acl-id`]: aclId as string,
                [`${CLB}acl-type`]: "white",
            },
            policyExceptions: [POLICY_IDS.serviceNotPublic],
        }),
        spec: {
            type: "LoadBalancer",
            // Keeps client addresses, so the NetworkPolicy can admit exactly the ACL's sources.
            externalTrafficPolicy: "Local",
            selector: { [LABELS.rayCluster]: input.cluster, [LABELS.rayNodeType]: "head" },
            ports: [{ name: "dashboard", protocol: "TCP", port: RAY_PORTS.dashboard, targetPort: RAY_PORTS.dashboard }],
        },
    };
}

export function basicAuthSecret(input: ExposureInput, htpasswd: pulumi.Input<string>): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: objectMeta(names.basicAuthSecret(input.cluster), input.namespace, input.team),
        type: "Opaque",
        // ingress-nginx reads the htpasswd file from the key `auth`.
        stringData: { auth: htpasswd },
    };
}

export function dashboardIngress(input: ExposureInput, exposure: IngressExposure): Record<string, unknown> {
    const annotations: Record<string, string> = {
        "nginx.ingress.kubernetes.io/auth-type": "basic",
        "nginx.ingress.kubernetes.io/auth-secret": names.basicAuthSecret(input.cluster),
        "nginx.ingress.kubernetes.io/auth-realm": `Ray dashboard ${input.namespace}/${input.cluster}`,
        "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
        "nginx.ingress.kubernetes.io/backend-protocol": "HTTP",
    };
    if (exposure.allowedSourceCidrs.length > 0) {
        annotations["nginx.ingress.kubernetes.io/whitelist-source-range"] = exposure.allowedSourceCidrs.join(",");
    }
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: objectMeta(names.dashboardIngress(input.cluster), input.namespace, input.team, { annotations, policyExceptions: [POLICY_IDS.ingressAuthenticated] }),
        spec: {
            ingressClassName: exposure.ingressClassName,
            tls: [{ hosts: [exposure.host], secretName: exposure.tlsSecretName }],
            rules: [
                {
                    host: exposure.host,
                    http: {
                        paths: [
                            {
                                path: "/",
                                pathType: "Prefix",
                                backend: { service: { name: names.headService(input.cluster), port: { number: RAY_PORTS.dashboard } } },
                            },
                        ],
                    },
                },
            ],
        },
    };
}

export function ipVersionOf(cidrs: readonly string[]): "ipv4" | "ipv6" {
    return cidrs.every((c) => !c.includes(":")) ? "ipv4" : "ipv6";
}
