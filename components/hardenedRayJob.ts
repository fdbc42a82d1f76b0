import * as pulumi from "@pulumi/pulumi";
import type { RayJobConfig } from "./config/schema";
import { objectMeta } from "./builders/meta";
import { rayJobSpec } from "./builders/rayJob";
import { k8sObject } from "./resources/k8sObject";
import { rayTokenSecret } from "./resources/rayToken";
import { names } from "./naming";

export interface HardenedRayJobArgs {
    readonly team: string;
    readonly namespace: string;
    /** The validated job config (see README, `jobs[]`). */
    readonly job: RayJobConfig;
    readonly image: string;
    readonly tlsFingerprint: pulumi.Input<string>;
    /** KubeRay version on the cluster. Default "1.6.2". */
    readonly kubeRayVersion?: string;
    readonly podAnnotations?: Record<string, string>;
    readonly policyExceptions?: readonly string[];
    /** Bump to replace the Ray token. Default 0. */
    readonly tokenRotation?: number;
}

/** One job, one cluster: K8sJobMode, cluster deleted after the job, bounded run time. */
export class HardenedRayJob extends pulumi.ComponentResource {
    declare readonly jobName: pulumi.Output<string>;
    declare readonly tokenSecret: pulumi.Output<string>;

    constructor(name: string, args: HardenedRayJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:ray:HardenedRayJob", name, {}, opts);
        const { team, namespace, job } = args;
        const token = rayTokenSecret(name, { team, namespace, cluster: job.name, rotation: args.tokenRotation }, this);
        k8sObject(
            `${name}-rayjob`,
            {
                apiVersion: "ray.io/v1",
                kind: "RayJob",
                // The KubeRay operator writes into a RayJob's rayClusterSpec.workerGroupSpecs, so
                // server-side apply of any later change (a certificate or token rotation) conflicts
                // with its field manager; the stack owns the spec, so Pulumi takes the fields back.
                metadata: objectMeta(job.name, namespace, team, {
                    policyExceptions: args.policyExceptions,
                    annotations: { "pulumi.com/patchForce": "true" },
                }),
                spec: rayJobSpec({
                    job,
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
        this.jobName = pulumi.output(job.name);
        this.tokenSecret = pulumi.output(names.tokenSecret(job.name));
        this.registerOutputs({ jobName: this.jobName, tokenSecret: this.tokenSecret });
    }
}
