/**
 * Seed 1.4, 2, 3: the namespace is the unit of isolation, so each Ray namespace (one labelled for
 * a team, or one that holds a RayCluster/RayJob) must enforce Pod Security `restricted`, deny all
 * traffic by default and cap what its pods can take. These need the whole stack: the objects
 * that make a namespace safe are separate resources.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { LABELS } from "@ray-on-ack/common";
import { PolicyResource, isKind, k8sKind, metadataName, namespaceOf } from "../resource";
import { isRayResource } from "../podTemplates";

interface RayNamespace {
    name: string;
    /** The Namespace resource, when this stack manages it. */
    namespace?: PolicyResource;
    members: PolicyResource[];
    /** NamespacePatches of it: they can relabel a namespace this or another stack created. */
    patches: PolicyResource[];
}

function isTeamNamespace(r: PolicyResource): boolean {
    return isKind(r, "core", "Namespace") && typeof r.props?.metadata?.labels?.[LABELS.team] === "string";
}

function isRayNamespaceMarker(r: PolicyResource): boolean {
    return isTeamNamespace(r) || isRayResource(r);
}

export function rayNamespaces(resources: PolicyResource[]): RayNamespace[] {
    const byName = new Map<string, RayNamespace>();
    const entry = (name: string): RayNamespace => {
        let ns = byName.get(name);
        if (!ns) {
            ns = { name, members: [], patches: [] };
            byName.set(name, ns);
        }
        return ns;
    };
    for (const r of resources) {
        if (isTeamNamespace(r)) {
            entry(metadataName(r));
        } else if (isRayResource(r)) {
            entry(namespaceOf(r)).members.push(r);
        }
    }
    for (const r of resources) {
        const ns = isKind(r, "core", "Namespace") ? byName.get(metadataName(r)) : undefined;
        if (ns && k8sKind(r)?.patch) {
            ns.patches.push(r);
        } else if (ns) {
            ns.namespace = r;
        }
    }
    return [...byName.values()];
}

/** Findings about a namespace land on its Namespace resource, or on a Ray resource in it when another stack owns it. */
function namespaceViolation(ns: RayNamespace, path: string, problem: string): Finding {
    if (ns.namespace) {
        return violation(ns.namespace, path, problem);
    }
    if (ns.members.length > 0) {
        return violation(ns.members[0], "metadata.namespace", `namespace "${ns.name}" ${problem}`);
    }
    // Only a NamespacePatch names it.
    return violation(ns.patches[0], "", problem);
}

function inNamespace(resources: PolicyResource[], ns: string, group: string, kind: string): PolicyResource[] {
    return resources.filter((r) => isKind(r, group, kind) && namespaceOf(r) === ns);
}

const PSA_MODES = ["enforce", "audit", "warn"] as const;

export const namespacePsaRestricted: Check = {
    kind: "stack",
    id: POLICY_IDS.namespacePsaRestricted,
    title: "Ray namespaces enforce Pod Security restricted",
    seedSection: "2, 5",
    description:
        "seed 2, 5: every Ray namespace (team-labelled or holding Ray resources) is in this stack and labelled pod-security.kubernetes.io/enforce, audit and warn: restricted.",
    configKeys: [],
    appliesTo: isRayNamespaceMarker,
    validate(resources) {
        const findings: Finding[] = [];
        for (const ns of rayNamespaces(resources)) {
            if (!ns.namespace) {
                findings.push(
                    namespaceViolation(
                        ns,
                        "",
                        "is not managed by this stack, so its Pod Security labels cannot be verified; create it here with pod-security.kubernetes.io/enforce, audit and warn: restricted",
                    ),
                );
                continue;
            }
            const labels = ns.namespace.props?.metadata?.labels ?? {};
            const wrong = PSA_MODES.map((mode) => `pod-security.kubernetes.io/${mode}`)
                .filter((label) => labels[label] !== "restricted")
                .map((label) => (labels[label] === undefined ? `${label} is not set` : `${label} is ${JSON.stringify(labels[label])}`));
            if (wrong.length > 0) {
                findings.push(namespaceViolation(ns, "metadata.labels", `${wrong.join(", ")}; all three must be "restricted"`));
            }
            for (const patch of ns.patches) {
                const patchLabels = patch.props?.metadata?.labels ?? {};
                Object.entries(patchLabels)
                    .filter(
                        ([label, value]) =>
                            PSA_MODES.some((mode) => label === `pod-security.kubernetes.io/${mode}`) && value !== "restricted",
                    )
                    .forEach(([label, value]) =>
                        findings.push(
                            violation(
                                patch,
                                `metadata.labels["${label}"]`,
                                `is ${JSON.stringify(value)}; a Ray namespace stays "restricted"`,
                            ),
                        ),
                    );
            }
        }
        return findings;
    },
};

function isDefaultDeny(np: PolicyResource): boolean {
    const spec = np.props?.spec ?? {};
    const selector = spec.podSelector ?? {};
    const selectsAll = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
    const types: unknown[] = spec.policyTypes ?? [];
    return (
        selectsAll &&
        types.includes("Ingress") &&
        types.includes("Egress") &&
        (spec.ingress ?? []).length === 0 &&
        (spec.egress ?? []).length === 0
    );
}

export const networkPolicyDefaultDeny: Check = {
    kind: "stack",
    id: POLICY_IDS.networkPolicyDefaultDeny,
    title: "Default-deny NetworkPolicy in every Ray namespace",
    seedSection: "1.4",
    description:
        "seed 1.4: every Ray namespace has a NetworkPolicy selecting all pods (podSelector {}) with policyTypes Ingress and Egress and no rules; the flows Ray needs are allowed by further policies.",
    configKeys: [],
    appliesTo: isRayNamespaceMarker,
    validate(resources) {
        return rayNamespaces(resources)
            .filter((ns) => !inNamespace(resources, ns.name, "networking.k8s.io", "NetworkPolicy").some(isDefaultDeny))
            .map((ns) =>
                namespaceViolation(ns, "", "has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no rules)"),
            );
    },
};

const CPU_KEYS = ["cpu", "requests.cpu", "limits.cpu"];
const MEMORY_KEYS = ["memory", "requests.memory", "limits.memory"];

export const namespaceQuota: Check = {
    kind: "stack",
    id: POLICY_IDS.namespaceQuota,
    title: "ResourceQuota and LimitRange in every Ray namespace",
    seedSection: "3",
    description:
        "seed 3: every Ray namespace has a ResourceQuota capping cpu and memory and a LimitRange for containers, so one team cannot exhaust the cluster.",
    configKeys: [],
    appliesTo: isRayNamespaceMarker,
    validate(resources) {
        const findings: Finding[] = [];
        for (const ns of rayNamespaces(resources)) {
            const capped = inNamespace(resources, ns.name, "core", "ResourceQuota").some((q) => {
                const hard = Object.keys(q.props?.spec?.hard ?? {});
                return CPU_KEYS.some((k) => hard.includes(k)) && MEMORY_KEYS.some((k) => hard.includes(k));
            });
            if (!capped) {
                findings.push(namespaceViolation(ns, "", "has no ResourceQuota with hard cpu and memory limits"));
            }
            const limited = inNamespace(resources, ns.name, "core", "LimitRange").some((lr) =>
                (lr.props?.spec?.limits ?? []).some((l: any) => l?.type === "Container"),
            );
            if (!limited) {
                findings.push(namespaceViolation(ns, "", "has no LimitRange for containers"));
            }
        }
        return findings;
    },
};
