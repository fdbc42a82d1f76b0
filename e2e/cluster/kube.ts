/**
 * Shared helpers of the cluster suite (e2e/cluster/*.cluster.ts): kubectl through child_process
 * against whatever KUBECONFIG points at, the names under test from the environment, and polling.
 * kubectl rather than a client library: the suite must talk to the API server exactly as the
 * harness and a team's people do (same kubeconfig handling, same PodSecurity/quota messages),
 * and the harness already ships a kubectl of the cluster's version.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";

export interface KubectlResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** stdout and stderr together, as a person at a terminal would read them */
export function output(r: KubectlResult): string {
    return `${r.stdout}${r.stderr}`.trim();
}

export interface KubectlOptions {
    /** kubeconfig to use (default: the suite's admin KUBECONFIG) */
    kubeconfig?: string;
    /** written to kubectl's stdin (for `-f -`) */
    input?: string;
    /** extra arguments before ARGS, e.g. impersonation */
    as?: string[];
}

/** Runs kubectl with a request timeout; never throws on a non-zero exit (checks read `code`). */
export function kubectl(args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
    const kubeconfig = opts.kubeconfig ?? env().kubeconfig;
    const argv = ["--kubeconfig", kubeconfig, "--request-timeout", "30s", ...(opts.as ?? []), ...args];
    return new Promise((resolve, reject) => {
        const p = spawn(process.env.E2E_KUBECTL ?? "kubectl", argv, { stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.stderr.on("data", (d) => (stderr += d));
        p.on("error", reject); // kubectl not on PATH: a clear failure, not a silent pass
        p.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
        p.stdin.end(opts.input ?? "");
    });
}

/** kubectl ... -o json, parsed; throws with kubectl's message when the command fails */
export async function kubectlJson<T = any>(args: string[], opts: KubectlOptions = {}): Promise<T> {
    const r = await kubectl([...args, "-o", "json"], opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (rc ${r.code}): ${output(r)}`);
    return JSON.parse(r.stdout) as T;
}

/** The items of `kubectl get KIND` in the namespace under test (selector optional). */
export async function list(kind: string, selector?: string, opts: KubectlOptions = {}): Promise<any[]> {
    const sel = selector === undefined ? [] : ["-l", selector];
    return (await kubectlJson<{ items: any[] }>(["-n", env().namespace, "get", kind, ...sel], opts)).items;
}

/** `kubectl auth can-i VERB RESOURCE [--subresource S] -n NS` as IDENTITY: "yes" or "no" */
export async function canI(who: Identity, verb: string, resource: string, namespace: string, subresource?: string): Promise<string> {
    const sub = subresource === undefined ? [] : [`--subresource=${subresource}`];
    const r = await kubectl(["auth", "can-i", verb, resource, ...sub, "-n", namespace], who);
    return r.stdout.trim();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls CHECK every second until it returns a truthy value (returned) or SECONDS pass; then
 * throws "timed out after Ns waiting for WHAT" with what LAST reports of the state seen.
 */
export async function waitFor<T>(
    seconds: number,
    what: string,
    check: () => Promise<T | undefined | false>,
    last?: () => Promise<string>,
): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        const v = await check();
        if (v) return v;
        if (Date.now() >= deadline) {
            const seen = last === undefined ? "" : `; last seen: ${await last()}`;
            throw new Error(`timed out after ${seconds}s waiting for ${what}${seen}`);
        }
        await sleep(1000);
    }
}

/** How the suite acts as someone: a kubeconfig of their own, or the admin impersonating them. */
export interface Identity extends KubectlOptions {
    description: string;
}

export interface SuiteEnv {
    kubeconfig: string;
    namespace: string;
    peopleUser: string;
    peopleGroup: string;
    /** the team's people identity: E2E_PEOPLE_KUBECONFIG, else impersonation of user and group */
    people: Identity;
}

let cached: SuiteEnv | undefined;

/**
 * The suite's inputs, from the environment (the names run.sh uses). Missing KUBECONFIG or
 * E2E_NAMESPACE is an error naming the variable: the suite never guesses a cluster.
 */
export function env(): SuiteEnv {
    if (cached !== undefined) return cached;
    const kubeconfig = process.env.KUBECONFIG ?? "";
    const namespace = process.env.E2E_NAMESPACE ?? "";
    if (kubeconfig === "") throw new Error("KUBECONFIG: not set; the cluster suite runs against the cluster it names");
    if (!fs.existsSync(kubeconfig)) throw new Error(`KUBECONFIG: ${kubeconfig} does not exist`);
    if (namespace === "") throw new Error("E2E_NAMESPACE: not set; name the team namespace to check (ray-<team>)");
    const peopleUser = process.env.E2E_PEOPLE_USER ?? "alice";
    const peopleGroup = process.env.E2E_PEOPLE_GROUP ?? "team-a-people";
    const peopleKubeconfig = process.env.E2E_PEOPLE_KUBECONFIG ?? process.env.KUBECONFIG_ALICE ?? "";
    const people: Identity =
        peopleKubeconfig !== ""
            ? { kubeconfig: peopleKubeconfig, description: `${peopleUser} (${peopleGroup})` }
            : { as: [`--as=${peopleUser}`, `--as-group=${peopleGroup}`], description: `${peopleUser} (${peopleGroup}, impersonated)` };
    if (people.kubeconfig !== undefined && !fs.existsSync(people.kubeconfig)) {
        throw new Error(`E2E_PEOPLE_KUBECONFIG: ${people.kubeconfig} does not exist`);
    }
    cached = { kubeconfig, namespace, peopleUser, peopleGroup, people };
    return cached;
}

/** kubectl ARGS, synchronously (for what test titles need when the suite loads), as the admin */
export function kubectlSync(args: string[]): KubectlResult {
    const { kubeconfig } = env();
    const r = spawnSync(process.env.E2E_KUBECTL ?? "kubectl", ["--kubeconfig", kubeconfig, "--request-timeout", "30s", ...args], {
        encoding: "utf8",
    });
    return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? r.error?.message ?? "" };
}

let cachedRayCluster: string | undefined;

/**
 * The RayCluster under test: E2E_RAYCLUSTER, else the first RayCluster in the namespace (as
 * run.sh). Synchronous because test titles name it when the suite loads.
 */
export function rayCluster(): string {
    if (cachedRayCluster !== undefined) return cachedRayCluster;
    const named = process.env.E2E_RAYCLUSTER ?? "";
    if (named !== "") return (cachedRayCluster = named);
    const { namespace } = env();
    const r = kubectlSync(["-n", namespace, "get", "rayclusters", "-o", "jsonpath={.items[0].metadata.name}"]);
    const name = r.stdout.trim();
    if (r.code !== 0 || name === "") {
        throw new Error(`E2E_RAYCLUSTER: not set and no RayCluster found in ${namespace} (${r.stderr.trim()})`);
    }
    return (cachedRayCluster = name);
}
