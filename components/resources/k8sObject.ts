/**
 * Turns a plain Kubernetes object from a spec builder into the matching Pulumi resource.
 * The typed classes are used where they exist so that previews and policies see the real
 * resource types; KubeRay's kinds go through CustomResource.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

type Ctor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const TYPED: Record<string, Ctor> = {
    "v1/Namespace": k8s.core.v1.Namespace,
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/Service": k8s.core.v1.Service,
    "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
    "v1/LimitRange": k8s.core.v1.LimitRange,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
    "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress,
};

export function k8sObject(resourceName: string, obj: Record<string, any>, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const ctor = TYPED[`${obj.apiVersion}/${obj.kind}`];
    if (ctor) {
        return new ctor(resourceName, obj, opts);
    }
    return new k8s.apiextensions.CustomResource(resourceName, obj as k8s.apiextensions.CustomResourceArgs, opts);
}
