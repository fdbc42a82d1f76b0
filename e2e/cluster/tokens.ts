/**
 * ServiceAccount tokens for the cluster suite, to call the API server exactly as a pod would: the
 * admin mints them (`kubectl create token`, the TokenRequest API the kubelet uses for a projected
 * token, bound to a pod when asked) or has the token controller fill a legacy token Secret, and the
 * suite then calls with a kubeconfig that holds only the server, its CA and the token (no client
 * certificate, which the API server would take first). Impersonation cannot stand in: it carries
 * no `authentication.kubernetes.io/pod-name`, which the autoscaler scope reads.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { env, kubectl, kubectlJson, output, waitFor, type Identity } from "./kube";

const made: string[] = [];
process.on("exit", () => made.forEach((f) => fs.rmSync(f, { force: true })));

/** A kubeconfig for TOKEN against the admin kubeconfig's server and CA (mode 0600, removed on exit). */
async function tokenKubeconfig(token: string, description: string): Promise<Identity> {
    const admin = await kubectlJson(["config", "view", "--raw", "--minify", "--flatten"]); // the CA as data, not a file path
    const cluster = admin.clusters[0].cluster;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2e-token-")), "kubeconfig");
    made.push(file);
    const config = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            { name: "e2e", cluster: { server: cluster.server, "certificate-authority-data": cluster["certificate-authority-data"] } },
        ],
        users: [{ name: "token", user: { token } }],
        contexts: [{ name: "e2e", context: { cluster: "e2e", user: "token" } }],
        "current-context": "e2e",
    };
    fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
    return { kubeconfig: file, description };
}

/** SA's token bound to POD (as a projected token in that pod), or bound to nothing when POD is undefined. */
export async function serviceAccountToken(sa: string, pod?: string): Promise<Identity> {
    const { namespace } = env();
    const bound = pod === undefined ? [] : ["--bound-object-kind", "Pod", "--bound-object-name", pod];
    const r = await kubectl(["-n", namespace, "create", "token", sa, "--duration", "10m", ...bound]);
    if (r.code !== 0) throw new Error(`kubectl create token ${sa}${pod ? ` bound to pod ${pod}` : ""}: ${output(r)}`);
    return tokenKubeconfig(r.stdout.trim(), pod === undefined ? `${sa}'s token bound to no pod` : `${sa}'s token bound to pod ${pod}`);
}

/**
 * SA's legacy token: a `kubernetes.io/service-account-token` Secret the token controller fills (no
 * pod, no expiry). The Secret is deleted when the returned function is called.
 */
export async function legacyServiceAccountToken(sa: string): Promise<{ caller: Identity; remove: () => Promise<void> }> {
    const { namespace } = env();
    const name = `${sa}-e2e-legacy-token`;
    const secret = {
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/service-account-token",
        metadata: { name, namespace, annotations: { "kubernetes.io/service-account.name": sa } },
    };
    const r = await kubectl(["apply", "-f", "-"], { input: JSON.stringify(secret) });
    if (r.code !== 0) throw new Error(`creating the legacy token Secret ${name}: ${output(r)}`);
    const remove = async () => void (await kubectl(["-n", namespace, "delete", "secret", name, "--ignore-not-found", "--wait=false"]));
    const token = await waitFor(60, `the token controller to fill Secret ${name}`, async () => {
        const s = await kubectlJson(["-n", namespace, "get", "secret", name]);
        return s.data?.token ? Buffer.from(s.data.token, "base64").toString() : undefined;
    });
    return { caller: await tokenKubeconfig(token, `${sa}'s legacy token Secret`), remove };
}
