import * as pulumi from "@pulumi/pulumi";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as cs from "@pulumi/alicloud/cs";
import * as rbacv1 from "@pulumi/kubernetes/rbac/v1";
import { tokenReviewerClusterRoleObject } from "../identity/identity";
import { platformConfigSchema, type PlatformConfig } from "./model";
import type { PlatformSettings } from "../args";
import type { RrsaProvider } from "../componentArgs";
import { parseArgs } from "../core/parseArgs";
import { elasticQuotaTreeObject } from "./quotaTree";

/** The platform stack's settings (PlatformSettings, generated from the config schema), plus the RRSA provider. */
export interface PlatformArgs extends PlatformSettings {
    /** The cluster's RRSA provider (`rrsaProviderFor`); looking it up is the check that RRSA is enabled. */
    rrsaProvider: pulumi.Input<RrsaProvider>;
}

/** A validated platform stack config (validateStackConfig) as Platform's args, without what only the program reads. */
export function platformArgs(config: PlatformConfig, rrsaProvider: pulumi.Input<RrsaProvider>): PlatformArgs {
    const { kubeconfigSource, ...cloud } = config.cloud;
    void kubeconfigSource;
    return { cloud, quotaTree: config.quotaTree, addons: config.addons, rrsaProvider };
}

/**
 * Cluster-wide singletons every team stack relies on: the ElasticQuotaTree, the add-ons, and the
 * ClusterRole the Ray nodes of personal-identity clusters review tokens with (team stacks bind it).
 */
export class Platform extends pulumi.ComponentResource {
    /** The cluster's RRSA OIDC provider, for the team stacks. */
    declare readonly rrsa: pulumi.Output<RrsaProvider>;
    /** Each quota tree child's namespaces. */
    declare readonly teamNamespaces: pulumi.Output<Record<string, string[]>>;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:platform:Platform", name, {}, opts);
        const { rrsaProvider, ...settings } = args;
        const config = parseArgs(this, name, platformConfigSchema, { ...settings, platform: true });
        new apiextensions.CustomResource(`${name}-quota-tree`, elasticQuotaTreeObject(config.quotaTree), { parent: this });
        new rbacv1.ClusterRole(`${name}-token-reviewer`, tokenReviewerClusterRoleObject(), { parent: this });
        for (const [role, addon] of Object.entries(config.addons)) {
            new cs.KubernetesAddon(
                `${name}-${role}`,
                { clusterId: config.cloud.clusterId, name: addon.name, version: addon.version, cleanupCloudResources: false },
                { parent: this },
            );
        }
        this.rrsa = pulumi.output(rrsaProvider);
        this.teamNamespaces = pulumi.output(Object.fromEntries(config.quotaTree.children.map((c) => [c.name, c.namespaces])));
        this.registerOutputs({ rrsa: this.rrsa, teamNamespaces: this.teamNamespaces });
    }
}
