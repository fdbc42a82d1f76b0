import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { renderedStack, ROOT } from "../test/helpers/render";

/**
 * A stand-in for kubectl: logs each argv as a JSON line, answers the helper's checks
 * according to FAKE_KUBECTL_MODE, and for port-forward prints kubectl's "Forwarding from"
 * lines and waits, as the real one does.
 */
const FAKE_KUBECTL = `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
const log = (line) => fs.appendFileSync(process.env.FAKE_KUBECTL_LOG, line + "\\n");
log(JSON.stringify(args));
const mode = process.env.FAKE_KUBECTL_MODE || "ok";
const fail = (message, out) => { (out ? console.log : console.error)(message); process.exit(1); };
if (args[0] === "config" && args[1] === "current-context") {
    console.log("ack-hangzhou-prod");
} else if (args[0] === "config" && args[1] === "view") {
    process.stdout.write(fs.readFileSync(process.env.FAKE_KUBECONFIG_VIEW, "utf8"));
} else if (args[0] === "get") {
    if (mode === "wrong-context") fail('Error from server (NotFound): namespaces "' + args[4] + '" not found');
    console.log("service/" + args[2]);
} else if (args[0] === "auth") {
    if (mode === "forbidden") fail("no", true);
    if (mode === "not-a-user" && args[2] === "ray:write") fail("no", true);
    console.log("yes");
} else if (args[0] === "port-forward") {
    fs.writeFileSync(process.env.FAKE_KUBECTL_PID, String(process.pid));
    if (mode === "die") fail('error: unable to forward port because pod is not running. Current status=Pending');
    // Like kubectl, ready for SIGTERM before it announces the forward.
    process.on("SIGTERM", () => { log("SIGTERM"); process.exit(0); });
    for (const spec of args.filter((a) => /^\\d+:\\d+$/.test(a))) {
        const [local, remote] = spec.split(":");
        console.log("Forwarding from 127.0.0.1:" + local + " -> " + remote);
    }
    if (mode === "die-later") setTimeout(() => fail("error: lost connection to pod"), 300);
    setInterval(() => undefined, 1000);
} else {
    fail("fake kubectl: unexpected " + args.join(" "));
}
`;

interface Run {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

describe("npm run port-forward", function () {
    let dir: string;
    let bin: string;
    let teamA: string;
    let oneCluster: string;
    const running = new Set<ChildProcess>();

    function freePort(): Promise<number> {
        return new Promise((resolve) => {
            const s = net.createServer().listen(0, "127.0.0.1", () => {
                const port = (s.address() as net.AddressInfo).port;
                s.close(() => resolve(port));
            });
        });
    }

    function kubectlCalls(): string[][] {
        const log = path.join(dir, "kubectl.log");
        return fs.existsSync(log)
            ? fs
                  .readFileSync(log, "utf8")
                  .trim()
                  .split("\n")
                  .filter((l) => l.startsWith("["))
                  .map((l) => JSON.parse(l))
            : [];
    }

    /** Runs the helper; with `interrupt`, sends that signal once the helper says it is forwarding. */
    function helper(
        args: string[],
        opts: { mode?: string; path?: string; interrupt?: NodeJS.Signals; kubeconfig?: object } = {},
    ): Promise<Run> {
        const view = path.join(dir, "kubeconfig-view.json");
        fs.writeFileSync(view, JSON.stringify(opts.kubeconfig ?? {}));
        const child = spawn(
            process.execPath,
            [require.resolve("ts-node/dist/bin.js"), path.join(ROOT, "portForward", "portForward.ts"), ...args],
            {
                env: {
                    ...process.env,
                    PATH: opts.path ?? bin,
                    FAKE_KUBECTL_MODE: opts.mode ?? "ok",
                    FAKE_KUBECTL_LOG: path.join(dir, "kubectl.log"),
                    FAKE_KUBECTL_PID: path.join(dir, "kubectl.pid"),
                    FAKE_KUBECONFIG_VIEW: view,
                },
            },
        );
        running.add(child);
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
            stdout += d;
            if (opts.interrupt && /Ctrl-C stops it/.test(stdout)) {
                child.kill(opts.interrupt);
            }
        });
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        return new Promise((resolve) =>
            child.on("close", (code) => {
                running.delete(child);
                resolve({ code, stdout, stderr });
            }),
        );
    }

    function alive(pid: number): boolean {
        try {
            process.kill(pid, 0);
            return true;
        } catch {
            return false;
        }
    }

    before(function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-port-forward-"));
        bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "kubectl"), FAKE_KUBECTL, { mode: 0o755 });
        teamA = path.join(renderedStack("team-a").out, "outputs.json");
        const outputs = JSON.parse(fs.readFileSync(teamA, "utf8"));
        outputs.clusters = { notebooks: outputs.clusters.notebooks };
        oneCluster = path.join(dir, "one-cluster.json");
        fs.writeFileSync(oneCluster, JSON.stringify(outputs));
    });

    afterEach(() => {
        for (const child of running) {
            child.kill("SIGKILL");
        }
        fs.rmSync(path.join(dir, "kubectl.log"), { force: true });
        fs.rmSync(path.join(dir, "kubectl.pid"), { force: true });
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("forwards the chosen cluster's head Service, prints the URLs, the token command and the TLS env, and stops cleanly on Ctrl-C", async () => {
        const [dashboard, client] = [await freePort(), await freePort()];
        const r = await helper(
            [
                "--stack",
                "team-a",
                "--from",
                teamA,
                "--cluster",
                "training",
                "--dashboard-port",
                String(dashboard),
                "--client-port",
                String(client),
            ],
            {
                interrupt: "SIGINT",
            },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(kubectlCalls(), [
            ["config", "current-context"],
            ["get", "service", "training-head-svc", "--namespace", "ray-team-a", "--output", "name", "--request-timeout=10s"],
            ["auth", "can-i", "create", "pods/portforward", "--namespace", "ray-team-a", "--request-timeout=10s"],
            [
                "port-forward",
                "--address",
                "127.0.0.1",
                "--namespace",
                "ray-team-a",
                "svc/training-head-svc",
                `${dashboard}:8265`,
                `${client}:10001`,
            ],
        ]);
        assert.match(r.stdout, /through kubectl context "ack-hangzhou-prod"/);
        assert.ok(r.stdout.includes(`http://127.0.0.1:${dashboard}`), r.stdout);
        assert.ok(r.stdout.includes(`ray://127.0.0.1:${client}`));
        assert.ok(
            r.stdout.includes("  kubectl -n ray-team-a get secret training-ray-token -o jsonpath='{.data.auth_token}' | base64 -d\n"),
        );
        assert.ok(
            r.stdout.includes(
                `export RAY_AUTH_TOKEN="$(kubectl -n ray-team-a get secret training-ray-token -o jsonpath='{.data.auth_token}' | base64 -d)"`,
            ),
        );
        assert.match(r.stdout, /^TLS Ray Client as alice/m);
        assert.match(r.stdout, /^ {2}export RAY_USE_TLS="1"$/m);
        assert.match(r.stdout, /^ {2}export RAY_TLS_SERVER_KEY="\$HOME\/\.ray-on-ack\/team-a\/training\/alice\.key"$/m);
        assert.match(r.stdout, /^ {2}export RAY_TLS_CA_CERT="\$HOME\/\.ray-on-ack\/team-a\/training\/ca\.crt"$/m);
        assert.ok(
            r.stdout.includes(
                "stack outputs clusters.training.caCertificate, clusters.training.tlsClients.alice.certificate and (secret) tlsClientKeys.training.alice",
            ),
            r.stdout,
        );
        assert.match(r.stderr, /port-forward stopped/);
        const pid = Number(fs.readFileSync(path.join(dir, "kubectl.pid"), "utf8"));
        assert.equal(alive(pid), false, "kubectl still runs");
        assert.match(fs.readFileSync(path.join(dir, "kubectl.log"), "utf8"), /^SIGTERM$/m, "kubectl was stopped, not killed");
    });

    it("picks the only cluster by itself, offers only that cluster's Ray Client certificates, and stops on SIGTERM too", async () => {
        const [dashboard, client] = [await freePort(), await freePort()];
        const r = await helper(
            ["--stack", "team-a", "--from", oneCluster, "--dashboard-port", String(dashboard), "--client-port", String(client)],
            { interrupt: "SIGTERM" },
        );
        assert.equal(r.code, 0, r.stderr);
        // notebooks has personal identity: the person's own token, and a check that they may use it, as Ray's own.
        assert.ok(
            r.stdout.includes("RayCluster notebooks takes your own Kubernetes identity (personal identity: no shared token)"),
            r.stdout,
        );
        assert.ok(r.stdout.includes('  export RAY_AUTH_TOKEN="$(npm run --silent port-forward -- --print-token)"\n'), r.stdout);
        assert.doesNotMatch(r.stdout, /get secret/);
        assert.ok(
            kubectlCalls().some(
                (c) => c.join(" ") === "auth can-i ray:write rayclusters.ray.io/notebooks --namespace ray-team-a --request-timeout=10s",
            ),
        );
        // alice's certificate comes from training's CA, which notebooks' nodes do not trust.
        assert.doesNotMatch(r.stdout, /Ray Client as alice/);
        assert.match(
            r.stdout,
            /RayCluster notebooks's own CA, and stack team-a issues none for it: add \{name: <you>, clusters: \[notebooks\]\} to ray-on-ack:tls\.clients\./,
        );
        assert.ok(kubectlCalls().some((c) => c[0] === "port-forward" && c.includes("svc/notebooks-head-svc")));
        assert.equal(alive(Number(fs.readFileSync(path.join(dir, "kubectl.pid"), "utf8"))), false);
    });

    it("prints the public dashboard's CLB address from the outputs, when the stack exposes it", async () => {
        const [dashboard, client] = [await freePort(), await freePort()];
        const outputs = JSON.parse(fs.readFileSync(oneCluster, "utf8"));
        outputs.clusters.notebooks.publicDashboard = {
            mode: "loadbalancer",
            service: "notebooks-dashboard-public",
            aclId: "acl-bp1x",
            listener: "https",
            address: "203.0.113.10",
            authHeader: "Authorization: Bearer <token>",
        };
        const file = path.join(dir, "public.json");
        fs.writeFileSync(file, JSON.stringify(outputs));
        const r = await helper(
            ["--stack", "team-a", "--from", file, "--dashboard-port", String(dashboard), "--client-port", String(client)],
            { interrupt: "SIGTERM" },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.ok(
            r.stdout.includes(
                "This dashboard is also public at https://203.0.113.10/ on the CLB of Service notebooks-dashboard-public, with the header Authorization: Bearer <token>.",
            ),
            r.stdout,
        );
    });

    it("forwards to the cluster's own local ports from the stack outputs by default", async () => {
        const [dashboard, client] = [await freePort(), await freePort()];
        const outputs = JSON.parse(fs.readFileSync(oneCluster, "utf8"));
        outputs.clusters.notebooks.localPorts = { dashboard, client };
        const file = path.join(dir, "own-ports.json");
        fs.writeFileSync(file, JSON.stringify(outputs));
        const r = await helper(["--stack", "team-a", "--from", file], { interrupt: "SIGTERM" });
        assert.equal(r.code, 0, r.stderr);
        const forward = kubectlCalls().find((c) => c[0] === "port-forward");
        assert.deepEqual(forward?.slice(-2), [`${dashboard}:8265`, `${client}:10001`]);
        assert.match(r.stdout, new RegExp(`http://127\\.0\\.0\\.1:${dashboard}$`, "m"));
    });

    it("refuses outputs of another team's stack, naming both", async () => {
        const r = await helper(["--stack", "team-zz", "--from", teamA, "--cluster", "training"]);
        assert.equal(r.code, 2);
        assert.equal(
            r.stderr,
            `error: --from ${teamA} holds the outputs of team team-a, not of stack team-zz: render or pick the outputs of team-zz, or pass --stack for team-a's stack\n`,
        );
        assert.deepEqual(kubectlCalls(), [], "nothing forwarded");
    });

    it("names the clusters when the choice is missing or unknown", async () => {
        let r = await helper(["--stack", "team-a", "--from", teamA]);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, "error: stack team-a has several RayClusters (training, notebooks): choose one with --cluster <name>\n");
        r = await helper(["--stack", "team-a", "--from", teamA, "--cluster", "gpu"]);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, "error: stack team-a has no RayCluster gpu (clusters: training, notebooks)\n");
        assert.deepEqual(kubectlCalls(), []);
    });

    it("says so when kubectl is not on PATH", async () => {
        const empty = fs.mkdtempSync(path.join(dir, "empty-"));
        const r = await helper(["--stack", "team-a", "--from", oneCluster], { path: empty });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^error: kubectl is not on PATH: install it/);
    });

    it("names the context when it cannot see the namespace, or may not port-forward", async () => {
        let r = await helper(["--stack", "team-a", "--from", oneCluster], { mode: "wrong-context" });
        assert.equal(r.code, 2);
        assert.match(
            r.stderr,
            /^error: kubectl context "ack-hangzhou-prod" cannot see service ray-team-a\/notebooks-head-svc: Error from server \(NotFound\): namespaces "ray-team-a" not found\n/,
        );
        assert.match(r.stderr, /kubectl config use-context <name>/);
        r = await helper(["--stack", "team-a", "--from", oneCluster], { mode: "forbidden" });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^error: kubectl context "ack-hangzhou-prod" may not port-forward in namespace ray-team-a/);
        assert.ok(!kubectlCalls().some((c) => c[0] === "port-forward"));
    });

    it("refuses to forward a personal-identity cluster to someone Ray would refuse, and says whom to ask", async () => {
        const r = await helper(["--stack", "team-a", "--from", oneCluster], { mode: "not-a-user" });
        assert.equal(r.code, 2);
        assert.match(
            r.stderr,
            /^error: kubectl context "ack-hangzhou-prod" may not use RayCluster notebooks \(kubectl auth can-i ray:write rayclusters\.ray\.io\/notebooks: no\), and Ray asks the API server the same: ask to be added to its people/,
        );
        assert.ok(!kubectlCalls().some((c) => c[0] === "port-forward"));
    });

    it("--print-token prints the current context's bearer token: a static one, or what its credential plugin returns", async () => {
        let r = await helper(["--print-token"], {
            kubeconfig: { "current-context": "ack", users: [{ name: "u", user: { token: "tok-123" } }] },
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "tok-123\n");
        assert.deepEqual(kubectlCalls(), [["config", "view", "--minify", "--raw", "--output", "json"]]);
        // A credential plugin (ACK's RAM authenticator, kubelogin) gets the ExecCredential request kubectl would send it.
        const plugin = path.join(dir, "plugin");
        fs.writeFileSync(
            plugin,
            `#!${process.execPath}\nconst info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);\n` +
                'console.log(JSON.stringify({ kind: "ExecCredential", status: { token: `k8s-ack-v1.${process.argv[2]}.${process.env.REGION}.${info.kind}` } }));\n',
            { mode: 0o755 },
        );
        const exec = {
            command: plugin,
            args: ["c5e"],
            env: [{ name: "REGION", value: "cn-hangzhou" }],
            apiVersion: "client.authentication.k8s.io/v1beta1",
        };
        r = await helper(["--print-token"], { kubeconfig: { "current-context": "ack", users: [{ name: "u", user: { exec } }] } });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "k8s-ack-v1.c5e.cn-hangzhou.ExecCredential\n");
    });

    it("--print-token explains what to do about a client certificate, which Ray cannot take", async () => {
        const r = await helper(["--print-token"], {
            kubeconfig: {
                "current-context": "ack-admin",
                users: [{ name: "u", user: { "client-certificate-data": "LS0t", "client-key-data": "LS0t" } }],
            },
        });
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.match(
            r.stderr,
            /^error: context "ack-admin" authenticates with a client certificate\. Ray takes a bearer token, and a client certificate is none: .*ack-ram-tool credential-plugin get-kubeconfig --mode ram-authenticator-token --cluster-id <cluster id>/,
        );
    });

    it("names a taken local port and the flag that changes it", async () => {
        const taken = net.createServer();
        await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
        const port = (taken.address() as net.AddressInfo).port;
        try {
            const r = await helper([
                "--stack",
                "team-a",
                "--from",
                oneCluster,
                "--dashboard-port",
                String(port),
                "--client-port",
                String(await freePort()),
            ]);
            assert.equal(r.code, 2);
            assert.equal(
                r.stderr,
                `error: local port ${port} is already in use (another port-forward, or a local Ray?): choose another with --dashboard-port <port>\n`,
            );
            assert.ok(!kubectlCalls().some((c) => c[0] === "port-forward"));
        } finally {
            taken.close();
        }
    });

    it("exits 1 with kubectl's stderr when kubectl dies, before or after forwarding", async () => {
        const ports = async () => ["--dashboard-port", String(await freePort()), "--client-port", String(await freePort())];
        let r = await helper(["--stack", "team-a", "--from", oneCluster, ...(await ports())], { mode: "die" });
        assert.equal(r.code, 1);
        assert.equal(
            r.stderr,
            "error: kubectl port-forward exited (exit 1):\nerror: unable to forward port because pod is not running. Current status=Pending\n",
        );
        r = await helper(["--stack", "team-a", "--from", oneCluster, ...(await ports())], { mode: "die-later" });
        assert.equal(r.code, 1);
        assert.match(r.stdout, /Ctrl-C stops it/);
        assert.match(r.stderr, /^error: kubectl port-forward exited \(exit 1\):\nerror: lost connection to pod\n$/m);
    });

    it("rejects bad arguments and outputs that are not a team stack's", async () => {
        let r = await helper(["--stack", "team-a", "--from", path.join(dir, "nope.json")]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^error: --from .*nope\.json: no such file/);
        r = await helper(["--stack", "team-a", "--from", oneCluster, "--client-port", "99999"]);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, "error: --client-port 99999: not a port number (1-65535)\n");
        fs.writeFileSync(path.join(dir, "platform.json"), JSON.stringify({ rrsa: {} }));
        r = await helper(["--stack", "platform", "--from", path.join(dir, "platform.json")]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /does not look like a ray-on-ack team stack's outputs:\n {2}team: /);
        r = await helper([]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^error: --stack is required\nusage: npm run port-forward/);
    });
});
