/**
 * A public dashboard, only on request (seed sections 1.5.3 and 1.6): a dedicated
 * LoadBalancer Service whose CLB terminates HTTPS behind an ACL whitelist (no edge login: the ACL
 * and Ray's token decide), or an Ingress with TLS and basic auth on a class that enforces it (a
 * fallback the platform grants: no ingress class gives single sign-on the pack can judge; the
 * Gateway API exposure, gatewayExposure.ts, signs people in). Either way the Ray token is still required:
 * behind basic auth, which owns the `Authorization` header, clients send it as
 * `X-Ray-Authorization: Bearer <token>`. KubeRay's own head Service stays ClusterIP.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ExposureConfig } from "./model";
import { LABELS, RAY_PORTS, names } from "../core/naming";
import { objectMeta } from "../core/meta";
import { POLICY_IDS } from "@ray-on-ack/common";
import { AUTH_HONOURING_INGRESS_CLASSES, CLB_ANNOTATION_PREFIX as CLB, CLB_TLS_CIPHER_POLICY } from "@ray-on-ack/common";

export { CLB };

/** The HTTPS listener's port on the CLB; the Service port matches it (the CCM maps listeners to Service ports by number). */
export const HTTPS_LISTENER_PORT = 443;

type LoadBalancerExposure = Extract<ExposureConfig, { mode: "loadbalancer" }>;
type IngressExposure = Extract<ExposureConfig, { mode: "ingress" }>;

export interface ExposureInput {
    readonly team: string;
    readonly namespace: string;
    readonly cluster: string;
}

/**
 * What an exposure publishes: exactly one port of one workload. The dashboard (8265) of a
 * RayCluster, or the Serve port (8000) of a RayService; never both, never GCS or Ray Client.
 */
export interface ExposureTarget {
    readonly what: string;
    /** The container port behind the listener. */
    readonly port: number;
    readonly portName: string;
    /** Pods behind the LoadBalancer Service. */
    readonly selector: Record<string, string>;
    /** The ClusterIP Service the Ingress routes to. */
    readonly backendService: string;
    readonly loadBalancerService: string;
    readonly ingress: string;
    readonly basicAuthSecret: string;
}

export function dashboardTarget(cluster: string): ExposureTarget {
    return {
        what: "Ray dashboard",
        port: RAY_PORTS.dashboard,
        portName: "dashboard",
        selector: { [LABELS.rayCluster]: cluster, [LABELS.rayNodeType]: "head" },
        backendService: names.headService(cluster),
        loadBalancerService: names.dashboardService(cluster),
        ingress: names.dashboardIngress(cluster),
        basicAuthSecret: names.basicAuthSecret(cluster),
    };
}

/**
 * A RayService's Serve port. The CLB reaches the service's pods whose Serve proxy KubeRay found
 * healthy (`ray.io/serve: "true"`), of whichever cluster generation; the Ingress routes to KubeRay's
 * serve Service, which follows the active cluster.
 */
export function serveTarget(service: string): ExposureTarget {
    return {
        what: "Ray Serve",
        port: RAY_PORTS.serve,
        portName: "serve",
        selector: { [LABELS.cluster]: service, [SERVE_LABEL]: "true" },
        backendService: names.serveService(service),
        loadBalancerService: names.servePublicService(service),
        ingress: names.serveIngress(service),
        basicAuthSecret: names.serveBasicAuthSecret(service),
    };
}

/** KubeRay's label on the pods whose Serve proxy is healthy (its serve Service selects it too). */
export const SERVE_LABEL = "ray.io/serve";

export function dashboardLoadBalancerService(
    input: ExposureInput,
    exposure: LoadBalancerExposure,
    aclId: pulumi.Input<string>,
): k8s.types.input.core.v1.Service {
    return loadBalancerService(input, exposure, aclId, dashboardTarget(input.cluster));
}

export function loadBalancerService(
    input: ExposureInput,
    exposure: LoadBalancerExposure,
    aclId: pulumi.Input<string>,
    target: ExposureTarget,
): k8s.types.input.core.v1.Service {
    const https = exposure.listener === "https";
    const annotations: Record<string, string> = {
        [`${CLB}address-type`]: exposure.addressType,
        [`${CLB}acl-status`]: "on",
        [`${CLB}acl-id`]: aclId as string,
        [`${CLB}acl-type`]: "white",
    };
    if (https) {
        // A layer-7 listener: the CLB terminates TLS with the certificate and forwards plain HTTP
        // over the VPC to the head pod (CLB cannot re-encrypt towards backends).
        annotations[`${CLB}protocol-port`] = `https:${HTTPS_LISTENER_PORT}`;
        annotations[`${CLB}cert-id`] = exposure.certId as string;
        annotations[`${CLB}tls-cipher-policy`] = CLB_TLS_CIPHER_POLICY;
    }
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: objectMeta(target.loadBalancerService, input.namespace, input.team, {
            annotations,
            // The cleartext intranet listener is a second, separately granted opt-in.
            policyExceptions: https ? [POLICY_IDS.serviceNotPublic] : [POLICY_IDS.serviceNotPublic, POLICY_IDS.clbHttpsListener],
        }),
        spec: {
            type: "LoadBalancer",
            // No SNAT to a node address on the way in: pods see the CLB's own addresses (https)
            // or the client's (tcp), which is what the NetworkPolicy admits.
            externalTrafficPolicy: "Local",
            selector: { ...target.selector },
            ports: [
                https
                    ? { name: "https", protocol: "TCP", port: HTTPS_LISTENER_PORT, targetPort: target.port }
                    : { name: target.portName, protocol: "TCP", port: target.port, targetPort: target.port },
            ],
        },
    };
}

/** The gateway pods an Ingress exposure admits to the dashboard: as configured, or the class's defaults. */
export function ingressControllerPeer(exposure: IngressExposure): { namespace: string; podLabels: Record<string, string> } {
    const known = AUTH_HONOURING_INGRESS_CLASSES[exposure.ingressClassName];
    const namespace = exposure.controllerNamespace ?? known?.namespace;
    const podLabels = exposure.controllerPodLabels ?? known?.podLabels;
    if (namespace === undefined || podLabels === undefined) {
        throw new Error(
            `ingress class ${exposure.ingressClassName} has no known controller pods; set controllerNamespace and controllerPodLabels`,
        );
    }
    return { namespace, podLabels: { ...podLabels } };
}

/** The htpasswd Secret: ingress-nginx reads the key `auth` (the default), Envoy Gateway `.htpasswd`. */
export function basicAuthSecret(
    input: ExposureInput,
    htpasswd: pulumi.Input<string>,
    key = "auth",
    target: ExposureTarget = dashboardTarget(input.cluster),
): k8s.types.input.core.v1.Secret {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: objectMeta(target.basicAuthSecret, input.namespace, input.team),
        type: "Opaque",
        stringData: { [key]: htpasswd },
    };
}

export function dashboardIngress(
    input: ExposureInput,
    exposure: IngressExposure,
    target: ExposureTarget = dashboardTarget(input.cluster),
): k8s.types.input.networking.v1.Ingress {
    const annotations: Record<string, string> = {
        "nginx.ingress.kubernetes.io/auth-type": "basic",
        "nginx.ingress.kubernetes.io/auth-secret": target.basicAuthSecret,
        "nginx.ingress.kubernetes.io/auth-realm": `${target.what} ${input.namespace}/${input.cluster}`,
        "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
        "nginx.ingress.kubernetes.io/backend-protocol": "HTTP",
    };
    if (exposure.allowedSourceCidrs.length > 0) {
        annotations["nginx.ingress.kubernetes.io/whitelist-source-range"] = exposure.allowedSourceCidrs.join(",");
    }
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: objectMeta(target.ingress, input.namespace, input.team, {
            annotations,
            // Basic auth is a fallback the platform grants (ray-basic-auth-fallback); the annotation only explains the grant.
            policyExceptions: [POLICY_IDS.ingressAuthenticated, POLICY_IDS.basicAuthFallback],
        }),
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
                                backend: { service: { name: target.backendService, port: { number: target.port } } },
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
