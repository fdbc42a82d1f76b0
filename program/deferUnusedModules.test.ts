/**
 * program/deferUnusedModules.js: the program's entry and the compiled tools leave what the Pulumi
 * SDK and zod load eagerly and the program never uses (the SDK's closure-serializer tooling,
 * TypeScript and npm's arborist; zod's locales) unloaded until something uses it, and what uses it
 * gets the real module, with the same results.
 */
import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { DEFERRED_LOADED } from "../test/helpers/deferredLoaded";

const ROOT = path.join(__dirname, "..");
const DEFER = path.join(ROOT, "program", "deferUnusedModules.js");
const { standIn, DEFERRED } = require(DEFER) as { standIn: <T>(load: () => T) => T; DEFERRED: { from: string; request: string }[] };
const INSTALL = `require(${JSON.stringify(DEFER)}).deferUnusedModules();`;

/** Which of the deferred modules a process has loaded, printed as its last line at exit. */
const REPORT_LOADED = `process.on("exit", () => console.log(${DEFERRED_LOADED}));`;

function node(script: string): string[] {
    const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    assert.strictEqual(r.status, 0, r.stderr);
    return r.stdout.trim().split("\n");
}
const lastJson = (lines: string[]) => JSON.parse(lines[lines.length - 1]);

/**
 * Runs a script that prints one JSON line, with and without the deferral: what each printed, and
 * which deferred modules the deferred run loaded.
 */
function withAndWithout(script: string): { deferred: unknown; plain: unknown; loaded: string[] } {
    const deferred = node(`${REPORT_LOADED} ${INSTALL} ${script}`);
    const plain = node(`${REPORT_LOADED} ${script}`);
    return { deferred: JSON.parse(deferred[deferred.length - 2]), plain: JSON.parse(plain[plain.length - 2]), loaded: lastJson(deferred) };
}

describe("modules the program never uses, deferred (program/deferUnusedModules.js)", function () {
    this.timeout(60_000);

    it("loading the SDK, the providers' modules and zod loads none of them; without the deferral all load", () => {
        const load = 'require("@pulumi/pulumi"); require("@pulumi/kubernetes/core/v1"); require("@pulumi/alicloud/ram"); require("zod");';
        assert.deepStrictEqual(lastJson(node(`${REPORT_LOADED} ${INSTALL} ${load}`)), []);
        assert.deepStrictEqual(lastJson(node(`${REPORT_LOADED} ${load}`)), [
            "@npmcli/arborist/lib/index.js",
            "typescript/lib/typescript.js",
            "zod/v4/locales/index.cjs",
        ]);
    });

    it("Pulumi's closure serializer and code paths work through the stand-ins, with the same results, loading each module on use", () => {
        // A function that captures a value and a module, as a dynamic provider's would.
        const serialize = [
            "const pulumi = require('@pulumi/pulumi');",
            "const path = require('path'); const base = 'ray';",
            "(async () => {",
            "  const s = await pulumi.runtime.serializeFunction(() => path.join(base, 'x'));",
            "  const paths = [...(await pulumi.runtime.computeCodePaths()).keys()].sort();",
            "  console.log(JSON.stringify({ text: s.text, paths }));",
            "})().catch((e) => { console.error(e); process.exit(1); });",
        ].join("\n");
        const r = withAndWithout(serialize);
        assert.deepStrictEqual(r.loaded, ["@npmcli/arborist/lib/index.js", "typescript/lib/typescript.js"], "used, so loaded");
        const d = r.deferred as { text: string; paths: string[] };
        assert.ok(d.text.includes("path.join(base") && d.paths.length > 0, JSON.stringify(d));
        assert.deepStrictEqual(r.deferred, r.plain);
    });

    it("zod's messages are the same, and its locales load when a program asks for one", () => {
        const parse = [
            "const { z } = require('zod');",
            "const issue = (s) => s.safeParse(7).error.issues[0].message;",
            "const en = issue(z.string());",
            "z.config(z.locales.de());",
            "console.log(JSON.stringify({ en, de: issue(z.string()) }));",
        ].join("\n");
        const r = withAndWithout(parse);
        assert.deepStrictEqual(r.loaded, ["zod/v4/locales/index.cjs"], "asked for, so loaded");
        const d = r.deferred as { en: string; de: string };
        assert.match(d.en, /expected string/);
        assert.notStrictEqual(d.de, d.en);
        assert.deepStrictEqual(r.deferred, r.plain);
    });

    it("a stand-in loads nothing until used, then is the module: properties, interop helpers, calls and `new`", () => {
        const tslib = require("tslib");
        const { Arborist } = require("@npmcli/arborist");
        let loads = 0;
        const arb = standIn(() => (loads++, require("@npmcli/arborist")));
        // What TypeScript's CommonJS output does with `import * as` and a default import.
        const ns = tslib.__importStar(arb);
        const def = tslib.__importDefault(arb);
        assert.strictEqual(loads, 0, "the interop helpers loaded the module");
        assert.strictEqual(ns.Arborist, Arborist);
        assert.strictEqual(loads, 1);
        assert.strictEqual(def.default, require("@npmcli/arborist"));
        assert.ok(new ns.Arborist({ path: ROOT }) instanceof Arborist);
        assert.ok(new (arb as unknown as new (o: object) => object)({ path: ROOT }) instanceof Arborist, "new on the module itself");
        const ts = require("typescript");
        const lazyTs = standIn(() => require("typescript"));
        assert.strictEqual(lazyTs.SyntaxKind.Identifier, ts.SyntaxKind.Identifier);
        assert.ok(Object.keys(lazyTs).includes("createSourceFile") && "createSourceFile" in lazyTs);
        assert.strictEqual(lazyTs.createSourceFile("a.ts", "let x = 1;", ts.ScriptTarget.ES2020).statements.length, 1);
        assert.strictEqual(loads, 1, "loaded once");
        assert.deepStrictEqual(
            DEFERRED.map((d) => `${d.from}: ${d.request}`),
            ["@pulumi/pulumi: typescript", "@pulumi/pulumi: @npmcli/arborist", "zod: ../locales/index.cjs"],
        );
    });

    it("the program's entry (program/main.js) installs it before it loads the program", () => {
        // The entry with its build check stubbed and the compiled program replaced: in its place,
        // what the real one loads first (zod, the SDK, a provider module), then the report.
        const program = path.join(ROOT, "program", "main.js");
        const script = [
            REPORT_LOADED,
            "const Module = require('module');",
            `const compiled = ${JSON.stringify(path.join(ROOT, "program", "compiled.js"))};`,
            "const m = new Module(compiled); m.filename = compiled; m.loaded = true; m.exports = { ensureBuilt() {} }; require.cache[compiled] = m;",
            "const realLoad = Module._load;",
            `Module._load = function (request, parent) { if (parent && parent.filename === ${JSON.stringify(program)} && request === '../bin/program/index.js') { require('zod'); require('@pulumi/pulumi'); require('@pulumi/kubernetes/core/v1'); return {}; } return realLoad.apply(this, arguments); };`,
            `require(${JSON.stringify(program)});`,
        ].join("\n");
        assert.deepStrictEqual(lastJson(node(script)), []);
    });
});

describe("the project's dynamic-provider host (Pulumi.yaml plugins.providers, program/dynamicProviderHost.js)", function () {
    this.timeout(60_000);

    it("Pulumi.yaml points the engine's pulumi-nodejs provider at program/plugins, whose executable starts it", () => {
        const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        assert.deepStrictEqual(project.plugins, { providers: [{ name: "pulumi-nodejs", path: "./program/plugins" }] });
        const script = path.join(ROOT, "program", "plugins", "pulumi-resource-pulumi-nodejs");
        assert.ok(fs.statSync(script).mode & 0o100, "the plugin script is executable");
        assert.match(fs.readFileSync(`${script}.cmd`, "utf8"), /dynamicProviderHost\.js/);
    });

    it("serves Pulumi's dynamic provider (it prints the port it listens on) without loading what it never uses", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-host-"));
        const probe = path.join(dir, "probe.js");
        // At SIGTERM (how the engine stops a plugin), the deferred modules it has loaded.
        fs.writeFileSync(probe, `process.on("SIGTERM", () => { console.log(${DEFERRED_LOADED}); process.exit(0); });\n`);
        // As the engine starts it: from the program's directory, with the engine's address.
        const host = spawn(path.join(ROOT, "program", "plugins", "pulumi-resource-pulumi-nodejs"), ["127.0.0.1:1"], {
            cwd: path.join(ROOT, "program"),
            env: { ...process.env, NODE_OPTIONS: `--require ${probe}` },
        });
        let out = "";
        try {
            await new Promise<void>((resolve, reject) => {
                host.stdout.on("data", (d: Buffer) => {
                    out += d.toString();
                    if (/^\d+\n/.test(out)) resolve();
                });
                host.on("exit", (code: number) => reject(new Error(`the host exited (${code}) before serving: ${out}`)));
            });
            const exited = new Promise<void>((resolve) => host.on("exit", () => resolve()));
            host.kill("SIGTERM");
            await exited;
        } finally {
            host.kill("SIGKILL");
            fs.rmSync(dir, { recursive: true, force: true });
        }
        const lines = out.trim().split("\n");
        assert.match(lines[0], /^\d+$/, out);
        assert.deepStrictEqual(JSON.parse(lines[lines.length - 1]), []);
    });
});
