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
