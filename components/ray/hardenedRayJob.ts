import * as pulumi from "@pulumi/pulumi";
import { rayJobSchema } from "./model";
import { parseWorkloadArgs } from "./workloadArgs";
import type { RayJobSettings } from "../args";
import type { RayWorkloadArgs } from "../componentArgs";
import { rayWorkloadSpec } from "./rayWorkload";
import { rayWorkloadResource } from "./rayWorkloadResource";
import { names } from "../core/naming";

/** One RayJob in a team's namespace, whose TLS Secrets (TeamPki) are already there. */
export interface HardenedRayJobArgs extends RayWorkloadArgs {
    /** The job's settings (docs/configuration.md, `jobs[]`); its image comes from `image` and `rayVersion`, allowlisted. */
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
        const job = parseWorkloadArgs(this, name, "job", rayJobSchema, args);
        rayWorkloadResource(this, name, "RayJob", job.name, args, (common) =>
            rayWorkloadSpec({ kind: "RayJob", workload: job, ...common }),
        );
        this.jobName = pulumi.output(job.name);
        this.tokenSecret = pulumi.output(names.tokenSecret(job.name));
        this.registerOutputs({ jobName: this.jobName, tokenSecret: this.tokenSecret });
    }
}
