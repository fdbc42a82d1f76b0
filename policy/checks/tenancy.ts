/**
 * Issue 22: a team stack claims only what the tenancy registry (the platform's own pack config,
 * `ray-tenancy`) lists for it. Whoever can write a team's stack file, or open a pull request, may
 * not reach another team's namespace, addresses, network, buckets, hosts, listeners, RAM roles,
 * NAS directories or node pools, nor anything cluster-wide: the pack is the platform team's
 * independent judge, configured by the platform, never by what it judges. The stack judged is the
 * resources' (their URN's under the engine, the renderer's --stack otherwise); nothing is waived
 * per resource, since the registry itself is how the platform grants.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { PLATFORM_STACK, tenantFor } from "@ray-on-ack/common/tenancy";
import { Check, Finding, violation } from "../check";
import { PackConfig } from "../config";
import { listItems } from "../expand";
import { EvaluationContext, PolicyResource, stackOf } from "../resource";
import { cloudClaims } from "../tenancy/cloud";
import { gcsClaims } from "../tenancy/gcs";
import { duplicateObjects } from "../tenancy/duplicates";
import { TeamJudge, TeamRule } from "../tenancy/judge";
import { networkClaims } from "../tenancy/network";
import { platformSingleton, quotaTreeFindings, singletonFindings } from "../tenancy/platform";
import { podClaims, serviceAccountRole } from "../tenancy/pods";
import { exposureClaims } from "../tenancy/routes";
import { placementInCluster, rbacClaims, teamLabel } from "../tenancy/scope";

const TEAM_RULES: readonly TeamRule[] = [
    placementInCluster,
    teamLabel,
    rbacClaims,
    serviceAccountRole,
    podClaims,
    exposureClaims,
    networkClaims,
    gcsClaims,
    cloudClaims,
];

const judged = (r: PolicyResource) => r.type.startsWith("kubernetes:") || r.type.startsWith("alicloud:");

/**
 * Under `pulumi preview` a value the engine does not know yet (a vSwitch id the stack creates)
 * throws @pulumi/policy's UnknownValueError when read. Caught per resource, it leaves that one
 * resource unjudged, with a notice, instead of the engine skipping the whole check for the stack.
 */
function guarded(r: PolicyResource, judge: () => Finding[]): Finding[] {
    try {
        return judge();
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "UnknownValueError") {
            return [
                {
                    ...violation(r, "", `cannot be judged during preview (${e.message}); the check judges it once the value is known`),
                    notice: true,
                },
            ];
        }
        throw e;
    }
}

function byStack(resources: PolicyResource[], context: EvaluationContext): Map<string | undefined, PolicyResource[]> {
    const groups = new Map<string | undefined, PolicyResource[]>();
    for (const r of resources) {
        const stack = stackOf(r, context);
        groups.set(stack, [...(groups.get(stack) ?? []), r]);
    }
    return groups;
}

function stackFindings(stack: string | undefined, resources: PolicyResource[], config: PackConfig): Finding[] {
    // The objects a `<Kind>List` carries are judged as what they are; the list is only their carrier.
    const objects = resources.flatMap((r) => {
        const items = listItems(r);
        return items.length > 0 ? items : [r];
    });
    const findings = duplicateObjects(objects);
    if (stack === undefined) {
        return [
            ...findings,
            violation(
                resources[0],
                "",
                "belongs to a stack nobody named (no URN, no --stack); the tenancy registry is keyed by stack, so nothing here can be judged",
            ),
        ];
    }
    if (stack === PLATFORM_STACK) {
        return [...findings, ...objects.flatMap((r) => guarded(r, () => quotaTreeFindings(r, config)))];
    }
    findings.push(...objects.flatMap((r) => guarded(r, () => singletonFindings(r, stack))));
    const entry = tenantFor(config, stack);
    if ("problem" in entry) {
        return [...findings, violation(resources[0], "", entry.problem)];
    }
    const judge: TeamJudge = { t: config, stack, tenant: entry.tenant, resources: objects };
    const claims = objects.filter((r) => platformSingleton(r) === undefined);
    return [...findings, ...claims.flatMap((r) => guarded(r, () => TEAM_RULES.flatMap((rule) => rule(r, judge))))];
}

export const tenancy: Check = {
    kind: "stack",
    id: POLICY_IDS.tenancy,
    title: "A team stack claims only what the tenancy registry lists for it",
    seedSection: "2",
    description:
        "seed 2: a team stack is registered in ray-tenancy.tenants and claims only its entry: its namespace (cluster-scoped only its Namespace, PodNetworking and autoscaler scope policy), its vSwitches, security groups and pod CIDRs, OSS and NAS paths, hosts and Gateway listeners, RAM roles, node pools and egress endpoints, and its own Redis for GCS fault tolerance (the embedded GCS store only where the cluster facts offer it); no ClusterRole bindings or ServiceAccount token Secrets; the platform stack's ElasticQuotaTree lists registered namespaces only, and no other stack declares it or an ACK cluster resource; no two resources declare one Kubernetes object.",
    configKeys: ["cluster", "tenants", "shared"],
    appliesTo: judged,
    exceptions: false,
    validate(resources, config, context = {}) {
        return [...byStack(resources.filter(judged), context)].flatMap(([stack, rs]) => stackFindings(stack, rs, config));
    },
};
