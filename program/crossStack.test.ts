/**
 * The checks across a stacks directory (program/crossStack.ts), which the program makes at every
 * preview and up and the renderer through it: namespaces and pod CIDRs of other team stacks, the
 * one platform stack, its ElasticQuotaTree, and failing closed on a stack file that cannot be read.
 * Each test builds its own stacks directory: none depends on the team names the real stacks use.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { crossStackChecks } from "./crossStack";
import { ROOT, runRender } from "../test/helpers/render";

function stacksDir(files: Record<string, Record<string, unknown> | string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-cross-"));
    for (const [stack, config] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), typeof config === "string" ? config : YAML.stringify({ config }));
    }
    return dir;
}

function withDir<T>(files: Record<string, Record<string, unknown> | string>, fn: (dir: string) => T): T {
    const dir = stacksDir(files);
    try {
        return fn(dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const tree = (...namespaces: string[][]) => ({
    min: { cpu: "10" },
    max: { cpu: "10" },
    children: namespaces.map((ns, i) => ({ name: `child-${i}`, namespaces: ns, min: { cpu: "1" }, max: { cpu: "2" } })),
});
const team = (namespace: string, podCidrs: string[] = ["10.50.0.0/24"]) => ({ namespace, namespaceKey: "ray-on-ack:team", podCidrs });
const platform = (...namespaces: string[][]) => ({ "ray-on-ack:platform": true, "ray-on-ack:quotaTree": tree(...namespaces) });

describe("cross-stack checks (program/crossStack.ts)", () => {
    it("accepts a namespace a child of the platform stack's quota tree lists", () => {
        const r = withDir({ platform: platform(["ray-one"], ["ray-two", "ray-two-b"]) }, (dir) =>
            crossStackChecks("two", team("ray-two-b"), dir),
        );
        assert.deepEqual(r, { issues: [], notes: [] });
    });

    it("refuses a namespace no child lists, naming the key, the namespace and the platform stack file", () => {
        const r = withDir(
            { platform: platform(["ray-one"]), one: { "ray-on-ack:team": "one", "ray-on-ack:podCidrs": ["10.40.0.0/24"] } },
            (dir) => crossStackChecks("three", team("ray-three"), dir),
        );
        assert.deepEqual(
            r.issues.map((i) => i.key),
            ["ray-on-ack:team"],
        );
        assert.match(
            r.issues[0].message,
            /^"ray-three" is in no child of the quota tree of platform stack platform \(.*Pulumi\.platform\.yaml\): add a child \{name, namespaces: \[ray-three\], min, max\}/,
        );
    });

    it("only notes the namespace when the directory has no platform stack (the e2e stacks, a team's own repository)", () => {
        const r = withDir({ one: { "ray-on-ack:team": "one", "ray-on-ack:podCidrs": ["10.40.0.0/24"] } }, (dir) =>
            crossStackChecks("two", team("ray-two"), dir),
        );
        assert.deepEqual(r.issues, []);
        assert.match(
            r.notes.join("\n"),
            /^note: ray-on-ack:team: no platform stack \(.*Pulumi\.platform\.yaml\) beside this one, so "ray-two" is not checked against the ElasticQuotaTree/,
        );
        const e2e = crossStackChecks("e2e", team("ray-e2e", ["198.18.42.0/24"]), path.join(ROOT, "e2e", "stacks"));
        assert.deepEqual(e2e.issues, [], "the e2e stacks work without a platform stack");
    });

    it("names the other team stack whose pod CIDRs overlap, and the one whose namespace is taken", () => {
        withDir(
            {
                one: { "ray-on-ack:team": "one", "ray-on-ack:podCidrs": ["10.40.0.0/23"] },
                two: { "ray-on-ack:team": "two", "ray-on-ack:podCidrs": ["10.41.0.0/24"] },
            },
            (dir) => {
                assert.deepEqual(crossStackChecks("two", team("ray-two", ["10.41.0.0/24"]), dir).issues, []);
                const found = crossStackChecks("three", team("ray-three", ["10.50.0.0/24", "10.40.1.0/24"]), dir).issues;
                assert.deepEqual(
                    found.map((i) => i.key),
                    ["ray-on-ack:podCidrs[1]"],
                );
                assert.match(found[0].message, /^10\.40\.1\.0\/24 overlaps 10\.40\.0\.0\/23 of stack one \(.*Pulumi\.one\.yaml\)/);
                const taken = crossStackChecks("three", { ...team("ray-two"), namespaceKey: "ray-on-ack:namespace" }, dir).issues;
                assert.deepEqual(
                    taken.map((i) => i.key),
                    ["ray-on-ack:namespace"],
                );
                assert.match(taken[0].message, /"ray-two" is also the namespace of stack two/);
            },
        );
    });

    it("refuses any stack file but Pulumi.platform.yaml that says it is the platform stack, for every stack checked", () => {
        withDir({ platform: platform(["ray-one"]), "extra-platform": platform(["ray-team-a", "kube-system"]) }, (dir) => {
            for (const judged of [crossStackChecks("one", team("ray-one"), dir), crossStackChecks("platform", undefined, dir)]) {
                const hit = judged.issues.find((i) => i.key === "ray-on-ack:platform");
                assert.ok(hit, JSON.stringify(judged));
                assert.match(
                    hit.message,
                    /^stack extra-platform \(.*Pulumi\.extra-platform\.yaml\) says it is the platform stack; only .*Pulumi\.platform\.yaml may/,
                );
            }
        });
    });

    it("fails closed: a stack file beside this one that cannot be read is an error naming it, never a skip", () => {
        const r = withDir({ platform: platform(["ray-one"]), broken: "config:\n  ray-on-ack:team: a\n  ray-on-ack:team: b\n" }, (dir) =>
            crossStackChecks("one", team("ray-one"), dir),
        );
        assert.equal(r.issues.length, 1, JSON.stringify(r));
        assert.match(r.issues[0].key, /Pulumi\.broken\.yaml$/);
        assert.match(r.issues[0].message, /^cannot check against stack broken: .*a key appears twice.*the cross-stack checks fail closed/);
        // A merge key in another file hides its real pod CIDRs from this reader: refused too.
        const merged = withDir(
            { other: "config:\n  base: &b {ray-on-ack:podCidrs: [10.50.0.0/24]}\n  ray-on-ack:team: other\n  <<: *b\n" },
            (dir) => crossStackChecks("one", team("ray-one"), dir),
        );
        assert.match(merged.issues.map((i) => i.message).join("\n"), /cannot check against stack other: .*YAML merge keys are refused/);
    });

    it("render: a team stack that overlaps another team's pod CIDRs exits 2 naming both, and writes nothing", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-cross-"));
        try {
            fs.copyFileSync(path.join(ROOT, "e2e", "stacks", "Pulumi.e2e.yaml"), path.join(dir, "Pulumi.e2e.yaml"));
            const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "e2e", "stacks", "Pulumi.e2e-serve.yaml"), "utf8"));
            doc.config["ray-on-ack:podCidrs"] = ["198.18.42.128/25"];
            fs.writeFileSync(path.join(dir, "Pulumi.e2e-serve.yaml"), YAML.stringify(doc));
            // The registry gives e2e-serve that range too: only the cross-stack check refuses it.
            const registry = JSON.parse(fs.readFileSync(path.join(ROOT, "e2e", "policy-pack-config.json"), "utf8"));
            registry["ray-tenancy"].tenants["e2e-serve"].podCidrs = ["198.18.42.128/25"];
            registry["ray-tenancy"].tenants.e2e.podCidrs = ["198.18.42.0/25", "127.42.0.0/24"];
            fs.writeFileSync(path.join(dir, "platform.json"), JSON.stringify(registry));
            const r = runRender(["--stack", "e2e-serve", "--stacks-dir", dir, "--policy-pack-config", path.join(dir, "platform.json")]);
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, /^error: ray-on-ack:podCidrs\[0\]: 198\.18\.42\.128\/25 overlaps 198\.18\.42\.0\/24 of stack e2e /m);
            assert.ok(!fs.existsSync(r.out), "nothing written");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
