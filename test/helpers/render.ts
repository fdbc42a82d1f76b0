/** Runs the renderer as a user would (`npm run render`: compiled, from bin/), in a child process. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface RenderRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly out: string;
}

/** scripts/compiled.js (plain JS): the freshness check and incremental build `npm run render` starts with. */
const compiled = require(path.join(ROOT, "scripts", "compiled.js")) as { ensureBuilt(): void };

export function runRender(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): RenderRun {
    // Built here, so that a rebuild's note on stderr is not part of the run a test inspects.
    compiled.ensureBuilt();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-render-"));
    fs.rmSync(out, { recursive: true });
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "compiled.js"), "scripts/render.ts", "--out", out, ...args], {
        cwd,
        env: { ...process.env, ...env },
        encoding: "utf8",
        timeout: 180_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, out };
}

export function manifests(out: string): Record<string, any>[] {
    return YAML.parseAllDocuments(fs.readFileSync(path.join(out, "manifests.yaml"), "utf8")).map((d) => d.toJSON());
}

/** Renders each stack once per test process. */
const cache = new Map<string, RenderRun>();
export function renderedStack(stack: string): RenderRun {
    let r = cache.get(stack);
    if (!r) {
        r = runRender(["--stack", stack]);
        if (r.status !== 0) {
            throw new Error(`render of ${stack} failed (${r.status}):\n${r.stderr}`);
        }
        cache.set(stack, r);
    }
    return r;
}

/**
 * A copy of platform/policy-pack-config.json in `dir` whose tenancy registry (`ray-tenancy`)
 * `edit` changed, as the platform team would for a new team or a new host; returns its path, for
 * `--policy-pack-config`.
 */
export function packConfigWithRegistry(dir: string, edit: (tenancy: Record<string, any>) => void): string {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "platform", "policy-pack-config.json"), "utf8"));
    edit(config["ray-tenancy"]);
    const file = path.join(dir, "policy-pack-config.json");
    fs.writeFileSync(file, `${JSON.stringify(config, null, 4)}\n`);
    return file;
}
