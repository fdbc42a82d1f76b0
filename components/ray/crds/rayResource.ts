/**
 * The KubeRay kinds as Pulumi resources: `@pulumi/kubernetes` has no classes for CRDs, so they go
 * through `CustomResource`, which takes any fields; this helper takes the generated spec type of
 * the kind instead, so that a misspelt or mistyped field in a Ray spec fails at tsc.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import type { RayClusterSpec, RayJobSpec, RayServiceSpec } from "./rayV1";

/** Each `ray.io/v1` kind and its spec type. */
export interface RaySpecs {
    RayCluster: RayClusterSpec;
    RayJob: RayJobSpec;
    RayService: RayServiceSpec;
}

const KINDS: Record<keyof RaySpecs, true> = { RayCluster: true, RayJob: true, RayService: true };

/** Their Pulumi type tokens (`kubernetes:ray.io/v1:RayCluster`, ...): the objects that start pods. */
export const KUBERAY_TYPES: readonly string[] = Object.keys(KINDS).map((kind) => `kubernetes:ray.io/v1:${kind}`);

export function rayResource<K extends keyof RaySpecs>(
    name: string,
    kind: K,
    metadata: k8s.types.input.meta.v1.ObjectMeta,
    spec: RaySpecs[K],
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new apiextensions.CustomResource(name, { apiVersion: "ray.io/v1", kind, metadata, spec }, opts);
}
