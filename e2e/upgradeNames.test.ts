/**
 * The upgrade step's offline comparison of names (e2e/upgradeRecord.js, preloaded into a
 * program run under Pulumi's mocks, and e2e/upgradeNames.js, which compares two records):
 * it must see what the engine sees. A renamed component type changes the URN of every descendant
 * (the engine's URNs carry every parent's type, the mock's only the nearest), an alias on the
 * component keeps them all, and a Kubernetes object whose name changes is replaced.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const RECORD = path.join(ROOT, "e2e", "upgradeRecord.js");
const COMPARE = path.join(ROOT, "e2e", "upgradeNames.js");

/** A stack of two nested components around a ConfigMap: Outer > Team > ConfigMap (under mocks no default provider is registered). */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const corev1 = require("@pulumi/kubernetes/core/v1");
pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + "-id", state: a.inputs }), call: (a) => a.inputs }, "proj", "stack", false);
const v = JSON.parse(process.env.VARIANT);
class Team extends pulumi.ComponentResource {
    constructor(name, opts) {
        super("test:index:Team", name, {}, opts);
        new corev1.ConfigMap(name + "-cm", { metadata: { name: v.objectName, namespace: "ns" } }, { parent: this });
    }
}
class Outer extends pulumi.ComponentResource {
    constructor(name) {
        super(v.outerType, name, {}, v.alias ? { aliases: [{ type: "test:index:Outer" }] } : {});
        new Team(name + "-team", { parent: this });
    }
}
new Outer("o");
`;

interface Variant {
    outerType: string;
    objectName: string;
    alias?: boolean;
}

function record(dir: string, label: string, variant: Variant): string {
    const out = path.join(dir, `${label}.json`);
    const r = spawnSync(process.execPath, ["--require", RECORD, "-e", PROGRAM], {
        cwd: ROOT,
        env: { ...process.env, UPGRADE_RECORD_OUT: out, VARIANT: JSON.stringify(variant) },
        encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(out), `no record written: ${r.stderr}`);
    return out;
}

function compare(released: string, current: string, ...types: string[]): { status: number | null; line: string } {
    const r = spawnSync(process.execPath, [COMPARE, released, current, ...types], { encoding: "utf8" });
    return { status: r.status, line: r.stdout.trim() };
}

describe("upgrade step: offline names comparison", function () {
    this.timeout(60000);
    const RELEASED: Variant = { outerType: "test:index:Outer", objectName: "cm" };
    let dir: string;
    let released: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-upgrade-names-"));
        released = record(dir, "released", RELEASED);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("records URNs as the engine forms them: every parent's type, the stack's excepted", () => {
        const urns = (JSON.parse(fs.readFileSync(released, "utf8")) as { resources: { urn: string }[] }).resources.map((r) => r.urn);
        assert.ok(
            urns.includes("urn:pulumi:stack::proj::test:index:Outer$test:index:Team$kubernetes:core/v1:ConfigMap::o-team-cm"),
            urns.join("\n"),
        );
    });

    it("the same program keeps every URN and object name", () => {
        const r = compare(released, record(dir, "same", RELEASED), "kubernetes:core/v1:ConfigMap");
        assert.equal(r.status, 0, r.line);
        assert.match(r.line, /^OK 3 resources keep their URNs \(0 through an alias\), 1 Kubernetes objects their names and namespaces$/);
    });

    it("a renamed component type without an alias loses the component and every descendant, the grandchild too", () => {
        const r = compare(released, record(dir, "renamed", { ...RELEASED, outerType: "test:index:Crew" }));
        assert.equal(r.status, 1, r.line);
        assert.match(r.line, /^BAD /);
        assert.match(r.line, /test:index:Outer::o is gone \(this version has test:index:Crew::o, with no alias to it\)/);
        assert.match(r.line, /test:index:Outer\$test:index:Team\$kubernetes:core\/v1:ConfigMap::o-team-cm is gone/);
    });

    it("an alias to the old type keeps the component and, inherited, every descendant", () => {
        const r = compare(released, record(dir, "aliased", { ...RELEASED, outerType: "test:index:Crew", alias: true }));
        assert.equal(r.status, 0, r.line);
        assert.match(r.line, /^OK 3 resources keep their URNs \(3 through an alias\)/);
    });

    it("a Kubernetes object whose name changes is replaced", () => {
        const r = compare(released, record(dir, "objectName", { ...RELEASED, objectName: "cm2" }));
        assert.equal(r.status, 1, r.line);
        assert.match(r.line, /ConfigMap::o-team-cm: name "cm" -> "cm2" replaces the object/);
    });

    it("a type the released record lacks is a problem: the comparison would cover nothing of it", () => {
        const r = compare(released, released, "kubernetes:core/v1:Secret");
        assert.equal(r.status, 1, r.line);
        assert.match(r.line, /the released render has no kubernetes:core\/v1:Secret: nothing of it was compared/);
    });
});
