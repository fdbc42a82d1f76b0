/**
 * Seed 1.5 for the Gateway API: an HTTPRoute into a Ray namespace is pinned to one listener
 * (sectionName), routes only to the dashboard or Serve port, and is the target of an Envoy Gateway
 * SecurityPolicy that signs people in (`oidc`, whose provider, client and claims ray-tenancy judges
 * against the registry) or, as a fallback the platform grants (ray-basic-auth-fallback), asks for a
 * password (`basicAuth`), with a default-deny authorization. A policy with only `jwt`, `apiKeyAuth`
 * or `extAuth` does not count: a bearer token or API key is no sign-in, and an external
 * authorization service of the team's choosing can answer yes to everyone. GRPCRoute, TCPRoute,
 * TLSRoute and UDPRoute would carry GCS or Ray Client: none is allowed. A route has one
 * SecurityPolicy, named in its targetRefs: Envoy Gateway applies only the oldest of several (a
 * second policy, say extAuth only, could replace the sign-in), and targetSelectors would pick
 * routes by label. ALB, Higress, API Gateway and ASM routes have no policy this pack can read.
 */
import { ENVOY_SECURITY_POLICY, GATEWAY_API_GROUP, POLICY_IDS, RAY_PORTS } from "@ray-on-ack/common";
import { canonicalCidrProblem } from "@ray-on-ack/common/addresses";
import { Check, Finding, ungrantable, violation } from "../check";
import { PolicyResource, isKind, metadataName, namespaceOf } from "../resource";

const OTHER_ROUTES = ["GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"];
/** The ports a route may reach: the dashboard, and Ray Serve's HTTP proxy. */
const ROUTABLE_PORTS: readonly number[] = [RAY_PORTS.dashboard, 8000];
/** What counts as authenticating a route: single sign-on, or the basic-auth fallback (granted separately). */
const AUTH_FIELDS = ["oidc", "basicAuth"];

const isRoute = (r: PolicyResource) => [...OTHER_ROUTES, "HTTPRoute"].some((k) => isKind(r, GATEWAY_API_GROUP, k));
const isSecurityPolicy = (r: PolicyResource) => isKind(r, "gateway.envoyproxy.io", ENVOY_SECURITY_POLICY.kind);

function targets(policy: PolicyResource): { kind?: string; name?: string }[] {
    const spec = policy.props?.spec ?? {};
    return [...(spec.targetRefs ?? []), ...(spec.targetRef ? [spec.targetRef] : [])];
}

function routeFindings(route: PolicyResource, policies: PolicyResource[]): Finding[] {
    const kind = OTHER_ROUTES.find((k) => isKind(route, GATEWAY_API_GROUP, k));
    if (kind) {
        return [
            ungrantable(
                violation(
                    route,
                    "",
                    `a ${kind} can carry Ray's GCS or Ray Client ports; only an HTTPRoute to the dashboard or Serve port is allowed`,
                ),
            ),
        ];
    }
    const findings: Finding[] = [];
    const spec = route.props?.spec ?? {};
    ((spec.parentRefs ?? []) as any[]).forEach((p, i) => {
        if (typeof p?.sectionName !== "string" || p.sectionName === "") {
            findings.push(
                violation(
                    route,
                    `spec.parentRefs[${i}].sectionName`,
                    "is not set; the route would attach to every listener that admits it, plain HTTP included: name the Gateway's HTTPS listener",
                ),
            );
        }
    });
    ((spec.rules ?? []) as any[]).forEach((rule, i) =>
        ((rule?.backendRefs ?? []) as any[]).forEach((b, j) => {
            if (!ROUTABLE_PORTS.includes(b?.port)) {
                findings.push(
                    ungrantable(
                        violation(
                            route,
                            `spec.rules[${i}].backendRefs[${j}].port`,
                            `is ${JSON.stringify(b?.port)}; only the dashboard (${RAY_PORTS.dashboard}) or Serve (8000) port may be routed, never GCS or Ray Client`,
                        ),
                    ),
                );
            }
        }),
    );
    const name = metadataName(route);
    const mine = policies.filter(
        (p) => namespaceOf(p) === namespaceOf(route) && targets(p).some((t) => t?.kind === "HTTPRoute" && t?.name === name),
    );
    const authenticating = mine.filter((p) => AUTH_FIELDS.some((f) => p.props?.spec?.[f] !== undefined));
    if (mine.length > 1) {
        // Envoy Gateway applies one SecurityPolicy per route (the oldest); the others are ignored.
        findings.push(
            ungrantable(
                violation(
                    route,
                    "",
                    `is targeted by ${mine.length} SecurityPolicies (${mine.map(metadataName).join(", ")}); Envoy Gateway applies only the oldest, so the pack cannot tell which one signs people in: one policy per route`,
                ),
            ),
        );
    } else if (authenticating.length === 0) {
        findings.push(
            violation(
                route,
                "",
                `no ${ENVOY_SECURITY_POLICY.kind} (${ENVOY_SECURITY_POLICY.apiVersion}) in its namespace targets it with oidc (single sign-on) or basicAuth (the granted fallback): the route would be open to anyone who reaches the Gateway (jwt, apiKeyAuth or extAuth alone do not count)`,
            ),
        );
    } else if (!authenticating.some((p) => p.props?.spec?.authorization?.defaultAction === "Deny")) {
        findings.push(
            violation(
                route,
                "",
                "its SecurityPolicy has no authorization with defaultAction Deny: list the client CIDRs that may reach it",
            ),
        );
    }
    return findings;
}

/** A policy that picks its routes by label could reach a route the pack judged under another policy: name the route. */
function selectorFindings(policy: PolicyResource): Finding[] {
    return policy.props?.spec?.targetSelectors === undefined
        ? []
        : [
              ungrantable(
                  violation(
                      policy,
                      "spec.targetSelectors",
                      "is set; a policy that selects routes by label can take over another route's sign-in: name the route in targetRefs",
                  ),
              ),
          ];
}

/** The client CIDRs a SecurityPolicy admits, each in canonical form: the pack and Envoy must read the same ranges. */
function clientCidrFindings(policy: PolicyResource): Finding[] {
    const rules: any[] = Array.isArray(policy.props?.spec?.authorization?.rules) ? policy.props.spec.authorization.rules : [];
    return rules.flatMap((rule, i) =>
        ((Array.isArray(rule?.principal?.clientCIDRs) ? rule.principal.clientCIDRs : []) as unknown[]).flatMap((cidr, j) => {
            const why = canonicalCidrProblem(cidr);
            return why === undefined
                ? []
                : [ungrantable(violation(policy, `spec.authorization.rules[${i}].principal.clientCIDRs[${j}]`, why))];
        }),
    );
}

export const gatewayRouteAuthenticated: Check = {
    kind: "stack",
    id: POLICY_IDS.gatewayRouteAuthenticated,
    title: "Gateway API routes are authenticated and reach only the dashboard or Serve",
    seedSection: "1.5",
    description:
        "seed 1.5: every Gateway API route is an HTTPRoute pinned to a listener (sectionName), routing only to port 8265 (dashboard) or 8000 (Serve), and targeted by an Envoy Gateway SecurityPolicy in its namespace that signs people in (oidc) or asks for a password (basicAuth, a fallback ray-basic-auth-fallback judges), with authorization defaultAction Deny, whose clientCIDRs are canonical CIDRs; jwt, apiKeyAuth or extAuth alone do not count; one SecurityPolicy per route (Envoy Gateway applies only the oldest), none selecting routes by label (targetSelectors); no GRPCRoute, TCPRoute, TLSRoute or UDPRoute.",
    configKeys: [],
    appliesTo: isRoute,
    validate(resources) {
        const policies = resources.filter(isSecurityPolicy);
        return [
            ...resources.filter(isRoute).flatMap((r) => routeFindings(r, policies)),
            ...policies.flatMap(clientCidrFindings),
            ...policies.flatMap(selectorFindings),
        ];
    },
};
