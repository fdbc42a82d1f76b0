/** The exposure config fragment: how a dashboard (or a Serve port) is reached, with its opt-ins. */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { coverageProblem, isCoveredBy } from "@ray-on-ack/common/addresses";
import { coverageRefinement } from "../core/addressRules";
import { nonEmptySelector } from "../core/scheduling";
import { anyCidr, cidr, dnsLabel, notMetadata } from "../core/model";
import { ingressClassRule, isAuthHonouringIngressClass, listenerProblems } from "./listenerRules";
import { gatewayExposureFields } from "./gatewayFields";

const aclEntry = z
    .strictObject({
        cidr: notMetadata(anyCidr).describe("An IPv4 or IPv6 CIDR the ACL admits; never a cloud metadata range. One IP version per ACL."),
        description: z.string().optional().describe("The ACL entry's comment. Default `ray-on-ack dashboard`."),
    })
    .register(argTypes, { id: "AclEntry", description: "A CLB ACL entry." });

/** The sources an Ingress or a Gateway admits: required, never "any source", at most a /16 in total. */
const sourceCidrs = (what: string) =>
    z
        .array(aclEntry.shape.cidr, {
            error: (i) =>
                i.input === undefined ? "is required: list the CIDRs that may reach the dashboard (there is no 'any source')" : undefined,
        })
        .min(1, "must list at least one CIDR: the dashboard is never open to any source")
        .superRefine(coverageRefinement("allowedSourceCidrs"))
        .describe(`${what}. Required, at most a /16 in total: there is no "any source".`);

/**
 * Single sign-on at the edge is `mode: gateway` only (docs/design.md "Public dashboard (opt-in, per
 * cluster)"): no ingress class on ACK signs people in through anything the Ingress itself carries
 * and the policy pack can judge, so an Ingress without a basic-auth user name is refused here.
 */
const INGRESS_HAS_NO_SSO =
    "is required: an Ingress has no single sign-on here (ACK's NGINX, Higress and ALB ingresses sign people in through an auth service or gateway plugin the team stack does not own and the policy pack cannot judge); use exposure.mode gateway to sign people in with the platform's OpenID Connect provider, or name a username for the basic-auth fallback, which the pack fails unless the platform grants ray-basic-auth-fallback for this Ingress";

export const exposureSchema = z
    .discriminatedUnion("mode", [
        z.strictObject({ mode: z.literal("private") }),
        z
            .strictObject({
                mode: z.literal("loadbalancer"),
                addressType: z.enum(["internet", "intranet"]).default("intranet").describe("`internet` or `intranet`. Default `intranet`."),
                listener: z
                    .enum(["https", "tcp"])
                    .default("https")
                    .describe(
                        "`https` (default): a layer-7 HTTPS listener on the CLB with `certId`; the dashboard and the Ray token never cross the network in cleartext. `tcp`: a layer-4 listener carrying plain HTTP, an opt-in for `intranet` only (refused for `internet`).",
                    ),
                certId: z
                    .string()
                    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "must be a CLB certificate id (letters, digits, '_', '.', '-')")
                    .optional()
                    .describe(
                        "The CLB server certificate id (uploaded to SLB or from Certificate Management Service). Required with `listener: https`.",
                    ),
                aclEntries: z
                    .array(aclEntry)
                    .default([])
                    .describe(
                        'CIDRs allowed through the CLB ACL (whitelist). Required unless `aclId` is given; at most a /16 in total (docs/configuration.md "Address ceilings").',
                    ),
                aclId: z
                    .string()
                    .regex(/^acl-[a-z0-9]+$/, "must be a CLB ACL id (acl-...)")
                    .optional()
                    .describe("Use an existing CLB ACL instead of creating one (bring-your-own, e.g. without cloud credentials)."),
                sourceCidrs: z
                    .array(notMetadata(cidr))
                    .superRefine(coverageRefinement("sourceCidrs"))
                    .optional()
                    .describe(
                        "`listener: tcp` only: source CIDRs the NetworkPolicy admits to 8265 (the CLB keeps client IPs with `externalTrafficPolicy: Local`). Default: the IPv4 ACL entries.",
                    ),
            })
            .superRefine((e, ctx) => {
                const aclCoverage = coverageProblem(
                    e.aclEntries.map((x) => x.cidr),
                    e.addressType === "internet" ? "a public ACL" : "an ACL",
                );
                if (aclCoverage) {
                    ctx.addIssue({ code: "custom", path: ["aclEntries"], message: aclCoverage });
                }
                if (!e.aclId && e.aclEntries.length === 0) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["aclEntries"],
                        message: "must list at least one CIDR (or give aclId): a public dashboard needs an ACL whitelist",
                    });
                }
                const families = new Set(e.aclEntries.map((x) => (x.cidr.includes(":") ? "IPv6" : "IPv4")));
                if (families.size > 1) {
                    ctx.addIssue({ code: "custom", path: ["aclEntries"], message: "mixes IPv4 and IPv6: a CLB ACL holds one IP version" });
                }
                // The NetworkPolicy admits sourceCidrs at the pod, past the CLB: wider than the ACL, it would
                // admit VPC addresses (other teams' pods) the ACL never let through.
                (e.listener === "tcp" ? (e.sourceCidrs ?? []) : []).forEach((src, i) => {
                    const acl = e.aclEntries.map((x) => x.cidr);
                    if (acl.length > 0 && !isCoveredBy(src, acl)) {
                        ctx.addIssue({
                            code: "custom",
                            path: ["sourceCidrs", i],
                            message: `${src} is not inside the ACL's entries (${acl.join(", ")}); the NetworkPolicy would admit sources the ACL does not`,
                        });
                    }
                });
                for (const problem of listenerProblems(e)) {
                    ctx.addIssue({ code: "custom", path: [problem.key], message: problem.message });
                }
            }),
        z.strictObject({
            mode: z.literal("ingress"),
            host: z
                .string()
                .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS host name")
                .describe("Host name on the Ingress."),
            ingressClassName: z
                .string()
                .default("nginx")
                .refine(isAuthHonouringIngressClass, { message: ingressClassRule })
                .describe(
                    "Ingress class: one whose controller honours the nginx basic-auth annotations (`nginx`, `higress`). Default `nginx`.",
                ),
            tlsSecretName: dnsLabel(63).describe(
                "Secret (kubernetes.io/tls) for the Ingress's TLS. Required: basic auth over plain HTTP is refused.",
            ),
            username: z
                .string({ error: (iss) => (iss.input === undefined ? INGRESS_HAS_NO_SSO : undefined) })
                .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'")
                .describe(
                    "Basic-auth user name (the password is the `dashboardPassword` secret). An Ingress has no single sign-on: the pack fails it unless the platform grants `ray-basic-auth-fallback` for it.",
                ),
            controllerNamespace: dnsLabel(63)
                .optional()
                .describe(
                    "Namespace of the ingress controller pods, admitted to 8265. Default: the class's (`kube-system` for ACK's NGINX Ingress controller, `higress-system` for Higress).",
                ),
            controllerPodLabels: nonEmptySelector
                .optional()
                .describe(
                    "Labels selecting the controller pods, never empty. Default: the class's (`app: ingress-nginx`, `app: higress-gateway`).",
                ),
            allowedSourceCidrs: sourceCidrs("CIDRs allowed by the Ingress (nginx whitelist-source-range)"),
        }),
        z.strictObject({
            mode: z.literal("gateway"),
            ...gatewayExposureFields,
            allowedSourceCidrs: sourceCidrs(
                "CIDRs the gateway's policy admits (Envoy Gateway: `authorization` with `clientCIDRs`, default deny)",
            ),
        }),
    ])
    .register(argTypes, {
        id: "Exposure",
        description:
            'How the dashboard (or a Serve port) is reached: one interface for every `mode`; each other key belongs to the modes its comment names (docs/design.md "Public dashboard (opt-in, per cluster)").',
    });

export type ExposureConfig = z.infer<typeof exposureSchema>;
