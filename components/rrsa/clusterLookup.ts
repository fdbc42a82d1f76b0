/**
 * What the program reads from the ACK cluster: a kubeconfig for the Kubernetes provider and
 * the RRSA OIDC issuer and provider ARN. Either from the cluster (default) or from config
 * (bring-your-own, for accounts where the deployer may not call the ACK API).
 */
import * as pulumi from "@pulumi/pulumi";
import * as cs from "@pulumi/alicloud/cs";
import type { CloudConfig } from "./schema";
import type { RrsaProvider } from "./ramPolicies";

export function kubeconfigFor(cloud: CloudConfig, configured: string | undefined, opts: pulumi.InvokeOptions): pulumi.Output<string> {
    if (cloud.kubeconfigSource === "config") {
        return pulumi.secret(pulumi.output(configured ?? ""));
    }
    const credential = cs.getClusterCredentialOutput({ clusterId: cloud.clusterId, temporaryDurationMinutes: 60 }, opts);
    return pulumi.secret(credential.kubeConfig);
}

export class RrsaNotEnabledError extends Error {}

export function rrsaProviderFor(cloud: CloudConfig, opts: pulumi.InvokeOptions): pulumi.Output<RrsaProvider> {
    if (cloud.rrsaIssuerUrl && cloud.rrsaProviderArn) {
        return pulumi.output({ issuerUrl: cloud.rrsaIssuerUrl, providerArn: cloud.rrsaProviderArn });
    }
    const found = cs.getManagedKubernetesClustersOutput({ ids: [cloud.clusterId], enableDetails: true }, opts);
    return found.clusters.apply((clusters) => {
        const cluster = clusters.find((c) => c.id === cloud.clusterId);
        if (!cluster) {
            throw new RrsaNotEnabledError(`cloud.clusterId: no ACK managed cluster ${cloud.clusterId} in ${cloud.region}`);
        }
        const rrsa = cluster.rrsaConfig;
        if (!rrsa?.enabled || !rrsa.rrsaOidcIssuerUrl || !rrsa.ramOidcProviderArn) {
            throw new RrsaNotEnabledError(
                `cloud.clusterId: RRSA is not enabled on cluster ${cloud.clusterId}; enable it on the cluster (ACK console, cluster information, RRSA OIDC) or set rrsa.enabled: false`,
            );
        }
        return { issuerUrl: rrsa.rrsaOidcIssuerUrl, providerArn: rrsa.ramOidcProviderArn };
    });
}
