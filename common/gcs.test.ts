/**
 * The facts of GCS fault tolerance the program and the pack share: the registry's `gcsRedis` (its CA
 * is a CA and only that, its addresses are the team's own), the Redis a stack may use, the egress it
 * may have to it, and when the embedded store is on offer.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as forge from "node-forge";
import { caBundleProblem, redisAddressOf, versionAtLeast } from "./gcs";
import { egressProblem, gcsEmbeddedProblem, gcsRedisProblem, tenancySchema } from "./tenancy";

/** The example CA the repository's registry holds for team-b's Redis. */
const CA: string = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "platform", "policy-pack-config.json"), "utf8"))["ray-tenancy"]
    .tenants["team-b"].gcsRedis.caCertificate;

/** A self-signed server certificate (no CA): what a platform might paste instead of the issuer's. */
function leafCertificate(): string {
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = "01";
    cert.validity.notBefore = new Date();
    cert.validity.notAfter = new Date(Date.now() + 86400_000);
    cert.setSubject([{ name: "commonName", value: "r-a.redis.rds.aliyuncs.com" }]);
    cert.setIssuer(cert.subject.attributes);
    cert.setExtensions([{ name: "basicConstraints", cA: false }]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
}

const tenant = (team: string, gcsRedis?: Record<string, unknown>, podCidr = team === "a" ? "10.30.0.0/24" : "10.31.0.0/24") => ({
    team,
    namespace: `ray-${team}`,
    podCidrs: [podCidr],
    ...(gcsRedis ? { gcsRedis } : {}),
});
const REDIS_A = { host: "r-a.redis.rds.aliyuncs.com", port: 6379, cidr: "10.40.0.10/32", caCertificate: CA };
const REDIS_B = { host: "10.40.0.20", port: 6380, cidr: "10.40.0.20/32", caCertificate: CA };

function registry(tenants: Record<string, unknown>, cluster: Record<string, unknown> = {}) {
    return tenancySchema.safeParse({ cluster, tenants });
}
const problems = (r: ReturnType<typeof registry>) => (r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));

describe("GCS fault tolerance: the registry's Redis (common/tenancy.ts gcsRedis)", () => {
    it("takes a team's Redis: host, TLS port, the addresses its NetworkPolicy admits and the CA to trust", () => {
        const r = registry({ a: tenant("a", REDIS_A), b: tenant("b", REDIS_B) });
        assert.deepEqual(problems(r), []);
        assert.equal(redisAddressOf(r.data!.tenants.a.gcsRedis!), "rediss://r-a.redis.rds.aliyuncs.com:6379");
        assert.equal(registry({ a: tenant("a", { ...REDIS_A, port: undefined }) }).data!.tenants.a.gcsRedis!.port, 6379);
    });

    it("refuses a CA that is no CA bundle: a private key, a leaf, text that is no certificate, text around it", () => {
        assert.match(caBundleProblem(leafCertificate())!, /certificate 1 is not a CA \(basicConstraints CA:TRUE\)/);
        assert.match(caBundleProblem(`${CA}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`)!, /private key/);
        assert.match(caBundleProblem("not a certificate")!, /must be PEM/);
        assert.match(caBundleProblem(CA.replace("MIIC", "XXXX"))!, /does not parse/);
        assert.match(caBundleProblem(`${CA}\nsomething else`)!, /outside its certificates/);
        assert.equal(caBundleProblem(`${CA}${CA}`), undefined, "a chain of CA certificates is a bundle");
        assert.match(
            problems(registry({ a: tenant("a", { ...REDIS_A, caCertificate: "x" }) })).join("\n"),
            /gcsRedis\.caCertificate: must be PEM/,
        );
    });

    it("refuses a host outside its CIDR and a metadata range", () => {
        assert.match(
            problems(registry({ a: tenant("a", { ...REDIS_B, cidr: "10.40.0.21/32" }) })).join("\n"),
            /does not hold the host 10\.40\.0\.20/,
        );
        assert.match(
            problems(registry({ a: tenant("a", { ...REDIS_A, cidr: "100.100.100.200/32" }) })).join("\n"),
            /gcsRedis\.cidr: .*metadata/,
        );
    });

    it("refuses two teams owning one Redis, or overlapping Redis addresses: one Redis per team", () => {
        assert.match(
            problems(registry({ a: tenant("a", REDIS_A), b: tenant("b", { ...REDIS_A, cidr: "10.40.0.30/32" }) })).join("\n"),
            /tenants\.a\.gcsRedis: Redis rediss:\/\/r-a\.redis\.rds\.aliyuncs\.com:6379 is also registered to stack b/,
        );
        assert.match(
            problems(
                registry({ a: tenant("a", REDIS_A), b: tenant("b", { ...REDIS_B, host: "r-b.example.com", cidr: "10.40.0.0/24" }) }),
            ).join("\n"),
            /Redis addresses 10\.40\.0\.10\/32 \(overlapping 10\.40\.0\.0\/24\) is also registered to stack b/,
        );
    });
});

describe("GCS fault tolerance: which Redis, which egress, which store a stack may use", () => {
    const t = registry({ a: tenant("a", REDIS_A), b: tenant("b", REDIS_B), c: tenant("c", undefined, "10.32.0.0/24") }).data!;

    it("a stack's fault-tolerant clusters use its own Redis: another team's is named as theirs, an unregistered one refused", () => {
        assert.equal(gcsRedisProblem(t, "a", "rediss://r-a.redis.rds.aliyuncs.com:6379"), undefined);
        assert.match(
            gcsRedisProblem(t, "a", "rediss://10.40.0.20:6380")!,
            /is the Redis of stack b .*registered to stack a is rediss:\/\/r-a/,
        );
        assert.match(gcsRedisProblem(t, "a", "redis://r-a.redis.rds.aliyuncs.com:6379")!, /not the team's registered Redis/);
        assert.match(gcsRedisProblem(t, "c", "rediss://r-a.redis.rds.aliyuncs.com:6379")!, /stack c has no Redis in the tenancy registry/);
    });

    it("the registered Redis is an endpoint of its team's egress on its port only, and no other team's", () => {
        assert.equal(egressProblem(t, "a", "10.40.0.10/32", [6379]), undefined);
        assert.match(egressProblem(t, "a", "10.40.0.10/32", [6380])!, /not registered as an endpoint of stack a .*10\.40\.0\.10\/32 6379/);
        assert.match(egressProblem(t, "b", "10.40.0.10/32", [6379])!, /not registered as an endpoint of stack b/);
        assert.match(egressProblem(t, "c", "10.40.0.20/32", [6380])!, /not registered as an endpoint of stack c/);
    });

    it("offers the embedded store only where the platform declares KubeRay >= 1.7, its feature gate and a StorageClass", () => {
        const facts = (cluster: Record<string, unknown>) => registry({ a: tenant("a") }, cluster).data!;
        const none = gcsEmbeddedProblem(facts({}))!;
        assert.match(none, /KubeRay operator at 1\.7\.0 or later \(ray-tenancy\.cluster\.kubeRay\.version: not set\)/);
        assert.match(none, /feature gate GCSFaultToleranceEmbeddedStorage on/);
        assert.match(none, /a StorageClass for the store's volumes \(ray-tenancy\.cluster\.gcsStorageClass\)/);
        const old = gcsEmbeddedProblem(
            facts({
                kubeRay: { version: "1.6.2", featureGates: ["GCSFaultToleranceEmbeddedStorage"] },
                gcsStorageClass: "alicloud-disk-essd",
            }),
        )!;
        assert.match(old, /version: 1\.6\.2/);
        assert.doesNotMatch(old, /feature gate|StorageClass/);
        assert.equal(
            gcsEmbeddedProblem(
                facts({
                    kubeRay: { version: "1.7.0", featureGates: ["GCSFaultToleranceEmbeddedStorage"] },
                    gcsStorageClass: "alicloud-disk-essd",
                }),
            ),
            undefined,
        );
        assert.match(gcsEmbeddedProblem(facts({ kubeRay: { version: "1.7.0" }, gcsStorageClass: "x" }))!, /feature gate/);
    });

    it("compares versions numerically", () => {
        assert.ok(versionAtLeast("1.10.0", "1.7.0"));
        assert.ok(versionAtLeast("2.57.0", "2.57.0"));
        assert.ok(!versionAtLeast("2.56.9", "2.57.0"));
        assert.ok(!versionAtLeast("latest", "2.57.0"));
    });
});
