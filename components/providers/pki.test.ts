import { MAX_POD_ADDRESSES, validatePodCidrs } from "../core/podCidrs";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import { names } from "../core/naming";
import { certInfo, issuePki, pkiChanges, PkiRequest, PkiState, splitPemBundle, validatePkiRequest, PKI_DEFAULTS } from "./pki";

const DAY = 86_400_000;
const T0 = new Date("2026-01-01T00:00:00Z");
const at = (days: number) => new Date(T0.getTime() + days * DAY);

/** RayCluster c1 with one Ray Client user; every cluster (and job) has a request, and a CA, of its own. */
const request: PkiRequest = {
    team: "team-a",
    namespace: "ray-team-a",
    podCidrs: ["10.0.0.0/30"],
    cluster: "c1",
    clients: ["alice"],
    ...PKI_DEFAULTS,
};
const jobRequest: PkiRequest = { ...request, cluster: "job1", clients: [] };

/** Node's own X.509 parser, so the assertions do not only trust the parser the code uses. */
const x509 = (pem: string) => new crypto.X509Certificate(pem);
const signedBy = (leafPem: string, caPem: string) => x509(leafPem).checkIssued(x509(caPem)) && x509(leafPem).verify(x509(caPem).publicKey);
/** OpenSSL's own text dump of a certificate. */
const caText = (pem: string) => execFileSync("openssl", ["x509", "-noout", "-text"], { input: pem }).toString();
const approx = (d: Date, expected: Date) =>
    assert.ok(Math.abs(d.getTime() - expected.getTime()) < 2 * 3_600_000, `${d.toISOString()} vs ${expected.toISOString()}`);

describe("providers/pki", () => {
    /** One cluster, no clients: for the cases that do not need the rest (each RSA key costs ~0.1 s). */
    const small: PkiRequest = { ...request, clients: [] };

    let s0: PkiState;
    let job0: PkiState;
    let small0: PkiState;
    before(async () => {
        s0 = await issuePki(request, undefined, T0);
        job0 = await issuePki(jobRequest, undefined, T0);
        small0 = await issuePki(small, undefined, T0);
    });

    describe("issuing", () => {
        it("issues a CA with CA:TRUE and pathLen 0, keyCertSign+cRLSign (both critical), no EKU and a subject key id", async () => {
            const ca = certInfo(s0.ca.certPem);
            assert.equal(ca.isCa, true);
            assert.equal(ca.pathLen, 0, "the CA may sign leaves only");
            assert.equal(x509(s0.ca.certPem).ca, true);
            // OpenSSL's reading too (Node's X509Certificate has no basicConstraints accessor).
            assert.match(caText(s0.ca.certPem), /CA:TRUE, pathlen:0/);
            assert.deepEqual(ca.keyUsage, ["keyCertSign", "cRLSign"]);
            assert.ok(ca.critical.includes("basicConstraints") && ca.critical.includes("keyUsage"), ca.critical.join());
            assert.deepEqual(ca.eku, []);
            assert.equal(x509(s0.ca.certPem).keyUsage, undefined, "Node sees no extendedKeyUsage");
            assert.ok(ca.hasSubjectKeyId);
            assert.equal(ca.subjectCN, "ray-on-ack c1 CA");
            assert.equal(ca.keyBits, 2048);
            approx(ca.notAfter, at(1825));
            assert.equal(s0.caBundlePem, s0.ca.certPem);
            assert.equal(s0.previousCa, undefined);
            assert.ok(x509(s0.ca.certPem).checkPrivateKey(crypto.createPrivateKey(s0.ca.keyPem)));
        });

        it("gives pod leaves serverAuth+clientAuth, digitalSignature+keyEncipherment, the CA's key id and every pod address", async () => {
            const podIps = ["127.0.0.1", "10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3"];
            for (const [state, pair] of [
                [s0, s0.head],
                [s0, s0.worker],
                [job0, job0.head],
                [job0, job0.worker],
            ] as const) {
                const caKeyId = certInfo(state.ca.certPem).subjectKeyId;
                const leaf = certInfo(pair.certPem);
                assert.equal(leaf.isCa, false);
                assert.deepEqual(leaf.eku, ["serverAuth", "clientAuth"]);
                assert.deepEqual(x509(pair.certPem).keyUsage, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
                assert.deepEqual(leaf.keyUsage, ["digitalSignature", "keyEncipherment"]);
                assert.equal(leaf.authorityKeyId, caKeyId);
                assert.deepEqual(leaf.ipSans, podIps);
                assert.equal(leaf.keyBits, 2048);
                approx(leaf.notAfter, at(365));
                assert.ok(signedBy(pair.certPem, state.ca.certPem));
                assert.ok(x509(pair.certPem).checkPrivateKey(crypto.createPrivateKey(pair.keyPem)));
                // 16 random bytes, positive
                assert.match(leaf.serialHex, /^[0-7][0-9a-f]{31}$/);
            }
            assert.match(x509(s0.head.certPem).subjectAltName!, /IP Address:10\.0\.0\.3/);
        });

        it("puts the head Service's four DNS forms on a RayCluster head, only localhost on workers", async () => {
            assert.deepEqual(certInfo(s0.head.certPem).dnsSans, ["localhost", ...names.headServiceDnsNames("c1", "ray-team-a")]);
            assert.equal(names.headServiceDnsNames("c1", "ray-team-a").length, 4);
            assert.deepEqual(certInfo(s0.worker.certPem).dnsSans, ["localhost"]);
        });

        it("puts the exact head Service names on a RayJob head too, no namespace wildcard", async () => {
            const sans = certInfo(job0.head.certPem).dnsSans;
            assert.deepEqual(sans, ["localhost", ...names.headServiceDnsNames("job1", "ray-team-a")]);
            assert.ok(!sans.some((n) => n.includes("*")), sans.join());
        });

        it("gives each cluster its own CA: another cluster's certificates are not signed by it", async () => {
            assert.notEqual(job0.ca.certPem, s0.ca.certPem);
            assert.equal(certInfo(job0.ca.certPem).subjectCN, "ray-on-ack job1 CA");
            for (const pem of [job0.head.certPem, job0.worker.certPem]) {
                assert.ok(!signedBy(pem, s0.ca.certPem));
            }
            for (const pem of [s0.head.certPem, s0.worker.certPem, s0.clients.alice.certPem]) {
                assert.ok(!signedBy(pem, job0.ca.certPem));
            }
        });

        it("issues client certificates with clientAuth only, the client's name and no pod SANs", async () => {
            const c = certInfo(s0.clients.alice.certPem);
            assert.equal(c.subjectCN, "alice");
            assert.deepEqual(c.eku, ["clientAuth"]);
            assert.deepEqual(c.ipSans, []);
            assert.deepEqual(c.dnsSans, []);
            assert.ok(signedBy(s0.clients.alice.certPem, s0.ca.certPem));
            assert.match(x509(s0.clients.alice.certPem).subject, /OU=c1/, "the client certificate names its cluster");
        });

        it("gives every certificate its own key and serial", async () => {
            const pairs = [s0.ca, s0.head, s0.worker, job0.ca, job0.head, job0.worker, s0.clients.alice];
            assert.equal(new Set(pairs.map((p) => p.keyPem)).size, pairs.length);
            assert.equal(new Set(pairs.map((p) => certInfo(p.certPem).serialHex)).size, pairs.length);
        });

        it("fingerprints each cluster over its bundle and both certificates", async () => {
            const expected = crypto
                .createHash("sha256")
                .update(s0.caBundlePem + s0.head.certPem + s0.worker.certPem)
                .digest("hex");
            assert.equal(s0.fingerprint, expected);
            assert.notEqual(s0.fingerprint, job0.fingerprint);
        });

        it("issues RSA-3072 keys when asked", async () => {
            const s = await issuePki({ ...small, keySize: 3072 }, undefined, T0);
            assert.equal(certInfo(s.ca.certPem).keyBits, 3072);
        });

        it("keeps every certificate when re-run with the same request", async () => {
            const again = await issuePki(request, s0, at(100));
            assert.deepEqual(again, s0);
            assert.deepEqual(pkiChanges(request, s0, at(100)), []);
        });
    });

    describe("renewal and changes", () => {
        it("re-issues the leaves (not the CA) once they expire within renewBeforeDays", async () => {
            assert.deepEqual(pkiChanges(request, s0, at(334)), []);
            const changes = pkiChanges(request, s0, at(336));
            assert.ok(
                changes.some((c) => /^nodes: .*renew window/.test(c)),
                changes.join("\n"),
            );
            const renewed = await issuePki(request, s0, at(336));
            assert.equal(renewed.ca.certPem, s0.ca.certPem);
            assert.notEqual(renewed.head.certPem, s0.head.certPem);
            assert.notEqual(renewed.worker.keyPem, s0.worker.keyPem);
            assert.notEqual(renewed.fingerprint, s0.fingerprint);
            approx(certInfo(renewed.head.certPem).notAfter, at(336 + 365));
            assert.notEqual(renewed.clients.alice.certPem, s0.clients.alice.certPem);
            assert.deepEqual(pkiChanges(request, renewed, at(337)), []);
        });

        it("re-issues the cluster leaves when the SANs change, and keeps the CA and client certificates", async () => {
            const req = { ...request, podCidrs: ["10.0.0.0/30", "10.0.1.0/31"] };
            const s = await issuePki(req, s0, at(1));
            assert.equal(s.ca.certPem, s0.ca.certPem);
            assert.equal(s.clients.alice.certPem, s0.clients.alice.certPem);
            assert.notEqual(s.head.certPem, s0.head.certPem);
            assert.notEqual(s.worker.certPem, s0.worker.certPem);
            assert.deepEqual(certInfo(s.worker.certPem).ipSans.slice(-2), ["10.0.1.0", "10.0.1.1"]);

            const ns = await issuePki({ ...small, namespace: "other" }, small0, at(1));
            assert.deepEqual(certInfo(ns.head.certPem).dnsSans, ["localhost", ...names.headServiceDnsNames("c1", "other")]);
        });

        it("does not re-issue anything when only the order of the pod CIDRs changes", async () => {
            const two = await issuePki({ ...small, podCidrs: ["10.0.0.0/30", "10.0.1.0/30"] }, undefined, T0);
            const swapped = { ...small, podCidrs: ["10.0.1.0/30", "10.0.0.0/30"] };
            assert.deepEqual(pkiChanges(swapped, two, at(1)), []);
            assert.equal((await issuePki(swapped, two, at(1))).head.certPem, two.head.certPem);
        });

        it("re-issues all leaves under the same CA when the rotation counter is bumped", async () => {
            const s = await issuePki({ ...request, rotation: 1 }, s0, at(1));
            assert.equal(s.ca.certPem, s0.ca.certPem);
            assert.notEqual(s.head.certPem, s0.head.certPem);
            assert.notEqual(s.clients.alice.certPem, s0.clients.alice.certPem);
        });

        it("issues only the clients that were added, and drops those removed", async () => {
            const req = { ...request, clients: ["bob"] };
            const s = await issuePki(req, s0, at(1));
            assert.equal(s.head.certPem, s0.head.certPem);
            assert.equal(s.ca.certPem, s0.ca.certPem);
            assert.deepEqual(Object.keys(s.clients), ["bob"]);
            assert.ok(signedBy(s.clients.bob.certPem, s0.ca.certPem));
            assert.deepEqual(pkiChanges(req, s0, at(1)).sort(), ["client:alice: removed", "client:bob: new"]);
        });

        it("on caRotation: new CA, leaves under it, both CAs in the bundle until caOverlapDays have passed", async () => {
            const rotated = { ...request, caRotation: 1 };
            const s1 = await issuePki(rotated, s0, at(10));
            assert.notEqual(s1.ca.certPem, s0.ca.certPem);
            assert.equal(s1.ca.rotation, 1);
            assert.deepEqual(splitPemBundle(s1.caBundlePem), [s1.ca.certPem, s0.ca.certPem]);
            assert.equal(s1.previousCa?.retiredAt, at(10).toISOString());
            for (const pem of [s1.head.certPem, s1.worker.certPem, s1.clients.alice.certPem]) {
                assert.ok(signedBy(pem, s1.ca.certPem));
                assert.ok(!signedBy(pem, s0.ca.certPem));
                assert.equal(certInfo(pem).authorityKeyId, certInfo(s1.ca.certPem).subjectKeyId);
            }
            assert.notEqual(certInfo(s1.ca.certPem).subjectKeyId, certInfo(s0.ca.certPem).subjectKeyId);
            assert.notEqual(s1.fingerprint, s0.fingerprint);
            assert.ok(!JSON.stringify(s1).includes(s0.ca.keyPem.split("\n")[1]), "the retired CA's key is not kept");

            assert.deepEqual(await issuePki(rotated, s1, at(39)), s1, "still inside the overlap: nothing changes");
            assert.deepEqual(pkiChanges(rotated, s1, at(39)), []);

            assert.deepEqual(pkiChanges(rotated, s1, at(40)), ["previousCa: the CA overlap ended"]);
            const s2 = await issuePki(rotated, s1, at(40));
            assert.deepEqual(splitPemBundle(s2.caBundlePem), [s1.ca.certPem]);
            assert.equal(s2.previousCa, undefined);
            assert.equal(s2.head.certPem, s1.head.certPem);
            assert.notEqual(s2.fingerprint, s1.fingerprint, "the bundle changed, so the pods restart");
        });

        it("rotates the CA on its own when it enters the renew window, with the same overlap", async () => {
            assert.deepEqual(
                pkiChanges(small, small0, at(1825 - 31)).filter((c) => c.startsWith("ca:")),
                [],
            );
            const s = await issuePki(small, small0, at(1825 - 29));
            assert.notEqual(s.ca.certPem, small0.ca.certPem);
            assert.equal(splitPemBundle(s.caBundlePem).length, 2);
        });

        it("never lets a leaf outlive its CA", async () => {
            const short = { ...small, caValidityDays: 100, leafValidityDays: 365 };
            const s = await issuePki(short, undefined, T0);
            assert.equal(certInfo(s.head.certPem).notAfter.getTime(), certInfo(s.ca.certPem).notAfter.getTime());
        });
    });

    describe("pod CIDR validation", () => {
        it("accepts disjoint IPv4 CIDRs", async () => {
            assert.deepEqual(validatePodCidrs(["10.0.0.0/24", "10.0.1.0/24"]), []);
        });

        it("refuses overlapping CIDRs, naming both", async () => {
            const [msg, ...rest] = validatePodCidrs(["10.0.0.0/24", "10.0.0.128/25"]);
            assert.deepEqual(rest, []);
            assert.match(msg, /10\.0\.0\.0\/24 and 10\.0\.0\.128\/25 overlap/);
        });

        it("accepts exactly a /20 in total and refuses a /20 plus a /24, with the total, the limit and the reason", async () => {
            assert.equal(MAX_POD_ADDRESSES, 4096);
            assert.deepEqual(validatePodCidrs(["10.0.0.0/20"]), []);
            assert.deepEqual(validatePodCidrs(["10.0.0.0/21", "10.1.0.0/22", "10.2.0.0/22"]), []);
            const [msg, ...rest] = validatePodCidrs(["10.0.0.0/20", "10.1.0.0/24"]);
            assert.deepEqual(rest, []);
            assert.match(msg, /4352/);
            assert.match(msg, /4096/);
            assert.match(msg, /100 KiB/);
        });

        it("refuses IPv6, non-canonical and malformed CIDRs, and an empty list", async () => {
            assert.match(validatePodCidrs(["fd00::/64"]).join(), /fd00::\/64 is IPv6/);
            assert.match(validatePodCidrs(["10.0.0.5/24"]).join(), /10\.0\.0\.5\/24 has host bits set; did you mean 10\.0\.0\.0\/24/);
            assert.match(validatePodCidrs(["10.0.0.0"]).join(), /not an IPv4 CIDR/);
            assert.match(validatePodCidrs(["banana"]).join(), /not an IPv4 CIDR/);
            assert.match(validatePodCidrs([]).join(), /at least one pod CIDR/);
        });

        it("makes issuePki refuse a request with bad pod CIDRs or a renew window as long as the validity", async () => {
            await assert.rejects(async () => issuePki({ ...request, podCidrs: ["10.0.0.0/19"] }), /8192 addresses/);
            assert.match(validatePkiRequest({ ...request, renewBeforeDays: 365 }).join(), /renewBeforeDays/);
            assert.match(validatePkiRequest({ ...request, clients: ["alice", "alice"] }).join(), /alice is listed twice/);
            assert.match(validatePkiRequest({ ...request, cluster: "" }).join(), /cluster: must be the RayCluster or RayJob name/);
        });

        it("issues a /20 certificate that lists all 4096 addresses and stays well under 100 KiB", async () => {
            const s = await issuePki({ ...small, podCidrs: ["10.8.0.0/20"], cluster: "big" }, undefined, T0);
            const head = s.head.certPem;
            assert.equal(certInfo(head).ipSans.length, 4096 + 1);
            assert.ok(x509(head).raw.length < 50 * 1024, `${x509(head).raw.length} bytes DER`);
        });
    });
});
