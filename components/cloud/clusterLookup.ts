/**
 * What the program reads from the ACK cluster: a kubeconfig for the Kubernetes provider and the
 * RRSA OIDC issuer and provider ARN. The kubeconfig always comes from the cluster: a stack file
 * cannot give one (a kubeconfig user's `exec` or `auth-provider` runs a command, or asks a plugin
 * for a token, inside `pulumi preview`/`up`, with the deploy's credentials).
 */
import * as pulumi from "@pulumi/pulumi";
import * as cs from "@pulumi/alicloud/cs";
import type { CloudConfig } from "./model";
import type { RrsaProvider } from "./ramPolicies";
import { kubeconfigProblems } from "@ray-on-ack/common/kubeconfig";

export { kubeconfigProblems };

/** The cluster's kubeconfig, refused (failing the deployment) if it would run anything. */
export function kubeconfigFor(cloud: CloudConfig, opts: pulumi.InvokeOptions): pulumi.Output<string> {
    const credential = cs.getClusterCredentialOutput({ clusterId: cloud.clusterId, temporaryDurationMinutes: 60 }, opts);
    return pulumi.secret(
        credential.kubeConfig.apply((text) => {
            const problems = kubeconfigProblems(text, `the kubeconfig of cluster ${cloud.clusterId}`);
            if (problems.length > 0) {
                throw new pulumi.RunError(problems.join("\n"));
            }
            return text;
        }),
    );
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
