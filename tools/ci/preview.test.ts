/**
 * Which stacks a pull request previews (tools/ci/preview.js, run by preview.yml's `stacks` job),
 * and the render:diff summary the pull request comment carries. The selection is also run as the
 * workflow runs it: its `list` step, in a scratch git repository with a base and a head commit.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { ROOT } from "../../test/helpers/render";

// Plain JavaScript (the `stacks` job runs before npm ci), so required with its shape stated here.
const preview = require("./preview.js") as {
    selectStacks(
        changed: readonly string[],
        stacks: readonly string[],
        isPlatform: (s: string) => boolean,
    ): { stacks: string[]; reasons: string[] };
    diffSummaryMarkdown(stack: string, text: string, maxLines?: number): string;
};

const STACKS = ["platform", "team-a", "team-b"];
const select = (...changed: string[]) => preview.selectStacks(changed, STACKS, (s) => s === "platform").stacks;

describe("preview: which stacks a pull request previews", () => {
    it("a change to one team stack file previews that stack only", () => {
        assert.deepEqual(select("stacks/Pulumi.team-b.yaml"), ["team-b"]);
        assert.deepEqual(select("stacks/Pulumi.team-b.yaml", "stacks/Pulumi.team-a.yaml", "README.md"), ["team-a", "team-b"]);
    });

    it("a change to the library, the program, the pack, its config, the lockfile or the workflows previews every stack", () => {
        for (const file of [
            "components/ray/rayCluster.ts",
            "common/ports.ts",
            "index.ts",
            "Pulumi.yaml",
            "policy/checks/ray.ts",
            "platform/policy-pack-config.json",
            "package-lock.json",
            "render/render.ts",
            "program/compiled.js",
            "tsconfig.program.json",
            ".github/workflows/preview.yml",
        ]) {
            assert.deepEqual(select("stacks/Pulumi.team-a.yaml", file), STACKS, file);
        }
    });

    it("a change to the platform stack previews every stack (each team's render checks its quota tree)", () => {
        assert.deepEqual(select("stacks/Pulumi.platform.yaml"), STACKS);
    });

    it("documentation, tests, the e2e harness and CODEOWNERS preview nothing; a deleted stack file is not previewed", () => {
        assert.deepEqual(
            select(
                "README.md",
                "policy/README.md",
                "render/render.test.ts",
                "e2e/run.sh",
                ".github/CODEOWNERS",
                "stacks/examples/team-minimal.yaml",
            ),
            [],
        );
        assert.deepEqual(select("stacks/Pulumi.team-gone.yaml"), []);
    });
});

describe("preview: the render:diff summary in the pull request comment", () => {
    const output = [
        "render:diff team-b: abc 1d652ca4f08b -> working tree",
        "~ NetworkPolicy ray-team-b/analytics-head-ingress",
        "0 added, 1 changed, 0 removed",
        "pods of RayCluster/analytics restart: pod template changed: spec.headGroupSpec.template.spec.containers[0].image",
        "",
        "--- a/NetworkPolicy ray-team-b/analytics-head-ingress (abc)",
        "+++ b/NetworkPolicy ray-team-b/analytics-head-ingress (working tree)",
    ].join("\n");

    it("carries the summary lines (resources, counts, pod restarts), not the unified diff", () => {
        const md = preview.diffSummaryMarkdown("team-b", output);
        assert.equal(
            md,
            [
                "### render:diff team-b (offline)",
                "",
                "```diff",
                ...output.split("\n").slice(0, 4),
                "```",
                "",
                "The full diff is in the job summary of `render:diff team-b`.",
                "",
            ].join("\n"),
        );
    });

    it("fences the text so that backticks in it cannot end the block, and cuts a long summary", () => {
        const md = preview.diffSummaryMarkdown("x", "render:diff x\n~ ConfigMap ns/```evil````\n");
        assert.match(md, /^`{5}diff\n/m);
        const long = preview.diffSummaryMarkdown("x", Array.from({ length: 100 }, (_, i) => `~ Secret ns/s${i}`).join("\n"), 10);
        assert.match(long, /\n~ Secret ns\/s9\n\.\.\. 90 more lines in the job summary\n```\n/);
    });
});

describe("preview.yml's list step, run in a scratch repository", function () {
    this.timeout(60_000);
    let repo: string;
    const git = (...args: string[]) => {
        const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], {
            cwd: repo,
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim();
    };
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
        fs.writeFileSync(path.join(repo, file), text);
    };
    const script = (
        YAML.parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "preview.yml"), "utf8")).jobs.stacks.steps as {
            id?: string;
            run?: string;
        }[]
    ).find((s) => s.id === "list")!.run!;

    /** Commits `files` on top of the base and runs the step; returns its `stacks` output. */
    function listAfter(files: Record<string, string>): string[] {
        const base = git("rev-parse", "HEAD");
        for (const [f, text] of Object.entries(files)) {
            write(f, text);
        }
        git("add", "-A");
        git("commit", "-q", "-m", "change");
        const output = path.join(repo, "..", "github-output");
        fs.rmSync(output, { force: true });
        const r = spawnSync("bash", ["-e", "-c", script], {
            cwd: repo,
            env: { ...process.env, BASE_SHA: base, GITHUB_OUTPUT: output },
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        const line = fs.readFileSync(output, "utf8").trim();
        assert.match(line, /^stacks=\[.*\]$/);
        return JSON.parse(line.slice("stacks=".length));
    }

    before(() => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-preview-"));
        repo = path.join(dir, "repo");
        fs.mkdirSync(repo);
        git("init", "-q");
        write("tools/ci/preview.js", fs.readFileSync(path.join(ROOT, "tools", "ci", "preview.js"), "utf8"));
        write("stacks/Pulumi.platform.yaml", "config:\n  ray-on-ack:platform: true\n");
        write("stacks/Pulumi.team-a.yaml", "config:\n  ray-on-ack:team: team-a\n");
        write("stacks/Pulumi.team-b.yaml", "config:\n  ray-on-ack:team: team-b\n");
        write("components/index.ts", "export {};\n");
        git("add", "-A");
        git("commit", "-q", "-m", "base");
    });
    after(() => fs.rmSync(path.dirname(repo), { recursive: true, force: true }));

    it("one team stack file changed: that stack", () => {
        assert.deepEqual(
            listAfter({ "stacks/Pulumi.team-a.yaml": "config:\n  ray-on-ack:team: team-a\n  ray-on-ack:namespace: ray-a\n" }),
            ["team-a"],
        );
    });

    it("a new team stack file: that stack", () => {
        assert.deepEqual(listAfter({ "stacks/Pulumi.team-c.yaml": "config:\n  ray-on-ack:team: team-c\n" }), ["team-c"]);
    });

    it("the library changed: every stack", () => {
        assert.deepEqual(listAfter({ "components/index.ts": "export const x = 1;\n" }), ["platform", "team-a", "team-b", "team-c"]);
    });

    it("the platform stack changed: every stack", () => {
        assert.deepEqual(
            listAfter({ "stacks/Pulumi.platform.yaml": "config:\n  ray-on-ack:platform: true\n  alicloud:region: cn-beijing\n" }),
            ["platform", "team-a", "team-b", "team-c"],
        );
    });

    it("only documentation changed: no stack", () => {
        assert.deepEqual(listAfter({ "README.md": "# docs\n" }), []);
    });
});
