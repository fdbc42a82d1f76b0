/**
 * The renderer's checks across a stacks directory: a team namespace must be in the platform stack's
 * ElasticQuotaTree when a platform stack is there (refused otherwise), and is only noted when the
 * directory has none (the e2e stacks). Pod CIDR overlaps: config-threats.test.ts.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { quotaTreeMembership } from "../scripts/lib/crossStack";
import { ROOT, runRender } from "./helpers/render";

function stacksDir(files: Record<string, Record<string, unknown>>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-cross-"));
    for (const [stack, config] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));
    }
    return dir;
}

const tree = (...namespaces: string[][]) => ({
    min: { cpu: "10" },
    max: { cpu: "10" },
    children: namespaces.map((ns, i) => ({ name: `child-${i}`, namespaces: ns, min: { cpu: "1" }, max: { cpu: "2" } })),
});

describe("cross-stack: the platform stack's quota tree", function () {
    this.timeout(400_000);

    it("accepts a namespace listed by a child of a platform stack's quota tree", () => {
        const dir = stacksDir({ platform: { "ray-on-ack:platform": true, "ray-on-ack:quotaTree": tree(["ray-one"], ["ray-two", "ray-two-b"]) } });
        try {
            assert.deepEqual(quotaTreeMembership("two", "ray-two-b", dir), { issues: [] });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a namespace no child lists, naming the key, the namespace and the platform stack file", () => {
        const dir = stacksDir({
            platform: { "ray-on-ack:platform": true, "ray-on-ack:quotaTree": tree(["ray-one"]) },
            one: { "ray-on-ack:team": "one", "ray-on-ack:podCidrs": ["10.40.0.0/24"] },
        });
        try {
            const r = quotaTreeMembership("three", "ray-three", dir, "ray-on-ack:team");
            assert.equal(r.note, undefined);
            assert.deepEqual(r.issues.map((i) => i.key), ["ray-on-ack:team"]);
            assert.match(r.issues[0].message, /^"ray-three" is in no child of the quota tree of platform stack platform \(.*Pulumi\.platform\.yaml\): add a child \{name, namespaces: \[ray-three\], min, max\}/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("only notes the namespace when the directory has no platform stack (as the e2e stacks)", () => {
        const dir = stacksDir({ one: { "ray-on-ack:team": "one", "ray-on-ack:podCidrs": ["10.40.0.0/24"] } });
        try {
            const r = quotaTreeMembership("one", "ray-one", dir);
            assert.deepEqual(r.issues, []);
            assert.match(r.note ?? "", /^note: ray-on-ack:namespace: no platform stack \(ray-on-ack:platform: true\) in .*, so "ray-one" is not checked against the ElasticQuotaTree/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the e2e stacks directory has no platform stack, so its team renders with the note", () => {
        const r = quotaTreeMembership("e2e", "ray-e2e", path.join(ROOT, "test", "e2e", "stacks"));
        assert.deepEqual(r.issues, []);
        assert.ok(r.note);
    });

    it("render: a new team stack beside the platform stack, missing from its quota tree, exits 2 and writes nothing", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-cross-"));
        try {
            for (const f of ["Pulumi.platform.yaml", "Pulumi.team-a.yaml"]) {
                fs.copyFileSync(path.join(ROOT, "stacks", f), path.join(dir, f));
            }
            const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-a.yaml"), "utf8"));
            doc.config["ray-on-ack:team"] = "team-z";
            doc.config["ray-on-ack:podCidrs"] = ["10.29.0.0/24"];
            fs.writeFileSync(path.join(dir, "Pulumi.team-z.yaml"), YAML.stringify(doc));
            const r = runRender(["--stack", "team-z", "--stacks-dir", dir]);
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, /^error: ray-on-ack:team: "ray-team-z" is in no child of the quota tree of platform stack platform /m);
            assert.ok(!fs.existsSync(r.out), "nothing written");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
