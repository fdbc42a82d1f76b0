/**
 * The port-forward helper:
 * `npm run port-forward -- --stack <name> [--cluster <raycluster>] [--from <outputs.json>] [--dashboard-port N] [--client-port N]`.
 * Forwards a RayCluster's dashboard and Ray Client ports to 127.0.0.1 and prints how to use
 * them. Ctrl-C stops kubectl and exits 0. Exit 2: bad input, or kubectl/context/ports not
 * usable; exit 1: kubectl port-forward ended on its own (its stderr is printed).
 * `npm run --silent port-forward -- --print-token` prints the bearer token of your current
 * kubeconfig context, what a personal-identity cluster takes (./personalToken.ts), and exits.
 */
import { parseArgs } from "util";
import { checkKubectl, KubectlExited, RAY_CLIENT_PORT, RAY_DASHBOARD_PORT, startForward, type Forward } from "./kubectl";
import { assertSameStack, pickCluster, PortForwardError, readOutputsFile, readPulumiOutputs, type ClusterAccess } from "./outputs";
import { assertPortFree, parsePort } from "./ports";
import { currentUser, tokenOf } from "./personalToken";
import { ROOT, stackTeam } from "../program/stackFile";

const USAGE =
    "usage: npm run port-forward -- --stack <name> [--cluster <raycluster>] [--from <outputs.json>] [--dashboard-port <port>] [--client-port <port>]\n" +
    "       npm run --silent port-forward -- --print-token";

/** How long kubectl gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;

function parse() {
    let values;
    try {
        values = parseArgs({
            options: {
                stack: { type: "string" },
                cluster: { type: "string" },
                from: { type: "string" },
                "dashboard-port": { type: "string" },
                "client-port": { type: "string" },
                "print-token": { type: "boolean" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
        }).values;
    } catch (e) {
        throw new PortForwardError(`${(e as Error).message}\n${USAGE}`);
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
    }
    if (values["print-token"]) {
        return { printToken: true as const };
    }
    if (!values.stack) {
        throw new PortForwardError(`--stack is required\n${USAGE}`);
    }
    return {
        printToken: false as const,
        stack: values.stack,
        cluster: values.cluster,
        from: values.from,
        dashboardPort: values["dashboard-port"],
        clientPort: values["client-port"],
    };
}

type ForwardArgs = Extract<ReturnType<typeof parse>, { printToken: false }>;

/** The flags, else the cluster's own local ports from the stack outputs, else Ray's (outputs of older releases). */
function localPorts(args: ForwardArgs, cluster: ClusterAccess): { dashboard: number; client: number } {
    const ports = {
        dashboard: parsePort(args.dashboardPort, "--dashboard-port", cluster.localPorts?.dashboard ?? RAY_DASHBOARD_PORT),
        client: parsePort(args.clientPort, "--client-port", cluster.localPorts?.client ?? RAY_CLIENT_PORT),
    };
    if (ports.dashboard === ports.client) {
        throw new PortForwardError(`--dashboard-port and --client-port are both ${ports.dashboard}: choose two different ports`);
    }
    return ports;
}

function instructions(stack: string, cluster: ClusterAccess, context: string, ports: { dashboard: number; client: number }): string {
    const lines = [
        `Forwarding RayCluster ${cluster.name} (${cluster.namespace}/${cluster.headService}) through kubectl context "${context}". Ctrl-C stops it.`,
        "",
        `  Ray dashboard and Jobs API: http://127.0.0.1:${ports.dashboard}`,
        `  Ray Client:                 ray://127.0.0.1:${ports.client}`,
        "",
        ...(cluster.identity === "personal"
            ? [
                  `RayCluster ${cluster.name} takes your own Kubernetes identity (personal identity: no shared token). Your bearer token,`,
                  "from your kubeconfig context (a client certificate will not do; it expires with your login, print it again then):",
              ]
            : ["The Ray token (the dashboard, the Jobs API and Ray Client require it):"]),
        `  ${cluster.tokenCommand}`,
        "For the ray CLI and Ray Client, in another shell:",
        "  export RAY_AUTH_MODE=token",
        `  export RAY_AUTH_TOKEN="$(${cluster.tokenCommand})"`,
        `  ray job submit --address http://127.0.0.1:${ports.dashboard} -- python my_job.py`,
    ];
    const clients = Object.entries(cluster.tlsClients);
    lines.push("");
    if (clients.length === 0) {
        lines.push(
            `Ray Client connects over TLS with a client certificate from RayCluster ${cluster.name}'s own CA, and stack ${stack} issues none for it: ` +
                `add {name: <you>, clusters: [${cluster.name}]} to ray-on-ack:tls.clients.`,
        );
    }
    const c = `clusters.${cluster.name}`;
    for (const [client, { env }] of clients) {
        lines.push(`TLS Ray Client as ${client} (the Ray nodes require mutual TLS; only ${cluster.name}'s own CA is trusted):`);
        lines.push(...Object.entries(env).map(([k, v]) => `  export ${k}="${v}"`));
        lines.push(
            `  the files: stack outputs ${c}.caCertificate, ${c}.tlsClients.${client}.certificate and (secret) tlsClientKeys.${cluster.name}.${client}`,
            `  (pulumi stack output --stack ${stack} --show-secrets --json tlsClientKeys)`,
        );
    }
    const pub = cluster.publicDashboard;
    if (pub) {
        // The CLB's address is an output once `pulumi up` has created it; older outputs lack it.
        const address = pub.address ?? "<address>";
        const lookup = pub.address
            ? ""
            : ` (its address: kubectl -n ${cluster.namespace} get service ${pub.service} -o jsonpath='{.status.loadBalancer.ingress[0].ip}')`;
        const where = pub.url
            ? pub.url
            : `${pub.listener === "tcp" ? `http://${address}:8265/ (cleartext, intranet only)` : `https://${address}/`} on the CLB of Service ${pub.service}${lookup}`;
        lines.push("", `This dashboard is also public at ${where}${pub.authHeader ? `, with the header ${pub.authHeader}` : ""}.`);
    }
    return `${lines.join("\n")}\n`;
}

/** Stops kubectl: SIGTERM, then SIGKILL if it lingers. */
async function stop(forward: Forward): Promise<void> {
    if (forward.child.exitCode !== null || forward.child.signalCode !== null) {
        return;
    }
    forward.child.kill("SIGTERM");
    const killer = setTimeout(() => forward.child.kill("SIGKILL"), STOP_GRACE_MS);
    await forward.exited;
    clearTimeout(killer);
}

async function main(): Promise<number> {
    const args = parse();
    if (args.printToken) {
        const { context, user } = currentUser();
        process.stdout.write(`${tokenOf(user, context)}\n`);
        return 0;
    }
    const outputs = args.from ? readOutputsFile(args.from) : readPulumiOutputs(args.stack, ROOT);
    if (args.from) {
        assertSameStack(outputs, args.stack, stackTeam(args.stack), `--from ${args.from}`);
    }
    const cluster = pickCluster(outputs, args.stack, args.cluster);
    const ports = localPorts(args, cluster);
    const context = checkKubectl(cluster.namespace, cluster.headService, cluster.identity === "personal" ? cluster.name : undefined);
    await assertPortFree(ports.dashboard, "--dashboard-port");
    await assertPortFree(ports.client, "--client-port");

    let stopRequested: () => void = () => undefined;
    const stopped = new Promise<"stopped">((resolve) => (stopRequested = () => resolve("stopped")));
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.on(signal, () => stopRequested());
    }
    const forward = startForward(cluster.namespace, cluster.headService, ports);
    // Whatever ends this process, kubectl must not outlive it.
    process.on("exit", () => {
        if (forward.child.exitCode === null && forward.child.signalCode === null) {
            forward.child.kill("SIGKILL");
        }
    });
    if ((await Promise.race([forward.ready.then(() => "ready" as const), stopped])) === "stopped") {
        await stop(forward);
        return 0;
    }
    process.stdout.write(instructions(args.stack, cluster, context, ports));
    const end = await Promise.race([forward.exited, stopped]);
    if (end === "stopped") {
        await stop(forward);
        process.stderr.write("port-forward stopped\n");
        return 0;
    }
    throw new KubectlExited(end.code, end.signal, end.stderr);
}

main().then(
    (code) => process.exit(code),
    (e: Error) => {
        process.stderr.write(`error: ${e.message}\n`);
        process.exit(e instanceof PortForwardError ? 2 : 1);
    },
);
