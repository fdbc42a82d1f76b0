import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { listStacks } from "../scripts/lib/stackFile";
import { ROOT } from "./helpers/render";

type Step = { uses?: string; run?: string; name?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = {
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Record<string, string>;
    strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
    concurrency?: { group: string; "cancel-in-progress"?: boolean };
    outputs?: Record<string, string>;
    steps: Step[];
};
type Workflow = { on: Record<string, any>; permissions?: Record<string, string>; jobs: Record<string, Job> };

function load(file: string): { text: string; workflow: Workflow } {
    const text = fs.readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8");
    const doc = YAML.parseDocument(text);
    assert.deepEqual(doc.errors, [], `${file} does not parse`);
    return { text, workflow: doc.toJSON() as Workflow };
}

/** The inputs the actions declare in their action.yml, so that a misspelt input (which GitHub only warns about) fails here. */
const ACTION_INPUTS: Record<string, string[]> = {
    "pulumi/actions": [
        "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary",
        "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "target",
        "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected",
        "plan", "suppress-outputs", "suppress-progress", "always-include-summary",
    ],
    "aliyun/configure-aliyun-credentials-action": ["oidc-provider-arn", "role-to-assume", "role-session-expiration", "role-session-name", "audience", "role-chaining"],
    "pulumi/auth-actions": ["organization", "requested-token-type", "scope", "token-expiration", "export-environment-variables", "cloud-url"],
};

function stepIndex(job: Job, pred: (s: Step) => boolean, what: string): number {
    const i = job.steps.findIndex(pred);
    assert.notEqual(i, -1, `no step ${what}`);
    return i;
}
const usesAction = (action: string) => (s: Step) => s.uses?.split("@")[0] === action;
const runs = (pattern: RegExp) => (s: Step) => s.run !== undefined && pattern.test(s.run);

/** The matrix is computed by a first job from stacks/; runs its script here and compares with the stack files. */
function assertStackMatrix(workflow: Workflow, jobName: string): void {
    const job = workflow.jobs[jobName];
    assert.equal(job.strategy?.matrix?.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}");
    assert.deepEqual([job.needs].flat(), ["stacks"]);
    const lister = workflow.jobs.stacks;
    assert.equal(lister.outputs?.stacks, "${{ steps.list.outputs.stacks }}");
    const script = lister.steps.find((s) => (s as { id?: string }).id === "list")?.run;
    assert.ok(script, "the stacks job has no list step");
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-gh-")), "output");
    const r = spawnSync("bash", ["-e", "-c", script], { cwd: ROOT, env: { ...process.env, GITHUB_OUTPUT: output }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const line = fs.readFileSync(output, "utf8").trim();
    fs.rmSync(path.dirname(output), { recursive: true });
    assert.match(line, /^stacks=/);
    assert.deepEqual(JSON.parse(line.slice("stacks=".length)), listStacks());
    assert.ok(listStacks().includes("platform") && listStacks().includes("team-a"), "the platform and team stacks are all in the matrix");
}

function assertOidcCredentials(job: Job, pulumiCommand: string): void {
    const aliyun = stepIndex(job, usesAction("aliyun/configure-aliyun-credentials-action"), "assuming the RAM role");
    const { with: cred = {} } = job.steps[aliyun];
    assert.match(String(cred["role-to-assume"]), /^\$\{\{ vars\.[A-Z_]+ \}\}$/, "role ARN from a repository/environment variable");
    assert.match(String(cred["oidc-provider-arn"]), /^\$\{\{ vars\.[A-Z_]+ \}\}$/);
    const pulumiAuth = stepIndex(job, usesAction("pulumi/auth-actions"), "exchanging the OIDC token for Pulumi Cloud");
    const pulumi = stepIndex(job, usesAction("pulumi/actions"), "running pulumi");
    assert.ok(aliyun < pulumi && pulumiAuth < pulumi, "credentials come before pulumi");
    const p = job.steps[pulumi];
    assert.equal(p.uses, "pulumi/actions@v6");
    assert.equal(p.with?.command, pulumiCommand);
    assert.equal(p.with?.["stack-name"], "${{ vars.PULUMI_ORG }}/${{ matrix.stack }}");
    assert.equal(p.with?.policyPacks, "policy");
    assert.equal(p.with?.["work-dir"], ".");
    assert.equal(job.permissions?.["id-token"], "write");
}

function assertSetup(job: Job): number {
    const checkout = stepIndex(job, usesAction("actions/checkout"), "checking out");
    const node = stepIndex(job, usesAction("actions/setup-node"), "setting up node");
    assert.equal(String(job.steps[node].with?.["node-version"]), "20");
    assert.equal(job.steps[node].with?.cache, "npm");
    const ci = stepIndex(job, runs(/^npm ci$/m), "npm ci");
    const render = stepIndex(job, runs(/^npm run render -- --stack "\$STACK"$/m), "rendering offline");
    assert.ok(checkout < node && node < ci && ci < render);
    return render;
}

describe("GitHub workflows", () => {
    const preview = load("preview.yml");
    const deploy = load("deploy.yml");

    describe("preview.yml", () => {
        const job = preview.workflow.jobs.preview;

        it("runs on pull requests, one job per stack file, with the least permissions", () => {
            assert.deepEqual(Object.keys(preview.workflow.on), ["pull_request"]);
            assert.deepEqual(preview.workflow.permissions, { contents: "read" });
            assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
            assert.equal(job.strategy?.["fail-fast"], false);
            assertStackMatrix(preview.workflow, "preview");
        });

        it("runs previews of one stack and pull request one at a time", () => {
            assert.equal(job.concurrency?.group, "preview-${{ matrix.stack }}-${{ github.ref }}");
        });

        it("renders and diffs offline before any cloud step, then previews with the policy pack and comments", () => {
            const render = assertSetup(job);
            const checkout = job.steps.find(usesAction("actions/checkout"))!;
            assert.equal(checkout.with?.["fetch-depth"], 0, "render:diff needs the base commit");
            const diff = stepIndex(job, runs(/npm run --silent render:diff -- --stack "\$STACK" --base "\$BASE_SHA"/), "running render:diff");
            assert.equal(job.steps[diff].env?.BASE_SHA, "${{ github.event.pull_request.base.sha }}");
            const firstCloud = stepIndex(job, usesAction("aliyun/configure-aliyun-credentials-action"), "assuming the RAM role");
            assert.ok(render < diff && diff < firstCloud);
            for (const s of job.steps.slice(0, firstCloud)) {
                assert.equal(s.if, undefined, `${s.name ?? s.uses ?? s.run} runs for every pull request, forks included`);
            }
            assertOidcCredentials(job, "preview");
            const pulumi = job.steps.find(usesAction("pulumi/actions"))!;
            assert.equal(pulumi.with?.["comment-on-pr"], true);
        });

        it("treats render:diff's exit 1 (changes) as success and exit 2 (error) as failure", () => {
            const script = job.steps.find(runs(/render:diff/))!.run!;
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-gh-"));
            try {
                fs.writeFileSync(path.join(dir, "npm"), '#!/bin/sh\necho "~ RayCluster ray-team-a/training"\nexit "$FAKE_NPM_EXIT"\n', { mode: 0o755 });
                for (const [exit, ok] of [[0, true], [1, true], [2, false]] as const) {
                    const summary = path.join(dir, "summary.md");
                    const r = spawnSync("bash", ["-e", "-c", script], {
                        cwd: dir,
                        env: { PATH: `${dir}:/usr/bin:/bin`, FAKE_NPM_EXIT: String(exit), STACK: "team-a", BASE_SHA: "abc", GITHUB_STEP_SUMMARY: summary },
                        encoding: "utf8",
                    });
                    assert.equal(r.status === 0, ok, `npm exit ${exit}: step status ${r.status}\n${r.stderr}`);
                    assert.match(fs.readFileSync(summary, "utf8"), /^### render:diff team-a\n```diff\n~ RayCluster ray-team-a\/training\n```\n/);
                    fs.rmSync(summary);
                }
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("deploy.yml", () => {
        const job = deploy.workflow.jobs.deploy;

        it("runs pulumi up for every stack on pushes to main, behind the protected environment", () => {
            assert.deepEqual(deploy.workflow.on, { push: { branches: ["main"] } });
            assert.deepEqual(deploy.workflow.permissions, { contents: "read" });
            const env = job.environment;
            assert.equal(typeof env === "string" ? env : env?.name, "production");
            assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
            assertStackMatrix(deploy.workflow, "deploy");
            assertSetup(job);
            assertOidcCredentials(job, "up");
            assert.ok(job.steps.every((s) => s.if === undefined), "no step of a deploy is skipped");
        });

        it("queues deploys of one stack and never cancels one halfway", () => {
            assert.equal(job.concurrency?.group, "deploy-${{ matrix.stack }}");
            assert.equal(job.concurrency?.["cancel-in-progress"], false);
            assert.equal(job.strategy?.["fail-fast"], false);
        });

        it("assumes a different RAM role from previews", () => {
            const role = (j: Job) => j.steps.find(usesAction("aliyun/configure-aliyun-credentials-action"))!.with!["role-to-assume"];
            assert.notEqual(role(job), role(preview.workflow.jobs.preview));
        });
    });

    describe("both workflows", () => {
        for (const { file, w } of [
            { file: "preview.yml", w: preview },
            { file: "deploy.yml", w: deploy },
        ]) {
            it(`${file}: stores no credentials (no access keys, no secrets at all) and pins every action to a major version`, () => {
                const secrets = [...w.text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
                assert.deepEqual(
                    secrets.filter((s) => /access|secret|key|\bak\b|\bsk\b|token|password/i.test(s)),
                    [],
                    "AccessKey-like secrets",
                );
                assert.deepEqual(secrets, [], "OIDC leaves nothing to store");
                assert.doesNotMatch(w.text, /ACCESS_KEY|access-key-(id|secret)|ACCESSKEY/i, "no step sets access keys");
                for (const job of Object.values(w.workflow.jobs)) {
                    for (const step of job.steps) {
                        if (!step.uses) {
                            continue;
                        }
                        assert.match(step.uses, /^[\w.-]+\/[\w.-]+@v\d+$/, `${step.uses} is not pinned to a release`);
                        const declared = ACTION_INPUTS[step.uses.split("@")[0]];
                        if (declared) {
                            for (const input of Object.keys(step.with ?? {})) {
                                assert.ok(declared.includes(input), `${step.uses} has no input ${input}`);
                            }
                        }
                    }
                }
            });
        }
    });
});
