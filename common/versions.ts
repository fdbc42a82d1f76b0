/** Version floors the config refuses and the pack checks. */

/** The lowest Ray release without the dashboard remote-code-execution CVEs. */
export const MIN_RAY_VERSION = "2.54.0";

/** The first KubeRay release that wires Ray token authentication through spec.authOptions. */
export const MIN_KUBERAY_VERSION = "1.5.1";
