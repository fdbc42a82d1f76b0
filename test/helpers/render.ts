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

/** program/compiled.js (plain JS): the freshness check and incremental build `npm run render` starts with. */
const compiled = require(path.join(ROOT, "program", "compiled.js")) as { ensureBuilt(): void };

export function runRender(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): RenderRun {
    // Built here, so that a rebuild's note on stderr is not part of the run a test inspects.
    compiled.ensureBuilt();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-render-"));
    fs.rmSync(out, { recursive: true });
    const r = spawnSync(process.execPath, [path.join(ROOT, "program", "compiled.js"), "render/render.ts", "--out", out, ...args], {
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

/** The renderer's exit status when it wrote every file and a posture check failed (render/render.ts). */
const RENDERED_WITH_POSTURE_FAILURE = 3;

/**
 * Renders each stack once per test process. `postureFailureOk`: a test that judges the rendered
 * objects on its own (not through the pack) takes a render whose posture fails, too.
 */
const cache = new Map<string, RenderRun>();
export function renderedStack(stack: string, opts: { postureFailureOk?: boolean } = {}): RenderRun {
    let r = cache.get(stack);
    if (!r) {
        r = runRender(["--stack", stack]);
        cache.set(stack, r);
    }
    if (r.status !== 0 && !(opts.postureFailureOk && r.status === RENDERED_WITH_POSTURE_FAILURE)) {
        throw new Error(`render of ${stack} failed (${r.status}):\n${r.stderr}`);
    }
    return r;
}

/**
 * The repository's policy pack config with registry entries moved to other stack names (`{as: from}`:
 * a copy of a real stack rendered under another name claims what `from` owns, and `from` is left
 * out so that the registry does not give one thing to two stacks), written into `dir`.
 */
export function packConfigAs(renames: Record<string, string>, dir: string, edit: (pack: Record<string, any>) => void = () => {}): string {
    const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "platform", "policy-pack-config.json"), "utf8"));
    const tenants = pack["ray-tenancy"].tenants;
    for (const [as, from] of Object.entries(renames)) {
        const entry = tenants[from];
        delete tenants[from];
        tenants[as] = entry;
    }
    edit(pack);
    const file = path.join(dir, "policy-pack-config.json");
    fs.writeFileSync(file, JSON.stringify(pack, null, 2));
    return file;
}
