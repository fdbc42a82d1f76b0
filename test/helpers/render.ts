/** Runs the renderer as a user would (`npm run render`), in a child process. */
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

export function runRender(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): RenderRun {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-render-"));
    fs.rmSync(out, { recursive: true });
    const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), path.join(ROOT, "scripts", "render.ts"), "--out", out, ...args], {
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
