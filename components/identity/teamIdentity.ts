import * as pulumi from "@pulumi/pulumi";
import * as admissionv1 from "@pulumi/kubernetes/admissionregistration/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as rbacv1 from "@pulumi/kubernetes/rbac/v1";
import type { RayRole } from "../core/naming";
import {
    autoscalerRoleObjects,
    peopleRoleObjects,
    rayAccessObjects,
    serviceAccountObject,
    tokenReviewerBindingObject,
    type Person,
} from "./identity";
import { autoscalerScopeObjects } from "./autoscalerScope";

export interface IdentityCluster {
    readonly name: string;
    /** Roles that need a ServiceAccount: head and worker, plus submitter for a RayJob. */
    readonly roles: readonly RayRole[];
    /** The cluster runs KubeRay's in-tree autoscaler. */
    readonly autoscaling: boolean;
    /** KubeRay names the workload's clusters `<name>-<random>` (a RayService's generations). */
    readonly generatedClusterNames?: boolean;
    /** RAM role name for RRSA on this cluster's ServiceAccounts. Default none. */
    readonly ramRoleName?: string;
    /** Personal identity (RayClusters only): who may use the cluster with their own Kubernetes token. Default none: its static token. */
    readonly personal?: { readonly people: readonly Person[] };
}

export interface TeamIdentityArgs {
    readonly team: string;
    readonly namespace: string;
    readonly clusters: readonly IdentityCluster[];
    /** Groups bound to the team's people Role. Default none. */
    readonly groups?: readonly string[];
    /** Users bound to the team's people Role. Default none. */
    readonly users?: readonly string[];
    /** Secrets (by name) the team's people may read: the Ray tokens. */
    readonly readableSecrets: readonly string[];
}

/**
 * ServiceAccounts without automounted tokens, the autoscaler Roles, the team's people Role, and for
 * personal-identity clusters the `ray:write` Role and bindings and the token reviewers' ClusterRoleBinding.
 */
export class TeamIdentity extends pulumi.ComponentResource {
    constructor(name: string, args: TeamIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:identity:TeamIdentity", name, {}, opts);
        const base = { team: args.team, namespace: args.namespace };
        for (const c of args.clusters) {
            for (const role of c.roles) {
                new corev1.ServiceAccount(
                    `${name}-${c.name}-${role}-sa`,
                    // Only the Ray nodes run user code that reads cloud data; the submitter only submits.
                    serviceAccountObject({ ...base, cluster: c.name, role, ramRoleName: role === "submitter" ? undefined : c.ramRoleName }),
                    { parent: this },
                );
            }
            if (c.autoscaling) {
                const [role, binding] = autoscalerRoleObjects(args.team, args.namespace, c.name, c.generatedClusterNames === true);
                new rbacv1.Role(`${name}-${c.name}-autoscaler-role`, role, { parent: this });
                new rbacv1.RoleBinding(`${name}-${c.name}-autoscaler-rolebinding`, binding, { parent: this });
            }
            if (c.personal) {
                const [role, nodes, people] = rayAccessObjects(args.team, args.namespace, c.name, c.personal.people);
                new rbacv1.Role(`${name}-${c.name}-ray-access-role`, role, { parent: this });
                new rbacv1.RoleBinding(`${name}-${c.name}-ray-nodes-rolebinding`, nodes, { parent: this });
                new rbacv1.RoleBinding(`${name}-${c.name}-ray-people-rolebinding`, people, { parent: this });
            }
        }
        const personal = args.clusters.filter((c) => c.personal).map((c) => c.name);
        if (personal.length > 0) {
            // Cluster-scoped, one per team namespace: its personal clusters' Ray nodes may review tokens (the platform's role).
            new rbacv1.ClusterRoleBinding(
                `${name}-token-reviewers-clusterrolebinding`,
                tokenReviewerBindingObject(args.team, args.namespace, personal),
                { parent: this },
            );
        }
        if (args.clusters.some((c) => c.autoscaling)) {
            // Cluster-scoped, one pair per team namespace: limits each autoscaler to its own cluster's pods.
            const generated = args.clusters.filter((c) => c.autoscaling && c.generatedClusterNames === true).map((c) => c.name);
            const [policy, binding] = autoscalerScopeObjects(args.team, args.namespace, generated);
            new admissionv1.ValidatingAdmissionPolicy(`${name}-autoscaler-scope-validatingadmissionpolicy`, policy, { parent: this });
            new admissionv1.ValidatingAdmissionPolicyBinding(`${name}-autoscaler-scope-validatingadmissionpolicybinding`, binding, {
                parent: this,
            });
        }
        const people = peopleRoleObjects({
            ...base,
            groups: args.groups ?? [],
            users: args.users ?? [],
            readableSecrets: args.readableSecrets,
        });
        if (people.length === 2) {
            new rbacv1.Role(`${name}-people-role`, people[0], { parent: this });
            new rbacv1.RoleBinding(`${name}-people-rolebinding`, people[1], { parent: this });
        }
        this.registerOutputs({});
    }
}
