/**
 * Personal identity (`clusters[].identity.mode: personal`): each person reaches a RayCluster with
 * their own Kubernetes bearer token, which Ray's head checks with the API server. Facts checked
 * against KubeRay 1.6.2/1.7.0 and Ray 2.60 (docs/design.md "People: personal identity"):
 *
 * - KubeRay (>= 1.6.0) reads `spec.authOptions: {mode: token, enableK8sTokenAuth: true}` on a
 *   RayCluster only (its validation refuses it for RayJob and RayService), refuses it together
 *   with `authOptions.secretName` and below Ray 2.55.0, and sets RAY_ENABLE_K8S_TOKEN_AUTH=true.
 * - Ray's nodes present the token at /var/run/secrets/ray.io/serviceaccount/token to each other,
 *   and every Ray server (GCS, raylets, the dashboard and Jobs API, Ray Client) checks a caller's
 *   token with a TokenReview, then a SubjectAccessReview for verb `ray:write` on `rayclusters`
 *   (group ray.io) named after its own RayCluster, in its namespace; it calls the API server with
 *   the token and CA at /var/run/secrets/kubernetes.io/serviceaccount. Both are the pod's
 *   ServiceAccount's: head and workers alike need `create` on both reviews and `ray:write` on their
 *   own RayCluster.
 * - Ray caches an admitted token for 5 minutes per process and asks again only after that
 *   (refusals are not cached): the bound on revoking a person.
 */

/** The verb Ray's SubjectAccessReview asks for on the RayCluster (Ray 2.55+). */
export const RAY_ACCESS_VERB = "ray:write";

/** Ray's cache of admitted tokens (Ray 2.60, measured on the e2e node: 300 s): the bound on revoking a person. */
export const RAY_TOKEN_CACHE_SECONDS = 300;

/** The lowest Ray release whose servers check Kubernetes tokens (KubeRay refuses enableK8sTokenAuth below it). */
export const MIN_PERSONAL_IDENTITY_RAY_VERSION = "2.55.0";

/** KubeRay's projected-token volume name: a pod that already has it gets neither KubeRay's volume nor its mount. */
export const RAY_TOKEN_VOLUME = "ray-token";

/** Where Ray reads the token it presents (KubeRay's mount) and the credential it checks callers with. */
export const RAY_TOKEN_MOUNT_PATHS = ["/var/run/secrets/ray.io/serviceaccount", "/var/run/secrets/kubernetes.io/serviceaccount"] as const;

/** The platform's ClusterRole: create TokenReviews and SubjectAccessReviews, nothing else. */
export const TOKEN_REVIEWER_CLUSTER_ROLE = "ray-on-ack-token-reviewer";

export const TOKEN_REVIEWER_RULES: readonly { apiGroups: string[]; resources: string[]; verbs: string[] }[] = [
    { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
    { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
];

/** A team stack's one ClusterRoleBinding: its personal clusters' ServiceAccounts to the platform's reviewer role. */
export const tokenReviewerBindingName = (namespace: string): string => `ray-on-ack-${namespace}-token-reviewers`;

/** The only roleRef a team stack's ClusterRoleBinding may carry. */
export const TOKEN_REVIEWER_ROLE_REF = {
    apiGroup: "rbac.authorization.k8s.io",
    kind: "ClusterRole",
    name: TOKEN_REVIEWER_CLUSTER_ROLE,
} as const;

/** `authOptions.enableK8sTokenAuth: true` on a RayCluster spec (or a RayJob's or RayService's embedded one). */
export const isPersonalIdentity = (clusterSpec: { authOptions?: { enableK8sTokenAuth?: unknown } } | undefined): boolean =>
    clusterSpec?.authOptions?.enableK8sTokenAuth === true;
