/**
 * Runs a TypeScript entry point of this repository from its compiled JS in bin/ (see
 * tools/build/program.ts), rebuilding first what changed since the last build:
 *
 *   node program/compiled.js render/render.ts --stack team-a     (what `npm run render` runs)
 *   require("./compiled").ensureBuilt()                           (what program/main.js, Pulumi's entry, does)
 *
 * Plain JS on purpose: it is what decides whether the compiled JS can be trusted, so it cannot be
 * compiled itself. The freshness check stats the inputs bin/.build.json lists (a few hundred
 * files and directories, a few ms) against the build's start time; stale or missing, it runs the
 * incremental build (a few seconds, only what changed), so a render never runs yesterday's code.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "bin");
const MANIFEST = path.join(OUT, ".build.json");

/** Why bin/ cannot be used as it is, or undefined when every input is older than the last build. */
function staleness() {
    let manifest;
    try {
        manifest = JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
    } catch {
        return "no build yet";
    }
    for (const rel of manifest.inputs) {
        let stat;
        try {
            stat = fs.statSync(path.join(ROOT, rel));
        } catch {
            return `${rel} is gone`;
        }
        if (stat.mtimeMs > manifest.builtAt) {
            return `${rel} changed`;
        }
    }
    return undefined;
}

function ensureBuilt() {
    const why = staleness();
    if (why === undefined) {
        return;
    }
    // On stderr, so that a caller's stdout (the renderer's summary, a program's output) stays its own.
    const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [ROOT] });
    const r = spawnSync(process.execPath, [tsNode, path.join(ROOT, "tools", "build", "program.ts")], {
        cwd: ROOT,
        stdio: ["ignore", 2, 2],
    });
    if (r.status !== 0) {
        throw new Error(`bin/ is stale (${why}) and rebuilding it failed (npm run build:program): exit ${r.status ?? r.signal}`);
    }
}

/** The compiled counterpart of a source entry point: render/render.ts -> bin/render/render.js. */
function compiledPath(entry) {
    const rel = path.relative(ROOT, path.resolve(ROOT, entry));
    if (rel.startsWith("..") || !rel.endsWith(".ts")) {
        throw new Error(`${entry}: not a .ts file of this repository`);
    }
    return path.join(OUT, rel.replace(/\.ts$/, ".js"));
}

module.exports = { ensureBuilt, compiledPath, staleness };

if (require.main === module) {
    const [entry, ...args] = process.argv.slice(2);
    try {
        if (entry === undefined) {
            throw new Error("usage: node program/compiled.js <entry.ts> [args...]");
        }
        ensureBuilt();
        // As the program's entry does (program/main.js): what the SDK and zod load eagerly and
        // the entry may never use loads only if used (program/deferUnusedModules.js).
        require("./deferUnusedModules").deferUnusedModules();
        // The entry runs as the main module with its own argv, as if started as `node bin/<entry>.js`.
        process.argv = [process.argv[0], compiledPath(entry), ...args];
        require("module").runMain();
    } catch (e) {
        process.stderr.write(`error: ${e.message}\n`);
        process.exit(1);
    }
}
