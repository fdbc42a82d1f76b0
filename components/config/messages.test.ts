/**
 * The wording of config errors: what a new team reads on its first render. Each message
 * names the key, says what is wrong with the value given, and what was probably meant.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { editDistance, nearest } from "../core/issueWording";
import { validateStackConfig, type ConfigIssue } from "./validate";
import { minimalTeam } from "../../test/helpers/configs";
import { ROOT, packConfigAs, runRender } from "../../test/helpers/render";

function issues(raw: Record<string, unknown>): ConfigIssue[] {
    const r = validateStackConfig(raw);
    assert.equal(r.ok, false, "config should be refused");
    return r.ok ? [] : r.issues;
}

function messageOf(list: ConfigIssue[], key: string): string {
    const hit = list.find((i) => i.key === key);
    assert.ok(hit, `no issue on ${key}, got:\n${list.map((i) => `${i.key}: ${i.message}`).join("\n")}`);
    return hit.message;
}

describe("config error messages", () => {
    it("says 'required' for a missing key, not zod's 'Invalid input'", () => {
        const raw = minimalTeam();
        delete raw["ray-on-ack:team"];
        const m = messageOf(issues(raw), "ray-on-ack:team");
        assert.equal(m, "is required (a string)");
        assert.doesNotMatch(m, /Invalid input/);
        const list = issues(minimalTeam({ podNetwork: { vSwitchIds: ["vsw-x1"] } }));
        assert.equal(messageOf(list, "ray-on-ack:podNetwork.securityGroupIds"), "is required (a list)");
    });

    it("says 'required' for a missing quantity (a string or a number), and still reports every other problem of the run", () => {
        const group = { name: "cpu", cpu: "2", replicas: 1, minReplicas: 1, maxReplicas: 2 };
        const list = issues(
            minimalTeam({
                clusters: [{ name: "c", workerGroups: [group, { ...group, name: "big", memory: ["4Gi"] }] }],
                quota: { cpu: -1 },
            }),
        );
        assert.equal(messageOf(list, "ray-on-ack:clusters[0].workerGroups[0].memory"), "is required (a string or a number)");
        assert.equal(messageOf(list, "ray-on-ack:clusters[0].workerGroups[1].memory"), "must be a string or a number, got a list");
        assert.ok(
            list.some((i) => i.key.startsWith("ray-on-ack:quota.cpu")),
            list.map((i) => i.key).join(", "),
        );
        assert.ok(
            list.every((i) => !/Invalid input/.test(i.message)),
            list.map((i) => i.message).join("\n"),
        );
    });

    it("echoes the value and the pattern it does not match", () => {
        const list = issues(minimalTeam({ podNetwork: { vSwitchIds: ["vsw-teamc-pods-1"], securityGroupIds: ["sg-x1"] } }));
        assert.equal(
            messageOf(list, "ray-on-ack:podNetwork.vSwitchIds[0]"),
            'must be a vSwitch id (vsw-...): "vsw-teamc-pods-1" does not match ^vsw-[a-z0-9]+$',
        );
        assert.equal(
            messageOf(issues(minimalTeam({ podCidrs: ["10.0.0.300/24"] })), "ray-on-ack:podCidrs[0]"),
            'must be an IPv4 CIDR such as 10.0.0.0/24 (got "10.0.0.300/24")',
        );
        // One some parser reads, spelled otherwise: the canonical spelling is named.
        assert.equal(
            messageOf(issues(minimalTeam({ podCidrs: ["10.30.0.5/24"] })), "ray-on-ack:podCidrs[0]"),
            '"10.30.0.5/24" has host bits set beyond /24: some parsers widen it, others refuse it; write 10.30.0.0/24',
        );
        assert.equal(messageOf(issues(minimalTeam({ team: 7 })), "ray-on-ack:team"), "must be a string, got a number 7");
    });

    it("never echoes a secret's value", () => {
        const list = validateStackConfig({ ...minimalTeam(), "ray-on-ack:dashboardPassword": "12345" }, ["ray-on-ack:dashboardPassword"]);
        assert.equal(list.ok, false);
        const text = JSON.stringify(!list.ok && list.issues);
        assert.match(text, /dashboardPassword/);
        assert.doesNotMatch(text, /12345/);
    });

    it("suggests the nearest key for a typo, at the top and inside structured values", () => {
        assert.equal(
            messageOf(issues({ ...minimalTeam(), "ray-on-ack:clustrs": "[]" }), "ray-on-ack:clustrs"),
            "unknown key: did you mean ray-on-ack:clusters?",
        );
        const list = issues(
            minimalTeam({ podNetwork: { vSwitchIds: ["vsw-x1"], securityGroupIds: ["sg-x1"], securityGroupIDs: ["sg-x2"] } }),
        );
        assert.equal(
            messageOf(list, "ray-on-ack:podNetwork.securityGroupIDs"),
            "unknown key: did you mean ray-on-ack:podNetwork.securityGroupIds?",
        );
        const far = messageOf(issues({ ...minimalTeam(), "ray-on-ack:zzzzzz": "1" }), "ray-on-ack:zzzzzz");
        assert.match(far, /^unknown key \(known here: .*\bclusters\b.*\)$/, "no guess when nothing is close: the known keys instead");
    });

    it("explains a dotted key written literally in the stack file", () => {
        const raw = { ...minimalTeam(), "ray-on-ack:podNetwork.vSwitchIds": '["vsw-a1"]' };
        assert.equal(
            messageOf(issues(raw), "ray-on-ack:podNetwork.vSwitchIds"),
            "unknown key: a dot in a stack file key does not nest; put vSwitchIds inside ray-on-ack:podNetwork, or set it with: pulumi config set --path 'ray-on-ack:podNetwork.vSwitchIds' <value>",
        );
    });

    it("refuses keys of unknown namespaces and keys without one; keeps only alicloud:region and pulumi:tags of the others", () => {
        const list = issues({ ...minimalTeam(), "ray-on-akc:quota": "{}", "aws:region": "us-east-1", team: "team-x" });
        assert.equal(messageOf(list, "ray-on-akc:quota"), "unknown namespace ray-on-akc: did you mean ray-on-ack:quota?");
        assert.match(messageOf(list, "aws:region"), /^unknown namespace aws: only ray-on-ack: keys are read$/);
        assert.match(messageOf(list, "team"), /^has no namespace: write it as ray-on-ack:team/);
        const ok = validateStackConfig({ ...minimalTeam(), "alicloud:region": "cn-hangzhou", "pulumi:tags": "{}" });
        assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.issues));
        // A provider's own keys reach the provider: refused with the reason (test/tenancy.test.ts has each).
        assert.match(
            messageOf(issues({ ...minimalTeam(), "kubernetes:context": "ack" }), "kubernetes:context"),
            /^is a Kubernetes provider setting/,
        );
    });

    it("measures edit distance with swaps and only guesses close keys", () => {
        assert.equal(editDistance("clsuters", "clusters"), 1);
        assert.equal(editDistance("", "abc"), 3);
        assert.equal(nearest("quta", ["quota", "team"]), "quota");
        assert.equal(nearest("x", ["quota", "team"]), undefined);
    });
});

describe("the renderer refuses, before rendering anything", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-msg-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function writeStack(name: string, edit: (doc: Record<string, any>) => void): void {
        const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-a.yaml"), "utf8"));
        edit(doc);
        fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), YAML.stringify(doc));
    }

    it("a stack file importing an ESC environment, saying what to do instead", () => {
        writeStack("esc", (doc) => (doc.environment = ["acme/ray/team-a-secrets"]));
        const r = runRender(["--stack", "esc", "--stacks-dir", dir]);
        assert.equal(r.status, 2, r.stderr);
        assert.match(
            r.stderr,
            /^error: environment: stack esc imports the Pulumi ESC environment\(s\) acme\/ray\/team-a-secrets, which are refused: their config and environment variables reach the program unreviewed\. /,
        );
        assert.match(r.stderr, /esc env open/);
        assert.ok(!fs.existsSync(r.out), "nothing written");
    });

    it("a key of another namespace, with its key and rule on one error line", () => {
        writeStack("ns", (doc) => (doc.config["ray-on-ack-team:team"] = "team-a"));
        const r = runRender(["--stack", "ns", "--stacks-dir", dir, "--policy-pack-config", packConfigAs({ ns: "team-a" }, dir)]);
        assert.equal(r.status, 2, r.stderr);
        assert.equal(r.stderr, "error: ray-on-ack-team:team: unknown namespace ray-on-ack-team: did you mean ray-on-ack:team?\n");
        assert.ok(!fs.existsSync(r.out), "nothing written");
    });
});
