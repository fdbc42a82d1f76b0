/**
 * The git side of render:diff: resolves the base ref, checks the base out into a throwaway
 * worktree (the working tree stays untouched, uncommitted edits included) and runs each
 * side's own renderer in a child process, so the base renders with the code of the base.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A problem with the inputs or the environment: render:diff exits 2 with this message. */
export class DiffError extends Error {}

function git(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (r.error) {
        throw new DiffError(`cannot run git: ${r.error.message}`);
    }
    return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

export interface Repo {
    /** The git top level. */
    readonly top: string;
    /** The package's directory relative to the top level ("" when they are the same). */
    readonly prefix: string;
}

export function repoOf(packageDir: string): Repo {
    const top = git(["rev-parse", "--show-toplevel"], packageDir);
    if (top.status !== 0) {
        throw new DiffError(`${packageDir} is not inside a git repository: ${top.stderr}`);
    }
    return { top: top.stdout, prefix: git(["rev-parse", "--show-prefix"], packageDir).stdout };
}

/** The commit a ref names, or a DiffError saying how to get it. */
export function resolveCommit(repo: Repo, ref: string): string {
    if (ref.startsWith("-")) {
        throw new DiffError(`--base ${ref}: not a git ref`);
    }
    const r = git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], repo.top);
    if (r.status !== 0) {
        throw new DiffError(`--base ${ref}: no such commit in this repository (a shallow clone may lack it: git fetch origin ${ref})`);
    }
    return r.stdout;
}

export function fileAtCommit(repo: Repo, commit: string, relativeToPackage: string): boolean {
    return git(["cat-file", "-e", `${commit}:${path.posix.join(repo.prefix, relativeToPackage)}`], repo.top).status === 0;
}

/**
 * Runs `fn` with the package directory of `commit` checked out in a temporary worktree that
 * shares `nodeModules` with the working tree, and removes the worktree whatever happens.
 */
export async function withWorktree<T>(repo: Repo, commit: string, nodeModules: string, fn: (packageDir: string) => Promise<T>): Promise<T> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-base-"));
    const tree = path.join(tmp, "tree");
    const added = git(["worktree", "add", "--detach", "--quiet", tree, commit], repo.top);
    try {
        if (added.status !== 0) {
            throw new DiffError(`git worktree add ${commit} failed: ${added.stderr}`);
        }
        const packageDir = path.join(tree, repo.prefix);
        linkNodeModules(nodeModules, packageDir);
        return await fn(packageDir);
    } finally {
        if (added.status === 0 && git(["worktree", "remove", "--force", tree], repo.top).status !== 0) {
            fs.rmSync(tree, { recursive: true, force: true });
            git(["worktree", "prune"], repo.top);
        }
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/**
 * Gives the base checkout the working tree's installed packages, except the npm workspaces
 * (common/, policy/): those are symlinks into the working tree, and the base must render with
 * its own copy of them, so they point into the base checkout instead.
 */
function linkNodeModules(nodeModules: string, packageDir: string): void {
    const target = path.join(packageDir, "node_modules");
    const workspaceRoot = path.dirname(fs.realpathSync(nodeModules));
    const isWorkspaceLink = (p: string) =>
        fs.lstatSync(p).isSymbolicLink() && !path.relative(workspaceRoot, fs.realpathSync(p)).startsWith("..");
    const entries = fs
        .readdirSync(nodeModules)
        .flatMap((name) =>
            name.startsWith("@") &&
            fs.readdirSync(path.join(nodeModules, name)).some((sub) => isWorkspaceLink(path.join(nodeModules, name, sub)))
                ? fs.readdirSync(path.join(nodeModules, name)).map((sub) => path.join(name, sub))
                : [name],
        );
    for (const entry of entries) {
        const source = path.join(nodeModules, entry);
        const link = path.join(target, entry);
        fs.mkdirSync(path.dirname(link), { recursive: true });
        const own = isWorkspaceLink(source) ? path.join(packageDir, path.relative(workspaceRoot, fs.realpathSync(source))) : source;
        fs.symlinkSync(own, link, "dir");
    }
}

const running = new Set<ChildProcess>();

/** render.ts exits 3 after writing every file when the posture fails a check: the diff shows it. */
const RENDERED_WITH_POSTURE_FAILURE = 3;

/** Stops the renders in flight (on Ctrl-C), so that their worktree can be removed. */
export function stopRenders(): void {
    for (const child of running) {
        child.kill("SIGTERM");
    }
}

const RENDERER_PATHS = ["render/render.ts", "scripts/render.ts"];

/** Runs `packageDir`'s own renderer for `stack` into `out`; a DiffError with the renderer's messages if it fails. */
/** `extraArgs` go to the renderer as they are, e.g. `--policy-pack-config <file>`. */
export function renderAt(packageDir: string, stack: string, out: string, side: string, extraArgs: readonly string[] = []): Promise<void> {
    // Where the renderer lives in that tree: render/ now, scripts/ before the layout of issue 25
    // (a base from before it is still diffed with its own renderer).
    const renderer = RENDERER_PATHS.map((p) => path.join(packageDir, p)).find((p) => fs.existsSync(p));
    if (renderer === undefined) {
        return Promise.reject(new DiffError(`${side} has no offline renderer (render/render.ts); choose a newer base`));
    }
    const tsNode = require.resolve("ts-node/dist/bin.js");
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [tsNode, renderer, "--stack", stack, "--out", out, ...extraArgs], {
            cwd: packageDir,
            stdio: ["ignore", "ignore", "pipe"],
        });
        running.add(child);
        let stderr = "";
        child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        child.on("error", (e) => {
            running.delete(child);
            reject(new DiffError(`cannot run the renderer for ${side}: ${e.message}`));
        });
        child.on("close", (code, signal) => {
            running.delete(child);
            if (code === 0 || code === RENDERED_WITH_POSTURE_FAILURE) {
                resolve();
                return;
            }
            const messages = stderr
                .split("\n")
                .filter((l) => l.trim() !== "" && !l.startsWith("note:"))
                .map((l) => `  ${l}`)
                .join("\n");
            reject(new DiffError(`rendering ${stack} at ${side} failed (${signal ?? `exit ${code}`}):\n${messages}`));
        });
    });
}
