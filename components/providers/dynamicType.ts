/**
 * The type token of every Pulumi dynamic resource (`pulumi.dynamic.Resource` without a module),
 * the package it belongs to, and where the builds put a provider's serialized text. A file of its
 * own, importing no package, so that `ray-on-ack/host` and the build scripts can use them without
 * loading the Pulumi SDK's index.
 */
import * as path from "path";

export const DYNAMIC_PROVIDER_PACKAGE = "pulumi-nodejs";
export const DYNAMIC_RESOURCE_TYPE = `${DYNAMIC_PROVIDER_PACKAGE}:dynamic:Resource`;

/** The file the builds write a provider's serialized text to, beside the compiled module (providers/prebuilt.ts reads it). */
export function serializedProviderFile(compiledModule: string, exportName: string): string {
    return path.join(path.dirname(compiledModule), `${exportName}.serialized.js`);
}
