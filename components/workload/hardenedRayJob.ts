import * as pulumi from "@pulumi/pulumi";
import { rayJobSchemaFor } from "./schema";
import type { RayJobSettings, RayWorkloadArgs } from "../args";
import { parseArgs } from "../core/parseArgs";
import { schemaContextOf } from "../images/schema";
import { objectMeta } from "../core/meta";
import { rayWorkloadSpec, specInputOf } from "./rayWorkload";
import { rayResource } from "./crds/rayResource";
import { rayTokenSecret } from "./rayToken";
import { names } from "../core/naming";

/** One RayJob in a team's namespace, whose TLS Secrets (TeamPki) are already there. */
export interface HardenedRayJobArgs extends RayWorkloadArgs {
    /** The job's settings (README, `jobs[]`); its image comes from `image` and `rayVersion`, allowlisted. */
    job: RayJobSettings;
}

/** One job, one cluster: K8sJobMode, cluster deleted after the job, bounded run time. */
export class HardenedRayJob extends pulumi.ComponentResource {
    /** The RayJob's name. */
    declare readonly jobName: pulumi.Output<string>;
    /** The Secret holding the job cluster's Ray token. */
    declare readonly tokenSecret: pulumi.Output<string>;

    constructor(name: string, args: HardenedRayJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:ray:HardenedRayJob", name, {}, opts);
        const { team, namespace } = args;
        const job = parseArgs(this, name, rayJobSchemaFor(schemaContextOf(args.security)), args.job, "job.");
        const token = rayTokenSecret(name, { team, namespace, cluster: job.name, rotation: args.tokenRotation }, this);
        rayResource(
            `${name}-rayjob`,
            "RayJob",
            // The KubeRay operator writes into a RayJob's rayClusterSpec.workerGroupSpecs, so
            // server-side apply of any later change (a certificate or token rotation) conflicts
            // with its field manager; the stack owns the spec, so Pulumi takes the fields back.
            objectMeta(job.name, namespace, team, {
                policyExceptions: args.policyExceptions,
                annotations: { "pulumi.com/patchForce": "true" },
            }),
            rayWorkloadSpec({
                kind: "RayJob",
                workload: job,
                ...specInputOf(args, token.fingerprint),
            }),
            { parent: this, dependsOn: [token.secret] },
        );
        this.jobName = pulumi.output(job.name);
        this.tokenSecret = pulumi.output(names.tokenSecret(job.name));
        this.registerOutputs({ jobName: this.jobName, tokenSecret: this.tokenSecret });
    }
}
