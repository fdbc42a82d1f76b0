/**
 * README "Add a team": the minimal example stack is a valid team stack, is no stack where it lies
 * (only stacks/Pulumi.<stack>.yaml files are); the recipe's commands, run as written by bash in a copy
 * of stacks/ (with a stand-in for the Pulumi CLI's stack and config commands), create the platform
 * stack before they edit it and append the team's quota child after the others, whatever their
 * number; and the result, with the README's tenancy registry entry, renders.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { validateStackConfig } from "../components/config/validate";
import { listStacks, readStackConfig } from "../program/stackFile";
import { ROOT, manifests, runRender } from "./helpers/render";
import { docSection, parseMarkdown } from "./helpers/markdown";

const EXAMPLE = path.join(ROOT, "stacks", "examples", "team-minimal.yaml");

/**
 * A scratch project holding a copy of stacks/ (its stack files and examples), as a clone has it; without
 * team-c, should the repository hold it already (as after following the recipe in it).
 */
function recipeProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-add-team-"));
    fs.cpSync(path.join(ROOT, "stacks"), path.join(dir, "stacks"), { recursive: true, filter: (f) => !/Pulumi\.team-c\.yaml$/.test(f) });
    const file = path.join(dir, "stacks", "Pulumi.platform.yaml");
    const platform = YAML.parse(fs.readFileSync(file, "utf8"));
    const quotaTree = platform.config["ray-on-ack:quotaTree"];
    const kept = quotaTree.children.filter((c: { namespaces: string[] }) => !c.namespaces.includes("ray-team-c"));
    if (kept.length !== quotaTree.children.length) {
        quotaTree.children = kept;
        fs.writeFileSync(file, YAML.stringify(platform));
    }
    return dir;
}

/** PATH with `pulumi` as the config stand-in (test/fixtures/pulumiConfigStandIn.js), whose backend knows no stack yet. */
function standInEnv(dir: string): NodeJS.ProcessEnv {
    const bin = path.join(dir, ".bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
        path.join(bin, "pulumi"),
        `#!/bin/sh\nexec "${process.execPath}" "${path.join(__dirname, "fixtures", "pulumiConfigStandIn.js")}" "$@"\n`,
        { mode: 0o755 },
    );
    return {
        ...process.env,
        PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
        PULUMI_STAND_IN_STACKS: path.join(dir, ".backend"),
    };
}

/** The shell blocks of README "Add a team" that copy the example and set config (steps 2 and 3), run in order by bash. */
function runRecipe(dir: string) {
    const section = docSection("README.md", "Add a team");
    const blocks = parseMarkdown("README.md", section)
        .fences.filter(
            (f) => f.lang === "sh" && /^(cp |pulumi (stack|config) )/m.test(f.content) && !/^pulumi (preview|up)\b/m.test(f.content),
        )
        .map((f) => f.content);
    assert.ok(blocks.length >= 2, `README "Add a team": ${blocks.length} blocks of commands`);
    assert.ok(
        blocks.some((b) => /quotaTree\.children/.test(b)),
        "step 3 edits the quota tree",
    );
    return spawnSync("bash", ["-c", `set -euo pipefail\n${blocks.join("\n")}`], {
        cwd: dir,
        env: standInEnv(dir),
        encoding: "utf8",
        timeout: 60_000,
    });
}

function children(dir: string): Record<string, unknown>[] {
    return YAML.parse(fs.readFileSync(path.join(dir, "stacks", "Pulumi.platform.yaml"), "utf8")).config["ray-on-ack:quotaTree"].children;
}

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

    it("README's commands, run as written (a stand-in for pulumi's config commands), append a quota child, and both stacks render", () => {
        const dir = recipeProject();
        try {
            const before = children(dir);
            const r = runRecipe(dir);
            assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
            // Step 3: a child after the existing ones, which stay as they were.
            const after = children(dir);
            assert.deepEqual(after.slice(0, before.length), before);
            assert.deepEqual(after.slice(before.length), [
                {
                    name: "team-c",
                    namespaces: ["ray-team-c"],
                    min: { cpu: 16, memory: "64Gi", "nvidia.com/gpu": 0 },
                    max: { cpu: 32, memory: "128Gi", "nvidia.com/gpu": 0 },
                },
            ]);
            // Step 2: the values the commands set, in the copied example.
            const team = YAML.parse(fs.readFileSync(path.join(dir, "stacks", "Pulumi.team-c.yaml"), "utf8")).config;
            assert.equal(team["ray-on-ack:team"], "team-c");
            assert.deepEqual(team["ray-on-ack:podCidrs"], ["10.20.8.0/24"]);
            assert.equal(team["ray-on-ack:cloud"].accountId, "1234567890123456");
            // Step 1b: the registry entry, as the README's block writes it.
            const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "platform", "policy-pack-config.json"), "utf8"));
            const block = /\*\*1b\. Register the team[\s\S]*?```json\n([\s\S]*?)```/.exec(docSection("README.md", "Add a team"));
            assert.ok(block, "README's Add a team has the registry entry");
            Object.assign(pack["ray-tenancy"].tenants, JSON.parse(`{${block[1]}}`));
            const packFile = path.join(dir, "policy-pack-config.json");
            fs.writeFileSync(packFile, JSON.stringify(pack));
            const stacks = path.join(dir, "stacks");
            const rendered = runRender(["--stack", "team-c", "--stacks-dir", stacks, "--policy-pack-config", packFile]);
            assert.equal(rendered.status, 0, rendered.stderr);
            const objects = manifests(rendered.out);
            assert.ok(objects.some((o) => o.kind === "RayCluster" && o.metadata.namespace === "ray-team-c" && o.metadata.name === "dev"));
            const platformRender = runRender(["--stack", "platform", "--stacks-dir", stacks, "--policy-pack-config", packFile]);
            assert.equal(platformRender.status, 0, platformRender.stderr);
            const tree = manifests(platformRender.out).find((o) => o.kind === "ElasticQuotaTree");
            assert.ok(JSON.stringify(tree).includes("ray-team-c"), "the quota tree holds the new namespace");
            fs.rmSync(rendered.out, { recursive: true, force: true });
            fs.rmSync(platformRender.out, { recursive: true, force: true });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("README's commands overwrite no team's quota child, however many there are", () => {
        const dir = recipeProject();
        try {
            const file = path.join(dir, "stacks", "Pulumi.platform.yaml");
            const platform = YAML.parse(fs.readFileSync(file, "utf8"));
            const extra = { name: "team-x", namespaces: ["ray-team-x"], min: { cpu: "1" }, max: { cpu: "1" } };
            platform.config["ray-on-ack:quotaTree"].children.push(extra);
            fs.writeFileSync(file, YAML.stringify(platform));
            const before = children(dir);
            const r = runRecipe(dir);
            assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
            const after = children(dir);
            assert.deepEqual(after.slice(0, before.length), before);
            assert.deepEqual(
                after.map((c) => c.name),
                [...before.map((c) => c.name), "team-c"],
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the stand-in refuses config on a stack the backend does not know, as pulumi does (so the recipe must create it)", () => {
        const dir = recipeProject();
        try {
            const r = spawnSync("bash", ["-c", "pulumi config set -s platform --path 'ray-on-ack:quotaTree.children[9].name' x"], {
                cwd: dir,
                env: standInEnv(dir),
                encoding: "utf8",
            });
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /no stack named 'platform' found/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
