import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { manifests, renderedStack, runRender, ROOT, packConfigAs } from "../test/helpers/render";

/** Generated material: certificates, keys, tokens and what is derived from them. */
function maskGenerated(text: string): string {
    return text
        .replace(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----\\?n?/g, "<PEM>")
        .replace(/(ray-on-ack\.io\/tls-fingerprint: )[0-9a-f]{64}/g, "$1<FINGERPRINT>")
        .replace(/(ray-on-ack\.io\/token-fingerprint: )[0-9a-f]{16}/g, "$1<TOKEN-FINGERPRINT>");
}

describe("render (the main job)", function () {
    it("writes manifests.yaml, alicloud.json, outputs.json and the public PKI for team-a", () => {
        const { out, stdout } = renderedStack("team-a");
        assert.match(stdout, /rendered team-a/);
        const pkiFiles = [
            "training/ca.crt",
            "training/head.crt",
            "training/worker.crt",
            "training/clients/alice.crt",
            "notebooks/ca.crt",
            "notebooks/head.crt",
            "notebooks/worker.crt",
        ];
        for (const f of ["manifests.yaml", "alicloud.json", "outputs.json", ...pkiFiles.map((p) => `pki/${p}`)]) {
            assert.ok(fs.existsSync(path.join(out, f)), f);
        }
        const written = fs.readdirSync(path.join(out, "pki"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
        assert.deepEqual(
            written.map((e) => path.relative(path.join(out, "pki"), path.join(e.parentPath, e.name))).sort(),
            [...pkiFiles].sort(),
            "one directory per cluster, no keys without --include-secrets",
        );
        const ca = (c: string) => fs.readFileSync(path.join(out, "pki", c, "ca.crt"), "utf8");
        assert.notEqual(ca("training"), ca("notebooks"), "each cluster has its own CA");
        const kinds = new Set(manifests(out).map((o) => o.kind));
        for (const k of [
            "Namespace",
            "ResourceQuota",
            "LimitRange",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "NetworkPolicy",
            "Secret",
            "RayCluster",
            "PodNetworking",
        ]) {
            assert.ok(kinds.has(k), k);
        }
        assert.ok(Array.isArray(JSON.parse(fs.readFileSync(path.join(out, "alicloud.json"), "utf8"))));
    });

    it("redacts every Secret value and never writes a private key or the token", () => {
        const { out } = renderedStack("team-a");
        const text = fs.readFileSync(path.join(out, "manifests.yaml"), "utf8");
        assert.doesNotMatch(text, /PRIVATE KEY/);
        for (const s of manifests(out).filter((o) => o.kind === "Secret")) {
            for (const v of Object.values<string>(s.data ?? s.stringData)) {
                assert.equal(v, "REDACTED", s.metadata.name);
            }
        }
        const outputs = fs.readFileSync(path.join(out, "outputs.json"), "utf8");
        assert.doesNotMatch(outputs, /PRIVATE KEY/);
        assert.equal(JSON.parse(outputs).tlsClientKeys, "[secret]");
    });

    it("no rendered Secret holds a CA private key, even with --include-secrets", () => {
        const r = runRender(["--stack", "team-a", "--include-secrets"]);
        assert.equal(r.status, 0, r.stderr);
        const tls = manifests(r.out).filter((o) => o.kind === "Secret" && o.type === "kubernetes.io/tls");
        assert.equal(tls.length, 4);
        for (const s of tls) {
            const cluster = s.metadata.labels["ray-on-ack.io/cluster"];
            const caCert = fs.readFileSync(path.join(r.out, "pki", cluster, "ca.crt"), "utf8");
            assert.deepEqual(Object.keys(s.data).sort(), ["ca.crt", "tls.crt", "tls.key"]);
            assert.equal(Buffer.from(s.data["ca.crt"], "base64").toString(), caCert, `${s.metadata.name} trusts its own cluster's CA`);
            assert.doesNotMatch(Buffer.from(s.data["tls.crt"], "base64").toString(), /PRIVATE/);
        }
        for (const key of ["training/head.key", "training/clients/alice.key"].map((k) => path.join(r.out, "pki", k))) {
            assert.match(fs.readFileSync(key, "utf8"), /PRIVATE KEY/);
            assert.equal(fs.statSync(key).mode & 0o777, 0o600);
        }
        const keys = fs
            .readdirSync(path.join(r.out, "pki"), { recursive: true })
            .map(String)
            .filter((f) => f.endsWith(".key"));
        assert.ok(!keys.some((k) => path.basename(k) === "ca.key"), "the CA key is never written");
        // With secrets in them, every file is owner-only, and so is the directory.
        for (const f of ["manifests.yaml", "outputs.json", "alicloud.json", "posture.md", "pki/training/ca.crt", "pki/training/head.key"]) {
            assert.equal(fs.statSync(path.join(r.out, f)).mode & 0o777, 0o600, f);
        }
        assert.equal(fs.statSync(r.out).mode & 0o077, 0, "output directory closed to group and others");
    });

    it("two renders of a stack are identical apart from generated secret material", () => {
        const a = runRender(["--stack", "team-b"]);
        const b = runRender(["--stack", "team-b"]);
        assert.equal(a.status, 0, a.stderr);
        assert.equal(b.status, 0, b.stderr);
        for (const f of ["manifests.yaml", "alicloud.json", "outputs.json"]) {
            const fa = fs.readFileSync(path.join(a.out, f), "utf8");
            const fb = fs.readFileSync(path.join(b.out, f), "utf8");
            assert.equal(maskGenerated(fa), maskGenerated(fb), f);
        }
        assert.notEqual(
            fs.readFileSync(path.join(a.out, "pki", "analytics", "ca.crt"), "utf8"),
            fs.readFileSync(path.join(b.out, "pki", "analytics", "ca.crt"), "utf8"),
        );
    });

    it("refuses invalid config with exit 2, one `error: <key>: <message>` line per problem, no stack trace and no files", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-bad-"));
        try {
            fs.mkdirSync(path.join(dir, "stacks"));
            const bad = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-a.yaml"), "utf8"));
            bad.config["ray-on-ack:podCidrs"] = ["10.20.0.0/33"];
            bad.config["ray-on-ack:clusters"][0].rayVersion = "2.9.0";
            bad.config["ray-on-ack:clusters"][0].image = { tag: "latest" };
            bad.config["ray-on-ack:clusters"][0].workerGroups[0].minReplicas = 9;
            bad.config["ray-on-ack:bogus"] = 1;
            fs.writeFileSync(path.join(dir, "stacks", "Pulumi.bad.yaml"), YAML.stringify(bad));
            const r = runRender(["--stack", "bad", "--stacks-dir", path.join(dir, "stacks")]);
            assert.equal(r.status, 2, r.stderr);
            const lines = r.stderr.trim().split("\n");
            assert.ok(
                lines.every((l) => /^error: ray-on-ack:[^:]+: .+/.test(l)),
                r.stderr,
            );
            for (const key of [
                "ray-on-ack:podCidrs[0]",
                "ray-on-ack:clusters[0].rayVersion",
                "ray-on-ack:clusters[0].image.tag",
                "ray-on-ack:clusters[0].workerGroups[0].minReplicas",
                "ray-on-ack:bogus",
            ]) {
                assert.ok(
                    lines.some((l) => l.startsWith(`error: ${key}: `)),
                    `${key} in\n${r.stderr}`,
                );
            }
            assert.doesNotMatch(r.stderr, /\s+at .+:\d+:\d+/, "no stack trace");
            assert.ok(!fs.existsSync(r.out), "nothing written");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("reports an unknown stack and bad arguments with exit 2", () => {
        const r = runRender(["--stack", "nope"]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^error: no stack file stacks\/Pulumi\.nope\.yaml/);
        const u = runRender(["--stak", "team-a"]);
        assert.equal(u.status, 2);
        assert.match(u.stderr, /usage: npm run render/);
    });

    it("exits 3 after writing every file when the posture fails a check the pack config does not grant", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-grants-"));
        try {
            // team-b's public dashboard, its writable checkpoint volume and its batch priority class without the platform's grants.
            const config = packConfigAs({}, dir, (p) => {
                for (const policy of ["ray-service-not-public", "ray-volume-read-only", "ray-pod-scheduling"]) {
                    delete p[policy];
                }
            });
            const r = runRender(["--stack", "team-b", "--policy-pack-config", config]);
            assert.equal(r.status, 3, r.stderr);
            assert.match(
                r.stderr,
                /^error: posture: 3 check\(s\) fail without a granted exception: ray-service-not-public, ray-volume-read-only, ray-pod-scheduling \(see .*posture\.md\)$/m,
            );
            for (const f of ["manifests.yaml", "alicloud.json", "outputs.json", "posture.json", "posture.md"]) {
                assert.ok(fs.existsSync(path.join(r.out, f)), f);
            }
            const posture = JSON.parse(fs.readFileSync(path.join(r.out, "posture.json"), "utf8"));
            assert.equal(posture.checks.find((c: any) => c.id === "ray-service-not-public").status, "fail");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("reads the grants from platform/policy-pack-config.json: team-b's public dashboard is an exception", () => {
        const { out } = renderedStack("team-b");
        assert.equal(
            fs.readFileSync(path.join(out, "posture.md"), "utf8").split("\n")[0],
            "# Security posture of stack team-b",
            "posture.md names its stack",
        );
        const posture = JSON.parse(fs.readFileSync(path.join(out, "posture.json"), "utf8"));
        assert.equal(posture.totals.fail, 0);
        const check = posture.checks.find((c: any) => c.id === "ray-service-not-public");
        assert.equal(check.status, "exception");
        assert.deepEqual(
            check.offending.map((o: any) => [o.resource, o.exception]),
            [["Service ray-team-b/analytics-dashboard-public", true]],
        );
    });

    it("writes manifests that YAML 1.1 readers (kubectl, KubeRay) read as written: team-b's `on` labels stay strings", () => {
        const as11 = (stack: string) => {
            const text = fs.readFileSync(path.join(renderedStack(stack).out, "manifests.yaml"), "utf8");
            const objects = YAML.parseAllDocuments(text, { version: "1.1" }).map((d) => d.toJS());
            const as12 = YAML.parseAllDocuments(text).map((d) => d.toJS());
            assert.deepEqual(
                objects,
                as12,
                `${stack}: a value YAML 1.1 reads differently (kubectl: "cannot unmarshal bool into ... of type string")`,
            );
            return objects;
        };
        as11("team-a");
        const ns = as11("team-b").find((o) => o.kind === "Namespace");
        assert.equal(ns.metadata.labels["pod-identity.alibabacloud.com/injection"], "on", "the RRSA injection label, as kubectl reads it");
    });

    it("refuses an invalid policy pack config with exit 2 and writes nothing", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-grants-"));
        try {
            const config = path.join(dir, "policy-pack-config.json");
            fs.writeFileSync(
                config,
                JSON.stringify({ "ray-service-not-public": { grants: [{ stack: "team-b", kind: "Service", name: "x" }] } }),
            );
            const r = runRender(["--stack", "team-b", "--policy-pack-config", config]);
            assert.equal(r.status, 2, r.stderr);
            assert.match(
                r.stderr,
                /^error: .*policy-pack-config\.json: invalid policy pack config: grants\[0\]\.reason must be a non-empty string \(policy ray-service-not-public\)$/m,
            );
            assert.ok(!fs.existsSync(r.out), "nothing written");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("renders the platform stack: the ElasticQuotaTree and the add-ons", () => {
        const { out } = renderedStack("platform");
        const tree = manifests(out).find((o) => o.kind === "ElasticQuotaTree");
        assert.equal(tree?.metadata.namespace, "kube-system");
        // One child per entry of the platform stack file's quota tree, whichever teams it holds (README "Add a team" adds one).
        const file = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.platform.yaml"), "utf8"));
        const children: { name: string }[] = file.config["ray-on-ack:quotaTree"].children;
        assert.ok(children.some((c) => c.name === "team-a") && children.some((c) => c.name === "team-b"), "the example teams");
        assert.deepEqual(
            tree?.spec.root.children.map((c: any) => c.name),
            children.map((c) => c.name),
        );
        const addons = JSON.parse(fs.readFileSync(path.join(out, "alicloud.json"), "utf8")).map((r: any) => r.inputs.name);
        assert.deepEqual(addons.sort(), ["ack-pod-identity-webhook", "kuberay-operator"]);
    });
});
