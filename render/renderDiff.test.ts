import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { compareRenders, describeCertificate, mask, type Entry } from "./diffEntries";
import { diffLines, unifiedDiff } from "./diffLines";
import { changedPaths, podRestarts } from "./diffRestarts";
import { renderedStack, ROOT } from "../test/helpers/render";

describe("render:diff line diff", () => {
    it("prints nothing for equal texts and a hunk with context for a change", () => {
        assert.equal(unifiedDiff("a\nb\n", "a\nb\n", { before: "x", after: "y" }), "");
        const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
        const after = before.replace("line 10\n", "line ten\n");
        assert.equal(
            unifiedDiff(before, after, { before: "a/x", after: "b/x" }),
            [
                "--- a/x",
                "+++ b/x",
                "@@ -7,7 +7,7 @@",
                "line 7",
                "line 8",
                "line 9",
                "-line 10",
                "+line ten",
                "line 11",
                "line 12",
                "line 13",
                "",
            ]
                .map((l) => (/^(---|\+\+\+|@@|[-+])/.test(l) || l === "" ? l : ` ${l}`))
                .join("\n"),
        );
    });

    it("numbers an empty side as diff(1) does", () => {
        assert.match(unifiedDiff("", "a\nb\n", { before: "/dev/null", after: "b/x" }), /^@@ -0,0 \+1,2 @@$/m);
        assert.match(unifiedDiff("a\n", "", { before: "a/x", after: "/dev/null" }), /^@@ -1,1 \+0,0 @@$/m);
    });

    it("finds a shortest edit script (checked against an LCS table on random inputs)", () => {
        let seed = 7;
        const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
        for (let round = 0; round < 200; round++) {
            const a = Array.from({ length: rand(12) }, () => "abc"[rand(3)]);
            const b = Array.from({ length: rand(12) }, () => "abc"[rand(3)]);
            const edits = diffLines(a, b);
            assert.deepEqual(
                edits.filter((e) => e.op !== "+").map((e) => e.line),
                a,
            );
            assert.deepEqual(
                edits.filter((e) => e.op !== "-").map((e) => e.line),
                b,
            );
            const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
            for (let i = a.length - 1; i >= 0; i--) {
                for (let j = b.length - 1; j >= 0; j--) {
                    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
                }
            }
            assert.equal(edits.filter((e) => e.op === " ").length, lcs[0][0]);
        }
    });
});

describe("render:diff masking and comparison", () => {
    it("masks PEMs and the tls- and token-fingerprint annotations, nothing else", () => {
        const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        const annotations = { "ray-on-ack.io/tls-fingerprint": "abc", "ray-on-ack.io/token-fingerprint": "abc", other: "abc" };
        assert.deepEqual(mask({ a: pem, metadata: { annotations }, n: [1, pem] }), {
            a: "<generated certificate>",
            metadata: {
                annotations: {
                    "ray-on-ack.io/tls-fingerprint": "<generated>",
                    "ray-on-ack.io/token-fingerprint": "<generated>",
                    other: "abc",
                },
            },
            n: [1, "<generated certificate>"],
        });
    });

    it("describes a certificate by its names, SAN ranges and usages, not its bytes", () => {
        const { out } = renderedStack("team-a");
        const ca = fs.readFileSync(path.join(out, "pki", "training", "ca.crt"), "utf8");
        const head = fs.readFileSync(path.join(out, "pki", "training", "head.crt"), "utf8");
        assert.match(describeCertificate(ca), /^CA: true\npath length: 0$/m);
        const d = describeCertificate(head);
        assert.match(d, /^DNS SAN: training-head-svc\.ray-team-a\.svc\.cluster\.local$/m);
        assert.match(d, /^IP SAN: 10\.20\.0\.0 - 10\.20\.0\.255 \(256\)$/m);
        assert.match(d, /^extended key usage: serverAuth, clientAuth$/m);
        assert.doesNotMatch(d, /\d{4}-\d{2}-\d{2}T/);
    });

    it("reports added, changed and removed entries by section", () => {
        const e = (section: Entry["section"], key: string, text: string): Entry => ({ section, key, text });
        const changes = compareRenders(
            [e("kubernetes", "Service ns/a", "1"), e("kubernetes", "Service ns/gone", "x"), e("output", "output team", "t")],
            [e("output", "output team", "t"), e("kubernetes", "Service ns/a", "2"), e("kubernetes", "Role ns/new", "y")],
        );
        assert.deepEqual(
            changes.map((c) => `${c.kind} ${c.key}`),
            ["~ Service ns/a", "+ Role ns/new", "- Service ns/gone"],
        );
    });
});

describe("render:diff pod restarts", () => {
    const k8s = (o: Record<string, unknown>): Entry => ({
        section: "kubernetes",
        key: `${o.kind} ns/${(o.metadata as { name: string }).name}`,
        text: YAML.stringify(o),
    });
    const rayCluster = (over: { replicas?: number; env?: string; annotations?: Record<string, string> } = {}) => ({
        kind: "RayCluster",
        metadata: { name: "training", namespace: "ns" },
        spec: {
            upgradeStrategy: { type: "Recreate" },
            headGroupSpec: {
                rayStartParams: {},
                template: {
                    metadata: { annotations: over.annotations ?? {} },
                    spec: { containers: [{ name: "ray-head", env: [{ name: "A", value: over.env ?? "1" }] }] },
                },
            },
            workerGroupSpecs: [
                { groupName: "cpu", replicas: over.replicas ?? 1, template: { spec: { containers: [{ name: "ray-worker" }] } } },
            ],
        },
    });
    const restarts = (before: Entry[], after: Entry[]) => podRestarts(after, compareRenders(before, after));

    it("finds the leaves that differ", () => {
        assert.deepEqual(changedPaths({ a: [1, { b: 2 }], c: 3 }, { a: [1, { b: 4 }], c: 3, d: 5 }), [["a", 1, "b"], ["d"]]);
        assert.deepEqual(changedPaths({ a: [1] }, { a: [1, 2] }), [["a"]]);
    });

    it("marks a change inside a pod template, naming the field", () => {
        assert.deepEqual(restarts([k8s(rayCluster())], [k8s(rayCluster({ env: "2" }))]), [
            "pods of RayCluster/training restart: pod template changed: spec.headGroupSpec.template.spec.containers[0].env[0].value",
        ]);
        const deployment = (image: string) => ({
            kind: "Deployment",
            metadata: { name: "web" },
            spec: { replicas: 1, template: { spec: { containers: [{ image }] } } },
        });
        assert.deepEqual(restarts([k8s(deployment("a:1"))], [k8s(deployment("a:2"))]), [
            "pods of Deployment/web restart: pod template changed: spec.template.spec.containers[0].image",
        ]);
    });

    it("does not mark a scale change, nor objects that run no pods", () => {
        assert.deepEqual(restarts([k8s(rayCluster())], [k8s(rayCluster({ replicas: 3 }))]), []);
        const cm = (v: string) => ({ kind: "ConfigMap", metadata: { name: "x" }, data: { template: v } });
        assert.deepEqual(restarts([k8s(cm("a"))], [k8s(cm("b"))]), []);
    });

    it("marks the pods that carry the TLS fingerprint when their certificates say something new, not a client's", () => {
        const cert = (name: string, san: string): Entry => ({
            section: "certificate",
            key: `Certificate ${name}`,
            text: `IP SAN: ${san}\n`,
        });
        const rc = k8s(rayCluster({ annotations: { "ray-on-ack.io/tls-fingerprint": "<generated>" } }));
        const before = [rc, cert("training-head", "10.0.0.0 - 10.0.0.255"), cert("client-alice", "")];
        assert.deepEqual(restarts(before, [rc, cert("training-head", "10.0.1.0 - 10.0.1.255"), cert("client-alice", "")]), [
            "pods of RayCluster/training restart: TLS certificates re-issued with new content, so the ray-on-ack.io/tls-fingerprint annotation changes (training-head)",
        ]);
        assert.deepEqual(restarts(before, [rc, cert("training-head", "10.0.0.0 - 10.0.0.255"), cert("client-alice", "changed")]), []);
        assert.deepEqual(
            restarts([k8s(rayCluster()), before[1]], [k8s(rayCluster()), cert("training-head", "x")]),
            [],
            "no fingerprint annotation: the pods do not restart for it",
        );
    });
});

describe("npm run render:diff", function () {
    let repo: string;
    const stackFile = () => path.join(repo, "stacks", "Pulumi.team-a.yaml");

    function git(...args: string[]): string {
        const r = spawnSync(
            "git",
            ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args],
            { cwd: repo, encoding: "utf8" },
        );
        assert.equal(r.status, 0, r.stderr);
        return r.stdout;
    }

    function renderDiff(...args: string[]) {
        const r = spawnSync(
            process.execPath,
            [require.resolve("ts-node/dist/bin.js"), path.join(repo, "render", "renderDiff.ts"), ...args],
            {
                cwd: repo,
                encoding: "utf8",
                timeout: 180_000,
            },
        );
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    }

    function summary(stdout: string): string[] {
        return stdout.split("\n").filter((l) => /^[+~-] [A-Z]/.test(l) || /^[+~-] (alicloud:|output )/.test(l));
    }

    function editTeamA(edit: (doc: YAML.Document) => void): void {
        const doc = YAML.parseDocument(fs.readFileSync(stackFile(), "utf8"));
        edit(doc);
        fs.writeFileSync(stackFile(), doc.toString());
    }

    before(function () {
        // A repository holding the working tree as its one commit, uncommitted edits included,
        // so the test exercises the code as it is now and never touches this repository.
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-diff-repo-"));
        // Of stacks/ only team-a, the stack these tests edit: whatever other stacks the checkout
        // holds (a new team's, say) neither changes the listings nor collides with the new stack.
        const files = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
            cwd: ROOT,
            encoding: "utf8",
        }).stdout.split("\0");
        const wanted = (f: string) => !f.startsWith("stacks/") || f === "stacks/Pulumi.team-a.yaml";
        for (const f of files.filter((x) => x && wanted(x) && fs.existsSync(path.join(ROOT, x)))) {
            fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
            fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
        }
        git("init", "--quiet");
        fs.appendFileSync(path.join(repo, ".git", "info", "exclude"), "node_modules\n");
        git("add", "--all");
        git("commit", "--quiet", "--message", "base");
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
    });

    afterEach(() => {
        git("checkout", "--quiet", "--", "stacks");
        git("clean", "--quiet", "--force", "--", "stacks");
        assert.equal(git("worktree", "list").trim().split("\n").length, 1, "the base worktree was left behind");
    });

    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    it("exits 0 for an unchanged stack, although every render issues new certificates", () => {
        const r = renderDiff("--stack", "team-a", "--base", "HEAD");
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /^render:diff team-a: no changes against HEAD [0-9a-f]{12}$/m);
    });

    it("exits 1 and shows exactly the changed object and line for a replicas change", () => {
        editTeamA((doc) => doc.setIn(["config", "ray-on-ack:clusters", 0, "workerGroups", 0, "replicas"], 3));
        const r = renderDiff("--stack", "team-a", "--base", "HEAD");
        assert.equal(r.status, 1, r.stderr);
        assert.deepEqual(summary(r.stdout), ["~ RayCluster ray-team-a/training"]);
        assert.match(r.stdout, /^0 added, 1 changed, 0 removed$/m);
        assert.doesNotMatch(r.stdout, /^pods of .* restart/m, "a scale change restarts no pods");
        assert.match(r.stdout, /^--- a\/RayCluster ray-team-a\/training \(HEAD\)$/m);
        assert.match(r.stdout, /^\+\+\+ b\/RayCluster ray-team-a\/training \(working tree\)$/m);
        assert.match(r.stdout, /^-\s+replicas: 1$/m);
        assert.match(r.stdout, /^\+\s+replicas: 3$/m);
        assert.doesNotMatch(r.stdout, /BEGIN CERTIFICATE|tls-fingerprint: [0-9a-f]/);
    });

    it("marks every cluster's pods as restarting when a pod-CIDR change re-issues their certificates", () => {
        editTeamA((doc) => doc.setIn(["config", "ray-on-ack:podCidrs", 0], "10.20.1.0/24"));
        const r = renderDiff("--stack", "team-a", "--base", "HEAD");
        assert.equal(r.status, 1, r.stderr);
        const restarts = r.stdout.split("\n").filter((l) => l.startsWith("pods of "));
        for (const cluster of ["training", "notebooks"]) {
            const line = restarts.find((l) => l.startsWith(`pods of RayCluster/${cluster} restart: `));
            assert.ok(line, `${cluster} in:\n${restarts.join("\n")}`);
            assert.match(line, new RegExp(`TLS certificates re-issued with new content.*\\b${cluster}[-/]head\\b`));
        }
    });

    it("marks the cluster whose pod template changes, naming the field", () => {
        editTeamA((doc) => doc.setIn(["config", "ray-on-ack:clusters", 1, "env"], { FIRST_DAY: "1" }));
        const r = renderDiff("--stack", "team-a", "--base", "HEAD");
        assert.equal(r.status, 1, r.stderr);
        const restarts = r.stdout.split("\n").filter((l) => l.startsWith("pods of "));
        assert.equal(restarts.length, 1, restarts.join("\n"));
        assert.match(
            restarts[0],
            /^pods of RayCluster\/notebooks restart: pod template changed: spec\.headGroupSpec\.template\.spec\.containers\[0\]\.env/,
        );
    });

    it("shows everything as added when the stack file does not exist at the base", () => {
        const doc = YAML.parseDocument(fs.readFileSync(stackFile(), "utf8"));
        doc.setIn(["config", "ray-on-ack:team"], "team-new");
        doc.setIn(["config", "ray-on-ack:podCidrs", 0], "10.20.8.0/24"); // a team of its own: pod CIDRs never shared with team-a
        fs.writeFileSync(path.join(repo, "stacks", "Pulumi.team-new.yaml"), doc.toString());
        // The platform registers the new stack (the tenancy registry), as README "Add a team" says.
        const packFile = path.join(repo, "platform", "policy-pack-config.json");
        const pack = JSON.parse(fs.readFileSync(packFile, "utf8"));
        // team-a's file under another name: team-a's network, endpoints, hosts and SSO client (team-a's entry is gone), its own name, namespace and addresses.
        pack["ray-tenancy"].tenants["team-new"] = {
            ...pack["ray-tenancy"].tenants["team-a"],
            team: "team-new",
            namespace: "ray-team-new",
            podCidrs: ["10.20.8.0/24"],
            ramRoles: [],
            oss: [],
        };
        delete pack["ray-tenancy"].tenants["team-a"];
        const edited = path.join(repo, "pack-team-new.json");
        fs.writeFileSync(edited, JSON.stringify(pack));
        const r = renderDiff("--stack", "team-new", "--base", "HEAD", "--policy-pack-config", edited);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout, /does not exist at HEAD: everything is added/);
        const lines = summary(r.stdout);
        assert.ok(lines.includes("+ Namespace ray-team-new"), lines.join("\n"));
        assert.ok(lines.includes("+ RayCluster ray-team-new/training"));
        assert.ok(
            lines.every((l) => l.startsWith("+ ")),
            lines.join("\n"),
        );
        assert.match(r.stdout, /^--- \/dev\/null$/m);
        assert.match(r.stdout, /^\+\s+auth_token: REDACTED$/m, "Secrets stay redacted");
    });

    it("shows a posture failure the pull request introduces in the diff, exit 1, not as a failed render", () => {
        editTeamA((doc) => {
            doc.setIn(["config", "ray-on-ack:security"], { allowVulnerableRayVersion: true });
            doc.setIn(["config", "ray-on-ack:clusters", 0, "rayVersion"], "2.53.0");
        });
        const r = renderDiff("--stack", "team-a", "--base", "HEAD");
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout, /^posture FAILS in the working tree: ray-version-minimum$/m);
        assert.ok(summary(r.stdout).includes("~ Posture ray-version-minimum"), r.stdout);
        assert.match(r.stdout, /^-status: pass$/m);
        assert.match(r.stdout, /^\+status: fail$/m);
    });

    it("exits 2 with the renderer's messages when a side fails to render", () => {
        editTeamA((doc) => doc.setIn(["config", "ray-on-ack:clusters", 0, "workerGroups", 0, "replicas"], "lots"));
        const r = renderDiff("--stack", "team-a", "--base", "HEAD");
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^error: rendering team-a at the working tree failed \(exit 2\):$/m);
        assert.match(r.stderr, /^ {2}error: ray-on-ack:clusters\[0\]\.workerGroups\[0\]\.replicas: /m);
        assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    });

    it("exits 2 for a ref that does not exist, an unknown stack or missing arguments", () => {
        let r = renderDiff("--stack", "team-a", "--base", "no-such-ref");
        assert.equal(r.status, 2);
        assert.equal(
            r.stderr.trim(),
            "error: --base no-such-ref: no such commit in this repository (a shallow clone may lack it: git fetch origin no-such-ref)",
        );
        r = renderDiff("--stack", "nobody", "--base", "HEAD");
        assert.equal(r.status, 2);
        assert.match(
            r.stderr,
            /^error: unknown stack nobody: no stacks\/Pulumi\.nobody\.yaml in the working tree or at HEAD \(stacks: team-a\)$/m,
        );
        r = renderDiff("--stack", "team-a");
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^error: --base is required\nusage: npm run render:diff/);
    });
});
