/**
 * The GCS fault tolerance config fragment: whether a workload's GCS keeps its state in a store that
 * outlives the head pod, and which store. Where that store is (the team's Redis, the StorageClass of
 * the embedded one) is the platform's to say, in the tenancy registry: a stack file only says "use it".
 */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { quantity } from "../core/model";

export const gcsFaultToleranceSchema = z
    .strictObject({
        enabled: z
            .boolean()
            .default(false)
            .describe(
                "Keep the GCS state (actors, jobs, nodes, placement groups) in a store that outlives the head pod, so that a head restart keeps the workers, their actors and Serve replicas. Default false; a RayService without it fails the policy pack unless the platform grants it (`ray-gcs-fault-tolerance`).",
            ),
        backend: z
            .enum(["redis", "rocksdb"])
            .default("redis")
            .describe(
                "`redis` (default): the team's Redis the platform registered (`gcsRedis` in the tenancy registry), over TLS with the secret `gcsRedisPassword`. `rocksdb`: KubeRay 1.7's embedded store (alpha) on a volume of the head, only where the platform declares the operator and its feature gate (Ray >= 2.57); KubeRay cannot change it later.",
            ),
        storageSize: quantity
            .default("1Gi")
            .describe("With `backend: rocksdb`: the size of the head's GCS volume (KubeRay's own default). Default 1Gi."),
    })
    .register(argTypes, {
        id: "GcsFaultTolerance",
        description:
            "GCS fault tolerance: the GCS keeps its state in the team's Redis (or KubeRay 1.7's embedded store) across head restarts.",
    });

export type GcsFaultToleranceConfig = z.infer<typeof gcsFaultToleranceSchema>;

/**
 * The Redis password as KubeRay hands it to `ray start`: `--redis-password=$REDIS_PASSWORD` in the
 * head's shell command line, unquoted, so whitespace would split it and `*`, `?`, `[` would expand
 * to file names. ApsaraDB for Redis passwords are 8-32 printable characters.
 */
export function gcsRedisPasswordProblems(password: string): string[] {
    const problems: string[] = [];
    if (password.length < 8 || password.length > 128) {
        problems.push(`must be 8-128 characters (it has ${password.length})`);
    }
    if (/[^\x21-\x7e]/.test(password)) {
        problems.push("may only contain printable ASCII characters, no whitespace (KubeRay passes it to ray start unquoted)");
    }
    if (/[*?[]/.test(password)) {
        problems.push("must not contain *, ? or [ (KubeRay passes it to ray start unquoted, where the shell expands them to file names)");
    }
    return problems;
}
