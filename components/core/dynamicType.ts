/**
 * The type token of every Pulumi dynamic resource (`pulumi.dynamic.Resource` without a module) and
 * the package it belongs to. A file of its own, importing nothing, so that `ray-on-ack/host` can
 * name them without loading the Pulumi SDK's index.
 */
export const DYNAMIC_PROVIDER_PACKAGE = "pulumi-nodejs";
export const DYNAMIC_RESOURCE_TYPE = `${DYNAMIC_PROVIDER_PACKAGE}:dynamic:Resource`;
