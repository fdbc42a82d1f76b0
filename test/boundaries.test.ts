/**
 * The policy pack judges the components, so it must not depend on them: the facts both need
 * live in common/ (the @ray-on-ack/common workspace), which depends on neither. The pack also
 * has to stand alone for `pulumi policy publish`, which packs policy/ with `npm pack`.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import { builtinModules } from "module";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");

/** The TypeScript files under `dir`; the tests beside the code (`*.test.ts`) only if asked. */
function tsFiles(dir: string, withTests = false): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) {
            return e.name === "node_modules" ? [] : tsFiles(rel, withTests);
        }
        return e.name.endsWith(".ts") && (withTests || !e.name.endsWith(".test.ts")) ? [rel] : [];
    });
}

/** Every module specifier a file imports, requires or re-exports. */
function specifiers(file: string): string[] {
    return specifiersOf(fs.readFileSync(path.join(ROOT, file), "utf8"));
}

/** The repo folder a relative specifier lands in (`components`, `policy`, ...). */
function topFolder(file: string, spec: string): string {
    return path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec)).split(path.sep)[0];
}

const packageName = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
const isBuiltin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0]);

/**
 * The graph between the parts of components/: a concern folder (`tls`, `workload`, ...) is one
 * node, and so is each file at the top (`index.ts`, `args.ts`: the public entry points).
 * An edge carries the files that make it (`ray/rayCluster.ts -> core/naming`).
 */
export function componentGraph(
    files: readonly string[] = tsFiles("components"),
    read: (file: string) => string[] = specifiers,
): Map<string, Map<string, string[]>> {
    const partOf = (rel: string) => (rel.includes(path.sep) ? rel.split(path.sep)[0] : rel.replace(/\.ts$/, ".ts"));
    const graph = new Map<string, Map<string, string[]>>();
    for (const file of files) {
        const from = partOf(path.relative("components", file));
        for (const spec of read(file).filter((s) => s.startsWith("."))) {
            const target = path.relative(path.join(ROOT, "components"), path.resolve(path.dirname(path.join(ROOT, file)), spec));
            if (target.startsWith("..")) {
                continue;
            }
            const to = partOf(target.includes(path.sep) ? target : `${target}.ts`);
            if (to === from) {
                continue;
            }
            const edges = graph.get(from) ?? new Map<string, string[]>();
            edges.set(to, [...(edges.get(to) ?? []), `${path.relative("components", file)} -> ${target}`]);
            graph.set(from, edges);
        }
    }
    return graph;
}

/**
 * Every elementary cycle of the graph, once each (it starts at its smallest node), as the import
 * that makes each of its edges. The graph has a dozen nodes, so plain enumeration is cheap.
 */
export function cyclesOf(graph: Map<string, Map<string, string[]>>): string[][] {
    const cycles: string[][] = [];
    const walk = (start: string, node: string, onPath: string[], imports: string[]) => {
        for (const [next, why] of graph.get(node) ?? []) {
            if (next === start) {
                cycles.push([...imports, why[0]]);
            } else if (next > start && !onPath.includes(next)) {
                walk(start, next, [...onPath, next], [...imports, why[0]]);
            }
        }
    };
    for (const start of [...graph.keys()].sort()) {
        walk(start, start, [start], []);
    }
    return cycles;
}

/** Every TypeScript file of the repository's own folders, tests included. */
const REPO_FILES = [
    "common",
    "components",
    "e2e",
    "examples",
    "policy",
    "portForward",
    "program",
    "provider",
    "render",
    "test",
    "tools",
].flatMap((d) => tsFiles(d, true));

function specifiersOf(text: string): string[] {
    return [
        ...new Set([...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map((m) => m[1])),
    ];
}

/** The repository files a file imports by relative path (a `.ts` file, or a folder's `index.ts`). */
function localImports(file: string): string[] {
    return specifiersOf(fs.readFileSync(path.join(ROOT, file), "utf8"))
        .filter((spec) => spec.startsWith("."))
        .map((spec) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec)))
        .map((target) =>
            [`${target}.ts`, path.join(target, "index.ts"), target].find((t) => t.endsWith(".ts") && fs.existsSync(path.join(ROOT, t))),
        )
        .filter((t): t is string => t !== undefined);
}

/** Tarjan's strongly connected components with more than one file (or a file importing itself), each sorted. */
export function stronglyConnected(graph: Map<string, string[]>): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const found: string[][] = [];
    const visit = (v: string) => {
        index.set(v, index.size);
        low.set(v, index.get(v)!);
        stack.push(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (stack.includes(w)) {
                low.set(v, Math.min(low.get(v)!, index.get(w)!));
            }
        }
        if (low.get(v) === index.get(v)) {
            const scc: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                scc.push(w);
            } while (w !== v);
            if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) {
                found.push(scc.sort());
            }
        }
    };
    [...graph.keys()].sort().forEach((v) => index.has(v) || visit(v));
    return found;
}

function fileCycles(files: readonly string[]): string[][] {
    return stronglyConnected(new Map(files.map((f) => [f, localImports(f)])));
}

function violations(dir: string, allowed: (file: string, spec: string) => boolean): string[] {
    return tsFiles(dir).flatMap((file) =>
        specifiers(file)
            .filter((spec) => !allowed(file, spec))
            .map((spec) => `${file}: ${spec}`),
    );
}

describe("module boundaries", () => {
    it("finds the imports it checks", () => {
        assert.ok(specifiers("policy/checks/rbac.ts").includes("@ray-on-ack/common"));
        assert.ok(specifiers("components/core/naming.ts").includes("@ray-on-ack/common"));
        assert.strictEqual(topFolder("policy/checks/rbac.ts", "../../components/naming"), "components");
    });

    it("policy/ imports nothing from components/, and only its own files and its package.json dependencies", () => {
        const deps = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8")).dependencies ?? {});
        assert.deepStrictEqual(
            violations("policy", (file, spec) =>
                spec.startsWith(".") ? topFolder(file, spec) === "policy" : isBuiltin(spec) || deps.includes(packageName(spec)),
            ),
            [],
            "policy/ reaches common/ as the package (@ray-on-ack/common or @ray-on-ack/common/<file>): a relative path out of policy/ is missing from the published pack",
        );
    });

    it("the folders of components/ import each other without a cycle (concerns never import config/, the assembler)", () => {
        const graph = componentGraph();
        assert.ok(graph.get("ray")?.has("core"), "the graph sees ray/ importing core/");
        assert.deepStrictEqual(
            cyclesOf(graph),
            [],
            "each list is one cycle, by the imports that close it: move the shared part down (core/) or the assembling part up (config/, team/)",
        );
        const concerns = ["tls", "network", "identity", "namespace", "cloud", "exposure", "ray", "images", "providers", "platform"];
        const importsOf = (from: string, to: readonly string[]) => to.flatMap((t) => graph.get(from)?.get(t) ?? []);
        assert.deepStrictEqual(
            [...concerns, "core"].flatMap((c) => importsOf(c, ["config"])),
            [],
            "a concern imports config/: its schema fragment belongs in the concern, the assembling in config/",
        );
        assert.deepStrictEqual(importsOf("core", [...concerns, "team"]), [], "core/ is plumbing every concern uses: it depends on none");
        assert.deepStrictEqual(
            [...concerns, "core", "config"].flatMap((c) => importsOf(c, ["team"])),
            [],
            "team/ composes the concerns into TeamEnvironment: nothing below it imports it",
        );
    });

    it("no file imports itself back through any chain, type-only imports included", () => {
        assert.deepStrictEqual(
            fileCycles(REPO_FILES),
            [],
            "each list is one strongly connected set of files: break it by moving what both need into a file of its own",
        );
    });

    it("finds a file cycle, type-only imports included", () => {
        const graph = new Map([
            ["a.ts", ["b.ts"]],
            ["b.ts", ["c.ts"]],
            ["c.ts", ["a.ts"]],
            ["d.ts", ["a.ts"]],
        ]);
        assert.deepStrictEqual(stronglyConnected(graph), [["a.ts", "b.ts", "c.ts"]]);
        const text = 'import type { X } from "./b";\nexport type { Y } from "./c";';
        assert.deepStrictEqual(specifiersOf(text), ["./b", "./c"]);
    });

    it("nothing but a test imports a test or a test helper (so no build, program or pack loads them)", () => {
        const isTest = (f: string) =>
            f.endsWith(".test.ts") || f.startsWith(`test${path.sep}`) || f.includes(`${path.sep}cluster${path.sep}`);
        const reached = REPO_FILES.filter((f) => !isTest(f)).flatMap((file) =>
            localImports(file)
                .filter((target) => isTest(target))
                .map((target) => `${file}: ${target}`),
        );
        assert.deepStrictEqual(reached, []);
    });

    it("finds a cycle when two folders import each other, naming the files", () => {
        const graph = componentGraph(
            ["components/a/x.ts", "components/b/y.ts", "components/c/z.ts"],
            (file) =>
                ({ "components/a/x.ts": ["../b/y"], "components/b/y.ts": ["../c/z"], "components/c/z.ts": ["../a/x", "../../common"] })[
                    file
                ] ?? [],
        );
        assert.deepStrictEqual(cyclesOf(graph), [["a/x.ts -> b/y", "b/y.ts -> c/z", "c/z.ts -> a/x"]]);
    });

    it("components/ imports nothing from policy/", () => {
        assert.deepStrictEqual(
            violations("components", (file, spec) => !spec.startsWith(".") || topFolder(file, spec) !== "policy"),
            [],
        );
        assert.deepStrictEqual(
            violations("components", (_file, spec) => packageName(spec) !== "ray-on-ack-policy"),
            [],
        );
    });

    it("the library and the program import the provider SDKs by module (core/v1, ram, ...), never their indexes", () => {
        // @pulumi/alicloud's index defines every Alibaba Cloud service (120 ms to load) and
        // @pulumi/kubernetes' loads Helm, kustomize and YAML support (70 ms): every render, preview and
        // `pulumi up` paid for both, though a team stack uses a few modules (docs/performance.md).
        const files = tsFiles("program").concat(tsFiles("components"));
        const indexes = ["@pulumi/alicloud", "@pulumi/kubernetes"];
        // `import type` is erased at compile time: it loads nothing.
        const valueImports = (file: string) =>
            [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/^import (?!type )[^;]*? from "([^"]+)";/gm)].map((m) => m[1]);
        const whole = files.flatMap((file) =>
            valueImports(file)
                .filter((spec) => indexes.includes(spec))
                .map((spec) => `${file}: ${spec}`),
        );
        for (const sdk of indexes) {
            assert.ok(
                files.some((file) => valueImports(file).some((spec) => spec.startsWith(`${sdk}/`))),
                `finds the per-module imports of ${sdk}`,
            );
        }
        assert.deepStrictEqual(
            whole,
            [],
            'import "@pulumi/kubernetes/core/v1", "@pulumi/alicloud/ram", ... (or `import type` for types only)',
        );
    });

    it("the program, examples/ and the component provider reach the library through its public entry points only", () => {
        // package.json `exports` (ray-on-ack, ray-on-ack/config, ray-on-ack/host), as sources.
        const exported = Object.values<{ default: string }>(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).exports)
            .filter((e) => typeof e === "object" && e.default.startsWith("./lib/"))
            .map((e) => path.join(ROOT, e.default.slice("./lib/".length).replace(/\.js$/, "")));
        assert.ok(exported.includes(path.join(ROOT, "components", "index")), exported.join(", "));
        const entry = (p: string) => (p.endsWith(`${path.sep}components`) ? path.join(p, "index") : p);
        // The program is program/ (index.ts, the stack it loads, its checks of stack files); past those, only entry points.
        const program = tsFiles("program").map((f) => path.join(ROOT, f.replace(/\.ts$/, "")));
        const files = [...tsFiles("program"), ...tsFiles("examples"), ...tsFiles("provider"), ...tsFiles("e2e/multi-language")];
        const outside = files.flatMap((file) =>
            specifiers(file)
                .filter((spec) => spec.startsWith("."))
                .map((spec) => entry(path.resolve(path.dirname(path.join(ROOT, file)), spec)))
                .filter((target) => !exported.includes(target) && !(file.startsWith("program") && program.includes(target)))
                .map((target) => `${file}: ${path.relative(ROOT, target)}`),
        );
        assert.ok(specifiers("program/stackProgram.ts").includes("../components"));
        assert.deepStrictEqual(
            outside,
            [],
            "import from a public entry point (package.json exports: components/index.ts, config/validate.ts, host.ts), not a file behind it",
        );
    });

    it("ray-on-ack/config and ray-on-ack/host load without the Pulumi SDK's index, so the program can run them first", () => {
        // Compiled, as the program runs them; a fresh process, whose require cache is only theirs.
        require(path.join(ROOT, "program", "compiled.js")).ensureBuilt();
        const probe = [
            `require(${JSON.stringify(path.join(ROOT, "bin", "components", "config", "validate.js"))});`,
            `require(${JSON.stringify(path.join(ROOT, "bin", "components", "host.js"))});`,
            "const loaded = Object.keys(require.cache).filter((f) => /@pulumi[\\/]pulumi[\\/]index\\.js$|node-forge|[\\/]yaml[\\/]/.test(f));",
            "process.stdout.write(JSON.stringify(loaded));",
        ].join("\n");
        const r = spawnSync(process.execPath, ["-e", probe], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.deepStrictEqual(JSON.parse(r.stdout), [], "loaded before the host could start");
    });

    it("common/ imports nothing from components/ or policy/, and only its package.json dependencies", () => {
        const deps = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "common", "package.json"), "utf8")).dependencies ?? {});
        assert.deepStrictEqual(
            violations("common", (file, spec) =>
                spec.startsWith(".") ? topFolder(file, spec) === "common" : isBuiltin(spec) || deps.includes(packageName(spec)),
            ),
            [],
        );
    });

    it("npm pack of policy/ (what `pulumi policy publish` runs) bundles @ray-on-ack/common", function () {
        this.timeout(60_000);
        try {
            const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts=false"], {
                cwd: path.join(ROOT, "policy"),
                encoding: "utf8",
            });
            assert.strictEqual(r.status, 0, r.stderr);
            const [pack] = JSON.parse(r.stdout);
            const files: string[] = pack.files.map((f: { path: string }) => f.path);
            assert.deepStrictEqual(pack.bundled, ["@ray-on-ack/common"]);
            assert.ok(files.includes("node_modules/@ray-on-ack/common/index.ts"), files.join("\n"));
            assert.ok(files.includes("index.ts") && files.includes("checks/rbac.ts"));
        } finally {
            // postpack removes the copy; make sure a failed pack does not leave it to shadow common/.
            fs.rmSync(path.join(ROOT, "policy", "node_modules"), { recursive: true, force: true });
        }
    });
});
