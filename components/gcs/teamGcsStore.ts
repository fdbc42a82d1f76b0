import * as pulumi from "@pulumi/pulumi";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import { gcsRedisSecretObject } from "./store";

export interface TeamGcsStoreArgs {
    readonly team: string;
    readonly namespace: string;
    /** The CA of the team's Redis (the tenancy registry's `gcsRedis.caCertificate`). */
    readonly caCertificate: string;
    /** The Redis password (secret config `gcsRedisPassword`), held as a secret. */
    readonly password: pulumi.Input<string>;
}

/**
 * The team's Redis credentials (`ray-gcs-redis`: password and CA) that its fault-tolerant heads and
 * KubeRay's cleanup Jobs use. The workloads depend on it, so `pulumi destroy` deletes it only after
 * they, and their cleanup Jobs, are gone.
 */
export class TeamGcsStore extends pulumi.ComponentResource {
    /** The Secret's name. */
    declare readonly secretName: pulumi.Output<string>;

    constructor(name: string, args: TeamGcsStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:gcs:TeamGcsStore", name, {}, opts);
        const obj = gcsRedisSecretObject(args.team, args.namespace, args.caCertificate, pulumi.secret(args.password));
        const secret = new corev1.Secret(`${name}-secret`, obj, { parent: this });
        this.secretName = secret.metadata.name;
        this.registerOutputs({ secretName: this.secretName });
    }
}
