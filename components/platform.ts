import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import type { PlatformConfig } from "./config/schema";
import { elasticQuotaTreeObject } from "./config/quotaTree";
import type { RrsaProvider } from "./cloud/ramPolicies";
import { k8sObject } from "./resources/k8sObject";

export interface PlatformArgs {
    /** The platform stack's validated config. */
    readonly config: PlatformConfig;
    /** The cluster's RRSA provider; looking it up is the check that RRSA is enabled. */
    readonly rrsaProvider: pulumi.Input<RrsaProvider>;
}

/** Cluster-wide singletons every team stack relies on: the ElasticQuotaTree and the add-ons. */
export class Platform extends pulumi.ComponentResource {
    declare readonly rrsa: pulumi.Output<RrsaProvider>;
    declare readonly teamNamespaces: pulumi.Output<Record<string, string[]>>;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:platform:Platform", name, {}, opts);
        const { config } = args;
        k8sObject(`${name}-quota-tree`, elasticQuotaTreeObject(config.quotaTree), { parent: this });
        for (const [role, addon] of Object.entries(config.addons)) {
            new alicloud.cs.KubernetesAddon(
                `${name}-${role}`,
                { clusterId: config.cloud.clusterId, name: addon.name, version: addon.version, cleanupCloudResources: false },
                { parent: this },
            );
        }
        this.rrsa = pulumi.output(args.rrsaProvider);
        this.teamNamespaces = pulumi.output(Object.fromEntries(config.quotaTree.children.map((c) => [c.name, c.namespaces])));
        this.registerOutputs({ rrsa: this.rrsa, teamNamespaces: this.teamNamespaces });
    }
}
