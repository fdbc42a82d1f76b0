/**
 * The dynamic-provider host the program starts first (components/host.ts), and the providers the
 * builds serialize (components/providers/prebuilt.ts, tools/build/serializeProviders.ts).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { DYNAMIC_PROVIDERS } from "../../tools/build/serializeProviders";
import { DYNAMIC_RESOURCE_TYPE, serializedProviderFile } from "./dynamicType";
import { providerText } from "./prebuilt";
import { onDynamicProviderHost, type DynamicProviderHost } from "../host";
import { rayPkiProvider } from "./pkiResource";
import { PKI_DEFAULTS, type PkiRequest } from "./pki";
import { reviveText } from "../../test/helpers/serialized";
import { probeProgram } from "../../test/helpers/programProbe";

const ROOT = path.resolve(__dirname, "..", "..");

describe("the dynamic-provider host", function () {
    this.timeout(180_000);

    it("a team stack registers it first and runs every dynamic resource, and only those, on it", () => {
        const resources = probeProgram("team-a");
        const hosts = resources.filter((r) => r.type === "pulumi:providers:pulumi-nodejs");
        assert.deepEqual(
            hosts.map((h) => h.name),
            ["ray-on-ack-dynamic"],
        );
        assert.equal(resources.indexOf(hosts[0]), 0, "before every other resource");
        const dynamic = resources.filter((r) => r.type === DYNAMIC_RESOURCE_TYPE);
        // Two PKIs and training's token (notebooks, with personal identity, has none).
        assert.ok(dynamic.length >= 3, `PKIs and tokens: ${dynamic.map((r) => r.name).join(", ")}`);
        for (const r of dynamic) {
            assert.match(r.provider, /::pulumi:providers:pulumi-nodejs::ray-on-ack-dynamic::/, r.name);
        }
        const others = resources.filter((r) => r.type !== DYNAMIC_RESOURCE_TYPE && r.provider.includes("pulumi-nodejs"));
        assert.deepEqual(others, [], "nothing else is put on the host");
    });

    it("the platform stack, which has no dynamic resource, starts none", () => {
        const resources = probeProgram("platform");
        assert.deepEqual(
            resources.filter((r) => r.type.startsWith("pulumi:providers:pulumi-nodejs") || r.type === DYNAMIC_RESOURCE_TYPE),
            [],
        );
    });

    it("the transformation sets the provider of dynamic resources and leaves the rest alone", () => {
        const host = { fake: "host" } as unknown as DynamicProviderHost;
        const t = onDynamicProviderHost(host);
        const opts = { parent: undefined, ignoreChanges: ["x"] };
        const args = (type: string) => ({ type, name: "n", props: { a: 1 }, opts, resource: undefined as never });
        assert.deepEqual(t(args(DYNAMIC_RESOURCE_TYPE)), { props: { a: 1 }, opts: { ...opts, provider: host } });
        assert.equal(t(args("kubernetes:core/v1:Secret")), undefined);
        assert.equal(t(args("ray-on-ack:tls:TeamPki")), undefined);
    });
});

describe("dynamic providers serialized by the build", function () {
    this.timeout(180_000);

    it("lists exactly the providers the resources name", () => {
        // Every `{ file: __filename, exportName: "..." , provider }` a PrebuiltDynamicResource is built with.
        const named = DYNAMIC_PROVIDERS.map((p) => {
            const source = fs.readFileSync(path.join(ROOT, `${p.module}.ts`), "utf8");
            return [...source.matchAll(/\{ file: __filename, exportName: "(\w+)", provider: (\w+) \}/g)].map(
                (m) => `${p.module}#${m[1]}=${m[2]}`,
            );
        });
        assert.deepEqual(
            named,
            DYNAMIC_PROVIDERS.map((p) => [`${p.module}#${p.exportName}=${p.exportName}`]),
        );
        const all = spawnSync("grep", ["-rl", "--exclude=*.test.ts", "extends PrebuiltDynamicResource", path.join(ROOT, "components")], {
            encoding: "utf8",
        })
            .stdout.trim()
            .split("\n");
        assert.deepEqual(all.map((f) => path.relative(ROOT, f).replace(/\.ts$/, "")).sort(), DYNAMIC_PROVIDERS.map((p) => p.module).sort());
    });

    it("the program's build (bin/) holds each one, and the revived copy creates, diffs and checks as the provider host runs it", async () => {
        require(path.join(ROOT, "program", "compiled.js")).ensureBuilt();
        for (const p of DYNAMIC_PROVIDERS) {
            const file = serializedProviderFile(path.join(ROOT, "bin", `${p.module}.js`), p.exportName);
            assert.ok(fs.existsSync(file), file);
        }
        const text = fs.readFileSync(
            serializedProviderFile(path.join(ROOT, "bin", "components", "providers", "pkiResource.js"), "rayPkiProvider"),
            "utf8",
        );
        const pki = reviveText(text);
        const request: PkiRequest = {
            team: "t",
            namespace: "ray-t",
            podCidrs: ["10.8.0.0/30"],
            cluster: "c1",
            clients: ["alice"],
            ...PKI_DEFAULTS,
        };
        const checked = await pki.check({}, request);
        assert.equal((checked.failures ?? []).length, 0, JSON.stringify(checked.failures));
        const { outs } = await pki.create(request);
        assert.match(outs.caCertPem, /BEGIN CERTIFICATE/);
        assert.equal(Object.keys(outs.clientCerts).join(), "alice");
        // What the module exports and the provider uses (REPLACE_ON_CHANGE, MAX_POD_ADDRESSES) came along:
        // serialized where `exports` is a global (node -e), they reached the host unbound.
        assert.equal((await pki.diff("id", outs, request)).changes, false);
        const rotated = await pki.diff("id", outs, { ...request, podCidrs: ["10.9.0.0/30"] });
        assert.equal(rotated.changes, true);
        assert.equal(rotated.replaces?.join(), "podCidrs");
        const tooBig = await pki.check({}, { ...request, podCidrs: ["10.8.0.0/19"] });
        assert.match(JSON.stringify(tooBig.failures), /4096/);
    });

    it("a compiled resource without its serialized text refuses to register, naming the rebuild", () => {
        const file = path.join(ROOT, "bin", "no-such-dir", "provider.js");
        assert.throws(
            () => providerText({ file, exportName: "rayPkiProvider", provider: rayPkiProvider }),
            /rayPkiProvider: no serialized provider at .*no-such-dir.*rayPkiProvider\.serialized\.js; rebuild the package \(npm run build, npm run build:program\)/,
        );
    });
});
