/**
 * The runnable build (tools/build/program.ts) and its launcher (program/compiled.js): `npm run
 * render` and the Pulumi program run compiled JS from bin/, and never yesterday's code. Run in a
 * scratch copy of the build with a two-file "program", so edits here cannot race the real bin/.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import YAML from "yaml";
import { DEFERRED_LOADED } from "../../test/helpers/deferredLoaded";

const ROOT = path.resolve(__dirname, "..", "..");

describe("compiled program and renderer (bin/)", function () {
    let repo: string;
    const write = (rel: string, text: string) => {
        const f = path.join(repo, rel);
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, text);
    };
    const run = () =>
        spawnSync(process.execPath, [path.join(repo, "program", "compiled.js"), "tools/hello.ts", "--name", "ray"], {
            cwd: repo,
            encoding: "utf8",
            timeout: 120_000,
        });

    before(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-program-build-"));
        for (const f of [
            "program/compiled.js",
            "program/deferUnusedModules.js",
            "tools/build/index.ts",
            "tools/build/program.ts",
            "tools/build/serializeProviders.ts",
            "components/providers/dynamicType.ts",
            "tsconfig.json",
            "tsconfig.program.json",
        ]) {
            fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
            fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
        }
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
        write("common/index.ts", 'export const FACT = "from common";\n');
        write("tools/lib/greeting.ts", "export const greeting = (name: string): string => `hello ${name}`;\n");
        write(
            "tools/hello.ts",
            [
                'import { parseArgs } from "util";',
                'import { FACT } from "@ray-on-ack/common";',
                'import { greeting } from "./lib/greeting";',
                'const { values } = parseArgs({ options: { name: { type: "string" } } });',
                "console.log(`${greeting(values.name!)} ${FACT} ${require.main === module}`);",
                "",
            ].join("\n"),
        );
    });

    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    it("builds on first use and runs the entry as the main module, with its own argv and @ray-on-ack/common made relative", () => {
        const r = run();
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "hello ray from common true\n");
        assert.match(r.stderr, /build:program: \d+ file\(s\) transpiled/);
        const js = fs.readFileSync(path.join(repo, "bin", "tools", "hello.js"), "utf8");
        assert.match(js, /require\("\.\.\/common\/index"\)/);
        assert.doesNotMatch(js, /@ray-on-ack\/common/);
    });

    it("runs straight from bin/ when nothing changed", () => {
        const r = run();
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "", "no rebuild");
    });

    it("rebuilds only what changed, and picks up new files", () => {
        write(
            "tools/lib/greeting.ts",
            'import { punct } from "./punct";\nexport const greeting = (name: string): string => `hi ${name}${punct}`;\n',
        );
        write("tools/lib/punct.ts", 'export const punct = "!";\n');
        const r = run();
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "hi ray! from common true\n");
        assert.match(r.stderr, /build:program: 2 file\(s\) transpiled, 0 removed/);
    });

    it("removes the output of a deleted source, so nothing can load it", () => {
        write("tools/lib/greeting.ts", "export const greeting = (name: string): string => `hey ${name}`;\n");
        fs.rmSync(path.join(repo, "tools", "lib", "punct.ts"));
        const r = run();
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "hey ray from common true\n");
        assert.ok(!fs.existsSync(path.join(repo, "bin", "tools", "lib", "punct.js")));
    });

    it("runs the entry with unused modules deferred (program/deferUnusedModules.js), as the program's entry does", () => {
        write("tools/sdk.ts", ['import "@pulumi/pulumi";', `console.log(${DEFERRED_LOADED});`, ""].join("\n"));
        const r = spawnSync(process.execPath, [path.join(repo, "program", "compiled.js"), "tools/sdk.ts"], {
            cwd: repo,
            encoding: "utf8",
            timeout: 120_000,
        });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "[]\n");
    });

    it("refuses to run when a changed source does not parse, naming the file", () => {
        write("tools/lib/greeting.ts", "export const greeting = (name: string): string => `hey ${name`;\n");
        const r = run();
        assert.equal(r.status, 1);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /error: build:program: tools\/lib\/greeting\.ts: /);
        assert.match(r.stderr, /error: bin\/ is stale \(tools\/lib\/greeting\.ts changed\) and rebuilding it failed/);
        // Still refused on the next run: the broken file's output was not left behind as fresh.
        assert.equal(run().status, 1);
    });
});

describe("what runs compiled, and what ships", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    it("npm run render and the Pulumi program start from the launcher, without ts-node", () => {
        assert.equal(pkg.scripts.render, "node program/compiled.js render/render.ts");
        const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        assert.equal(project.main, "program/main.js");
        assert.equal(project.runtime.options.typescript, false);
        assert.match(pkg.scripts.prepare, /npm run build:program/, "a fresh clone's npm ci builds bin/");
    });

    it("ships the library only: bin/ is not in the package", () => {
        assert.ok(
            pkg.files.every((f: string) => f.startsWith("lib/")),
            pkg.files.join(", "),
        );
    });
});
