/**
 * A Pulumi dynamic resource whose provider was serialized when the package was built, not each
 * time the program runs.
 *
 * `pulumi.dynamic.Resource` serializes its provider in the program, at every preview and up,
 * with Pulumi's closure serializer: a V8 inspector session over every loaded script and a
 * TypeScript parse of each captured function, about 0.45 s of team-a's preview before the first
 * registration leaves. The text does not depend on the stack, only on the code, so the builds
 * (`npm run build` to lib/, `npm run build:program` to bin/; tools/build/serializeProviders.ts)
 * run the same serializer once and write its output beside the compiled module, and the program
 * reads it. The resource is what `dynamic.Resource` registers: the same type token and a
 * `__provider` input, so existing stacks see the same resources (the dynamic-provider host diffs
 * through the provider's own `diff`, which ignores `__provider`).
 *
 * Run from the TypeScript sources (the unit tests under ts-node) there is no build: the provider
 * is serialized on demand, as `dynamic.Resource` would. Compiled without its serialized text, a
 * resource refuses to register rather than fall back silently to the slow path.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_RESOURCE_TYPE, serializedProviderFile } from "./dynamicType";

/** Where a provider module exports its provider object from. */
export interface ProviderExport {
    /** The provider module's `__filename`: components/providers/pkiResource.ts, or its compiled .js in lib/ or bin/. */
    readonly file: string;
    /** The export that holds the provider object, e.g. `rayPkiProvider`. */
    readonly exportName: string;
    readonly provider: pulumi.dynamic.ResourceProvider;
}

const texts = new Map<string, pulumi.Input<string>>();

/** The provider's serialized text: read from the build, or (from sources) serialized now. */
export function providerText(p: ProviderExport): pulumi.Input<string> {
    const key = `${p.file}#${p.exportName}`;
    let text = texts.get(key);
    if (text === undefined) {
        if (p.file.endsWith(".ts")) {
            // Loaded on demand, as dynamic.Resource does: its dependencies are slow to load.
            const sc: typeof import("@pulumi/pulumi/runtime/closure/serializeClosure") = require("@pulumi/pulumi/runtime/closure/serializeClosure");
            text = sc.serializeFunction(() => p.provider, { allowSecrets: false }).then((f) => f.text);
        } else {
            const file = serializedProviderFile(p.file, p.exportName);
            try {
                text = fs.readFileSync(file, "utf8");
            } catch {
                throw new Error(
                    `${p.exportName}: no serialized provider at ${file}; rebuild the package (npm run build, npm run build:program)`,
                );
            }
        }
        texts.set(key, text);
    }
    return text;
}

/** `pulumi.dynamic.Resource` with the provider's text from the build. */
export abstract class PrebuiltDynamicResource extends pulumi.CustomResource {
    protected constructor(provider: ProviderExport, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        if ("__provider" in props) {
            throw new Error("A dynamic resource must not define the __provider key");
        }
        super(DYNAMIC_RESOURCE_TYPE, name, { ...props, __provider: providerText(provider) }, opts);
    }
}
