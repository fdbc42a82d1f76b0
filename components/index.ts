/**
 * The public API of ray-on-ack: components, their args, their spec builders and the config
 * schema. Importing it registers nothing: resources exist only once a component is constructed.
 */
export * from "./args";
export * from "./componentArgs";
export * from "./team/teamEnvironment";
export { parsedTeamArgs } from "./team/teamArgs";
export * from "./namespace/teamNamespace";
export * from "./identity/teamIdentity";
export * from "./network/teamNetworkPolicies";
export * from "./ray/hardenedRayCluster";
export * from "./ray/hardenedRayJob";
export * from "./ray/hardenedRayService";
export * from "./platform/platform";
export { TeamPki, type TeamPkiArgs, type TeamPkiCluster, type ClusterPki } from "./tls/teamPki";
export { RayToken } from "./providers/rayToken";
export { kubeconfigFor, kubeconfigProblems, rrsaProviderFor, RrsaNotEnabledError } from "./cloud/clusterLookup";
export { needsRrsaProvider, rrsaRolePlan, rrsaWanted } from "./cloud/rrsaPlan";
export * as builders from "./builders";
export * from "./config/model";
export { validateStackConfig, formatIssues, type ConfigIssue, type StackConfig } from "./config/validate";
export * as testing from "./testing";
export { names, LABELS, ANNOTATIONS, RAY_PORTS } from "./core/naming";
