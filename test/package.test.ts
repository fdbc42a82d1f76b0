/**
 * The package as a user gets it: `npm pack`, the tarball unpacked into a scratch project whose
 * node_modules hold only the package's declared dependencies (linked from this repo's install,
 * so nothing is downloaded), then a consumer compiled with tsc, no ts-node, and run with node
 * under Pulumi mocks (test/fixtures/consumer).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

function run(cmd: string, args: string[], cwd: string): string {
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 300_000 });
    assert.strictEqual(r.status, 0, `${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
}

/** Links node_modules/<name> of `project` to this repo's installed copy. */
function link(project: string, name: string): void {
    const to = path.join(project, "node_modules", name);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules", name)), to, "dir");
}

describe("the npm package", function () {
    this.timeout(600_000);
    let tmp: string;
    let files: string[];

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-package-"));
        // npm pack runs `prepare` (npm run build): the tarball holds a fresh build.
        const [pack] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", tmp], ROOT));
        files = pack.files.map((f: { path: string }) => f.path);
        fs.mkdirSync(path.join(tmp, "consumer", "node_modules", "ray-on-ack"), { recursive: true });
        run(
            "tar",
            ["-xzf", path.join(tmp, pack.filename), "-C", path.join(tmp, "consumer", "node_modules", "ray-on-ack"), "--strip-components=1"],
            tmp,
        );
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("ships the compiled library only: JS and .d.ts, no program, scripts, tests, stacks, workflows or policy pack", () => {
        assert.ok(files.includes("lib/components/index.js") && files.includes("lib/components/index.d.ts"), files.join("\n"));
        assert.ok(files.includes("lib/common/index.js"), "the shared facts ship inside the package");
        const stray = files.filter((f) => !/^lib\/.*\.(js|d\.ts)$/.test(f) && !["package.json", "README.md", "LICENSE"].includes(f));
        assert.deepStrictEqual(stray, []);
        assert.strictEqual(manifest.private, undefined);
        assert.strictEqual(manifest.exports["."].default, "./lib/components/index.js");
    });

    it('a consumer with only the declared dependencies type-checks and runs `import { TeamEnvironment } from "ray-on-ack"` under mocks', () => {
        const consumer = path.join(tmp, "consumer");
        for (const dep of Object.keys(manifest.dependencies)) {
            link(consumer, dep);
        }
        // The consumer's own tools.
        link(consumer, "typescript");
        link(consumer, "@types/node");
        for (const f of ["index.ts", "tsconfig.json"]) {
            fs.copyFileSync(path.join(__dirname, "fixtures", "consumer", f), path.join(consumer, f));
        }
        fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
        run(process.execPath, [path.join(consumer, "node_modules", "typescript", "bin", "tsc"), "-p", "."], consumer);
        const out = JSON.parse(run(process.execPath, [path.join("bin", "index.js")], consumer));
        assert.strictEqual(out.namespace, "ray-scratch");
        const rayJob = out.registered.find((r: { type: string }) => r.type === "kubernetes:ray.io/v1:RayJob");
        assert.ok(rayJob, out.registered.map((r: { type: string; name: string }) => `${r.type} ${r.name}`).join("\n"));
        assert.strictEqual(rayJob.inputs.spec.entrypoint, "python main.py");
        assert.ok(out.registered.some((r: { type: string }) => r.type === "ray-on-ack:team:TeamEnvironment"));
    });

    it("importing it registers nothing and needs no Pulumi engine", () => {
        const consumer = path.join(tmp, "consumer");
        const code = `const m = require("ray-on-ack"); process.stdout.write(JSON.stringify(Object.keys(m).filter((k) => typeof m[k] === "function").sort()));`;
        const exported = JSON.parse(run(process.execPath, ["-e", code], consumer));
        for (const c of ["TeamEnvironment", "HardenedRayCluster", "HardenedRayJob", "Platform"]) {
            assert.ok(exported.includes(c), c);
        }
    });
});

describe("the npm package: what its README tells a consumer", () => {
    it("states the TypeScript version the consumer above is compiled with", () => {
        const typescript = manifest.devDependencies.typescript as string;
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const minor = typescript.split(".").slice(0, 2).join(".");
        assert.ok(
            readme.includes(`**TypeScript ${minor}**`) && readme.includes(`TypeScript ${typescript} in \`test/package.test.ts\``),
            `README.md, Prerequisites: TypeScript ${typescript}`,
        );
    });
});
