/**
 * Policy ids: the policy pack's policy names, the keys of its `--policy-pack-config` file (where
 * the platform grants exceptions) and the values the `ray-on-ack.io/policy-exceptions` annotation
 * lists to explain them. Components that make a documented opt-in import the id from here, so an
 * annotation cannot name a policy that does not exist.
 */
export const POLICY_IDS = {
    tlsRequired: "ray-tls-required",
    serviceNotPublic: "ray-service-not-public",
    ingressAuthenticated: "ray-ingress-authenticated",
    clbAclRestricted: "ray-clb-acl-restricted",
    clbHttpsListener: "ray-clb-https-listener",
    ingressClassAllowed: "ray-ingress-class-allowed",
    ingressNoSnippets: "ray-ingress-no-snippets",
    tokenAuthRequired: "ray-token-auth-required",
    kuberayVersion: "ray-kuberay-version",
    networkPolicyDefaultDeny: "ray-network-policy-default-deny",
    rayVersionMinimum: "ray-version-minimum",
    headServiceClusterIp: "ray-head-service-clusterip",
    namespacePsaRestricted: "ray-namespace-psa-restricted",
    namespaceQuota: "ray-namespace-quota",
    serviceAccountToken: "ray-service-account-token",
    rbacLeastPrivilege: "ray-rbac-least-privilege",
    autoscalerScope: "ray-autoscaler-scope",
    dedicatedServiceAccount: "ray-dedicated-service-account",
    podSecurityRestricted: "ray-pod-security-restricted",
    readOnlyRootFilesystem: "ray-readonly-root-filesystem",
    hostPathRestricted: "ray-hostpath-restricted",
    imageRegistryAllowed: "ray-image-registry-allowed",
    imageTagPinned: "ray-image-tag-pinned",
    resourcesRequired: "ray-resources-required",
    noAccessKeys: "ray-no-access-keys",
    rrsaTrustPolicy: "ray-rrsa-trust-policy",
    ramPolicyLeastPrivilege: "ray-ram-policy-least-privilege",
    jobCleanup: "ray-job-cleanup",
    manifestsVisible: "ray-manifests-visible",
    rbacSubjects: "ray-rbac-subjects",
    networkPolicyContents: "ray-network-policy-contents",
    volumeReadOnly: "ray-volume-read-only",
    podScheduling: "ray-pod-scheduling",
    gatewayRouteAuthenticated: "ray-gateway-route-authenticated",
    tenancy: "ray-tenancy",
    podMetadata: "ray-pod-metadata",
    volumeMounts: "ray-volume-mounts",
    podControllers: "ray-pod-controllers",
    basicAuthFallback: "ray-basic-auth-fallback",
    personalIdentity: "ray-personal-identity",
    gcsFaultTolerance: "ray-gcs-fault-tolerance",
    metricsScrape: "ray-metrics-scrape",
} as const;

export type PolicyId = (typeof POLICY_IDS)[keyof typeof POLICY_IDS];
