import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { issuePki, IssuedPair, PkiRequest, PkiState, PKI_DEFAULTS } from "../providers/pki";

/** Loopback addresses stand in for pod IPs: Linux answers on all of 127/8. */
const request: PkiRequest = {
    team: "team-a",
    namespace: "ray-team-a",
    podCidrs: ["127.42.0.0/24"],
    cluster: "c1",
    clients: ["alice"],
    ...PKI_DEFAULTS,
};

interface Outcome {
    /** The client finished the handshake and sent and received a byte. */
    ok: boolean;
    clientAuthorized?: boolean;
    serverAuthorized?: boolean;
    clientError?: string;
    serverError?: string;
}

/**
 * Mutual TLS as Ray's gRPC does it: the server demands and verifies a client certificate,
 * the client dials an IP and verifies the server certificate against it.
 */
async function handshake(opts: {
    server: IssuedPair;
    listen: string;
    client: IssuedPair;
    serverCa: string;
    clientCa: string;
    /** Skip the client's name/IP check, to test the rest of the verification alone. */
    skipIdentityCheck?: boolean;
}): Promise<Outcome> {
    const outcome: Outcome = { ok: false };
    const server = tls.createServer({
        cert: opts.server.certPem,
        key: opts.server.keyPem,
        ca: opts.serverCa,
        requestCert: true,
        rejectUnauthorized: true,
    });
    server.on("secureConnection", (socket) => {
        outcome.serverAuthorized = socket.authorized;
        socket.on("error", () => undefined);
        socket.on("data", () => socket.end("pong"));
    });
    // Node verifies the client certificate after the handshake and destroys the socket; the reason stays on it.
    server.on("tlsClientError", (err, socket) => (outcome.serverError ??= String(socket.authorizationError ?? err.message)));
    await new Promise<void>((resolve, reject) => server.listen(0, opts.listen, resolve).once("error", reject));
    const { port } = server.address() as { port: number };
    try {
        await new Promise<void>((resolve) => {
            const socket = tls.connect({
                host: opts.listen,
                port,
                cert: opts.client.certPem,
                key: opts.client.keyPem,
                ca: opts.clientCa,
                ...(opts.skipIdentityCheck ? { checkServerIdentity: () => undefined } : {}),
            });
            socket.setTimeout(5000, () => socket.destroy(new Error("timeout")));
            socket.on("secureConnect", () => {
                outcome.clientAuthorized = socket.authorized;
                socket.write("ping");
            });
            socket.on("data", () => {
                outcome.ok = true;
                socket.end();
            });
            socket.on("error", (err) => (outcome.clientError ??= `${(err as NodeJS.ErrnoException).code ?? ""} ${err.message}`));
            socket.on("close", () => resolve());
        });
    } finally {
        await new Promise((resolve) => server.close(resolve));
    }
    return outcome;
}

describe("tls/handshake", () => {
    let pki: PkiState;
    /** Another cluster of the same team, on the same pod subnet: its own CA. */
    let c2: PkiState;
    let other: PkiState;
    let dir: string;
    before(async () => {
        pki = await issuePki(request);
        c2 = await issuePki({ ...request, cluster: "c2", clients: ["bob"] });
        other = await issuePki({ ...request, team: "team-b", cluster: "b1", clients: ["mallory"] });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-tls-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const c1 = () => pki;

    it("connects a worker to the head by a pod IP inside the CIDR, both sides authorized", async () => {
        const out = await handshake({
            server: c1().head,
            listen: "127.42.0.1",
            client: c1().worker,
            serverCa: pki.caBundlePem,
            clientCa: pki.caBundlePem,
        });
        assert.deepEqual(out, { ok: true, clientAuthorized: true, serverAuthorized: true });
    });

    it("connects worker to worker (object transfer) by pod IP, and to the head on 127.0.0.1", async () => {
        const w2w = await handshake({
            server: c1().worker,
            listen: "127.42.0.200",
            client: c1().worker,
            serverCa: pki.caBundlePem,
            clientCa: pki.caBundlePem,
        });
        assert.deepEqual(w2w, { ok: true, clientAuthorized: true, serverAuthorized: true });
        const local = await handshake({
            server: c1().head,
            listen: "127.0.0.1",
            client: c1().worker,
            serverCa: pki.caBundlePem,
            clientCa: pki.caBundlePem,
        });
        assert.deepEqual(local, { ok: true, clientAuthorized: true, serverAuthorized: true });
    });

    it("fails the client's IP check when the server is on an address outside the pod CIDR", async () => {
        const out = await handshake({
            server: c1().head,
            listen: "127.43.0.1",
            client: c1().worker,
            serverCa: pki.caBundlePem,
            clientCa: pki.caBundlePem,
        });
        assert.equal(out.ok, false);
        assert.match(out.clientError ?? "", /ERR_TLS_CERT_ALTNAME_INVALID/);
        assert.match(out.clientError ?? "", /127\.43\.0\.1/);
    });

    it("rejects, on the server, a client certificate from another CA", async () => {
        const out = await handshake({
            server: c1().head,
            listen: "127.42.0.2",
            client: other.clients.mallory,
            serverCa: pki.caBundlePem,
            clientCa: pki.caBundlePem,
        });
        assert.equal(out.ok, false);
        assert.equal(out.serverAuthorized, undefined, "the server never accepted the connection");
        assert.match(out.serverError ?? "", /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/, JSON.stringify(out));
    });

    it("rejects, on cluster c1's head, the worker certificate of cluster c2 of the same team and subnet", async () => {
        // The attacker trusts c1's (public) CA, so only the server's check can stop it.
        const out = await handshake({
            server: c1().head,
            listen: "127.42.0.5",
            client: c2.worker,
            serverCa: pki.caBundlePem,
            clientCa: pki.caBundlePem,
        });
        assert.equal(out.ok, false);
        assert.equal(out.serverAuthorized, undefined, "c1's head never accepted c2's worker");
        assert.match(out.serverError ?? "", /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/, JSON.stringify(out));
    });

    it("rejects, on a c2 worker dialing out, c1's head posing as a peer (the client verifies against c2's CA only)", async () => {
        const out = await handshake({
            server: c1().head,
            listen: "127.42.0.6",
            client: c2.worker,
            serverCa: c2.caBundlePem,
            clientCa: c2.caBundlePem,
        });
        assert.equal(out.ok, false);
        assert.match(out.clientError ?? "", /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/, JSON.stringify(out));
    });

    it("rejects, on c2's head, a Ray Client certificate issued for c1", async () => {
        const out = await handshake({
            server: c2.head,
            listen: "127.42.0.7",
            client: pki.clients.alice,
            serverCa: c2.caBundlePem,
            clientCa: c2.caBundlePem,
        });
        assert.equal(out.ok, false);
        assert.match(out.serverError ?? "", /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/, JSON.stringify(out));
        const own = await handshake({
            server: c2.head,
            listen: "127.42.0.7",
            client: c2.clients.bob,
            serverCa: c2.caBundlePem,
            clientCa: c2.caBundlePem,
        });
        assert.deepEqual(own, { ok: true, clientAuthorized: true, serverAuthorized: true }, "c2's own client connects");
    });

    it("accepts a Ray Client user's certificate as a client but not as a server (clientAuth only)", async () => {
        const asClient = await handshake({
            server: c1().head,
            listen: "127.42.0.3",
            client: pki.clients.alice,
            serverCa: pki.caBundlePem,
            clientCa: pki.caBundlePem,
        });
        assert.deepEqual(asClient, { ok: true, clientAuthorized: true, serverAuthorized: true });
        const asServer = await handshake({
            server: pki.clients.alice,
            listen: "127.0.0.1",
            client: c1().worker,
            serverCa: pki.caBundlePem,
            clientCa: pki.caBundlePem,
            skipIdentityCheck: true,
        });
        assert.equal(asServer.ok, false);
        assert.match(asServer.clientError ?? "", /INVALID_PURPOSE|unsupported certificate purpose/i, JSON.stringify(asServer));
    });

    it("keeps old and new certificates talking during a CA rotation overlap", async () => {
        const rotated = await issuePki({ ...request, caRotation: 1 }, pki);
        // A pod restarted with the new bundle and certificate meets one still running the old ones.
        const out = await handshake({
            server: pki.head,
            listen: "127.42.0.4",
            client: rotated.worker,
            serverCa: rotated.caBundlePem,
            clientCa: rotated.caBundlePem,
        });
        assert.deepEqual(out, { ok: true, clientAuthorized: true, serverAuthorized: true });
        const withoutOverlap = await handshake({
            server: pki.head,
            listen: "127.42.0.4",
            client: rotated.worker,
            serverCa: rotated.ca.certPem,
            clientCa: rotated.ca.certPem,
        });
        assert.equal(withoutOverlap.ok, false);
        assert.match(
            withoutOverlap.clientError ?? "",
            /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/,
            JSON.stringify(withoutOverlap),
        );
    });

    it("passes `openssl verify` (strict, for TLS server and client use) and fails against another CA", async () => {
        const write = (name: string, text: string) => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, text);
            return file;
        };
        const ca = write("ca.crt", pki.caBundlePem);
        const head = write("head.crt", c1().head.certPem);
        const worker = write("worker.crt", c1().worker.certPem);
        for (const purpose of ["sslserver", "sslclient"]) {
            const out = execFileSync("openssl", ["verify", "-x509_strict", "-purpose", purpose, "-CAfile", ca, head, worker], {
                encoding: "utf8",
            });
            assert.equal(out, `${head}: OK\n${worker}: OK\n`);
        }
        const otherCa = write("other-ca.crt", other.caBundlePem);
        assert.throws(
            () => execFileSync("openssl", ["verify", "-CAfile", otherCa, head], { stdio: "pipe" }),
            /unable to get local issuer certificate/,
        );
        const c2Ca = write("c2-ca.crt", c2.caBundlePem);
        assert.throws(
            () => execFileSync("openssl", ["verify", "-CAfile", c2Ca, head, worker], { stdio: "pipe" }),
            /unable to get local issuer certificate/,
        );
    });
});
