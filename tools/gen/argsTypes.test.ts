/**
 * The components' public arg interfaces (components/args.ts) are generated from the zod models
 * (tools/gen/argsTypes.ts): the committed file must be what the generator writes today, and the
 * generator must turn each model into a plain interface the component provider host can describe,
 * or refuse it naming the key (provider/provider.test.ts builds the host's schema from the result).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { OUTPUT, generateArgsTypes } from "./argsTypes";

/** The text of `export interface <name> { ... }` in `text`. */
function interfaceIn(text: string, name: string): string {
    const start = text.indexOf(`export interface ${name} {`);
    assert.ok(start >= 0, `no interface ${name}`);
    return text.slice(start, text.indexOf("\n}\n", start) + 2);
}

/** A registry of the test's own models, so that a broken model never reaches the real one. */
function registryOf(models: Record<string, z.ZodType>): typeof argTypes {
    const registry = z.registry<{ id?: string; description?: string; notArg?: string }>();
    for (const [id, schema] of Object.entries(models)) {
        registry.add(schema, { id });
    }
    return registry;
}

describe("generated public arg interfaces (npm run gen:args)", function () {
    this.timeout(60_000);
    let current: Promise<string> | undefined;
    const generated = () => (current ??= generateArgsTypes());

    it("components/args.ts is what the generator writes from the zod models (stale: run npm run gen:args)", async () => {
        assert.ok((await generated()) === fs.readFileSync(OUTPUT, "utf8"), "components/args.ts is stale: run npm run gen:args");
    });

    it("has one plain interface per registered model, today's names, and no union anywhere", async () => {
        const text = await generated();
        const names = [...text.matchAll(/^export interface (\w+) \{/gm)].map((m) => m[1]);
        assert.deepStrictEqual(names, [...argTypes._idmap.keys()].sort());
        for (const name of [
            "Image",
            "WorkerGroup",
            "Head",
            "RayClusterSettings",
            "RayJobSettings",
            "RayServiceSettings",
            "Exposure",
            "ServeConfigV2",
            "PlatformLists",
            "TenancyRegistry",
            "Tenant",
        ]) {
            assert.ok(names.includes(name), name);
        }
        assert.doesNotMatch(text.replace(/\/\*\*[\s\S]*?\*\//g, ""), /\||unknown/, "a union or an unknown type reached the interfaces");
    });

    it("types quantities, enums, one-or-many and records plainly, and documents defaults zod's input view drops", async () => {
        const text = await generated();
        const head = interfaceIn(text, "Head");
        assert.match(head, /\* @default "2"\n\s+\*\/\n\s+cpu\?: string;/, "a transformed quantity keeps its default");
        assert.match(interfaceIn(text, "Toleration"), /One of: `Equal`, `Exists`\.\n\s+\*\/\n\s+operator\?: string;/);
        assert.match(interfaceIn(text, "RamStatement"), /\n {4}Action: string\[\];/, "a string or a list of them is the list");
        assert.match(interfaceIn(text, "WorkerGroup"), /rayStartParams\?: \{\n\s+\[k: string\]: any;/);
        assert.match(interfaceIn(text, "Tls"), /clients\?: TlsClient\[\];/, "a guard piped into a named shape is the shape");
    });

    it("merges a discriminated union into one interface whose keys name their modes", async () => {
        const exposure = interfaceIn(await generated(), "Exposure");
        assert.match(exposure, /One of: `private`, `loadbalancer`, `ingress`, `gateway`\.\n\s+\*\/\n\s+mode: string;/);
        assert.match(
            exposure,
            /With `mode: ingress`: Host name on the Ingress\.\n\s+\* With `mode: gateway`: .*\n\s+\* Required with `mode: ingress` and `mode: gateway`\.\n\s+\*\/\n\s+host\?: string;/,
        );
    });

    it("leaves out what is no arg: removed keys, the platform marker, the password the component takes as an Input", async () => {
        const text = await generated();
        const team = interfaceIn(text, "TeamEnvironmentSettings");
        for (const key of ["platform", "kubeconfig", "dashboardPassword"]) {
            assert.doesNotMatch(team, new RegExp(`\\n {4}${key}\\??:`), key);
        }
        assert.doesNotMatch(interfaceIn(text, "Cloud"), /kubeconfigSource/);
        assert.doesNotMatch(interfaceIn(text, "Volume"), /hostPath/);
        assert.doesNotMatch(interfaceIn(text, "ServeRuntimeEnv"), /\bpip\b/);
        assert.doesNotMatch(interfaceIn(text, "PlatformSettings"), /\n {4}platform\??:/);
    });

    it("refuses an object without a name, naming the key", async () => {
        const model = z.strictObject({ inner: z.strictObject({ a: z.string() }) });
        await assert.rejects(
            generateArgsTypes(registryOf({ Outer: model })),
            /Outer\.inner: an object without a name: register its schema in argTypes/,
        );
    });

    it("refuses a key that accepts anything unless it is marked notArg", async () => {
        const loose = z.strictObject({ name: z.string(), anything: z.unknown().optional() });
        await assert.rejects(generateArgsTypes(registryOf({ Loose: loose })), /Loose\.anything: accepts any value/);
    });

    it("refuses a union the host cannot describe, and two models registered under one name", async () => {
        const mixed = z.strictObject({ flag: z.union([z.boolean(), z.string()]) });
        await assert.rejects(
            generateArgsTypes(registryOf({ Mixed: mixed })),
            /Mixed\.flag: a union the component provider host cannot describe/,
        );
        const a = z.strictObject({ x: z.string() });
        const b = z.strictObject({ y: z.string() });
        const registry = registryOf({ Holder: z.strictObject({ a, b }), Twin: a });
        registry.add(b, { id: "Twin" });
        await assert.rejects(generateArgsTypes(registry), /two schemas are registered in argTypes as Twin/);
    });
});
