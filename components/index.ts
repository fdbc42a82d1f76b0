/**
 * The public API of ray-on-ack: components, their args, their spec builders and the config
 * schema. Importing it registers nothing: resources exist only once a component is constructed.
 */
export * from "./args";
export * from "./componentArgs";
export * from "./stack/teamEnvironment";
export { parsedTeamArgs } from "./stack/teamArgs";
export * from "./namespace/teamNamespace";
export * from "./identity/teamIdentity";
export * from "./network/teamNetworkPolicies";
export * from "./workload/hardenedRayCluster";
export * from "./workload/hardenedRayJob";
export * from "./workload/hardenedRayService";
export * from "./stack/platform";
export { TeamPki, type TeamPkiArgs, type TeamPkiCluster, type ClusterPki } from "./tls/TeamPki";
export { RayToken } from "./workload/rayToken";
export { kubeconfigFor, kubeconfigProblems, rrsaProviderFor, RrsaNotEnabledError } from "./rrsa/clusterLookup";
export { needsRrsaProvider, rrsaRolePlan, rrsaWanted } from "./rrsa/plan";
export * as builders from "./builders";
export * from "./config/schema";
export { validateStackConfig, formatIssues, type ConfigIssue, type StackConfig } from "./config/validate";
export * as testing from "./testing";
export { names, LABELS, ANNOTATIONS, RAY_PORTS } from "./core/naming";
