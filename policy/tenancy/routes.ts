/**
 * Hosts and listeners: the ingress controller and the Gateways are shared, so a route to a host
 * (or a listener) another team owns takes its traffic. A rule without a host, a default backend
 * or a route without hostnames takes every host nobody else matched.
 */
import { CLB_ANNOTATION_PREFIX as CLB } from "@ray-on-ack/common";
import { clbCertificateProblem, hostProblem, listenerProblem } from "@ray-on-ack/common/tenancy";
import { asList } from "@ray-on-ack/common/ram";
import { Finding, violation } from "../check";
import { PolicyResource, isKind, k8sKind, namespaceOf } from "../resource";
import { TeamJudge, TeamRule, refused } from "./judge";

const GATEWAY_GROUP = "gateway.networking.k8s.io";
/** Route kinds that match by hostname; TCP and UDP routes have none (and the pack refuses them elsewhere). */
const HOSTNAME_ROUTES = ["HTTPRoute", "GRPCRoute", "TLSRoute"];

function hostFindings(r: PolicyResource, path: string, host: unknown, j: TeamJudge): Finding[] {
    return refused(r, path, hostProblem(j.t, j.stack, String(host)));
}

function ingress(r: PolicyResource, j: TeamJudge): Finding[] {
    const spec = r.props?.spec ?? {};
    const findings: Finding[] = [];
    for (const field of ["defaultBackend", "backend"]) {
        if (spec[field] !== undefined) {
            findings.push(
                violation(
                    r,
                    `spec.${field}`,
                    "takes every request no rule matches on the shared ingress controller, other teams' hosts included; route named hosts only",
                ),
            );
        }
    }
    (asList(spec.rules) as any[]).forEach((rule, i) => {
        if (typeof rule?.host !== "string" || rule.host === "") {
            findings.push(
                violation(
                    r,
                    `spec.rules[${i}].host`,
                    `is not set, so the rule takes every host on the shared ingress controller, other teams' included; name a host registered to stack ${j.stack}`,
                ),
            );
        } else {
            findings.push(...hostFindings(r, `spec.rules[${i}].host`, rule.host, j));
        }
    });
    (asList(spec.tls) as any[]).forEach((tls, i) =>
        asList(tls?.hosts).forEach((host, k) => findings.push(...hostFindings(r, `spec.tls[${i}].hosts[${k}]`, host, j))),
    );
    return findings;
}

function route(r: PolicyResource, kind: string, j: TeamJudge): Finding[] {
    const spec = r.props?.spec ?? {};
    const findings: Finding[] = [];
    (asList(spec.parentRefs) as any[]).forEach((ref, i) => {
        const at = `spec.parentRefs[${i}]`;
        const group = ref?.group ?? GATEWAY_GROUP;
        const parentKind = ref?.kind ?? "Gateway";
        if (group !== GATEWAY_GROUP || parentKind !== "Gateway") {
            findings.push(
                violation(
                    r,
                    at,
                    `attaches to ${group === "" ? "core" : group}/${parentKind} ${JSON.stringify(ref?.name ?? null)}; a team's route attaches only to a Gateway listener registered to stack ${j.stack}`,
                ),
            );
            return;
        }
        // The Gateway API defaults an unset namespace to the route's own.
        const gateway = {
            gateway: String(ref?.name ?? ""),
            namespace: String(ref?.namespace ?? namespaceOf(r)),
            sectionName: ref?.sectionName,
        };
        if (typeof gateway.sectionName !== "string" || gateway.sectionName === "") {
            findings.push(
                violation(
                    r,
                    `${at}.sectionName`,
                    `is not set, so the route attaches to every listener of Gateway ${gateway.namespace}/${gateway.gateway}; name a listener registered to stack ${j.stack}`,
                ),
            );
            return;
        }
        findings.push(
            ...refused(r, at, listenerProblem(j.t, j.stack, gateway as { gateway: string; namespace: string; sectionName: string })),
        );
    });
    if (HOSTNAME_ROUTES.includes(kind)) {
        const hostnames = asList(spec.hostnames);
        if (hostnames.length === 0) {
            findings.push(
                violation(
                    r,
                    "spec.hostnames",
                    `is not set, so the route takes every host its listeners accept, other teams' included; name hosts registered to stack ${j.stack}`,
                ),
            );
        }
        hostnames.forEach((host, k) => findings.push(...hostFindings(r, `spec.hostnames[${k}]`, host, j)));
    }
    return findings;
}

/** A Gateway of the team's own: merged onto a shared proxy (Envoy Gateway's mergeGateways), its listeners take the hosts they name. */
function gateway(r: PolicyResource, j: TeamJudge): Finding[] {
    return (asList(r.props?.spec?.listeners) as any[]).flatMap((listener, i) =>
        typeof listener?.hostname === "string" && listener.hostname !== ""
            ? hostFindings(r, `spec.listeners[${i}].hostname`, listener.hostname, j)
            : [
                  violation(
                      r,
                      `spec.listeners[${i}].hostname`,
                      `is not set, so the listener takes every host (on a merged Gateway, other teams' too); name a host registered to stack ${j.stack}`,
                  ),
              ],
    );
}

/**
 * A LoadBalancer Service's CLB: the certificate its HTTPS listener presents must be one the registry
 * gives the team (another team's would serve that team's host names), and it never takes over an
 * existing load balancer (`loadbalancer-id`), which would put the team's listener on a CLB the
 * platform or another team runs.
 */
function loadBalancer(r: PolicyResource, j: TeamJudge): Finding[] {
    const annotations: Record<string, unknown> = r.props?.metadata?.annotations ?? {};
    const findings: Finding[] = [];
    for (const [key, value] of Object.entries(annotations)) {
        const at = `metadata.annotations["${key}"]`;
        if (key === `${CLB}cert-id`) {
            asList(String(value).split(",")).forEach((id) =>
                findings.push(...refused(r, at, clbCertificateProblem(j.t, j.stack, String(id).trim()))),
            );
        }
        if (key === `${CLB}loadbalancer-id`) {
            findings.push(
                violation(
                    r,
                    at,
                    "takes over an existing CLB, which the platform or another team runs; a team's Service gets a load balancer of its own",
                ),
            );
        }
    }
    return findings;
}

export const exposureClaims: TeamRule = (r, j) => {
    if (isKind(r, "core", "Service")) {
        return loadBalancer(r, j);
    }
    if (isKind(r, "networking.k8s.io", "Ingress") || isKind(r, "extensions", "Ingress")) {
        return ingress(r, j);
    }
    if (isKind(r, GATEWAY_GROUP, "Gateway")) {
        return gateway(r, j);
    }
    const k = k8sKind(r);
    return k?.group === GATEWAY_GROUP && k.kind.endsWith("Route") ? route(r, k.kind, j) : [];
};
