/**
 * `pulumi policy publish` packs the pack with `npm pack`, which bundles only the dependencies
 * found in policy/node_modules. In the workspace, @ray-on-ack/common is hoisted to the root as
 * a symlink to ../common, so `prepack` puts a real copy of it here (bundleDependencies then
 * carries it in the tarball) and `postpack` takes it away again.
 * Usage: node bundleCommon.js add|remove
 */
const fs = require("fs");
const path = require("path");

const target = path.join(__dirname, "node_modules", "@ray-on-ack", "common");
const source = path.join(__dirname, "..", "common");

fs.rmSync(target, { recursive: true, force: true });
if (process.argv[2] === "add") {
    fs.mkdirSync(target, { recursive: true });
    for (const file of fs.readdirSync(source)) {
        // The pack needs the facts, not their tests (common/*.test.ts).
        if ((file.endsWith(".ts") && !file.endsWith(".test.ts")) || file === "package.json") {
            fs.copyFileSync(path.join(source, file), path.join(target, file));
        }
    }
} else {
    fs.rmSync(path.join(__dirname, "node_modules"), { recursive: true, force: true });
}
