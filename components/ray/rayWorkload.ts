/**
 * The one entry point of the Ray workload builders: the spec of a RayCluster, a RayJob or a
 * RayService from the same input, by `kind`. All three build their cluster with rayClusterSpec();
 * a RayJob adds its submitter and named head Service (rayJob.ts), a RayService its Serve config and
 * Service (rayService.ts). HardenedRayCluster, HardenedRayJob and HardenedRayService call this.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RayWorkloadArgs } from "../componentArgs";
import { HISTORY_SERVER_ANNOTATION, RRSA_ONLY_CONTAINERS_ANNOTATION } from "@ray-on-ack/common";
import { resolveImage } from "../images/image";
import { rayClusterSpec, type RayClusterSpecInput } from "./rayCluster";
import { rayJobSpec } from "./rayJob";
import { rayServiceSpec } from "./rayService";
import type { RayClusterConfig, RayJobConfig, RayServiceConfig } from "./model";

/** What every kind takes; `image` defaults to the workload's own (`image` and `rayVersion`, resolved). */
export type WorkloadCommon = Omit<RayClusterSpecInput, "kind" | "cluster" | "image"> & { readonly image?: string };

/** What a Hardened component's args give the builder, with its token's fingerprint (KubeRay 1.6.2 unless told). */
export function specInputOf(args: RayWorkloadArgs, tokenFingerprint: pulumi.Input<string>): WorkloadCommon {
    return {
        team: args.team,
        namespace: args.namespace,
        tlsFingerprint: args.tlsFingerprint,
        tokenFingerprint,
        kubeRayVersion: args.kubeRayVersion ?? "1.6.2",
        podAnnotations: builderPodAnnotations(args),
        gcsStore: args.gcsStore,
    };
}

/** The pod annotations the builders set themselves: never taken from a team's keys, which the allowlist judges. */
function builderPodAnnotations(args: Pick<RayWorkloadArgs, "rrsaInjection" | "historyServer">): Record<string, string> {
    return {
        // RRSA credentials go to the Ray containers only, never to the autoscaler or injected containers.
        ...(args.rrsaInjection ? { [RRSA_ONLY_CONTAINERS_ANNOTATION]: "ray-head,ray-worker" } : {}),
        ...(args.historyServer ? { [HISTORY_SERVER_ANNOTATION]: "true" } : {}),
    };
}

export type RayWorkloadSpecInput =
    | (WorkloadCommon & { readonly kind: "RayCluster"; readonly workload: RayClusterConfig })
    | (WorkloadCommon & { readonly kind: "RayJob"; readonly workload: RayJobConfig })
    | (WorkloadCommon & { readonly kind: "RayService"; readonly workload: RayServiceConfig });

type SpecOf<K extends RayWorkloadSpecInput["kind"]> = K extends "RayCluster"
    ? ReturnType<typeof rayClusterSpec>
    : K extends "RayJob"
      ? ReturnType<typeof rayJobSpec>
      : ReturnType<typeof rayServiceSpec>;

export function rayWorkloadSpec<I extends RayWorkloadSpecInput>(input: I): SpecOf<I["kind"]>;
export function rayWorkloadSpec(input: RayWorkloadSpecInput): SpecOf<RayWorkloadSpecInput["kind"]> {
    const { workload } = input;
    const common = { ...input, image: input.image ?? resolveImage(workload.image, workload.rayVersion).reference };
    switch (input.kind) {
        case "RayCluster":
            return rayClusterSpec({ ...common, kind: "RayCluster", cluster: input.workload });
        case "RayJob":
            return rayJobSpec({ ...common, job: input.workload });
        case "RayService":
            return rayServiceSpec({ ...common, service: input.workload });
    }
}
