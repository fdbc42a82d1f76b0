/**
 * @ray-on-ack/common: the facts the components and the policy pack both need. It imports
 * nothing from components/ or policy/, so that the pack judges the components without
 * depending on them. The pack imports it by package name (an npm workspace), never by a
 * relative path, so that `pulumi policy publish` carries it (policy/bundleCommon.js).
 */
export * from "./accessKeys";
export * from "./exposure";
export * from "./gcs";
export * from "./images";
export * from "./labels";
export * from "./policyIds";
export * from "./podOptions";
export * from "./ports";
export * from "./sts";
export * from "./tlsEnv";
export * from "./versions";
