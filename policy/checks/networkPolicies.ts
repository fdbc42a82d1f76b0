/**
 * Seed 1.4: default deny only holds while no other NetworkPolicy undoes it. A rule without peers
 * admits everyone, `namespaceSelector: {}` is every namespace, an ipBlock can cover the internet
 * without a literal /0 (0.0.0.0/1 + 128.0.0.0/1), and an egress ipBlock around a cloud metadata
 * address lets pods read the node's identity. Address rules are common/addresses.ts, which the
 * stack config applies too.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, ungrantable, violation } from "../check";
import { isKind } from "../resource";
import { canonicalCidrProblem, coverageProblem, metadataProblem, metadataRangesAdmitted } from "@ray-on-ack/common/addresses";

const isEmptySelector = (s: any) =>
    s !== null && typeof s === "object" && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;

function directionFindings(r: any, direction: "ingress" | "egress"): Finding[] {
    const peersKey = direction === "ingress" ? "from" : "to";
    const rules: any[] = Array.isArray(r.props?.spec?.[direction]) ? r.props.spec[direction] : [];
    const findings: Finding[] = [];
    const cidrs: string[] = [];
    const excepts: string[] = [];
    rules.forEach((rule, i) => {
        const path = `spec.${direction}[${i}]`;
        const peers: any[] = Array.isArray(rule?.[peersKey]) ? rule[peersKey] : [];
        if (peers.length === 0) {
            findings.push(
                violation(
                    r,
                    path,
                    `has no ${peersKey}, so it admits every ${direction === "ingress" ? "source" : "destination"} and undoes default deny; name the peers`,
                ),
            );
        }
        peers.forEach((peer, j) => {
            const peerPath = `${path}.${peersKey}[${j}]`;
            if (peer === null || typeof peer !== "object" || Object.keys(peer).length === 0) {
                findings.push(violation(r, peerPath, "is an empty peer, which matches everything"));
                return;
            }
            if (peer.namespaceSelector !== undefined && isEmptySelector(peer.namespaceSelector)) {
                findings.push(
                    violation(
                        r,
                        `${peerPath}.namespaceSelector`,
                        "is empty ({}), which selects every namespace; select namespaces by name (kubernetes.io/metadata.name)",
                    ),
                );
            }
            const block = peer.ipBlock;
            if (block === undefined) {
                return;
            }
            // The pack, the API server and the network plugin must read the block the same way.
            const unclear = [
                ...[block.cidr].map((c) => [`${peerPath}.ipBlock.cidr`, canonicalCidrProblem(c)] as const),
                ...(Array.isArray(block.except) ? block.except : []).map(
                    (c: unknown, k: number) => [`${peerPath}.ipBlock.except[${k}]`, canonicalCidrProblem(c)] as const,
                ),
            ].filter((u): u is readonly [string, string] => u[1] !== undefined);
            if (unclear.length > 0) {
                findings.push(...unclear.map(([at, why]) => ungrantable(violation(r, at, why))));
                return;
            }
            const cidr = String(block.cidr ?? "");
            const except: string[] = Array.isArray(block.except) ? block.except.map(String) : [];
            cidrs.push(cidr);
            excepts.push(...except);
            if (direction === "egress") {
                const inside = metadataProblem(cidr);
                const admitted = inside === undefined ? metadataRangesAdmitted(cidr, except) : [];
                if (inside !== undefined) {
                    findings.push(violation(r, `${peerPath}.ipBlock.cidr`, inside));
                } else if (admitted.length > 0) {
                    findings.push(
                        violation(
                            r,
                            `${peerPath}.ipBlock`,
                            `${cidr} admits the cloud metadata range ${admitted.join(", ")}; list it in except so that pods cannot reach the node's metadata service`,
                        ),
                    );
                }
            }
        });
    });
    const wide =
        cidrs.length > 0 ? coverageProblem(cidrs, `a NetworkPolicy's ${direction}`, { publicOnly: true, except: excepts }) : undefined;
    if (wide !== undefined) {
        findings.push(violation(r, `spec.${direction}`, wide));
    }
    return findings;
}

export const networkPolicyContents: Check = {
    kind: "resource",
    id: POLICY_IDS.networkPolicyContents,
    title: "NetworkPolicies admit named peers only",
    seedSection: "1.4",
    description:
        "seed 1.4: no NetworkPolicy rule without peers (allow-all next to default deny), no empty namespaceSelector, ipBlock CIDRs and excepts in canonical form (no leading zeros, no host bits, no IPv4-mapped IPv6; never granted), ipBlocks of at most a /16 of public addresses per direction (counted, not by literal /0), and no egress ipBlock that admits a cloud metadata range (100.100.100.200/32, 169.254.0.0/16) without an except.",
    configKeys: [],
    appliesTo: (r) => isKind(r, "networking.k8s.io", "NetworkPolicy"),
    validate(r) {
        return [...directionFindings(r, "ingress"), ...directionFindings(r, "egress")];
    },
};
