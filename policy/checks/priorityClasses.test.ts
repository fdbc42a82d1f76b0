/**
 * `ray-pod-scheduling.allowedPriorityClasses` per stack: a class the platform grants one team is
 * judged against the stack being checked (its URN under `pulumi preview --policy-pack`, the
 * renderer's `--stack` otherwise), so another team's stack file cannot widen its own access by
 * naming it. A bare name stays a platform-wide allowance.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import YAML from "yaml";
import { podScheduling } from "./workloadOptions";
import { AllowedPriorityClass, PackConfig, resolvePackConfig } from "../config";
import { evaluateCheck } from "../evaluate";
import { configSchemaFor } from "../policies";
import { evaluatePosture } from "../posture";
import type { PolicyResource } from "../resource";
import { rayCluster, throughPack } from "../../test/fixtures/policy";
import { ROOT, runRender } from "../../test/helpers/render";

const KEY = "pack config ray-pod-scheduling\\.allowedPriorityClasses";
const TEAM_B_ONLY: AllowedPriorityClass[] = [{ stack: "team-b", name: "team-b-batch", reason: "nightly batch, below the default class" }];
const AT = "RayCluster ray-a/demo: spec\\.workerGroupSpecs\\[0\\]\\.template\\.spec\\.priorityClassName";

/** The fixture RayCluster naming `priorityClassName` on its workers, in `stack` (its URN), or with no URN at all. */
function clusterIn(stack: string | undefined, priorityClassName = "team-b-batch"): PolicyResource {
    const r = rayCluster("demo");
    r.props.spec.workerGroupSpecs[0].template.spec.priorityClassName = priorityClassName;
    return { ...r, urn: stack === undefined ? undefined : r.urn!.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${stack}::`) };
}

/** The pod-scheduling findings as the renderer sorts them (no URN: the stack comes from `--stack`). */
function judged(
    r: PolicyResource,
    allowedPriorityClasses: AllowedPriorityClass[],
    stack?: string,
): { blocking: string[]; notices: string[] } {
    const { findings } = evaluateCheck(podScheduling, [r], resolvePackConfig({ allowedPriorityClasses }), { stack });
    return {
        blocking: findings.filter((f) => !f.exception).map((f) => f.message),
        notices: findings.filter((f) => f.notice).map((f) => f.message),
    };
}

describe("allowed priority classes per stack", () => {
    it("fails another team's pod naming a class granted to team-b only, in the pack (mandatory)", () => {
        const teamA = throughPack(podScheduling, clusterIn("team-a"), { allowedPriorityClasses: TEAM_B_ONLY });
        assert.equal(teamA.mandatory.length, 1, JSON.stringify(teamA));
        assert.match(
            teamA.mandatory[0],
            new RegExp(
                `^${AT}: "team-b-batch" is allowed only for stack team-b \\(${KEY}\\); this is stack team-a: a class granted to another team would let these pods preempt other teams'$`,
            ),
        );
        assert.deepEqual(teamA.advisory, []);
        const teamB = throughPack(podScheduling, clusterIn("team-b"), { allowedPriorityClasses: TEAM_B_ONLY });
        assert.deepEqual(teamB.mandatory, [], "team-b's own class passes");
        assert.deepEqual(teamB.advisory, [
            `notice: RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.priorityClassName: "team-b-batch" is allowed by the platform for stack team-b only (pack config ray-pod-scheduling.allowedPriorityClasses): nightly batch, below the default class`,
        ]);
    });

    it("takes the stack from --stack when the resource has no URN, and fails closed when nothing says", () => {
        const r = clusterIn(undefined);
        assert.deepEqual(judged(r, TEAM_B_ONLY, "team-b").blocking, []);
        assert.match(judged(r, TEAM_B_ONLY, "team-b").notices.join("\n"), /for stack team-b only .*: nightly batch/);
        assert.match(
            judged(r, TEAM_B_ONLY, "team-a").blocking.join("\n"),
            /"team-b-batch" is allowed only for stack team-b .*; this is stack team-a/,
        );
        assert.match(
            judged(r, TEAM_B_ONLY).blocking.join("\n"),
            /"team-b-batch" is allowed only for stack team-b .*; the stack being judged is unknown, so no per-stack entry applies/,
        );
        // The URN is the engine's word and wins over the context.
        assert.equal(judged(clusterIn("team-a"), TEAM_B_ONLY, "team-b").blocking.length, 1);
    });

    it("shows the allowed class in posture as an exception saying whether it is platform-wide or this stack's, with the reason", () => {
        const config = { "ray-pod-scheduling": { allowedPriorityClasses: TEAM_B_ONLY } };
        const scheduling = (stack: string, allowed: Record<string, unknown> = config) =>
            evaluatePosture([clusterIn(undefined)], { stack, policyPackConfig: allowed }).checks.find(
                (c) => c.id === "ray-pod-scheduling",
            )!;
        const b = scheduling("team-b");
        assert.equal(b.status, "exception");
        assert.match(
            b.offending[0].message,
            /^notice: .*"team-b-batch" is allowed by the platform for stack team-b only \(.*\): nightly batch, below the default class$/,
        );
        assert.equal(scheduling("team-a").status, "fail");
        const wide = scheduling("team-a", { "ray-pod-scheduling": { allowedPriorityClasses: ["team-b-batch"] } });
        assert.equal(wide.status, "exception");
        assert.match(
            wide.offending[0].message,
            /^notice: .*"team-b-batch" is allowed by the platform to every stack \(pack config ray-pod-scheduling\.allowedPriorityClasses\)$/,
        );
    });

    it("passes a platform-wide name for any stack, or none", () => {
        for (const stack of ["team-a", "team-b", undefined]) {
            const r = judged(clusterIn(stack, "batch-low"), ["batch-low", ...TEAM_B_ONLY]);
            assert.deepEqual(r.blocking, [], `stack ${stack}`);
            assert.match(r.notices.join("\n"), /"batch-low" is allowed by the platform to every stack/);
        }
        // An unlisted class lists what this stack may use: the platform-wide names and its own.
        assert.match(
            judged(clusterIn("team-a", "gold"), ["batch-low", ...TEAM_B_ONLY]).blocking.join("\n"),
            new RegExp(`"gold" is not a priority class the platform allows \\(${KEY}: batch-low\\)`),
        );
        assert.match(
            judged(clusterIn("team-b", "gold"), ["batch-low", ...TEAM_B_ONLY]).blocking.join("\n"),
            new RegExp(`\\(${KEY}: batch-low, team-b-batch\\)`),
        );
    });

    it("refuses malformed entries naming allowedPriorityClasses[i]", () => {
        const refused = (allowedPriorityClasses: unknown[]) => () => resolvePackConfig({ allowedPriorityClasses } as Partial<PackConfig>);
        assert.throws(
            refused([{ stack: "team-b", name: "team-b-batch" }]),
            /invalid policy pack config: allowedPriorityClasses\[0\]\.reason must be a non-empty string$/,
        );
        assert.throws(
            refused(["ok", { stack: "team-b", name: "x", reason: "r", stacks: ["team-c"] }]),
            /allowedPriorityClasses\[1\]: unknown key stacks$/,
        );
        assert.throws(
            refused([{ stack: "team-b", name: "system-node-critical", reason: "r" }]),
            /allowedPriorityClasses\[0\]: "system-node-critical" must not be a system-\* priority class/,
        );
        assert.throws(
            refused(["system-cluster-critical"]),
            /allowedPriorityClasses\[0\]: "system-cluster-critical" must not be a system-\* priority class/,
        );
        assert.throws(
            refused([{ stack: 1, name: "x", reason: "" }]),
            /allowedPriorityClasses\[0\]\.stack must be a non-empty string; allowedPriorityClasses\[0\]\.reason must be a non-empty string$/,
        );
        assert.throws(
            refused([7]),
            /allowedPriorityClasses\[0\] must be a class name \(a non-empty string\) or a \{stack, name, reason\} object$/,
        );
        assert.throws(refused([""]), /allowedPriorityClasses\[0\] must be a class name/);
        assert.throws(refused([["team-b-batch"]]), /allowedPriorityClasses\[0\] must be a class name/);
        // Both forms together are fine, and come back as given (copies).
        const given: AllowedPriorityClass[] = ["batch-low", ...TEAM_B_ONLY];
        const resolved = resolvePackConfig({ allowedPriorityClasses: given });
        assert.deepStrictEqual(resolved.allowedPriorityClasses, given);
        assert.notStrictEqual(resolved.allowedPriorityClasses[1], given[1]);
    });

    it("the config schema the Pulumi CLI checks --policy-pack-config against takes both forms and refuses the rest", () => {
        // The CLI validates each policy's settings with JSON Schema before the pack runs: the schema must not refuse the platform's file.
        const validate = new Ajv({ strict: false, allErrors: true }).compile({ type: "object", ...configSchemaFor(podScheduling) });
        const file = JSON.parse(fs.readFileSync(path.join(ROOT, "platform", "policy-pack-config.json"), "utf8"));
        assert.ok(validate(file["ray-pod-scheduling"]), JSON.stringify(validate.errors));
        assert.ok(validate({ allowedPriorityClasses: ["batch-low", ...TEAM_B_ONLY] }), JSON.stringify(validate.errors));
        for (const bad of [
            [""],
            [{ stack: "team-b", name: "x" }],
            [{ stack: "team-b", name: "x", reason: "r", extra: 1 }],
            [{ stack: "", name: "x", reason: "r" }],
            [7],
        ]) {
            assert.equal(validate({ allowedPriorityClasses: bad }), false, JSON.stringify(bad));
        }
    });

    it("render exits 3 naming ray-pod-scheduling when a copy of team-a's stack names team-b's class", function () {
        this.timeout(180_000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prio-"));
        try {
            const stack = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-a.yaml"), "utf8"));
            stack.config["ray-on-ack:clusters"][0].priorityClassName = "team-b-batch";
            fs.mkdirSync(path.join(dir, "stacks"));
            fs.writeFileSync(path.join(dir, "stacks", "Pulumi.team-a.yaml"), YAML.stringify(stack));
            const r = runRender(["--stack", "team-a", "--stacks-dir", path.join(dir, "stacks")]);
            try {
                assert.equal(r.status, 3, r.stderr);
                assert.match(r.stderr, /error: posture: 1 check\(s\) fail without a granted exception: ray-pod-scheduling /);
                const posture = JSON.parse(fs.readFileSync(path.join(r.out, "posture.json"), "utf8"));
                const scheduling = posture.checks.find((c: any) => c.id === "ray-pod-scheduling");
                assert.match(
                    scheduling.offending.map((o: any) => o.message).join("\n"),
                    /RayCluster ray-team-a\/training: .*priorityClassName: "team-b-batch" is allowed only for stack team-b .*; this is stack team-a/,
                );
            } finally {
                fs.rmSync(r.out, { recursive: true, force: true });
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
