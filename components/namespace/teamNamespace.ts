import * as pulumi from "@pulumi/pulumi";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import type { QuotaConfig } from "./model";
import { limitRangeObject, namespaceObject, resourceQuotaObject } from "./namespace";

export interface TeamNamespaceArgs {
    readonly team: string;
    readonly namespace: string;
    /** Extra namespace labels. Default none. */
    readonly labels?: Record<string, string>;
    readonly quota: QuotaConfig;
    /** Load balancers the team's public dashboards need. Default 0. */
    readonly loadBalancers?: number;
    /** Label the namespace for RRSA injection. Default false. */
    readonly rrsa?: boolean;
}

/** The team's namespace with Pod Security Admission `restricted`, a ResourceQuota and a LimitRange. */
export class TeamNamespace extends pulumi.ComponentResource {
    declare readonly namespaceName: pulumi.Output<string>;
    /**
     * The Namespace object alone. What creates no pod (ServiceAccounts, Roles, NetworkPolicies,
     * Secrets) needs only this; pods need the whole component, ResourceQuota and LimitRange included,
     * which admission applies only to pods created after them.
     */
    declare readonly namespace: corev1.Namespace;

    constructor(name: string, args: TeamNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:namespace:TeamNamespace", name, {}, opts);
        const ns = new corev1.Namespace(
            `${name}-namespace`,
            namespaceObject({
                team: args.team,
                namespace: args.namespace,
                labels: args.labels ?? {},
                rrsa: args.rrsa ?? false,
            }),
            { parent: this },
        );
        const quotaInput = { team: args.team, namespace: args.namespace, quota: args.quota, loadBalancers: args.loadBalancers ?? 0 };
        new corev1.ResourceQuota(`${name}-quota`, resourceQuotaObject(quotaInput), { parent: this, dependsOn: [ns] });
        new corev1.LimitRange(`${name}-limits`, limitRangeObject(quotaInput), { parent: this, dependsOn: [ns] });
        this.namespace = ns;
        this.namespaceName = pulumi.output(args.namespace);
        this.registerOutputs({ namespaceName: this.namespaceName });
    }
}
