/** Version floors the config refuses and the pack checks. */

/** The lowest Ray release without the dashboard remote-code-execution CVEs. */
export const MIN_RAY_VERSION = "2.54.0";

/**
 * The oldest KubeRay operator the package works with, for the config (`kubeRayVersion`) and the pack
 * (`ray-kuberay-version`) alike: the first release with `spec.authOptions.secretName`, which every
 * RayCluster the package builds sets (its Ray token Secret), and whose RayClusters recreate their
 * pods when the spec changes (`upgradeStrategy: Recreate`), which certificate and token rotations need.
 */
export const MIN_KUBERAY_VERSION = "1.6.0";
