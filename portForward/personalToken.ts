/**
 * `npm run --silent port-forward -- --print-token`: the bearer token your current kubeconfig
 * context presents to the API server, for a RayCluster with personal identity (Ray checks it with
 * the API server: docs/operations.md "Connecting as yourself"). A static token or token file is
 * printed as it is; a credential plugin (ACK's RAM authenticator through `ack-ram-tool
 * credential-plugin get-token`, an OIDC plugin such as kubelogin) is run as kubectl runs it, and its
 * token printed. A client certificate, ACK's default kubeconfig, cannot be handed to Ray: the
 * error says how to get a token kubeconfig instead.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { PortForwardError } from "./outputs";

/** A kubeconfig user entry, as `kubectl config view --minify --raw -o json` prints it. */
export interface KubeconfigUser {
    token?: string;
    tokenFile?: string;
    exec?: { command?: string; args?: string[]; env?: { name: string; value: string }[] | null; apiVersion?: string };
    "client-certificate"?: string;
    "client-certificate-data"?: string;
    "auth-provider"?: { name?: string };
}

/** Runs a credential plugin; returns its stdout. */
export type ExecRunner = (
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
) => { status: number | null; stdout: string; stderr: string };

const HOW_TO_GET_ONE =
    "Ray takes a bearer token, and a client certificate is none: use a kubeconfig whose user presents a token, on ACK from the RAM authenticator " +
    "(ack-ram-tool credential-plugin get-kubeconfig --mode ram-authenticator-token --cluster-id <cluster id>) or the platform's OIDC login " +
    '(docs/operations.md "Connecting as yourself")';

export const runPlugin: ExecRunner = (command, args, env) => {
    // stdin and the terminal stay the person's: an OIDC plugin may open a browser or ask.
    const r = spawnSync(command, args, { env, encoding: "utf8", stdio: ["inherit", "pipe", "pipe"], timeout: 120_000 });
    if (r.error) {
        throw new PortForwardError(`the kubeconfig's credential plugin ${command} could not run: ${r.error.message}`);
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** The bearer token the user entry presents, or an error saying why there is none. */
export function tokenOf(user: KubeconfigUser, context: string, run: ExecRunner = runPlugin): string {
    if (typeof user.token === "string" && user.token !== "") {
        return user.token;
    }
    if (typeof user.tokenFile === "string" && user.tokenFile !== "") {
        return fs.readFileSync(user.tokenFile, "utf8").trim();
    }
    if (user.exec?.command) {
        const { command, args = [], env, apiVersion = "client.authentication.k8s.io/v1" } = user.exec;
        const info = { apiVersion, kind: "ExecCredential", spec: { interactive: process.stdin.isTTY === true } };
        const extra = Object.fromEntries((env ?? []).map((e) => [e.name, e.value]));
        const r = run(command, args, { ...process.env, ...extra, KUBERNETES_EXEC_INFO: JSON.stringify(info) });
        if (r.status !== 0) {
            throw new PortForwardError(
                `the credential plugin of context "${context}" (${command}) failed (exit ${r.status}): ${r.stderr.trim()}`,
            );
        }
        let status: { token?: unknown; clientCertificateData?: unknown } | undefined;
        try {
            status = (JSON.parse(r.stdout) as { status?: typeof status }).status;
        } catch (e) {
            throw new PortForwardError(
                `the credential plugin of context "${context}" (${command}) printed no ExecCredential: ${(e as Error).message}`,
            );
        }
        if (typeof status?.token === "string" && status.token !== "") {
            return status.token;
        }
        throw new PortForwardError(
            `the credential plugin of context "${context}" (${command}) returns ${status?.clientCertificateData ? "a client certificate" : "no token"}. ${HOW_TO_GET_ONE}`,
        );
    }
    if (user["client-certificate"] || user["client-certificate-data"]) {
        throw new PortForwardError(`context "${context}" authenticates with a client certificate. ${HOW_TO_GET_ONE}`);
    }
    if (user["auth-provider"]) {
        throw new PortForwardError(
            `context "${context}" authenticates with the ${user["auth-provider"].name ?? "legacy"} auth-provider, which kubectl no longer runs. ${HOW_TO_GET_ONE}`,
        );
    }
    throw new PortForwardError(`context "${context}" presents no credential. ${HOW_TO_GET_ONE}`);
}

/** The current context's user, as kubectl resolves it. */
export function currentUser(): { context: string; user: KubeconfigUser } {
    const r = spawnSync("kubectl", ["config", "view", "--minify", "--raw", "--output", "json"], { encoding: "utf8", timeout: 30_000 });
    if (r.error || r.status !== 0) {
        throw new PortForwardError(
            `kubectl config view failed: ${r.error?.message ?? r.stderr.trim()} (is kubectl on PATH, with a current context?)`,
        );
    }
    const view = JSON.parse(r.stdout) as { "current-context"?: string; users?: { user?: KubeconfigUser }[] };
    return { context: view["current-context"] ?? "", user: view.users?.[0]?.user ?? {} };
}
