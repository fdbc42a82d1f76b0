import { strict as assert } from "assert";
import * as vm from "vm";
import * as pulumi from "@pulumi/pulumi";

/**
 * Serializes a dynamic provider as Pulumi does and revives it in a fresh vm context, as the
 * provider host does (`require(text).handler()`): what runs at `pulumi up` is this copy.
 */
export async function reviveSerialized(provider: pulumi.dynamic.ResourceProvider): Promise<Required<pulumi.dynamic.ResourceProvider>> {
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    assert.equal(sf.containsSecrets, false);
    assert.equal(sf.exportName, "handler");
    return reviveText(sf.text);
}

/** A serialized provider's text (`exports.handler = ...`, as `__provider` holds it) revived in a fresh vm context. */
export function reviveText(text: string): Required<pulumi.dynamic.ResourceProvider> {
    const mod = { exports: {} as Record<string, () => pulumi.dynamic.ResourceProvider> };
    vm.runInContext(text, vm.createContext({ require, module: mod, exports: mod.exports }), { filename: "serialized-provider.js" });
    return mod.exports.handler() as Required<pulumi.dynamic.ResourceProvider>;
}
