/**
 * The spec builders of the public API (`builders` in components/index.ts), gathered from their
 * concern folders; the library itself imports each from its own folder, never from here.
 */
export * from "../exposure/access";
export * from "../identity/autoscalerScope";
export * from "../identity/identity";
export * from "../images/image";
export * from "../core/meta";
export * from "../namespace/namespace";
export * from "../network/networkPolicies";
export * from "../ray/podSecurity";
export * from "../ray/rayCluster";
export * from "../ray/rayJob";
export * from "../providers/tokenSecret";
export * from "../ray/rayService";
export * from "../ray/rayWorkload";
