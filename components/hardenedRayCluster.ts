import * as pulumi from "@pulumi/pulumi";
import type { RayClusterConfig } from "./config/schema";
import { clusterAccess, type ClusterAccess } from "./builders/access";
import { objectMeta } from "./builders/meta";
import { rayClusterSpec } from "./builders/rayCluster";
import { k8sObject } from "./resources/k8sObject";
import { rayTokenSecret } from "./resources/rayToken";

export interface HardenedRayClusterArgs {
    readonly team: string;
    readonly namespace: string;
    /** The validated cluster config (see README, `clusters[]`). */
    readonly cluster: RayClusterConfig;
    /** Resolved image reference (allowlisted, never `latest`). */
    readonly image: string;
    /** Fingerprint of the cluster's certificates; a change restarts the pods. */
    readonly tlsFingerprint: pulumi.Input<string>;
    /** KubeRay version on the cluster. Default "1.6.2". */
    readonly kubeRayVersion?: string;
    /** Extra pod annotations (RRSA container scoping, HistoryServer opt-in). Default none. */
    readonly podAnnotations?: Record<string, string>;
    /** Policy ids this cluster deliberately weakens (documented opt-ins). Default none. */
    readonly policyExceptions?: readonly string[];
    /** Bump to replace the Ray token. Default 0. */
    readonly tokenRotation?: number;
}

/** A RayCluster with TLS, token authentication, hardened pods and a ClusterIP head Service. */
export class HardenedRayCluster extends pulumi.ComponentResource {
    declare readonly access: pulumi.Output<ClusterAccess>;
    declare readonly clusterName: pulumi.Output<string>;

    constructor(name: string, args: HardenedRayClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:ray:HardenedRayCluster", name, {}, opts);
        const { team, namespace, cluster } = args;
        const token = rayTokenSecret(name, { team, namespace, cluster: cluster.name, rotation: args.tokenRotation }, this);
        k8sObject(
            `${name}-raycluster`,
            {
                apiVersion: "ray.io/v1",
                kind: "RayCluster",
                metadata: objectMeta(cluster.name, namespace, team, { policyExceptions: args.policyExceptions }),
                spec: rayClusterSpec({
                    kind: "RayCluster",
                    cluster,
                    team,
                    namespace,
                    image: args.image,
                    tlsFingerprint: args.tlsFingerprint,
                    tokenFingerprint: token.fingerprint,
                    kubeRayVersion: args.kubeRayVersion ?? "1.6.2",
                    podAnnotations: args.podAnnotations,
                }),
            },
            { parent: this, dependsOn: [token.secret] },
        );
        this.clusterName = pulumi.output(cluster.name);
        this.access = pulumi.output(clusterAccess(namespace, cluster.name));
        this.registerOutputs({ clusterName: this.clusterName, access: this.access });
    }
}
