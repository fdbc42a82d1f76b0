/**
 * README "Add a team": the minimal example stack is a valid team stack, is no stack where it lies
 * (only stacks/Pulumi.<stack>.yaml files are), and, copied as the recipe says beside this repository's
 * stacks with its namespace added to the platform stack's quota tree and the stack to the tenancy
 * registry, renders.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { validateStackConfig } from "../components/config/validate";
import { listStacks, readStackConfig } from "../program/stackFile";
import { ROOT, manifests, runRender } from "./helpers/render";

const EXAMPLE = path.join(ROOT, "stacks", "examples", "team-minimal.yaml");

describe("Add a team: the minimal example", function () {
    this.timeout(400_000);

    it("is a valid team stack as it stands, and not a stack of stacks/", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-minimal-"));
        try {
            fs.copyFileSync(EXAMPLE, path.join(dir, "Pulumi.minimal.yaml"));
            const file = readStackConfig("minimal", {}, dir);
            const r = validateStackConfig(file.config, file.secretKeys);
            assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
            assert.equal(r.value.kind, "team");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        assert.ok(!listStacks().some((s) => s.includes("minimal")), "stacks/examples/ holds no stack");
    });

    it("copied as team-c with the README's values and quota child, beside the repository's stacks, renders", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-add-team-"));
        try {
            for (const f of fs.readdirSync(path.join(ROOT, "stacks")).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
                fs.copyFileSync(path.join(ROOT, "stacks", f), path.join(dir, f));
            }
            // What the recipe's `pulumi config set` commands write (step 2).
            const team = YAML.parse(fs.readFileSync(EXAMPLE, "utf8"));
            team.config["ray-on-ack:team"] = "team-c";
            team.config["ray-on-ack:podCidrs"] = ["10.20.8.0/24"];
            team.config["ray-on-ack:podNetwork"] = { vSwitchIds: ["vsw-bp1teamcpods0000001"], securityGroupIds: ["sg-bp1teamcray00000001"] };
            fs.writeFileSync(path.join(dir, "Pulumi.team-c.yaml"), YAML.stringify(team));
            // Step 3: the platform stack's quota child.
            // (Replacing a team-c child the repository may already have, as after following the recipe in it.)
            const platform = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.platform.yaml"), "utf8"));
            const quotaTree = platform.config["ray-on-ack:quotaTree"];
            quotaTree.children = quotaTree.children.filter((c: { namespaces: string[] }) => !c.namespaces.includes("ray-team-c"));
            quotaTree.children.push({
                name: "team-c",
                namespaces: ["ray-team-c"],
                min: { cpu: 16, memory: "64Gi", "nvidia.com/gpu": 0 },
                max: { cpu: 32, memory: "128Gi", "nvidia.com/gpu": 0 },
            });
            fs.writeFileSync(path.join(dir, "Pulumi.platform.yaml"), YAML.stringify(platform));
            // Step 1b: the registry entry, as the README's block writes it.
            const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "platform", "policy-pack-config.json"), "utf8"));
            const block = /\*\*1b\. Register the team[\s\S]*?```json\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
            assert.ok(block, "README's Add a team has the registry entry");
            Object.assign(pack["ray-tenancy"].tenants, JSON.parse(`{${block[1]}}`));
            const packFile = path.join(dir, "policy-pack-config.json");
            fs.writeFileSync(packFile, JSON.stringify(pack));
            const r = runRender(["--stack", "team-c", "--stacks-dir", dir, "--policy-pack-config", packFile]);
            assert.equal(r.status, 0, r.stderr);
            const objects = manifests(r.out);
            assert.ok(objects.some((o) => o.kind === "RayCluster" && o.metadata.namespace === "ray-team-c" && o.metadata.name === "dev"));
            const platformRender = runRender(["--stack", "platform", "--stacks-dir", dir, "--policy-pack-config", packFile]);
            assert.equal(platformRender.status, 0, platformRender.stderr);
            const tree = manifests(platformRender.out).find((o) => o.kind === "ElasticQuotaTree");
            assert.ok(JSON.stringify(tree).includes("ray-team-c"), "the quota tree holds the new namespace");
            fs.rmSync(r.out, { recursive: true, force: true });
            fs.rmSync(platformRender.out, { recursive: true, force: true });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
