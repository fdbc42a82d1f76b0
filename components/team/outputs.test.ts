/**
 * The documented shape of a team stack's outputs (docs/operations.md, "Stack outputs"), checked
 * against real renders of team-a (private clusters, a TLS client) and team-b (a public
 * dashboard, a RayJob, a private RayService). Fields may be added; the documented ones must stay as documented, and
 * secret material must never be a plain output.
 */
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as semver from "semver";
import { localPortSlot, localPortsFor } from "../exposure/access";
import { manifests, renderedStack, runRender } from "../../test/helpers/render";
import { MOCK_LOAD_BALANCER_ADDRESS } from "../../render/mockAnswers";

function outputsOf(out: string): Record<string, any> {
    return JSON.parse(fs.readFileSync(path.join(out, "outputs.json"), "utf8"));
}

const find = (objects: Record<string, any>[], kind: string, namespace: string | undefined, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata?.namespace === namespace && o.metadata?.name === name);

describe("stack outputs (documented shape)", function () {
    for (const stack of ["team-a", "team-b"]) {
        describe(stack, () => {
            let outputs: Record<string, any>;
            let objects: Record<string, any>[];
            before(() => {
                const { out } = renderedStack(stack);
                outputs = outputsOf(out);
                objects = manifests(out);
            });

            it("names the team and its namespace", () => {
                assert.equal(outputs.team, stack);
                assert.match(outputs.namespace, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
                assert.ok(find(objects, "Namespace", undefined, outputs.namespace), "the Namespace object");
            });

            it("gives each RayCluster its head Service, port-forward commands, local URLs and token command", () => {
                const names = Object.keys(outputs.clusters);
                assert.ok(names.length > 0);
                for (const [name, c] of Object.entries<any>(outputs.clusters)) {
                    assert.equal(c.namespace, outputs.namespace);
                    const rc = find(objects, "RayCluster", c.namespace, name);
                    assert.ok(rc, `RayCluster ${name}`);
                    assert.equal(rc.spec.rayVersion, c.rayVersion);
                    const svc = c.headService;
                    assert.equal(svc, `${name}-head-svc`, "KubeRay's head Service name");
                    const { dashboard, client } = c.localPorts;
                    assert.equal(
                        c.dashboardPortForward,
                        `kubectl -n ${c.namespace} port-forward --address 127.0.0.1 svc/${svc} ${dashboard}:8265`,
                    );
                    assert.equal(
                        c.clientPortForward,
                        `kubectl -n ${c.namespace} port-forward --address 127.0.0.1 svc/${svc} ${client}:10001`,
                    );
                    assert.equal(c.dashboardUrl, `http://127.0.0.1:${dashboard}`);
                    assert.equal(c.clientUrl, `ray://127.0.0.1:${client}`);
                    if (rc.spec.authOptions.enableK8sTokenAuth === true) {
                        // Personal identity: no token to read, each person prints their own.
                        assert.equal(c.identity, "personal");
                        assert.equal(c.tokenSecret, undefined);
                        assert.equal(find(objects, "Secret", c.namespace, `${name}-ray-token`), undefined);
                        assert.equal(c.tokenCommand, "npm run --silent port-forward -- --print-token");
                    } else {
                        assert.equal(c.identity, "token");
                        const secret = find(objects, "Secret", c.namespace, c.tokenSecret);
                        assert.ok(secret, `token Secret ${c.tokenSecret}`);
                        assert.ok("auth_token" in (secret.data ?? secret.stringData), "KubeRay's token key");
                        assert.equal(
                            c.tokenCommand,
                            `kubectl -n ${c.namespace} get secret ${c.tokenSecret} -o jsonpath='{.data.auth_token}' | base64 -d`,
                        );
                    }
                    assert.equal(
                        c.raySessionCommand,
                        `kubectl ray session raycluster/${name} -n ${c.namespace}`,
                        "the KubeRay kubectl plugin's equivalent",
                    );
                    assert.ok(semver.valid(c.rayVersion) && semver.gte(c.rayVersion, "2.54.0"), `rayVersion ${c.rayVersion}`);
                }
            });

            it("gives each RayCluster local ports of its own, derived from its namespace and name (stable across renders)", () => {
                const all = Object.values<any>(outputs.clusters).flatMap((c) => [c.localPorts.dashboard, c.localPorts.client]);
                assert.equal(new Set(all).size, all.length, `ports shared between clusters: ${all}`);
                assert.deepEqual(
                    Object.fromEntries(Object.entries<any>(outputs.clusters).map(([n, c]) => [n, c.localPorts])),
                    localPortsFor(outputs.namespace, Object.keys(outputs.clusters)),
                );
                for (const port of all) {
                    assert.ok(port >= 20000 && port < 22000, `${port} outside 20000-21999`);
                }
            });

            it("describes a public dashboard only for clusters that asked for one", () => {
                const expected = stack === "team-b" ? ["analytics"] : stack === "team-a" ? ["notebooks"] : [];
                assert.deepEqual(
                    Object.keys(outputs.clusters).filter((n) => outputs.clusters[n].publicDashboard),
                    expected,
                );
                for (const [name, c] of Object.entries<any>(outputs.clusters)) {
                    if (c.publicDashboard === undefined) {
                        continue;
                    }
                    assert.ok(["loadbalancer", "ingress", "gateway"].includes(c.publicDashboard.mode), name);
                    assert.match(c.publicDashboard.authHeader, /^(X-Ray-)?Authorization: Bearer <token>$/);
                    if (c.publicDashboard.mode === "loadbalancer") {
                        const s = find(objects, "Service", c.namespace, c.publicDashboard.service);
                        assert.equal(s?.spec.type, "LoadBalancer");
                        assert.match(c.publicDashboard.aclId, /^acl-/);
                        // The renderer's cloud controller stand-in answers every LoadBalancer Service with this address.
                        assert.equal(
                            c.publicDashboard.address,
                            MOCK_LOAD_BALANCER_ADDRESS,
                            "the CLB's address, read back from the Service's status",
                        );
                    } else {
                        assert.match(c.publicDashboard.url, /^https:\/\//);
                        // Behind the edge's login the token cannot ride Authorization: basic auth owns it, and
                        // Envoy's OAuth2 filter (SSO) removes it from every request.
                        assert.equal(
                            c.publicDashboard.authHeader,
                            "X-Ray-Authorization: Bearer <token>",
                            `${name}: ${c.publicDashboard.auth}`,
                        );
                    }
                }
            });

            it("gives each RayJob its token Secret and status and log commands", () => {
                assert.deepEqual(Object.keys(outputs.jobs), stack === "team-b" ? ["nightly-etl"] : []);
                for (const [name, j] of Object.entries<any>(outputs.jobs)) {
                    assert.equal(j.namespace, outputs.namespace);
                    assert.ok(find(objects, "RayJob", j.namespace, name), `RayJob ${name}`);
                    assert.ok(find(objects, "Secret", j.namespace, j.tokenSecret));
                    assert.equal(j.statusCommand, `kubectl -n ${j.namespace} get rayjob ${name}`);
                    assert.match(j.logsCommand, new RegExp(`^kubectl -n ${j.namespace} logs -l .*ray-on-ack\\.io/cluster=${name}`));
                    assert.equal(j.raySessionCommand, `kubectl ray session rayjob/${name} -n ${j.namespace}`);
                }
            });

            it("gives each RayService its serve address, port-forward to 8000, CA and commands", () => {
                assert.deepEqual(Object.keys(outputs.services), stack === "team-b" ? ["sentiment"] : []);
                for (const [name, s] of Object.entries<any>(outputs.services)) {
                    assert.equal(s.namespace, outputs.namespace);
                    assert.ok(find(objects, "RayService", s.namespace, name), `RayService ${name}`);
                    assert.equal(s.serveService, `${name}-serve-svc`);
                    assert.equal(s.serveAddress, `http://${name}-serve-svc.${s.namespace}.svc.cluster.local:8000`);
                    assert.equal(s.localPort, 22000 + localPortSlot(s.namespace, name));
                    assert.equal(
                        s.servePortForward,
                        `kubectl -n ${s.namespace} port-forward --address 127.0.0.1 svc/${name}-serve-svc ${s.localPort}:8000`,
                    );
                    assert.equal(s.localUrl, `http://127.0.0.1:${s.localPort}`);
                    assert.equal(s.rayVersion, find(objects, "RayService", s.namespace, name)!.spec.rayClusterConfig.rayVersion);
                    assert.ok(new crypto.X509Certificate(s.caCertificate).ca, "the service's own CA");
                    assert.ok(find(objects, "Secret", s.namespace, s.tokenSecret));
                    assert.equal(s.statusCommand, `kubectl -n ${s.namespace} get rayservice ${name}`);
                    assert.equal(s.publicServe, undefined, "team-b's service is private");
                }
            });

            it("publishes each cluster's own CA and its Ray Client certificates with their environment", () => {
                const cas = new Set<string>();
                for (const [name, c] of Object.entries<any>(outputs.clusters)) {
                    const ca = new crypto.X509Certificate(c.caCertificate);
                    assert.ok(ca.ca, `${name}: a CA`);
                    assert.match(ca.subject, new RegExp(`CN=ray-on-ack ${name} CA`));
                    cas.add(c.caCertificate);
                    const secret = find(objects, "Secret", c.namespace, `${name}-ray-tls-head`);
                    assert.ok(secret, `${name}: head TLS Secret`);
                    for (const [client, t] of Object.entries<any>(c.tlsClients)) {
                        const cert = new crypto.X509Certificate(t.certificate);
                        assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), `${client} is signed by ${name}'s CA`);
                        for (const [other, o] of Object.entries<any>(outputs.clusters)) {
                            if (other !== name) {
                                assert.ok(
                                    !cert.verify(new crypto.X509Certificate(o.caCertificate).publicKey),
                                    `${client} of ${name} is not signed by ${other}'s CA`,
                                );
                            }
                        }
                        const dir = `$HOME/.ray-on-ack/${outputs.team}/${name}`;
                        assert.deepEqual(t.env, {
                            RAY_USE_TLS: "1",
                            RAY_TLS_SERVER_CERT: `${dir}/${client}.crt`,
                            RAY_TLS_SERVER_KEY: `${dir}/${client}.key`,
                            RAY_TLS_CA_CERT: `${dir}/ca.crt`,
                        });
                    }
                }
                for (const [name, j] of Object.entries<any>(outputs.jobs)) {
                    assert.ok(new crypto.X509Certificate(j.caCertificate).ca, `${name}: a CA`);
                    cas.add(j.caCertificate);
                }
                assert.equal(
                    cas.size,
                    Object.keys(outputs.clusters).length + Object.keys(outputs.jobs).length,
                    "no two clusters share a CA",
                );
                const clients = Object.fromEntries(Object.entries<any>(outputs.clusters).map(([n, c]) => [n, Object.keys(c.tlsClients)]));
                assert.deepEqual(clients, stack === "team-a" ? { training: ["alice"], notebooks: [] } : { analytics: [] });
                assert.equal(outputs.caCertificate, undefined, "no team-wide CA any more");
                assert.equal(outputs.tlsClients, undefined, "client certificates are per cluster");
            });

            it("keeps the client keys secret and holds no private key or token in plain outputs", () => {
                assert.equal(outputs.tlsClientKeys, "[secret]");
                const text = JSON.stringify(outputs);
                assert.doesNotMatch(text, /PRIVATE KEY/);
                assert.doesNotMatch(text, /\$apr1\$|\$2[aby]\$/, "no password hashes");
            });
        });
    }

    it("team-a's secret material is only in the secret output (checked with --include-secrets)", () => {
        const r = runRender(["--stack", "team-a", "--include-secrets"]);
        assert.equal(r.status, 0, r.stderr);
        const outputs = outputsOf(r.out);
        const { tlsClientKeys, ...plain } = outputs;
        assert.deepEqual(Object.keys(tlsClientKeys), ["training"], "by cluster, then by user");
        assert.deepEqual(Object.keys(tlsClientKeys.training), ["alice"]);
        assert.match(tlsClientKeys.training.alice, /PRIVATE KEY/);
        const cert = new crypto.X509Certificate(plain.clusters.training.tlsClients.alice.certificate);
        assert.ok(
            cert.checkPrivateKey(crypto.createPrivateKey(tlsClientKeys.training.alice)),
            "the key belongs to the published certificate",
        );
        const text = JSON.stringify(plain);
        assert.doesNotMatch(text, /PRIVATE KEY/);
        const tokens = manifests(r.out).filter((o) => o.kind === "Secret" && (o.stringData?.auth_token ?? o.data?.auth_token));
        assert.equal(tokens.length, 1, "one token Secret per RayCluster with a static token (training; notebooks has personal identity)");
        for (const s of tokens) {
            const token = s.stringData?.auth_token ?? Buffer.from(s.data.auth_token, "base64").toString();
            assert.ok(token.length >= 16 && !text.includes(token), `the token of ${s.metadata.name} is not an output`);
        }
        fs.rmSync(r.out, { recursive: true, force: true });
    });
});

describe("local port-forward ports", () => {
    it("do not move when other clusters are added or reordered", () => {
        const alone = localPortsFor("ray-team-x", ["training"]);
        const among = localPortsFor("ray-team-x", ["etl", "notebooks", "training"]);
        assert.deepEqual(among.training, alone.training);
        assert.deepEqual(localPortsFor("ray-team-x", ["training", "etl"]).etl, among.etl);
        assert.equal(alone.training.client - alone.training.dashboard, 1000, "a cluster's two ports share their last digits");
    });

    it("differ between the clusters of a stack even when their names hash to the same slot", () => {
        // Find two cluster names whose hashes clash (a birthday search over 1000 slots ends quickly).
        const bySlot = new Map<number, string>();
        let clash: [string, string] | undefined;
        for (let i = 0; !clash; i++) {
            const name = `c${i}`;
            const slot = localPortSlot("ray-team-x", name);
            const other = bySlot.get(slot);
            clash = other === undefined ? (bySlot.set(slot, name), undefined) : [other, name];
        }
        const ports = localPortsFor("ray-team-x", clash);
        assert.notEqual(ports[clash[0]].dashboard, ports[clash[1]].dashboard);
        assert.notEqual(ports[clash[0]].client, ports[clash[1]].client);
        assert.equal(ports[clash[0]].dashboard, 20000 + localPortSlot("ray-team-x", clash[0]), "the first in config order keeps its slot");
    });
});
