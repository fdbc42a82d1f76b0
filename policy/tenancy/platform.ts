/**
 * What only the platform stack declares: the cluster's ElasticQuotaTree (its children list only
 * the namespaces the registry gives to team stacks) and the ACK cluster's own resources (add-ons,
 * node pools, permissions). Any other stack declaring one is refused, registered or not.
 */
import { PLATFORM_STACK, registeredNamespaces, type Tenancy } from "@ray-on-ack/common/tenancy";
import { asList } from "@ray-on-ack/common/ram";
import { Finding, violation } from "../check";
import { PolicyResource, isKind } from "../resource";

const isQuotaTree = (r: PolicyResource) => isKind(r, "scheduling.sigs.k8s.io", "ElasticQuotaTree");

/** What the resource is, if only the platform stack may declare it. */
export function platformSingleton(r: PolicyResource): string | undefined {
    if (isQuotaTree(r)) {
        return "the cluster's ElasticQuotaTree, which divides capacity between the teams";
    }
    if (r.type.startsWith("alicloud:cs/")) {
        return "a resource of the ACK cluster itself (add-ons, node pools, cluster permissions), which every team relies on";
    }
    return undefined;
}

export function singletonFindings(r: PolicyResource, stack: string): Finding[] {
    const what = platformSingleton(r);
    return what === undefined ? [] : [violation(r, "", `is ${what}: only the ${PLATFORM_STACK} stack declares it, not stack ${stack}`)];
}

/** The platform stack's quota tree: every namespace it lists is a team namespace of the registry. */
export function quotaTreeFindings(r: PolicyResource, t: Tenancy): Finding[] {
    if (!isQuotaTree(r)) {
        return [];
    }
    const registered = registeredNamespaces(t);
    const shown = Object.keys(registered).sort().join(", ") || "none";
    const findings: Finding[] = [];
    const walk = (node: any, at: string, depth: number) => {
        asList(node?.namespaces).forEach((ns, i) => {
            if (!Object.hasOwn(registered, String(ns))) {
                findings.push(
                    violation(
                        r,
                        `${at}.namespaces[${i}]`,
                        `${String(ns)} is not a team namespace of the tenancy registry (ray-tenancy.tenants: ${shown}); the quota tree gives capacity to registered teams only`,
                    ),
                );
            }
        });
        if (depth < 32) {
            asList(node?.children).forEach((child, i) => walk(child, `${at}.children[${i}]`, depth + 1));
        }
    };
    walk(r.props?.spec?.root, "spec.root", 0);
    return findings;
}
