/** The public API of ray-on-ack: components, their spec builders and the config schema. */
export * from "./teamEnvironment";
export * from "./teamNamespace";
export * from "./teamIdentity";
export * from "./teamNetworkPolicies";
export * from "./hardenedRayCluster";
export * from "./hardenedRayJob";
export * from "./hardenedRayService";
export { TeamPki, type TeamPkiArgs, type TeamPkiCluster, type ClusterPki } from "./tls/TeamPki";
export { RayToken } from "./resources/rayToken";
export * as builders from "./builders";
export * from "./config/schema";
export { validateStackConfig, formatIssues, type ConfigIssue, type StackConfig } from "./config/validate";
export { names, LABELS, ANNOTATIONS, RAY_PORTS } from "./naming";
