/**
 * Labels and annotations the components set and the policy pack reads. The pack must not
 * import the components (it judges them), so the names both sides agree on live here.
 */

export const MANAGED_BY = "ray-on-ack";

export const LABELS = {
    managedBy: "app.kubernetes.io/managed-by",
    team: "ray-on-ack.io/team",
    /** Our own cluster label, set on pod templates: RayJob clusters get a random `ray.io/cluster` name. */
    cluster: "ray-on-ack.io/cluster",
    role: "ray-on-ack.io/role",
    /** Set by KubeRay on every pod of a RayCluster. */
    rayCluster: "ray.io/cluster",
    rayNodeType: "ray.io/node-type",
} as const;

export const ANNOTATIONS = {
    /** Changes when a pod's certificates change, so that a rotation restarts the pods (Ray does not reload certificates). */
    tlsFingerprint: "ray-on-ack.io/tls-fingerprint",
    /** Changes when the Ray token is rotated (a truncated sha256 of it), so that a rotation restarts the pods too. */
    tokenFingerprint: "ray-on-ack.io/token-fingerprint",
    /**
     * Comma-separated policy ids a resource relies on an exception to. It only explains: the
     * exception itself must be granted in the pack's configuration (platform/policy-pack-config.json).
     */
    policyExceptions: "ray-on-ack.io/policy-exceptions",
} as const;

/** Prefix of the Alibaba Cloud CLB annotations on a LoadBalancer Service (ACL, address type, ...). */
export const CLB_ANNOTATION_PREFIX = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";

/**
 * Label and annotation keys ray-on-ack's own builders write, which no platform allowlist lists
 * (most are in reserved domains): ray-pod-metadata admits them only where the builders put them, on
 * the pod templates of a RayCluster, RayJob or RayService and on a Namespace. On a hand-written
 * Deployment or Pod they are refused like any other reserved key: `ray-on-ack.io/cluster` and
 * `ray-on-ack.io/role` would give such a pod the NetworkPolicy flows of a Ray head.
 * KubeRay's own `ray.io/*` labels are not here: KubeRay adds them to the pods it creates, never to
 * a template, so a template carrying one is refused (`ray.io/cluster` and `ray.io/node-type` select
 * a RayCluster's head in the NetworkPolicies).
 */
export const BUILDER_POD_LABEL_KEYS: readonly string[] = [LABELS.managedBy, LABELS.team, LABELS.cluster, LABELS.role];

/** The RRSA webhook's per-pod setting: the builders limit its credentials to the Ray containers. */
export const RRSA_ONLY_CONTAINERS_ANNOTATION = "pod-identity.alibabacloud.com/only-containers";
/** ACK's Ray HistoryServer opt-in: its webhook takes over the pod (ServiceAccount, postStart); the pack needs a grant (ray-pod-controllers). */
export const HISTORY_SERVER_ANNOTATION = "ray.alibabacloud.com/enable-historyserver";

export const BUILDER_POD_ANNOTATION_KEYS: readonly string[] = [
    ANNOTATIONS.tlsFingerprint,
    ANNOTATIONS.tokenFingerprint,
    RRSA_ONLY_CONTAINERS_ANNOTATION,
];

/** The RRSA webhook injects credentials into the pods of a namespace with this label set to "on". */
export const RRSA_INJECTION_LABEL = "pod-identity.alibabacloud.com/injection";

/** Pod Security Admission's namespace labels (the levels are ray-namespace-psa-restricted's to judge). */
export const POD_SECURITY_LABELS: readonly string[] = ["enforce", "audit", "warn"].flatMap((mode) => [
    `pod-security.kubernetes.io/${mode}`,
    `pod-security.kubernetes.io/${mode}-version`,
]);

/** `kubernetes.io/metadata.name` is set by the API server itself, to the namespace's name. */
export const BUILDER_NAMESPACE_LABEL_KEYS: readonly string[] = [
    LABELS.managedBy,
    LABELS.team,
    RRSA_INJECTION_LABEL,
    ...POD_SECURITY_LABELS,
    "kubernetes.io/metadata.name",
];
