/**
 * The public API of ray-on-ack: components, their args, their spec builders and the config
 * schema. Importing it registers nothing: resources exist only once a component is constructed.
 */
export * from "./args";
export * from "./deprecatedArgs";
export * from "./teamEnvironment";
export { teamEnvironmentArgs } from "./teamArgs";
export * from "./teamNamespace";
export * from "./teamIdentity";
export * from "./teamNetworkPolicies";
export * from "./hardenedRayCluster";
export * from "./hardenedRayJob";
export * from "./hardenedRayService";
export * from "./platform";
export { TeamPki, type TeamPkiArgs, type TeamPkiCluster, type ClusterPki } from "./tls/TeamPki";
export { RayToken } from "./resources/rayToken";
export { kubeconfigFor, rrsaProviderFor, RrsaNotEnabledError } from "./cloud/clusterLookup";
export * as builders from "./builders";
export * from "./config/schema";
export { validateStackConfig, formatIssues, type ConfigIssue, type StackConfig } from "./config/validate";
export * as testing from "./testing";
export { names, LABELS, ANNOTATIONS, RAY_PORTS } from "./naming";
