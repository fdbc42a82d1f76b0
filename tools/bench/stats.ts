/** Small numeric and process helpers shared by the benchmarks. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { spawn, spawnSync } from "child_process";

export const ROOT = path.resolve(__dirname, "..", "..");
/** The launcher `npm run render` and the Pulumi program start from: compiled JS in bin/, rebuilt when stale. */
export const COMPILED = path.join(ROOT, "program", "compiled.js");

export function median(xs: readonly number[]): number {
    if (xs.length === 0) {
        throw new Error("median of no samples");
    }
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function sum(xs: readonly number[]): number {
    return xs.reduce((a, b) => a + b, 0);
}

export function ratio(a: number, b: number): number {
    return b === 0 ? Number.POSITIVE_INFINITY : a / b;
}

/**
 * The ratio a[i] / b[i] of each pair measured side by side (same round, back to back), for the
 * median of paired ratios: a slow minute of the machine moves both sides of a pair alike.
 */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
    if (a.length !== b.length) {
        throw new Error(`paired ratios of ${a.length} and ${b.length} samples: the sides must pair up`);
    }
    return a.map((x, i) => ratio(x, b[i]));
}

/** Rounds for the report: timings to 0.1 ms are noise on a shared 2-core machine anyway. */
export function round(x: number, digits = 2): number {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}

export function timeSync<T>(fn: () => T): { ms: number; value: T } {
    const t0 = performance.now();
    const value = fn();
    return { ms: performance.now() - t0, value };
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
    const t0 = performance.now();
    const value = await fn();
    return { ms: performance.now() - t0, value };
}

export interface ChildResult {
    ms: number;
    /** CPU time (user + system) of the child and what it waited for, when the platform says (Linux): less moved by other work on the machine than wall time. */
    cpuMs?: number;
    stdout: string;
}

let clockTicks: number | undefined;

/** CPU time of this process's reaped children (/proc/self/stat cutime + cstime), in ms; undefined off Linux. */
export function childrenCpuMs(): number | undefined {
    try {
        const stat = fs.readFileSync("/proc/self/stat", "utf8");
        // Fields after the command name, which is in parentheses and may hold spaces: cutime and cstime are fields 16 and 17.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        clockTicks ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
        return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks;
    } catch {
        return undefined;
    }
}

/** Runs a child to completion and fails loudly: a benchmark of a broken run measures nothing. */
export function runChild(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildResult {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, encoding: "utf8", maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    const cpu1 = childrenCpuMs();
    if (r.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stderr}`);
    }
    return { ms, cpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0, stdout: r.stdout };
}

export function runChildAsync(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
    return new Promise((resolve, reject) => {
        const t0 = performance.now();
        const p = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.stderr.on("data", (d) => (stderr += d));
        p.on("error", reject);
        p.on("close", (code) => {
            const ms = performance.now() - t0;
            if (code === 0) resolve({ ms, stdout });
            else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${stderr}`));
        });
    });
}

export interface MachineInfo {
    cpuModel: string;
    cores: number;
    memoryGiB: number;
    node: string;
    platform: string;
    openssl: string;
}

export function machineInfo(): MachineInfo {
    const openssl = spawnSync("openssl", ["version"], { encoding: "utf8" });
    return {
        cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
        cores: os.cpus().length,
        memoryGiB: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        openssl: openssl.status === 0 ? openssl.stdout.trim() : "not found",
    };
}
