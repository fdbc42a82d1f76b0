import * as pulumi from "@pulumi/pulumi";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import type { NetworkConfig } from "./model";
import { networkPolicyObjects, type ClusterFlows } from "./networkPolicies";

export interface TeamNetworkPoliciesArgs {
    readonly team: string;
    readonly namespace: string;
    readonly network: NetworkConfig;
    readonly clusters: readonly ClusterFlows[];
    /** The platform's monitoring namespace: admitted to Ray's metrics port. */
    readonly monitoringNamespace?: string;
    /** The log shipping's OSS and STS endpoints. */
    readonly logsEgress?: readonly { readonly cidr: string; readonly ports: readonly number[] }[];
}

/** Default deny in both directions, then exactly the flows Ray and the configured features need. */
export class TeamNetworkPolicies extends pulumi.ComponentResource {
    constructor(name: string, args: TeamNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:network:TeamNetworkPolicies", name, {}, opts);
        for (const obj of networkPolicyObjects(args)) {
            new networkingv1.NetworkPolicy(`${name}-${obj.metadata.name}`, obj, { parent: this });
        }
        this.registerOutputs({});
    }
}
