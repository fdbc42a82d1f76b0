/**
 * The order a team's resources are created in, as component options: what starts no pod
 * (ServiceAccounts, Roles, NetworkPolicies, Secrets, a workload's token) waits for the Namespace
 * object only; the KubeRay resource, the one object that starts pods, waits for everything its
 * pods need: the quota and LimitRange (admission applies them only to pods created after them),
 * the identities, the TLS Secrets, the pod network and every NetworkPolicy, so that no pod runs
 * before default-deny even if creating a policy fails.
 */
import * as pulumi from "@pulumi/pulumi";
import { KUBERAY_TYPES } from "../ray/crds/rayResource";

/** Options for a child that starts no pod: it needs the Namespace object alone. */
export const inNamespace = (parent: pulumi.Resource, namespace: pulumi.Resource): pulumi.ComponentResourceOptions => ({
    parent,
    dependsOn: [namespace],
});

/**
 * Options for a workload component: its KubeRay resource alone waits for `podsNeed`; the rest of it
 * (its Ray token and the token's Secret) needs only the Namespace, and is created meanwhile.
 */
export function podsAfter(
    parent: pulumi.Resource,
    namespace: pulumi.Resource,
    podsNeed: pulumi.Resource[],
): pulumi.ComponentResourceOptions {
    return {
        parent,
        dependsOn: [namespace],
        transformations: [
            ({ type, props, opts }) =>
                KUBERAY_TYPES.includes(type) ? { props, opts: pulumi.mergeOptions(opts, { dependsOn: podsNeed }) } : undefined,
        ],
    };
}
