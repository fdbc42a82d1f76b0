/** `--help` on every script: the usage on stdout, exit 0, and nothing else done. */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./helpers/render";

const SCRIPTS: Record<string, string> = {
    render: "render/render.ts",
    "render:diff": "render/renderDiff.ts",
    "port-forward": "portForward/portForward.ts",
};

describe("--help on every script", function () {
    for (const [name, file] of Object.entries(SCRIPTS)) {
        it(`npm run ${name} -- --help prints the usage and exits 0`, () => {
            const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), path.join(ROOT, file), "--help"], {
                cwd: ROOT,
                encoding: "utf8",
                timeout: 120_000,
            });
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, new RegExp(`^usage: npm run ${name} -- --stack <name>`));
            assert.equal(r.stderr, "");
        });
    }
});
