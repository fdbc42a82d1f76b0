/**
 * A team's NetworkPolicies: egress to private address space only to the endpoints the registry
 * lists for the team (other teams' pods, nodes and services live there), never to node or
 * control-plane ports unless listed; and Ray's metrics port open only to the platform's monitoring.
 */
import { RAY_PORTS } from "@ray-on-ack/common";
import { blockOf, cidrsMinus, isCoveredBy } from "@ray-on-ack/common/addresses";
import { EgressPorts, egressProblem, monitoringNamespaceProblem, podCidrProblem } from "@ray-on-ack/common/tenancy";
import { asList } from "@ray-on-ack/common/ram";
import { Finding, violation } from "../check";
import { PolicyResource, isKind } from "../resource";
import { NAME_LABEL, TeamJudge, TeamRule, refused, requiredValues } from "./judge";

/** The ports a rule admits: a rule without ports, a port entry without a port or a named port (unresolvable here) admit every port. */
export function rulePorts(rule: any): EgressPorts {
    const ports = asList(rule?.ports) as any[];
    const out: (number | [number, number])[] = [];
    for (const p of ports) {
        if (typeof p?.port !== "number") {
            return "all";
        }
        out.push(typeof p.endPort === "number" ? [p.port, p.endPort] : p.port);
    }
    return ports.length === 0 ? "all" : out;
}

const admits = (ports: EgressPorts, port: number) =>
    ports === "all" || ports.some((p) => (typeof p === "number" ? p === port : p[0] <= port && port <= p[1]));

/** The API server rule the registry describes: its addresses on its port only. */
function isApiServerRule(cidr: string, ports: EgressPorts, j: TeamJudge): boolean {
    const port = j.t.cluster.apiServerPort;
    return (
        isCoveredBy(cidr, j.t.cluster.apiServerCidrs) &&
        ports !== "all" &&
        ports.every((p) => (typeof p === "number" ? p === port : p[0] === port && p[1] === port))
    );
}

function egressFindings(r: PolicyResource, j: TeamJudge): Finding[] {
    const findings: Finding[] = [];
    (asList(r.props?.spec?.egress) as any[]).forEach((rule, i) => {
        const ports = rulePorts(rule);
        (asList(rule?.to) as any[]).forEach((peer, k) => {
            const block = peer?.ipBlock;
            if (block === undefined || block === null) {
                return;
            }
            const cidr = String(block.cidr ?? "");
            // What the block admits once its excepts are taken out, judged piece by piece.
            const pieces = blockOf(cidr) === undefined ? [cidr] : cidrsMinus(cidr, asList(block.except).map(String));
            const problems = pieces
                .filter((piece) => !isCoveredBy(piece, j.tenant.podCidrs) && !isApiServerRule(piece, ports, j))
                .map((piece) => egressProblem(j.t, j.stack, piece, ports))
                .filter((p): p is string => p !== undefined);
            if (problems.length > 0) {
                const more = problems.length > 1 ? ` (and ${problems.length - 1} more part(s) of ${cidr} without its except)` : "";
                findings.push(violation(r, `spec.egress[${i}].to[${k}].ipBlock`, `${problems[0]}${more}`));
            }
        });
    });
    return findings;
}

function metricsIngressFindings(r: PolicyResource, j: TeamJudge): Finding[] {
    const findings: Finding[] = [];
    (asList(r.props?.spec?.ingress) as any[]).forEach((rule, i) => {
        if (!admits(rulePorts(rule), RAY_PORTS.metrics)) {
            return;
        }
        (asList(rule?.from) as any[]).forEach((peer, k) => {
            const selector = peer?.namespaceSelector;
            if (selector === undefined || selector === null) {
                return;
            }
            const at = `spec.ingress[${i}].from[${k}].namespaceSelector`;
            const names = requiredValues(selector, NAME_LABEL);
            if (names === undefined) {
                findings.push(
                    violation(
                        r,
                        at,
                        `${JSON.stringify(selector)} admits namespaces to Ray's metrics port ${RAY_PORTS.metrics} without naming them; only the platform's monitoring namespace (ray-tenancy.cluster.monitoringNamespace: ${j.t.cluster.monitoringNamespace ?? "none"}) may, selected by ${NAME_LABEL}`,
                    ),
                );
                return;
            }
            for (const name of names) {
                findings.push(...refused(r, at, monitoringNamespaceProblem(j.t, name)));
            }
            // The monitoring namespace reaches the metrics port and nothing else.
            const ports = asList(rule?.ports) as any[];
            const metricsOnly =
                ports.length > 0 &&
                ports.every((p) => Number(p?.port) === RAY_PORTS.metrics && p?.endPort === undefined && (p?.protocol ?? "TCP") === "TCP");
            if (!metricsOnly && names.includes(j.t.cluster.monitoringNamespace ?? "")) {
                findings.push(
                    violation(
                        r,
                        `spec.ingress[${i}].ports`,
                        `admits the monitoring namespace ${j.t.cluster.monitoringNamespace} to ${ports.length === 0 ? "every port" : JSON.stringify(ports)}: only Ray's metrics port ${RAY_PORTS.metrics} (TCP) is for scraping`,
                    ),
                );
            }
        });
    });
    return findings;
}

/**
 * A Service's hand-written endpoints at another team's pod addresses: traffic the shared ingress
 * controller or Gateway sends to this team's host would reach that team's pods, which admit the
 * controller for their own (authenticated) routes.
 */
function endpointFindings(r: PolicyResource, j: TeamJudge): Finding[] {
    const addresses: [string, unknown][] = isKind(r, "core", "Endpoints")
        ? (asList(r.props?.subsets) as any[]).flatMap((subset, i) =>
              ["addresses", "notReadyAddresses"].flatMap((field) =>
                  (asList(subset?.[field]) as any[]).map((a, k): [string, unknown] => [`subsets[${i}].${field}[${k}].ip`, a?.ip]),
              ),
          )
        : (asList(r.props?.endpoints) as any[]).flatMap((e, i) =>
              asList(e?.addresses).map((a, k): [string, unknown] => [`endpoints[${i}].addresses[${k}]`, a]),
          );
    return addresses.flatMap(([at, ip]) => {
        const block = String(ip).includes(":") ? `${String(ip)}/128` : `${String(ip)}/32`;
        const taken = Object.entries(j.t.tenants).some(([stack, x]) => stack !== j.stack && isCoveredBy(block, x.podCidrs));
        return taken ? refused(r, at, podCidrProblem(j.t, j.stack, block)) : [];
    });
}

export const networkClaims: TeamRule = (r, j) => {
    if (isKind(r, "networking.k8s.io", "NetworkPolicy")) {
        return [...egressFindings(r, j), ...metricsIngressFindings(r, j)];
    }
    return isKind(r, "core", "Endpoints") || isKind(r, "discovery.k8s.io", "EndpointSlice") ? endpointFindings(r, j) : [];
};
