/**
 * `npm run build:program`: the runnable build. Transpiles the program (index.ts), the renderer and
 * the other scripts, with the library and policy code they import (tsconfig.program.json), to bin/
 * as plain JS, so that `npm run render` and the Pulumi program start without ts-node.
 *
 * Incremental: a file is transpiled again only when its source is newer than its output, and
 * everything when the compiler options or this build changed. Transpile-only, file by file
 * (ts.transpileModule), like the ts-node + swc loader it replaces: type errors are `npm run
 * typecheck`'s job, and a whole-program emit would parse the SDKs' declarations (tens of MB) on
 * every rebuild. `@ray-on-ack/common` is rewritten to relative paths as in the library build.
 *
 * Then each dynamic provider's serialized text (./serializeProviders.ts), when the library changed.
 * It ends by writing bin/.build.json: the build time and every input (sources, the directories
 * that hold them, the configs), which program/compiled.js stats to tell a fresh bin/ from a stale one.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { rewriter } from "./index";
import { serializedProviderFiles, serializeProviders } from "./serializeProviders";

const ROOT = path.resolve(__dirname, "..", "..");
export const PROGRAM_TSCONFIG = path.join(ROOT, "tsconfig.program.json");
export const MANIFEST = ".build.json";

export interface Manifest {
    /** Date.now() when the build started reading its inputs: any input modified later makes bin/ stale. */
    builtAt: number;
    /** Repository-relative paths of every input: files, and the directories whose entries are sources (a new file changes its directory). */
    inputs: string[];
}

export interface ProgramBuild {
    outDir: string;
    transpiled: string[];
    removed: string[];
    manifest: Manifest;
}

/** Files whose change invalidates every output: the compiler options and the build itself. */
function globalInputs(configPath: string): string[] {
    return [
        configPath,
        path.join(ROOT, "tsconfig.json"),
        __filename.replace(/\.js$/, ".ts"),
        path.join(__dirname, "index.ts"),
        path.join(__dirname, "serializeProviders.ts"),
        path.join(__dirname, "serializeProvidersChild.js"),
    ].filter((f) => fs.existsSync(f));
}

/** Every directory under the include globs' roots that could hold a source, node_modules and outputs aside. */
function sourceDirs(roots: string[], skip: Set<string>): string[] {
    const dirs: string[] = [];
    const walk = (dir: string) => {
        dirs.push(dir);
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory() && e.name !== "node_modules" && !skip.has(p)) walk(p);
        }
    };
    roots.filter((r) => fs.existsSync(r)).forEach(walk);
    return dirs;
}

function readManifest(outDir: string): Manifest | undefined {
    try {
        return JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST), "utf8")) as Manifest;
    } catch {
        return undefined;
    }
}

function filesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name));
}

export function buildProgram(configPath = PROGRAM_TSCONFIG): ProgramBuild {
    const builtAt = Date.now();
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (read.error) {
        throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
    }
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath));
    if (parsed.errors.length > 0) {
        throw new Error(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n"));
    }
    const options = parsed.options;
    const rootDir = options.rootDir ?? ROOT;
    const outDir = options.outDir ?? path.join(ROOT, "bin");
    const previous = readManifest(outDir);
    const globals = globalInputs(configPath);
    if (previous === undefined || globals.some((f) => fs.statSync(f).mtimeMs > previous.builtAt)) {
        fs.rmSync(outDir, { recursive: true, force: true });
    }
    const outputOf = (src: string) => path.join(outDir, path.relative(rootDir, src)).replace(/\.ts$/, ".js");
    const expected = new Set<string>([path.join(outDir, MANIFEST)]);
    const transpiled: string[] = [];
    const problems: string[] = [];
    for (const src of parsed.fileNames) {
        if (src.endsWith(".d.ts")) continue;
        const out = outputOf(src);
        expected.add(out);
        if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) continue;
        const r = ts.transpileModule(fs.readFileSync(src, "utf8"), {
            compilerOptions: options,
            fileName: src,
            reportDiagnostics: true,
            transformers: { before: [rewriter] },
        });
        for (const d of r.diagnostics ?? []) {
            problems.push(`${path.relative(ROOT, src)}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
        }
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, r.outputText);
        transpiled.push(path.relative(ROOT, src));
    }
    if (problems.length > 0) {
        // Leave no output of a file that does not parse, so the next run transpiles it again.
        transpiled.forEach((f) => fs.rmSync(outputOf(path.join(ROOT, f)), { force: true }));
        throw new Error(problems.join("\n"));
    }
    // The dynamic providers' serialized text (./serializeProviders.ts): again whenever the library
    // changed, since a provider captures whatever it calls, or when a file of it is missing.
    const serialized = serializedProviderFiles(outDir);
    serialized.forEach((f) => expected.add(f));
    if (transpiled.some((f) => /^(components|common)\//.test(f)) || serialized.some((f) => !fs.existsSync(f))) {
        serializeProviders(outDir);
    }
    // Outputs whose source is gone would still load if something required them.
    const removed = filesUnder(outDir).filter((f) => !expected.has(f));
    removed.forEach((f) => fs.rmSync(f));
    const roots = Object.keys(parsed.wildcardDirectories ?? {});
    const skip = new Set([outDir, ...(parsed.raw?.exclude ?? []).map((e: string) => path.resolve(rootDir, e))]);
    const inputs = [...new Set([...globals, ...parsed.fileNames, ...sourceDirs(roots, skip)])].map((f) => path.relative(ROOT, f)).sort();
    const manifest: Manifest = { builtAt, inputs };
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
    return { outDir, transpiled, removed: removed.map((f) => path.relative(ROOT, f)), manifest };
}

if (require.main === module) {
    try {
        const b = buildProgram();
        if (b.transpiled.length > 0 || b.removed.length > 0) {
            process.stderr.write(
                `build:program: ${b.transpiled.length} file(s) transpiled, ${b.removed.length} removed -> ${path.relative(process.cwd(), b.outDir) || "."}\n`,
            );
        }
    } catch (e) {
        process.stderr.write(`error: build:program: ${(e as Error).message}\n`);
        process.exit(1);
    }
}
