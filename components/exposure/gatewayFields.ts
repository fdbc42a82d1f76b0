/**
 * `exposure.mode: gateway`: the dashboard through a Gateway API HTTPRoute attached to a Gateway
 * the platform runs (listener HTTPS), authenticated by the implementation's policy resource
 * (docs/design.md "Public dashboard"). Only implementations this package can make authenticate are
 * accepted; the others are refused by name with the reason (common/exposure.ts).
 */
import { z } from "zod";
import { GATEWAY_IMPLEMENTATIONS, GATEWAY_IMPLEMENTATIONS_REFUSED } from "@ray-on-ack/common";
import { nonEmptySelector } from "../core/scheduling";

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const name63 = z.string().max(63).regex(DNS_LABEL, "must be a DNS label: lower-case letters, digits and '-', starting with a letter");
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const implementationRule = z.string().superRefine((impl, c) => {
    if (impl in GATEWAY_IMPLEMENTATIONS) {
        return;
    }
    const why = GATEWAY_IMPLEMENTATIONS_REFUSED[impl];
    c.addIssue({
        code: "custom",
        message: `${JSON.stringify(impl)} is refused: ${why ?? "not a Gateway API implementation this package knows how to make authenticate"} (supported: ${Object.keys(GATEWAY_IMPLEMENTATIONS).join(", ")})`,
    });
});

/** The fields of the gateway mode; `model.ts` adds it to the exposure union with `mode: gateway`. */
export const gatewayExposureFields = {
    implementation: implementationRule
        .default("envoy-gateway")
        .describe("The Gateway API implementation running the Gateway. Default `envoy-gateway` (ACK's Gateway with Inference Extension)."),
    gatewayName: z
        .string()
        .max(253)
        .regex(SUBDOMAIN, "must be a Gateway name (DNS-1123 subdomain)")
        .describe("The platform's Gateway (name and namespace) the HTTPRoute attaches to."),
    gatewayNamespace: name63.describe("The namespace of the platform's Gateway."),
    listenerName: z
        .string()
        .max(253)
        .regex(SUBDOMAIN, "must be a listener name (DNS-1123 subdomain)")
        .describe(
            "The Gateway's HTTPS listener (its `name`, the parentRef `sectionName`): attaching to a named HTTPS listener keeps the route off any plain-HTTP one.",
        ),
    host: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS host name")
        .describe("Host name of the route; must match the listener's hostname and certificate."),
    username: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'")
        .optional()
        .describe(
            "Left out (the default): people sign in with the platform's OpenID Connect provider (`ray-tenancy.tenants.<stack>.sso`). Given: the basic-auth fallback instead, with this user name and the `dashboardPassword` secret, which the pack fails unless the platform grants `ray-basic-auth-fallback` for the SecurityPolicy.",
        ),
    allowedSourceCidrs: z
        .array(z.string())
        .min(1, "must list at least one CIDR: the dashboard is never open to any source")
        .describe(
            "CIDRs the policy admits (Envoy Gateway: `authorization` with `clientCIDRs`, default deny). Required, at most a /16 in total.",
        ),
    proxyNamespace: name63
        .optional()
        .describe("Namespace of the gateway's proxy pods, admitted to 8265. Default: the implementation's (`envoy-gateway-system`)."),
    proxyPodLabels: nonEmptySelector
        .optional()
        .describe("Labels of the proxy pods, never empty. Default: the implementation's labels for this Gateway."),
};
