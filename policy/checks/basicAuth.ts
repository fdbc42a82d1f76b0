/**
 * Issue 24: a public dashboard signs people in with the platform's single sign-on; a password the
 * whole team shares is a fallback the platform grants, per resource. A leaked basic-auth password
 * opens the edge to whoever holds it, from any allowed source, until every user is given a new
 * one; a person's SSO session is theirs, expires, and ends when the provider drops them. Basic
 * auth is what an Ingress exposure has (no ingress class on ACK offers a sign-in this pack can
 * judge), and what a gateway exposure falls back to when it names a `username`. CLB exposures
 * (`loadbalancer`) have no edge login at all: the ACL and Ray's own token decide, and
 * ray-service-not-public grants them.
 */
import { ENVOY_SECURITY_POLICY, POLICY_IDS } from "@ray-on-ack/common";
import { Check, violation } from "../check";
import { PolicyResource, isKind } from "../resource";

const isBasicAuthPolicy = (r: PolicyResource) =>
    isKind(r, "gateway.envoyproxy.io", ENVOY_SECURITY_POLICY.kind) && r.props?.spec?.basicAuth !== undefined;
const isIngress = (r: PolicyResource) => isKind(r, "networking.k8s.io", "Ingress") || isKind(r, "extensions", "Ingress");

const WHY =
    "a password the whole team shares: whoever holds a leaked copy passes the edge from any allowed source until every user gets a new one";

export const basicAuthFallback: Check = {
    kind: "resource",
    id: POLICY_IDS.basicAuthFallback,
    title: "Public dashboards sign people in with SSO; basic auth only where the platform grants it",
    seedSection: "1.5",
    description:
        "seed 1.5: a Gateway API exposure's SecurityPolicy signs people in with the platform's OpenID Connect provider (oidc); a SecurityPolicy with basicAuth, and every Ingress (basic auth is all an ingress class offers here), is a shared-password fallback that needs a grant for that resource in the platform's policy pack config.",
    configKeys: [],
    appliesTo: (r) => isBasicAuthPolicy(r) || isIngress(r),
    validate(r) {
        if (isIngress(r)) {
            return [
                violation(
                    r,
                    "",
                    `authenticates with basic auth, ${WHY}; use exposure.mode gateway, which signs people in with the platform's single sign-on, or ask the platform team for a ${POLICY_IDS.basicAuthFallback} grant`,
                ),
            ];
        }
        return [
            violation(
                r,
                "spec.basicAuth",
                `is ${WHY}; leave out the exposure's username to sign people in with the platform's single sign-on (oidc), or ask the platform team for a ${POLICY_IDS.basicAuthFallback} grant`,
            ),
        ];
    },
};
