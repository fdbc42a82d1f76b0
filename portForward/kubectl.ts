/**
 * kubectl for the port-forward helper: the checks that turn kubectl's own failures (no
 * binary, another cluster's context, no RBAC) into one clear sentence each, and the
 * long-running `kubectl port-forward` itself.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PortForwardError } from "./outputs";
import { RAY_ACCESS_VERB } from "@ray-on-ack/common/identity";

/** The ports Ray listens on in the head pod. */
export const RAY_DASHBOARD_PORT = 8265;
export const RAY_CLIENT_PORT = 10001;

/** How long kubectl may take to reach the API server and the head pod before we give up. */
const START_TIMEOUT_MS = 30_000;

function onPath(command: string): boolean {
    return (process.env.PATH ?? "").split(path.delimiter).some((dir) => {
        try {
            const file = path.join(dir || ".", command);
            fs.accessSync(file, fs.constants.X_OK);
            return fs.statSync(file).isFile();
        } catch {
            return false;
        }
    });
}

function kubectl(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync("kubectl", args, { encoding: "utf8", timeout: START_TIMEOUT_MS });
    if (r.error) {
        throw new PortForwardError(`kubectl ${args.slice(0, 2).join(" ")} failed: ${r.error.message}`);
    }
    return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/**
 * Checks that kubectl exists and that its current context reaches the head Service; returns the
 * context's name. With `personalCluster`, also that the context's identity may use that RayCluster
 * (`ray:write`, the verb Ray's own SubjectAccessReview asks for).
 */
export function checkKubectl(namespace: string, service: string, personalCluster?: string): string {
    if (!onPath("kubectl")) {
        throw new PortForwardError(
            "kubectl is not on PATH: install it (https://kubernetes.io/docs/tasks/tools/) and get the ACK cluster's kubeconfig",
        );
    }
    const current = kubectl(["config", "current-context"]);
    if (current.status !== 0 || current.stdout === "") {
        throw new PortForwardError(
            `kubectl has no current context (${current.stderr || "none set"}): get the ACK cluster's kubeconfig and select it with kubectl config use-context <name>`,
        );
    }
    const context = current.stdout;
    const svc = kubectl(["get", "service", service, "--namespace", namespace, "--output", "name", "--request-timeout=10s"]);
    if (svc.status !== 0) {
        throw new PortForwardError(
            `kubectl context "${context}" cannot see service ${namespace}/${service}: ${svc.stderr.split("\n")[0] || `exit ${svc.status}`}\n` +
                "  Is it the context of the stack's ACK cluster? kubectl config get-contexts lists them; kubectl config use-context <name> switches.",
        );
    }
    const canI = kubectl(["auth", "can-i", "create", "pods/portforward", "--namespace", namespace, "--request-timeout=10s"]);
    if (canI.stdout !== "yes") {
        throw new PortForwardError(
            `kubectl context "${context}" may not port-forward in namespace ${namespace} (kubectl auth can-i create pods/portforward: ${canI.stdout || canI.stderr || "no"}): ask to be added to the team's access groups`,
        );
    }
    if (personalCluster !== undefined) {
        const use = kubectl([
            "auth",
            "can-i",
            RAY_ACCESS_VERB,
            `rayclusters.ray.io/${personalCluster}`,
            "--namespace",
            namespace,
            "--request-timeout=10s",
        ]);
        if (use.stdout !== "yes") {
            throw new PortForwardError(
                `kubectl context "${context}" may not use RayCluster ${personalCluster} (kubectl auth can-i ${RAY_ACCESS_VERB} rayclusters.ray.io/${personalCluster}: ${use.stdout || "no"}), and Ray asks the API server the same: ask to be added to its people (identity.groups or users, or the team's access)`,
            );
        }
    }
    return context;
}

/** kubectl port-forward ended on its own; the helper exits 1 with kubectl's stderr. */
export class KubectlExited extends Error {
    constructor(
        readonly code: number | null,
        readonly signal: NodeJS.Signals | null,
        readonly stderr: string,
    ) {
        super(`kubectl port-forward exited (${signal ?? `exit ${code}`})${stderr ? `:\n${stderr}` : ""}`);
    }
}

export interface Forward {
    readonly child: ChildProcess;
    /** Resolves once kubectl reports both ports forwarded; rejects if it exits or stalls first. */
    readonly ready: Promise<void>;
    /** Settles when kubectl exits, with what it wrote to stderr. */
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Starts `kubectl port-forward`. kubectl runs in its own process group so that Ctrl-C reaches
 * only this helper, which then stops kubectl itself: otherwise kubectl's exit and our signal
 * race, and a normal Ctrl-C could look like kubectl dying.
 */
export function startForward(namespace: string, service: string, ports: { dashboard: number; client: number }): Forward {
    const args = [
        "port-forward",
        "--address",
        "127.0.0.1",
        "--namespace",
        namespace,
        `svc/${service}`,
        `${ports.dashboard}:${RAY_DASHBOARD_PORT}`,
        `${ports.client}:${RAY_CLIENT_PORT}`,
    ];
    const child = spawn("kubectl", args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stderr = "";
    let isReady = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
        child.on("close", (code, signal) => resolve({ code, signal, stderr: stderr.trim() }));
        child.on("error", (e) => resolve({ code: null, signal: null, stderr: e.message }));
    });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
        if (isReady) {
            // Once forwarding, kubectl's complaints (a lost pod, a refused connection) are the user's news.
            process.stderr.write(d.replace(/^(?=.)/gm, "kubectl: "));
        }
    });
    const ready = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill("SIGTERM");
            reject(
                new Error(`kubectl port-forward did not start within ${START_TIMEOUT_MS / 1000} s${stderr ? `: ${stderr.trim()}` : ""}`),
            );
        }, START_TIMEOUT_MS);
        const forwarded = new Set<number>();
        let pending = "";
        child.stdout!.setEncoding("utf8").on("data", (d: string) => {
            pending += d;
            const lines = pending.split("\n");
            pending = lines.pop()!;
            for (const line of lines) {
                const m = /^Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(line.trim());
                if (m) {
                    forwarded.add(Number(m[1]));
                }
            }
            if (!isReady && forwarded.has(ports.dashboard) && forwarded.has(ports.client)) {
                isReady = true;
                clearTimeout(timer);
                resolve();
            }
        });
        void exited.then((r) => {
            clearTimeout(timer);
            if (!isReady) {
                reject(new KubectlExited(r.code, r.signal, r.stderr));
            }
        });
    });
    // A stop requested before kubectl is ready leaves nobody waiting on `ready`.
    ready.catch(() => undefined);
    return { child, ready, exited };
}
