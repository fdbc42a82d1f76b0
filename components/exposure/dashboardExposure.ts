import * as pulumi from "@pulumi/pulumi";
import * as slb from "@pulumi/alicloud/slb";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import type { ExposureConfig } from "./model";
import {
    basicAuthSecret,
    dashboardIngress,
    dashboardTarget,
    ipVersionOf,
    loadBalancerService,
    serveTarget,
    type ExposureTarget,
} from "./exposure";
import { dashboardHttpRoute, dashboardSecurityPolicy, envoyHtpasswdLine } from "./gatewayExposure";
import { ENVOY_SECURITY_POLICY } from "@ray-on-ack/common";
import type { TeamSso } from "@ray-on-ack/common/tenancy";
import { PasswordHash } from "../providers/passwordHash";
import { verifiedAclId } from "./aclCheck";
import { argsError } from "../core/parseArgs";

export interface DashboardExposureArgs {
    readonly team: string;
    readonly namespace: string;
    readonly cluster: string;
    /** `loadbalancer` or `ingress`; `private` needs no component. */
    readonly exposure: Exclude<ExposureConfig, { mode: "private" }>;
    /** The basic-auth password (a Pulumi secret), required by `ingress` and by a `gateway` exposure's basic-auth fallback (`username`). */
    readonly password?: pulumi.Input<string>;
    /** The platform's OpenID Connect provider for this stack (its tenancy registry entry's `sso`), required by a `gateway` exposure without `username`. */
    readonly sso?: TeamSso;
    /** Read a bring-your-own `aclId`'s entries through the Alibaba Cloud API and refuse a wide one (needs `cloud`). Default false. */
    readonly verifyAcl?: boolean;
    /**
     * What is published: `dashboard` (8265 of the RayCluster `cluster`) or `serve` (8000 of the
     * RayService `cluster`). Exactly that one port, never GCS or Ray Client. Default `dashboard`.
     */
    readonly port?: "dashboard" | "serve";
}

/** What reaches a public dashboard, for the stack outputs. */
export interface PublicDashboard {
    /** `loadbalancer`, `ingress` or `gateway` (a plain string: the package schema has no unions). */
    readonly mode: string;
    readonly url?: string;
    readonly service?: string;
    readonly aclId?: string;
    /** `loadbalancer`: the CLB listener, `https` (port 443) or the intranet-only `tcp` opt-in (port 8265, cleartext). */
    readonly listener?: string;
    /** `loadbalancer`: the CLB's address (IP, or host name) as the cloud controller reports it on the Service; known after `pulumi up`. */
    readonly address?: string;
    readonly authHeader: string;
    /** `gateway` and `ingress`: who the edge lets in, `sso` (a person signed in with the platform's provider) or `basic` (the team's shared password, a granted fallback). */
    readonly auth?: string;
}

/** An opt-in public dashboard: a CLB HTTPS listener with an ACL whitelist, an Ingress with TLS and (granted) basic auth, or a Gateway API route behind single sign-on (or granted basic auth). */
export class DashboardExposure extends pulumi.ComponentResource {
    declare readonly publicDashboard: pulumi.Output<PublicDashboard>;

    constructor(name: string, args: DashboardExposureArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:exposure:DashboardExposure", name, {}, opts);
        const input = { team: args.team, namespace: args.namespace, cluster: args.cluster };
        const serve = args.port === "serve";
        const target: ExposureTarget = serve ? serveTarget(args.cluster) : dashboardTarget(args.cluster);
        const configKey = serve ? "services" : "clusters";
        const authHeader = "X-Ray-Authorization: Bearer <token>";
        if (args.exposure.mode === "loadbalancer") {
            const e = args.exposure;
            const aclId: pulumi.Output<string> = e.aclId
                ? args.verifyAcl
                    ? verifiedAclId(
                          e.aclId,
                          e.addressType,
                          e.sourceCidrs ?? [],
                          `ray-on-ack:${configKey}.${args.cluster}.exposure.aclId`,
                          this,
                      )
                    : pulumi.output(e.aclId)
                : new slb.Acl(
                      `${name}-acl`,
                      {
                          name: `${args.namespace}-${args.cluster}-${serve ? "serve" : "dashboard"}`,
                          ipVersion: ipVersionOf(e.aclEntries.map((x) => x.cidr)),
                          entryLists: e.aclEntries.map((x) => ({
                              entry: x.cidr,
                              comment: x.description ?? `ray-on-ack ${serve ? "serve" : "dashboard"}`,
                          })),
                      },
                      { parent: this },
                  ).id;
            const service = new corev1.Service(`${name}-service`, loadBalancerService(input, e, aclId, target), { parent: this });
            const address = service.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.ip ?? s?.loadBalancer?.ingress?.[0]?.hostname);
            this.publicDashboard = pulumi.all([aclId, address]).apply(([id, addr]) => ({
                mode: "loadbalancer" as const,
                service: target.loadBalancerService,
                aclId: id,
                listener: e.listener,
                ...(addr ? { address: addr } : {}),
                // Serve's HTTP proxy has no Ray token: the ACL alone decides who reaches it.
                authHeader: serve ? "" : "Authorization: Bearer <token>",
            }));
        } else if (args.exposure.mode === "gateway") {
            const e = args.exposure;
            if (serve) {
                // The config refuses it (services[].exposure); the HTTPRoute builders route to the dashboard only.
                throw argsError(this, name, `services.${args.cluster}.exposure.mode`, "gateway is not supported for a Serve port");
            }
            const route = new apiextensions.CustomResource(`${name}-route`, dashboardHttpRoute(input, e), { parent: this });
            const needs: pulumi.Resource[] = [route];
            if (e.username !== undefined) {
                // The basic-auth fallback (granted by the platform): an htpasswd Secret beside the policy.
                if (args.password === undefined) {
                    throw argsError(
                        this,
                        name,
                        "password",
                        `is required: ${configKey}.${args.cluster}.exposure.username (the basic-auth fallback) needs the dashboardPassword secret`,
                    );
                }
                // Unsalted, so deterministic: no state needed to keep the Secret stable across runs.
                const username = e.username;
                const htpasswd = pulumi.secret(pulumi.output(args.password).apply((p) => envoyHtpasswdLine(username, p)));
                needs.push(
                    new corev1.Secret(`${name}-basic-auth`, basicAuthSecret(input, htpasswd, ENVOY_SECURITY_POLICY.htpasswdKey), {
                        parent: this,
                    }),
                );
            } else if (args.sso === undefined) {
                throw argsError(
                    this,
                    name,
                    "sso",
                    `is required: ${configKey}.${args.cluster}.exposure signs people in with the platform's OpenID Connect provider (the stack's ray-tenancy.tenants.<stack>.sso); without a registry, give the basic-auth fallback's username`,
                );
            }
            // The policy before traffic can matter: it is applied with the route (and, for basic auth, needs the Secret).
            // Behind SSO the client secret is the platform's Secret in the namespace (sso.clientSecretName), never the stack's.
            new apiextensions.CustomResource(`${name}-auth`, dashboardSecurityPolicy(input, e, args.sso), {
                parent: this,
                dependsOn: needs,
            });
            this.publicDashboard = pulumi.output({
                mode: "gateway" as const,
                url: `https://${e.host}/`,
                auth: e.username !== undefined ? "basic" : "sso",
                // Behind either the Ray token goes in X-Ray-Authorization: basic auth owns Authorization, and
                // Envoy's OAuth2 filter removes it from every request (Envoy Gateway sets no preserveAuthorizationHeader).
                authHeader,
            });
        } else {
            if (args.password === undefined) {
                throw argsError(
                    this,
                    name,
                    "password",
                    `is required: ${configKey}.${args.cluster}.exposure.mode ingress needs the dashboardPassword secret`,
                );
            }
            const hash = new PasswordHash(
                `${name}-basic-auth-hash`,
                { username: args.exposure.username, password: args.password },
                { parent: this },
            );
            const secret = new corev1.Secret(`${name}-basic-auth`, basicAuthSecret(input, hash.htpasswd, "auth", target), { parent: this });
            new networkingv1.Ingress(`${name}-ingress`, dashboardIngress(input, args.exposure, target), {
                parent: this,
                dependsOn: [secret],
            });
            this.publicDashboard = pulumi.output({
                mode: "ingress" as const,
                url: `https://${args.exposure.host}/`,
                auth: "basic",
                authHeader: serve ? "Authorization: Basic <user:password>" : authHeader,
            });
        }
        this.registerOutputs({ publicDashboard: this.publicDashboard });
    }
}
