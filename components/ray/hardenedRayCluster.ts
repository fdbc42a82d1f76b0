import * as pulumi from "@pulumi/pulumi";
import { rayClusterSchema } from "./model";
import { parseWorkloadArgs } from "./workloadArgs";
import type { RayClusterSettings } from "../args";
import type { RayWorkloadArgs } from "../componentArgs";
import { clusterAccess, type ClusterAccess } from "../exposure/access";
import { rayWorkloadSpec } from "./rayWorkload";
import { rayWorkloadResource } from "./rayWorkloadResource";

/** One RayCluster in a team's namespace, whose TLS Secrets (TeamPki) are already there. */
export interface HardenedRayClusterArgs extends RayWorkloadArgs {
    /** The cluster's settings (docs/configuration.md, `clusters[]`); its image comes from `image` and `rayVersion`, allowlisted. */
    cluster: RayClusterSettings;
}

/** A RayCluster with TLS, token authentication, hardened pods and a ClusterIP head Service. */
export class HardenedRayCluster extends pulumi.ComponentResource {
    /** How to reach the cluster: port-forward commands, local URLs, the token Secret. */
    declare readonly access: pulumi.Output<ClusterAccess>;
    /** The RayCluster's name. */
    declare readonly clusterName: pulumi.Output<string>;

    constructor(name: string, args: HardenedRayClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:ray:HardenedRayCluster", name, {}, opts);
        const cluster = parseWorkloadArgs(this, name, "cluster", rayClusterSchema, args);
        rayWorkloadResource(
            this,
            name,
            "RayCluster",
            cluster.name,
            args,
            (common) => rayWorkloadSpec({ kind: "RayCluster", workload: cluster, ...common }),
            cluster.identity.mode !== "personal",
        );
        this.clusterName = pulumi.output(cluster.name);
        this.access = pulumi.output(clusterAccess(args.namespace, cluster.name, undefined, cluster.identity.mode));
        this.registerOutputs({ clusterName: this.clusterName, access: this.access });
    }
}
