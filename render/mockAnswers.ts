/**
 * Realistic answers to the lookups the program makes, for the renderer and the tests:
 * shaped like the Alibaba Cloud API's answers for the stack's own cluster and vSwitches.
 * An invoke with no answer here fails the run, so a new lookup cannot slip in unnoticed.
 */

export interface MockContext {
    /** The stack's pod CIDRs: the vSwitches answer with them, as a correctly set-up account would. */
    readonly podCidrs: readonly string[];
    /** Entries of existing CLB ACLs by id; the renderer answers with each cluster's `sourceCidrs`, as a consistent account would. */
    readonly acls?: Readonly<Record<string, readonly string[]>>;
}

const RRSA_ISSUER = (clusterId: string) => `https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/${clusterId}`;

function kubeconfig(clusterId: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: ${clusterId}, cluster: {server: "https://192.168.0.10:6443", certificate-authority-data: "LS0tLS1CRUdJTi..."}}]`,
        `contexts: [{name: ${clusterId}-ray-on-ack, context: {cluster: ${clusterId}, user: ray-on-ack}}]`,
        `current-context: ${clusterId}-ray-on-ack`,
        'users: [{name: ray-on-ack, user: {client-certificate-data: "LS0t...", client-key-data: "LS0t..."}}]',
        "",
    ].join("\n");
}

/**
 * The address a load balancer is given once it exists (TEST-NET-3, RFC 5737, so a render's outputs
 * can never be mistaken for a real CLB): ACK's cloud controller writes the CLB's address into the
 * Service's `status.loadBalancer.ingress`, which `pulumi up` waits for.
 */
export const MOCK_LOAD_BALANCER_ADDRESS = "203.0.113.10";

/** State a provider adds to a resource's inputs once it is created (what the outputs read back). */
export function answerResourceState(type: string, inputs: Record<string, any>): Record<string, any> {
    if (type === "kubernetes:core/v1:Service" && inputs.spec?.type === "LoadBalancer") {
        return { status: { loadBalancer: { ingress: [{ ip: MOCK_LOAD_BALANCER_ADDRESS }] } } };
    }
    return {};
}

export function answerInvoke(token: string, inputs: Record<string, any>, ctx: MockContext): Record<string, any> {
    switch (token) {
        case "alicloud:cs/getClusterCredential:getClusterCredential":
            return {
                id: inputs.clusterId,
                clusterId: inputs.clusterId,
                clusterName: "ray-prod",
                kubeConfig: kubeconfig(inputs.clusterId),
                expiration: "2099-01-01T00:00:00Z",
                certificateAuthority: { clusterCert: "", clientCert: "", clientKey: "" },
            };
        case "alicloud:cs/getManagedKubernetesClusters:getManagedKubernetesClusters":
            return {
                id: "clusters",
                ids: inputs.ids,
                names: ["ray-prod"],
                clusters: (inputs.ids ?? []).map((id: string) => ({
                    id,
                    name: "ray-prod",
                    rrsaConfig: {
                        enabled: true,
                        rrsaOidcIssuerUrl: RRSA_ISSUER(id),
                        ramOidcProviderName: `ack-rrsa-${id}`,
                        ramOidcProviderArn: `acs:ram::1234567890123456:oidc-provider/ack-rrsa-${id}`,
                    },
                })),
            };
        case "alicloud:vpc/getSwitches:getSwitches":
            return {
                id: "vswitches",
                ids: inputs.ids,
                vswitches: (inputs.ids ?? []).map((id: string, i: number) => ({
                    id,
                    cidrBlock: ctx.podCidrs[i] ?? "0.0.0.0/32",
                    zoneId: "cn-hangzhou-k",
                })),
            };
        case "alicloud:slb/getAcls:getAcls":
            return {
                id: "acls",
                ids: inputs.ids,
                acls: (inputs.ids ?? [])
                    .filter((id: string) => ctx.acls?.[id] !== undefined)
                    .map((id: string) => ({
                        id,
                        name: id,
                        ipVersion: "ipv4",
                        entryLists: ctx.acls![id].map((entry) => ({ entry, comment: "" })),
                        relatedListeners: [],
                        resourceGroupId: "rg-default",
                    })),
            };
        default:
            throw new Error(`unexpected invoke ${token}(${JSON.stringify(inputs)}): add a realistic answer to render/mockAnswers.ts`);
    }
}
