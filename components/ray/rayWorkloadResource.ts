/**
 * What HardenedRayCluster, HardenedRayJob and HardenedRayService do once each has parsed its own
 * args: the workload's Ray token Secret, then its KubeRay resource, which waits for the Secret.
 * One place, so the three kinds cannot drift apart in naming, ownership or ordering. A RayCluster
 * with personal identity has no token: each person presents their own (`staticToken: false`).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RayWorkloadArgs } from "../componentArgs";
import { objectMeta } from "../core/meta";
import { rayResource, type RaySpecs } from "./crds/rayResource";
import { specInputOf, type WorkloadCommon } from "./rayWorkload";
import { rayTokenSecret } from "../providers/rayToken";

export function rayWorkloadResource<K extends keyof RaySpecs>(
    parent: pulumi.ComponentResource,
    name: string,
    kind: K,
    workloadName: string,
    args: RayWorkloadArgs,
    spec: (common: WorkloadCommon) => RaySpecs[K],
    staticToken = true,
): void {
    const { team, namespace } = args;
    const token = staticToken
        ? rayTokenSecret(name, { team, namespace, cluster: workloadName, rotation: args.tokenRotation }, parent)
        : undefined;
    // The KubeRay operator writes into the cluster spec a RayJob or a RayService embeds, so
    // server-side apply of any later change (a certificate or token rotation) conflicts with its
    // field manager; the stack owns the spec, so Pulumi takes the fields back.
    const annotations = kind === "RayCluster" ? undefined : { "pulumi.com/patchForce": "true" };
    rayResource(
        `${name}-${kind.toLowerCase()}`,
        kind,
        objectMeta(workloadName, namespace, team, { policyExceptions: args.policyExceptions, annotations }),
        spec(specInputOf(args, token?.fingerprint)),
        { parent, dependsOn: token ? [token.secret] : [] },
    );
}
