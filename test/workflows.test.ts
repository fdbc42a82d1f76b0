import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { listStacks } from "../program/stackFile";
import { ownersOf, parseCodeowners } from "./helpers/codeowners";
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
        "command",
        "stack-name",
        "pulumi-version",
        "pulumi-version-file",
        "work-dir",
        "comment-on-pr",
        "comment-on-pr-number",
        "comment-on-summary",
        "github-token",
        "cloud-url",
        "secrets-provider",
        "parallel",
        "message",
        "config-map",
        "expect-no-changes",
        "diff",
        "replace",
        "target",
        "target-dependents",
        "policyPacks",
        "policyPackConfigs",
        "refresh",
        "upsert",
        "remove",
        "edit-pr-comment",
        "color",
        "exclude-protected",
        "plan",
        "suppress-outputs",
        "suppress-progress",
        "always-include-summary",
    ],
    "aliyun/configure-aliyun-credentials-action": [
        "oidc-provider-arn",
        "role-to-assume",
        "role-session-expiration",
        "role-session-name",
        "audience",
        "role-chaining",
    ],
    "pulumi/auth-actions": [
        "organization",
        "requested-token-type",
        "scope",
        "token-expiration",
        "export-environment-variables",
        "cloud-url",
    ],
};

function stepIndex(job: Job, pred: (s: Step) => boolean, what: string): number {
    const i = job.steps.findIndex(pred);
    assert.notEqual(i, -1, `no step ${what}`);
    return i;
}
const usesAction = (action: string) => (s: Step) => s.uses?.split("@")[0] === action;
const runs = (pattern: RegExp) => (s: Step) => s.run !== undefined && pattern.test(s.run);

/** The matrix comes from a first job's `list` step. */
function assertMatrixFromLister(workflow: Workflow, jobName: string): string {
    const job = workflow.jobs[jobName];
    assert.equal(job.strategy?.matrix?.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}");
    assert.ok([job.needs].flat().includes("stacks"), `${jobName} needs the stack list`);
    const lister = workflow.jobs.stacks;
    assert.equal(lister.outputs?.stacks, "${{ steps.list.outputs.stacks }}");
    const script = lister.steps.find((s) => (s as { id?: string }).id === "list")?.run;
    assert.ok(script, "the stacks job has no list step");
    return script;
}

/** The matrix is computed by a first job from stacks/; runs its script here and compares with the stack files. */
function assertStackMatrix(workflow: Workflow, jobName: string): void {
    const script = assertMatrixFromLister(workflow, jobName);
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-gh-")), "output");
    const r = spawnSync("bash", ["-e", "-c", script], { cwd: ROOT, env: { ...process.env, GITHUB_OUTPUT: output }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const line = fs.readFileSync(output, "utf8").trim();
    fs.rmSync(path.dirname(output), { recursive: true });
    assert.match(line, /^stacks=/);
    assert.deepEqual(JSON.parse(line.slice("stacks=".length)), listStacks());
    assert.ok(listStacks().includes("platform") && listStacks().includes("team-a"), "the platform and team stacks are all in the matrix");
}

const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
/** A pull request that changes no stack's inputs gets an empty matrix, which GitHub refuses: the jobs are skipped instead. */
const NON_EMPTY = "needs.stacks.outputs.stacks != '[]'";

/** Steps and jobs that hold cloud or Pulumi credentials: an OIDC exchange, or any stored secret. */
const CREDENTIAL_ACTIONS = ["aliyun/configure-aliyun-credentials-action", "pulumi/auth-actions"];
const holdsCredentials = (job: Job) =>
    job.permissions?.["id-token"] === "write" ||
    job.steps.some((s) => CREDENTIAL_ACTIONS.some((a) => usesAction(a)(s)) || /secrets\./.test(JSON.stringify(s)));

const environmentName = (job: Job) => (typeof job.environment === "string" ? job.environment : job.environment?.name);

/** Runs code from the checked-out tree (the pull request's, in a pull_request run). */
const runsRepoCode = (job: Job) =>
    job.steps.some((s) => usesAction("actions/checkout")(s) || (s.run !== undefined && /\bnpm\b/.test(s.run)));

/** The OIDC exchange is scoped to one stack: a RAM role from the stack's environment and a Pulumi team token for that environment. */
function assertStackScopedCredentials(job: Job, pulumiCommand: string, envPrefix: string): void {
    assert.equal(environmentName(job), `${envPrefix}-\${{ matrix.stack }}`, "an environment per stack");
    const aliyun = stepIndex(job, usesAction("aliyun/configure-aliyun-credentials-action"), "assuming the RAM role");
    const { with: cred = {} } = job.steps[aliyun];
    assert.match(String(cred["role-to-assume"]), /^\$\{\{ vars\.[A-Z_]+ \}\}$/, "role ARN from the environment's variable");
    assert.match(String(cred["oidc-provider-arn"]), /^\$\{\{ vars\.[A-Z_]+ \}\}$/);
    assert.equal(cred["role-session-name"], `${envPrefix}-\${{ matrix.stack }}`);
    const pulumiAuth = stepIndex(job, usesAction("pulumi/auth-actions"), "exchanging the OIDC token for Pulumi Cloud");
    const auth = job.steps[pulumiAuth].with ?? {};
    assert.equal(auth["requested-token-type"], "urn:pulumi:token-type:access_token:team", "a team token, never the organization's");
    assert.equal(auth.scope, `team:${envPrefix}-\${{ matrix.stack }}`, "the team that may reach this stack only");
    const pulumi = stepIndex(job, usesAction("pulumi/actions"), "running pulumi");
    assert.ok(aliyun < pulumi && pulumiAuth < pulumi, "credentials come before pulumi");
    const p = job.steps[pulumi];
    assert.equal(p.uses, "pulumi/actions@v6");
    assert.equal(p.with?.command, pulumiCommand);
    assert.equal(p.with?.["stack-name"], "${{ vars.PULUMI_ORG }}/${{ matrix.stack }}");
    assert.equal(p.with?.["work-dir"], ".");
    assert.equal(job.permissions?.["id-token"], "write");
}

/**
 * The dependencies whose install scripts run, at the versions whose scripts were reviewed: package.json's
 * allowScripts (npm 11) and the workflows' `npm rebuild` (any npm) name these and no other.
 */
const INSTALL_SCRIPTS: Record<string, string> = { "@pulumi/kubernetes": "4.34.2", "@swc/core": "1.16.22", protobufjs: "7.6.6" };
const REBUILD = `npm rebuild ${Object.entries(INSTALL_SCRIPTS)
    .map(([name, version]) => `${name}@${version}`)
    .join(" ")}`;

/** How a build job hands its tree to a credentialed job of the same run, and how that job unpacks it. */
const TREE_PACK = 'tar --exclude=./.git -cf "$RUNNER_TEMP/tree.tar" .';
const TREE_UNPACK = 'tar -xf "$RUNNER_TEMP/tree.tar"';
const TREE_ARTIFACT = "tree-${{ matrix.stack }}";

/** The build every job that installs runs: no lifecycle script during the install, the reviewed install scripts, then the package's own build. */
function assertBuild(job: Job): number {
    const checkout = stepIndex(job, usesAction("actions/checkout"), "checking out");
    const node = stepIndex(job, usesAction("actions/setup-node"), "setting up node");
    assert.equal(String(job.steps[node].with?.["node-version"]), "20");
    assert.equal(job.steps[node].with?.cache, "npm");
    const order = [
        checkout,
        node,
        stepIndex(job, runs(/^npm ci --ignore-scripts$/m), "npm ci --ignore-scripts"),
        stepIndex(job, (s) => s.run === REBUILD, REBUILD),
        stepIndex(job, (s) => s.run === "npm run build", "npm run build"),
        stepIndex(job, (s) => s.run === "npm run build:program", "npm run build:program"),
        stepIndex(job, (s) => s.run === TREE_PACK, "packing the built tree"),
        stepIndex(
            job,
            runs(/^npm run render -- --stack "\$STACK" --policy-pack-config platform\/policy-pack-config\.json$/m),
            "rendering offline with the platform's pack config",
        ),
    ];
    assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        "checkout, node, install, allowed scripts, build, build:program, pack, render",
    );
    return order[order.length - 1];
}

/** The actions a job that can mint the OIDC token may use: none of them runs code from the tree or restores a cache. */
const CREDENTIALED_ACTIONS = [
    "actions/download-artifact",
    "actions/upload-artifact",
    "actions/setup-node",
    ...CREDENTIAL_ACTIONS,
    "pulumi/actions",
];
/** Commands a credentialed job's own scripts may start: unpacking and writing markdown, nothing that runs a file. */
const CREDENTIALED_COMMANDS = ["tar", "mkdir", "printf", "echo", "head", "cat", "rm", "test", "[", "set", "exit"];
/** Anywhere in such a script: a package manager, a runtime, or what runs another program or a file. */
const RUNS_CODE =
    /(^|[^\w.-])(npm|npx|node|nodejs|yarn|pnpm|corepack|bun|deno|ts-node|tsx|python3?|make|bash|sh|source|eval|exec|xargs|env)($|[^\w-])|\$\(|`|--to-command|--use-compress-program|--checkpoint-action|--info-script|--new-volume-script|--rsh-command|(^|\s)-I\s/;

/** The command each simple command of a script starts (after `{`, `(`, `!` and variable assignments). */
function commandsOf(script: string): string[] {
    return script
        .split(/\n|;|&&|\|\||\|/)
        .map((c) =>
            c
                .trim()
                .replace(/^[{}()!\s]+/, "")
                .replace(/^([A-Za-z_][A-Za-z0-9_]*=\S*\s+)+/, ""),
        )
        .filter((c) => c !== "" && !c.startsWith("#") && !/^[<>]/.test(c))
        .map((c) => c.split(/\s+/)[0]);
}

/** Why a job that can mint the OIDC token could run something other than the credential actions and pulumi/actions; empty when it cannot. */
function credentialedJobProblems(job: Job): string[] {
    const problems: string[] = [];
    for (const step of job.steps) {
        const what = step.name ?? step.uses ?? step.run ?? "?";
        if (step.uses !== undefined) {
            const action = step.uses.split("@")[0];
            if (!CREDENTIALED_ACTIONS.includes(action)) {
                problems.push(`${what}: ${action} is not one of ${CREDENTIALED_ACTIONS.join(", ")}`);
            }
            if (action === "actions/setup-node" && Object.keys(step.with ?? {}).some((k) => k.startsWith("cache"))) {
                problems.push(`${what}: restores an npm cache`);
            }
        }
        if (step.run !== undefined) {
            // Single quotes make everything literal, backticks in a markdown fence included.
            const unquoted = step.run.replace(/'[^']*'/g, "''");
            if (RUNS_CODE.test(unquoted)) {
                problems.push(`${what}: runs a package manager, a runtime or another program (${RUNS_CODE.exec(unquoted)?.[0].trim()})`);
            }
            for (const command of commandsOf(unquoted)) {
                if (!CREDENTIALED_COMMANDS.includes(command)) {
                    problems.push(`${what}: starts ${command}`);
                }
            }
        }
    }
    return problems;
}

/**
 * Why a credentialed job's tree might not be the one a job of this run built without an OIDC token;
 * empty when it is. Its first steps download `tree-<stack>` (from this run: no run-id, no token, no
 * other repository) and unpack it, before any credential; exactly one job uploads that artifact, the
 * job needs it, and that job cannot mint the token.
 */
function treeProvenanceProblems(workflow: Workflow, name: string): string[] {
    const job = workflow.jobs[name];
    const problems: string[] = [];
    const downloads = job.steps.filter(usesAction("actions/download-artifact"));
    if (downloads.length !== 1 || downloads[0] !== job.steps[0]) {
        problems.push(`${name}: its first step, and its only download, is not the tree's`);
    } else if (JSON.stringify(downloads[0].with) !== JSON.stringify({ name: TREE_ARTIFACT, path: "${{ runner.temp }}" })) {
        problems.push(`${name}: downloads ${JSON.stringify(downloads[0].with)}, not ${TREE_ARTIFACT} of this run`);
    }
    if (job.steps[1]?.run !== TREE_UNPACK) {
        problems.push(`${name}: does not unpack the tree right after downloading it`);
    }
    const firstCredential = job.steps.findIndex((s) => CREDENTIAL_ACTIONS.some((a) => usesAction(a)(s)));
    if (firstCredential !== -1 && firstCredential < 2) {
        problems.push(`${name}: obtains credentials before its tree is in place`);
    }
    const builders = Object.entries(workflow.jobs).filter(([, j]) =>
        j.steps.some(
            (s) =>
                usesAction("actions/upload-artifact")(s) &&
                s.with?.name === TREE_ARTIFACT &&
                s.with?.path === "${{ runner.temp }}/tree.tar",
        ),
    );
    if (builders.length !== 1) {
        problems.push(`${name}: ${builders.length} jobs upload ${TREE_ARTIFACT}, not one`);
        return problems;
    }
    const [builderName, builder] = builders[0];
    if (![job.needs].flat().includes(builderName)) {
        problems.push(`${name}: does not need ${builderName}, which builds its tree`);
    }
    if (builder.permissions?.["id-token"] !== undefined || holdsCredentials(builder)) {
        problems.push(`${name}: its tree comes from ${builderName}, which can obtain credentials`);
    }
    if (builder.strategy?.matrix?.stack !== job.strategy?.matrix?.stack) {
        problems.push(`${name}: ${builderName} builds other stacks' trees`);
    }
    return problems;
}

/** Every file in the repository as GitHub sees it: what git tracks. */
function trackedFiles(): string[] {
    const r = spawnSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, `git ls-files: ${r.stderr}`);
    return r.stdout.split("\0").filter((f) => f !== "");
}

/** Every workflow file in .github/workflows, parsed. */
function allWorkflows(): { file: string; text: string; workflow: Workflow }[] {
    const dir = path.join(ROOT, ".github", "workflows");
    return fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((file) => ({ file, ...load(file) }));
}

/** Runs a step's script with fake binaries on PATH; returns the exit status and what the fakes recorded. */
function runScript(
    script: string,
    fakes: Record<string, string>,
    env: Record<string, string>,
    setup: (dir: string) => void = () => undefined,
) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-gh-"));
    try {
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        for (const [name, body] of Object.entries(fakes)) {
            fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        }
        setup(dir);
        const r = spawnSync("bash", ["-e", "-c", script], {
            cwd: dir,
            env: { PATH: `${bin}:/usr/bin:/bin`, CALLS: path.join(dir, "calls"), ...env },
            encoding: "utf8",
        });
        const calls = fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n") : [];
        const files = Object.fromEntries(
            (fs.readdirSync(dir, { recursive: true }) as string[])
                .filter((f) => f.endsWith(".md"))
                .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
        );
        return { status: r.status, stderr: r.stderr, stdout: r.stdout, calls, files };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Puts tools/ci/preview.js where a step runs it (the repository root of the checkout). */
function withPreviewHelper(dir: string): void {
    fs.mkdirSync(path.join(dir, "tools", "ci"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "tools", "ci", "preview.js"), path.join(dir, "tools", "ci", "preview.js"));
}

describe("GitHub workflows", () => {
    const preview = load("preview.yml");
    const deploy = load("deploy.yml");

    describe("preview.yml", () => {
        const { render, preview: cloud, comment } = preview.workflow.jobs;

        it("runs on pull_request (never pull_request_target), grants nothing by default, and lists the stacks from stacks/", () => {
            assert.deepEqual(Object.keys(preview.workflow.on), ["pull_request"]);
            assert.deepEqual(preview.workflow.permissions, {}, "every job asks for what it needs");
            assert.deepEqual(preview.workflow.jobs.stacks.permissions, { contents: "read" });
            // Which stacks: tools/ci/preview.test.ts runs the list step in a scratch repository.
            assertMatrixFromLister(preview.workflow, "render");
            assertMatrixFromLister(preview.workflow, "preview");
            assert.equal(render.strategy?.["fail-fast"], false);
            assert.equal(cloud.strategy?.["fail-fast"], false);
        });

        it("render: render:diff and the offline render for every pull request, forks included, with no credentials at all", () => {
            assert.deepEqual(render.permissions, { contents: "read" }, "no id-token, no write scope");
            assert.equal(render.environment, undefined, "no environment, so no environment secrets or variables");
            assert.equal((render as { if?: string }).if, NON_EMPTY, "runs for forks too, whenever a stack is selected");
            assert.ok(!holdsCredentials(render));
            assert.doesNotMatch(JSON.stringify(render), /secrets\.|vars\./, "reads no secret and no variable");
            for (const s of render.steps) {
                // `!cancelled()` only lets a step run after a failed one (the artifact after a posture failure).
                // The built tree is only for `preview`, which forks do not get.
                const treeForPreview = usesAction("actions/upload-artifact")(s) && s.with?.name === TREE_ARTIFACT && s.if === SAME_REPO;
                assert.ok(
                    s.if === undefined || s.if === "${{ !cancelled() }}" || treeForPreview,
                    `${s.name ?? s.uses ?? s.run} runs for every pull request`,
                );
            }
            const checkout = render.steps.find(usesAction("actions/checkout"))!;
            assert.equal(checkout.with?.["fetch-depth"], 0, "render:diff needs the base commit");
            const diff = stepIndex(
                render,
                runs(
                    /npm run --silent render:diff -- --stack "\$STACK" --base "\$BASE_SHA" --policy-pack-config platform\/policy-pack-config\.json/,
                ),
                "running render:diff",
            );
            assert.equal(render.steps[diff].env?.BASE_SHA, "${{ github.event.pull_request.base.sha }}");
            const offline = assertBuild(render);
            assert.ok(diff < offline, "the diff reaches the summary even when the render then fails");
            const tree = stepIndex(render, (s) => s.with?.name === TREE_ARTIFACT, "uploading the built tree");
            assert.ok(
                render.steps.every((s, i) => i >= tree || s.if !== SAME_REPO),
                "the tree is uploaded last",
            );
            assert.ok(
                offline < tree && render.steps[tree].if === SAME_REPO,
                "the tree goes to `preview` only after the render and render:diff passed",
            );
            assert.equal(render.concurrency?.group, "render-${{ matrix.stack }}-${{ github.ref }}");
        });

        it("preview: same-repository pull requests only, in the approval-gated environment preview-<stack>, with credentials for that stack only", () => {
            assert.equal((cloud as { if?: string }).if, `${SAME_REPO} && ${NON_EMPTY}`, "forks get no OIDC token and stop at render");
            assert.deepEqual(
                cloud.permissions,
                { contents: "read", "id-token": "write" },
                "no pull-requests: write next to the pull request's code",
            );
            assert.deepEqual([cloud.needs].flat(), ["stacks", "render"]);
            assertStackScopedCredentials(cloud, "preview", "preview");
            assert.deepEqual(treeProvenanceProblems(preview.workflow, "preview"), [], "the tree `render` built for this stack");
            assert.deepEqual(credentialedJobProblems(cloud), []);
            const pulumi = cloud.steps.find(usesAction("pulumi/actions"))!;
            assert.equal(pulumi.with?.policyPacks, "policy");
            assert.equal(pulumi.with?.policyPackConfigs, "platform/policy-pack-config.json");
            assert.equal(pulumi.with?.["comment-on-pr"], false, "the comment job posts it");
            assert.equal(cloud.concurrency?.group, "preview-${{ matrix.stack }}-${{ github.ref }}");
            assert.ok(!cloud.steps.some(runs(/\$\{\{/)), "no expression is pasted into a script: values reach scripts through env");
        });

        it("comment: the only job that may write to the pull request runs none of its code, and only for same-repository pull requests", () => {
            assert.deepEqual(comment.permissions, { "pull-requests": "write" });
            assert.match(String((comment as { if?: string }).if), new RegExp(SAME_REPO.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
            assert.ok(!runsRepoCode(comment), "no checkout, no npm");
            assert.ok(!holdsCredentials(comment));
            for (const [name, job] of Object.entries(preview.workflow.jobs)) {
                if (name !== "comment") {
                    assert.notEqual(job.permissions?.["pull-requests"], "write", `${name} cannot write to the pull request`);
                }
            }
        });

        it("comment: posts one comment of every stack's preview, edits it on later pushes, and posts nothing without previews", () => {
            const script = comment.steps.find(runs(/gh pr comment/))!.run!;
            const env = { PR: "7", GITHUB_REPOSITORY: "acme/ray" };
            const gh = 'echo "gh $*" >> "$CALLS"; cp "$(echo "$*" | sed "s/.*--body-file //")" posted.md';
            const withPreviews = (dir: string) => {
                fs.mkdirSync(path.join(dir, "preview"));
                fs.writeFileSync(path.join(dir, "preview", "team-a.md"), "### pulumi preview team-a\n");
                fs.writeFileSync(path.join(dir, "preview", "team-b.md"), "### pulumi preview team-b\n");
                fs.mkdirSync(path.join(dir, "render-diff"));
                fs.writeFileSync(path.join(dir, "render-diff", "team-a.md"), "### render:diff team-a (offline)\n");
            };
            const edited = runScript(script, { gh }, env, withPreviews);
            assert.equal(edited.status, 0, edited.stderr);
            assert.deepEqual(edited.calls, ["gh pr comment 7 --repo acme/ray --edit-last --body-file comment.md"]);
            assert.equal(
                edited.files["posted.md"],
                "### render:diff team-a (offline)\n### pulumi preview team-a\n### pulumi preview team-b\n",
                "the offline diff summaries, then the previews",
            );
            const onlyDiffs = runScript(script, { gh }, env, (dir) => {
                fs.mkdirSync(path.join(dir, "render-diff"));
                fs.writeFileSync(path.join(dir, "render-diff", "team-a.md"), "### render:diff team-a (offline)\n");
            });
            assert.equal(
                onlyDiffs.files["posted.md"],
                "### render:diff team-a (offline)\n",
                "a summary is posted even without a pulumi preview (not approved, or failed)",
            );
            const first = runScript(script, { gh: `case "$*" in *--edit-last*) exit 1;; esac\n${gh}` }, env, withPreviews);
            assert.equal(first.status, 0, first.stderr);
            assert.deepEqual(first.calls, ["gh pr comment 7 --repo acme/ray --body-file comment.md"], "no earlier comment: a new one");
            const none = runScript(script, { gh }, env, (dir) => fs.mkdirSync(path.join(dir, "preview")));
            assert.equal(none.status, 0);
            assert.deepEqual(none.calls, []);
        });

        it("render: treats render:diff's exit 1 (changes) as success and exit 2 (error) as failure, and writes the summary either way", () => {
            const script = render.steps.find(runs(/render:diff/))!.run!;
            for (const [exit, ok] of [
                [0, true],
                [1, true],
                [2, false],
            ] as const) {
                const summary = path.join(os.tmpdir(), `ray-on-ack-summary-${process.pid}-${exit}.md`);
                try {
                    const r = runScript(
                        script,
                        {
                            npm: 'echo "render:diff team-a: base -> working tree"\necho "~ RayCluster ray-team-a/training"\necho\necho "--- a/RayCluster"\nexit "$FAKE_NPM_EXIT"',
                            node: `exec "${process.execPath}" "$@"`,
                        },
                        { FAKE_NPM_EXIT: String(exit), STACK: "team-a", BASE_SHA: "abc", GITHUB_STEP_SUMMARY: summary },
                        withPreviewHelper,
                    );
                    assert.equal(r.status === 0, ok, `npm exit ${exit}: step status ${r.status}\n${r.stderr}`);
                    assert.match(
                        fs.readFileSync(summary, "utf8"),
                        /^### render:diff team-a\n```diff\nrender:diff team-a: base -> working tree\n~ RayCluster ray-team-a\/training\n\n--- a\/RayCluster\n```\n/,
                    );
                    if (ok) {
                        // The summary lines (not the diff) go to the artifact the comment job posts.
                        assert.equal(
                            r.files["render-diff/team-a.md"],
                            "### render:diff team-a (offline)\n\n```diff\nrender:diff team-a: base -> working tree\n~ RayCluster ray-team-a/training\n```\n\nThe full diff is in the job summary of `render:diff team-a`.\n",
                        );
                    } else {
                        assert.equal(r.files["render-diff/team-a.md"], undefined, "no summary of a failed render:diff");
                    }
                } finally {
                    fs.rmSync(summary, { force: true });
                }
            }
        });

        it("render: the offline render fails the job on a posture failure (exit 3), after adding the posture report to the summary, and keeps the artifact", () => {
            const offline = render.steps.findIndex(runs(/npm run render -- /));
            const script = render.steps[offline].run!;
            const fakeNpm =
                'mkdir -p "out/$STACK"\necho "| ray-clb-https-listener | fail |" > "out/$STACK/posture.md"\nexit "$FAKE_NPM_EXIT"';
            for (const [exit, status] of [
                [0, 0],
                [3, 3],
                [2, 2],
            ] as const) {
                const summary = path.join(os.tmpdir(), `ray-on-ack-summary-${process.pid}-render-${exit}.md`);
                try {
                    const r = runScript(
                        script,
                        { npm: fakeNpm },
                        { FAKE_NPM_EXIT: String(exit), STACK: "team-a", GITHUB_STEP_SUMMARY: summary },
                    );
                    assert.equal(r.status, status, `npm exit ${exit}: step status ${r.status}\n${r.stderr}`);
                    const written = fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "";
                    if (exit === 3) {
                        assert.match(written, /^### posture FAILS: team-a\n\| ray-clb-https-listener \| fail \|\n/);
                        assert.match(r.stdout, /^::error title=posture team-a::/m, "an annotation on the run, not only a red job");
                    } else {
                        assert.equal(written, "");
                        assert.doesNotMatch(r.stdout, /::error/);
                    }
                } finally {
                    fs.rmSync(summary, { force: true });
                }
            }
            const upload = render.steps.findIndex(
                (s) => usesAction("actions/upload-artifact")(s) && s.with?.name === "render-${{ matrix.stack }}",
            );
            assert.ok(offline < upload);
            assert.equal(render.steps[upload].if, "${{ !cancelled() }}", "the posture report is uploaded when the posture fails");
        });
    });

    describe("deploy.yml", () => {
        const job = deploy.workflow.jobs.deploy;

        it("runs pulumi up for every stack on pushes to main, each in its own protected environment deploy-<stack>", () => {
            assert.deepEqual(deploy.workflow.on, { push: { branches: ["main"] } });
            assert.deepEqual(deploy.workflow.permissions, {});
            assert.deepEqual(deploy.workflow.jobs.stacks.permissions, { contents: "read" });
            assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
            assertStackMatrix(deploy.workflow, "deploy");
            assertStackMatrix(deploy.workflow, "build");
            assertStackScopedCredentials(job, "up", "deploy");
            const pulumi = job.steps.find(usesAction("pulumi/actions"))!;
            assert.equal(pulumi.with?.policyPacks, "policy");
            assert.equal(pulumi.with?.policyPackConfigs, "platform/policy-pack-config.json");
            assert.ok(
                job.steps.every((s) => s.if === undefined),
                "no step of a deploy is skipped",
            );
        });

        it("build: installs, builds and renders each stack offline with no credentials, then hands the tree to its deploy", () => {
            const build = deploy.workflow.jobs.build;
            assert.deepEqual(build.permissions, { contents: "read" }, "no id-token: nothing it runs can obtain a credential");
            assert.equal(build.environment, undefined);
            assert.ok(!holdsCredentials(build));
            assert.deepEqual([build.needs].flat(), ["stacks"]);
            const render = assertBuild(build);
            const upload = stepIndex(
                build,
                (s) => usesAction("actions/upload-artifact")(s) && s.with?.name === TREE_ARTIFACT,
                "uploading the built tree",
            );
            assert.equal(upload, build.steps.length - 1);
            assert.ok(
                render < upload && build.steps.every((s) => s.if === undefined),
                "only a stack whose render passed gets its tree, and so deploys",
            );
            assert.deepEqual(treeProvenanceProblems(deploy.workflow, "deploy"), []);
            assert.deepEqual(credentialedJobProblems(job), []);
        });

        it("a stack whose build fails holds back no other stack's deploy, and stops before its credentials", () => {
            assert.equal(deploy.workflow.jobs.build.strategy?.["fail-fast"], false);
            assert.deepEqual([job.needs].flat(), ["stacks", "build"]);
            // A job needing a matrix job waits for all its legs and, by default, is skipped if one failed.
            assert.equal((job as { if?: string }).if, "${{ !cancelled() && needs.stacks.result == 'success' }}");
            // A leg whose build failed has no tree: its first step, the download, fails.
            assert.ok(usesAction("actions/download-artifact")(job.steps[0]));
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

    describe("the checks on jobs that can obtain credentials", () => {
        // deploy.yml's job before the build moved out of it: npm ci and the render next to the OIDC token.
        const before = YAML.parse(`
needs: stacks
environment: deploy-\${{ matrix.stack }}
permissions: { contents: read, id-token: write }
strategy: { matrix: { stack: "\${{ fromJSON(needs.stacks.outputs.stacks) }}" } }
steps:
  - uses: actions/checkout@v4
    with: { persist-credentials: false }
  - uses: actions/setup-node@v4
    with: { node-version: 20, cache: npm }
  - run: npm ci
  - name: offline render
    run: npm run render -- --stack "$STACK" --policy-pack-config platform/policy-pack-config.json
  - uses: aliyun/configure-aliyun-credentials-action@v1
  - uses: pulumi/actions@v6
`) as Job;

        it("see a job that installs and builds for itself", () => {
            assert.deepEqual(credentialedJobProblems(before), [
                `actions/checkout@v4: actions/checkout is not one of ${CREDENTIALED_ACTIONS.join(", ")}`,
                "actions/setup-node@v4: restores an npm cache",
                "npm ci: runs a package manager, a runtime or another program (npm)",
                "npm ci: starts npm",
                "offline render: runs a package manager, a runtime or another program (npm)",
                "offline render: starts npm",
            ]);
            assert.deepEqual(treeProvenanceProblems({ on: {}, jobs: { deploy: before } }, "deploy"), [
                "deploy: its first step, and its only download, is not the tree's",
                "deploy: does not unpack the tree right after downloading it",
                "deploy: 0 jobs upload tree-${{ matrix.stack }}, not one",
            ]);
        });

        it("see a script from the tree, a runtime behind a substitution or a pipe, and a tree from another run or from a job with the token", () => {
            const step = (run: string): Job => ({ steps: [{ run }] });
            assert.deepEqual(credentialedJobProblems(step("./scripts/x.sh")), ["./scripts/x.sh: starts ./scripts/x.sh"]);
            assert.deepEqual(credentialedJobProblems(step("bash x.sh")), [
                "bash x.sh: runs a package manager, a runtime or another program (bash)",
                "bash x.sh: starts bash",
            ]);
            assert.deepEqual(credentialedJobProblems(step('echo "$(cat x)"')), [
                'echo "$(cat x)": runs a package manager, a runtime or another program ($()',
            ]);
            assert.deepEqual(credentialedJobProblems(step("cat x | node")), [
                "cat x | node: runs a package manager, a runtime or another program (node)",
                "cat x | node: starts node",
            ]);
            const unpackRunning = 'FOO=1 tar -x --to-command=sh -f "$RUNNER_TEMP/tree.tar"';
            assert.deepEqual(credentialedJobProblems(step(unpackRunning)), [
                `${unpackRunning}: runs a package manager, a runtime or another program (--to-command)`,
            ]);
            // Quoted markdown is text, not a command substitution.
            assert.deepEqual(
                credentialedJobProblems(step("echo '```'\nmkdir -p x\n{\n  printf '%s' \"$OUT\" | head -c 5\n} > x/y.md")),
                [],
            );

            const deployJob = structuredClone(deploy.workflow.jobs.deploy);
            deployJob.steps[0].with = { ...deployJob.steps[0].with, "run-id": "1", "github-token": "${{ github.token }}" };
            assert.deepEqual(
                treeProvenanceProblems({ ...deploy.workflow, jobs: { ...deploy.workflow.jobs, deploy: deployJob } }, "deploy"),
                [`deploy: downloads ${JSON.stringify(deployJob.steps[0].with)}, not tree-\${{ matrix.stack }} of this run`],
            );
            const tokenBuild = { ...deploy.workflow.jobs.build, permissions: { contents: "read", "id-token": "write" } };
            assert.deepEqual(
                treeProvenanceProblems({ ...deploy.workflow, jobs: { ...deploy.workflow.jobs, build: tokenBuild } }, "deploy"),
                ["deploy: its tree comes from build, which can obtain credentials"],
            );
            assert.deepEqual(
                treeProvenanceProblems(
                    { ...deploy.workflow, jobs: { ...deploy.workflow.jobs, deploy: { ...deploy.workflow.jobs.deploy, needs: "stacks" } } },
                    "deploy",
                ),
                ["deploy: does not need build, which builds its tree"],
            );
        });
    });

    describe("every workflow", () => {
        for (const { file, text, workflow } of allWorkflows()) {
            it(`${file}: never pull_request_target or workflow_run (privileged runs of pull-request code)`, () => {
                const on: unknown = workflow.on;
                const events = typeof on === "string" ? [on] : Array.isArray(on) ? on : Object.keys(on as object);
                assert.deepEqual(
                    events.filter((e) => e === "pull_request_target" || e === "workflow_run"),
                    [],
                    events.join(", "),
                );
            });

            it(`${file}: grants nothing at the top, declares each job's permissions, and gives credentials only inside an environment`, () => {
                assert.deepEqual(workflow.permissions, {});
                for (const [name, job] of Object.entries(workflow.jobs)) {
                    assert.ok(job.permissions !== undefined, `${name} declares its permissions`);
                    for (const [scope, level] of Object.entries(job.permissions)) {
                        assert.ok(
                            level === "read" ||
                                (scope === "id-token" && level === "write") ||
                                (scope === "pull-requests" && level === "write"),
                            `${name}: ${scope}: ${level}`,
                        );
                    }
                    if (holdsCredentials(job)) {
                        assert.match(
                            String(environmentName(job)),
                            /^[a-z]+-\$\{\{ matrix\.stack \}\}$/,
                            `${name} holds credentials outside a per-stack environment`,
                        );
                    }
                    for (const step of job.steps.filter(usesAction("actions/checkout"))) {
                        assert.equal(
                            step.with?.["persist-credentials"],
                            false,
                            `${name}: the GITHUB_TOKEN is not left in .git/config for later steps`,
                        );
                    }
                }
            });

            // Any step of a job granted `id-token: write` can mint the OIDC token: such a job runs nothing
            // from the tree and no install script, only the credential actions and pulumi/actions.
            it(`${file}: a job that can obtain credentials runs no npm, node or script of its own, and restores no npm cache`, () => {
                const credentialed = Object.entries(workflow.jobs).filter(([, job]) => holdsCredentials(job));
                for (const [name, job] of credentialed) {
                    assert.deepEqual(credentialedJobProblems(job), [], name);
                }
            });

            it(`${file}: a job that can obtain credentials gets its tree from a job of this run it needs, which cannot`, () => {
                for (const [name] of Object.entries(workflow.jobs).filter(([, job]) => holdsCredentials(job))) {
                    assert.deepEqual(treeProvenanceProblems(workflow, name), []);
                }
            });

            it(`${file}: installs with --ignore-scripts, then runs only the reviewed install scripts (npm 10 on the runners knows no allowScripts)`, () => {
                const scripts = Object.values(workflow.jobs).flatMap((job) =>
                    job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run])),
                );
                const lines = scripts.flatMap((r) => r.split("\n").map((l) => l.trim()));
                for (const line of lines.filter((l) => /\bnpm ci\b/.test(l))) {
                    assert.match(line, /^npm ci --ignore-scripts$/, "no dependency's lifecycle script and no `prepare` during the install");
                }
                assert.deepEqual(
                    lines.filter((l) => /\bnpm (install|i|add|update|install-test|it|link|exec|x)\b|\b(npx|yarn|pnpm)\b/.test(l)),
                    [],
                    "nothing else installs or fetches and runs a package",
                );
                for (const line of lines.filter((l) => /\bnpm rebuild\b/.test(l))) {
                    assert.equal(line, REBUILD, "the reviewed install scripts, at the reviewed versions");
                }
                if (lines.some((l) => l.startsWith("npm ci"))) {
                    assert.ok(lines.includes(REBUILD), "the install scripts the program needs run, explicitly");
                }
            });

            it(`${file}: every comment on a pull request is guarded by the same-repository condition`, () => {
                for (const [name, job] of Object.entries(workflow.jobs)) {
                    const jobIf = String((job as { if?: string }).if ?? "");
                    for (const step of job.steps) {
                        const comments =
                            step.with?.["comment-on-pr"] === true ||
                            (step.run !== undefined && /gh pr comment|gh api .*comments/.test(step.run)) ||
                            usesAction("actions/github-script")(step);
                        if (comments) {
                            assert.ok(
                                jobIf.includes(SAME_REPO) || String(step.if ?? "").includes(SAME_REPO),
                                `${name}: ${step.name ?? step.uses}`,
                            );
                        }
                    }
                }
            });

            it(`${file}: passes the platform's pack config wherever the pack runs`, () => {
                for (const job of Object.values(workflow.jobs)) {
                    for (const step of job.steps) {
                        if (step.with?.policyPacks !== undefined) {
                            assert.equal(step.with.policyPackConfigs, "platform/policy-pack-config.json");
                        }
                        if (step.run !== undefined && /--policy-pack\b/.test(step.run)) {
                            assert.match(step.run, /--policy-pack-config platform\/policy-pack-config\.json/);
                        }
                    }
                }
            });

            it(`${file}: stores no credentials (no access keys, no secrets at all) and pins every action to a major version`, () => {
                const secrets = [...text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
                assert.deepEqual(secrets, [], "OIDC leaves nothing to store");
                assert.doesNotMatch(text, /ACCESS_KEY|access-key-(id|secret)|ACCESSKEY/i, "no step sets access keys");
                for (const job of Object.values(workflow.jobs)) {
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

describe("npm: no repository configuration, and only reviewed install scripts", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { allowScripts?: Record<string, boolean> };
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version?: string; hasInstallScript?: boolean; link?: boolean }>;
    };

    it("tracks no .npmrc anywhere, and there is none in stacks/ (node-options there would run code in every npm step)", () => {
        const tracked = trackedFiles();
        assert.ok(tracked.includes("package.json"), "git ls-files lists the repository");
        assert.deepEqual(
            tracked.filter((f) => path.posix.basename(f) === ".npmrc"),
            [],
        );
        const inStacks = (fs.readdirSync(path.join(ROOT, "stacks"), { recursive: true }) as string[]).filter(
            (f) => path.basename(f) === ".npmrc",
        );
        assert.deepEqual(inStacks, []);
    });

    it("allowScripts approves exactly the reviewed install scripts, and the lockfile has them at the reviewed versions and no other", () => {
        // By name: npm 11 verifies a pinned entry (name@version) against the lockfile's `resolved` URL,
        // which this lockfile omits, and so refuses it. The version pin is here and in the workflows'
        // `npm rebuild`: a lockfile that moves one of these fails until its script is reviewed again.
        assert.deepEqual(pkg.allowScripts, Object.fromEntries(Object.keys(INSTALL_SCRIPTS).map((name) => [name, true])));
        const withScripts = Object.entries(lock.packages)
            .filter(([key, entry]) => key !== "" && entry.hasInstallScript)
            .map(([key, entry]) => `${key.replace(/^.*node_modules\//, "")}@${entry.version}`)
            .sort();
        assert.deepEqual(
            withScripts,
            Object.entries(INSTALL_SCRIPTS)
                .map(([name, version]) => `${name}@${version}`)
                .sort(),
        );
    });
});

describe("CODEOWNERS", () => {
    const PLATFORM = "@ray-on-ack/platform";
    const rules = parseCodeowners(fs.readFileSync(path.join(ROOT, ".github", "CODEOWNERS"), "utf8"));
    const owners = (file: string) => [...(ownersOf(rules, file) ?? [])].sort();
    const teamStacks = listStacks().filter((s) => s !== "platform");
    const teamStackFile = (stack: string) => `stacks/Pulumi.${stack}.yaml`;

    it("matches as GitHub does: gitignore patterns, the last matching line wins, a line without owners unassigns", () => {
        const of = (text: string, file: string) => ownersOf(parseCodeowners(text), file);
        // `*` is every file at every depth, dot-files included.
        for (const file of ["README.md", ".npmrc", "stacks/x.js", "a/b/c/.d"]) {
            assert.deepEqual(of("* @o/all", file), ["@o/all"], file);
        }
        // Anchored directory: everything below it, and nowhere else.
        assert.deepEqual(of("/build/ @o/b", "build/a/b.txt"), ["@o/b"]);
        assert.equal(of("/build/ @o/b", "src/build/a.txt"), undefined);
        assert.equal(of("/build/ @o/b", "build"), undefined, "a trailing slash matches a directory, not a file of that name");
        // Unanchored directory: at any depth.
        assert.deepEqual(of("apps/ @o/a", "x/apps/y.ts"), ["@o/a"]);
        // A literal path also covers a directory of that name.
        assert.deepEqual(of("/stacks/Pulumi.t.yaml @o/t", "stacks/Pulumi.t.yaml/x.js"), ["@o/t"]);
        assert.equal(of("/stacks/Pulumi.t.yaml @o/t", "x/stacks/Pulumi.t.yaml"), undefined);
        // `**`, and an extension at any depth.
        assert.deepEqual(of("**/logs @o/l", "a/b/logs/x.log"), ["@o/l"]);
        assert.deepEqual(of("*.js @o/js", "a/b/c.js"), ["@o/js"]);
        // Case-sensitive, as GitHub is (gitignore matching folds case by default).
        assert.equal(of("/README.md @o/r", "readme.md"), undefined);
        // Last match wins; a later line without owners leaves its paths unowned.
        const layered = "* @o/all\n/apps/ @o/apps\n/apps/github\n";
        assert.deepEqual(of(layered, "apps/x.ts"), ["@o/apps"]);
        assert.deepEqual(of(layered, "apps/github/x.ts"), []);
        assert.deepEqual(of(layered, "x.ts"), ["@o/all"]);
        // What GitHub does not support, or matches unlike gitignore, is refused rather than misjudged.
        for (const [line, why] of [
            ["!x @o/a", /negation/],
            ["x[ab] @o/a", /character ranges/],
            ["\\#x @o/a", /escapes/],
            ["docs/* @o/a", /one level deep/],
            ["/stacks/Pulumi.*.yaml @o/a", /one level deep/],
            ["/x team-a", /team-a is not an owner/],
        ] as const) {
            assert.throws(
                () => parseCodeowners(`# header\n${line}\n`),
                (e: Error) => e.message.startsWith("CODEOWNERS line 2: ") && why.test(e.message),
                line,
            );
        }
    });

    it("gives every file git tracks an owner, and the platform team owns every one", () => {
        const files = trackedFiles();
        assert.ok(files.includes(".github/CODEOWNERS") && files.includes("package.json"), "git ls-files lists the repository");
        const unowned = files.filter((f) => !owners(f).includes(PLATFORM));
        assert.deepEqual(unowned, [], "files the platform team does not own (a catch-all `*` must come first)");
    });

    it("gives each team stack file to its team and the platform team, and nothing else to any team", () => {
        assert.ok(teamStacks.includes("team-a") && teamStacks.includes("team-b"), teamStacks.join(", "));
        for (const stack of teamStacks) {
            assert.deepEqual(owners(teamStackFile(stack)), [`@ray-on-ack/${stack}`, PLATFORM].sort(), teamStackFile(stack));
        }
        const stackFiles = new Set(teamStacks.map(teamStackFile));
        const teamOwned = trackedFiles()
            .filter((f) => !stackFiles.has(f))
            .filter((f) => owners(f).join(" ") !== PLATFORM)
            .map((f) => `${f}: ${owners(f).join(" ")}`);
        assert.deepEqual(teamOwned, [], "only the platform team owns the rest");
    });

    it("gives a file a pull request adds to the platform team alone, wherever it lands (a root .npmrc, a script under stacks/)", () => {
        // What a teammate's approval must not merge: npm config or code that every npm step would load.
        const added = [
            ".npmrc",
            "stacks/x.js",
            "stacks/.npmrc",
            "stacks/team-a/x.js",
            "policy/.npmrc",
            "x/y.ts",
            ".github/workflows/x.yml",
            "CODEOWNERS",
            "docs/CODEOWNERS",
        ];
        // A new stack file is the platform's until CODEOWNERS names its team.
        added.push("stacks/Pulumi.team-new.yaml");
        // A stack file replaced by a directory of that name.
        added.push(...teamStacks.flatMap((s) => [`${teamStackFile(s)}/.npmrc`, `${teamStackFile(s)}/x.js`]));
        for (const file of added) {
            assert.deepEqual(owners(file), [PLATFORM], file);
        }
    });

    it("gives the platform team every platform-owned path: pack, grants, shared module, workflows, platform stack, package code", () => {
        for (const file of [
            "platform/policy-pack-config.json",
            "policy/index.ts",
            "policy/package.json",
            "common/ids.ts",
            ".github/workflows/preview.yml",
            ".github/CODEOWNERS",
            "stacks/Pulumi.platform.yaml",
            "components/config/model.ts",
            "program/index.ts",
            "program/stackProgram.ts",
            "program/main.js",
            "package.json",
            "package-lock.json",
            ".ci/run",
            "render/render.ts",
            "program/compiled.js",
            "tsconfig.program.json",
        ]) {
            assert.deepEqual(owners(file), [PLATFORM], file);
        }
    });

    it("gives the platform team everything Pulumi.yaml has the CLI run: the program's entry and every project plugin", () => {
        // A plugin runs with the deploy's credentials as the program does; a pull request that moved one
        // (or the entry) to a folder the teams own would get code run at `pulumi up` without the platform's review.
        const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        const plugins: { path: string }[] = Object.values(project.plugins ?? {}).flat() as { path: string }[];
        assert.ok(plugins.length > 0, "the dynamic-provider host is a project plugin");
        const files = [project.main as string];
        for (const p of plugins) {
            const dir = path.relative(ROOT, path.resolve(ROOT, p.path));
            assert.ok(!dir.startsWith(".."), `${p.path} is outside the repository`);
            files.push(...fs.readdirSync(path.join(ROOT, dir)).map((f) => path.posix.join(dir.split(path.sep).join("/"), f)));
        }
        for (const file of ["Pulumi.yaml", ...files]) {
            assert.deepEqual(owners(file), [PLATFORM], file);
        }
        assert.ok(files.includes("program/plugins/pulumi-resource-pulumi-nodejs"), files.join(", "));
    });
});
