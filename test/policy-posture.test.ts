import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CHECKS } from "../policy/checks";
import { POLICY_IDS } from "../components/policyIds";
import { DEFAULT_PACK_CONFIG, PackConfig, resolvePackConfig } from "../policy/config";
import { evaluatePosture, postureMarkdown } from "../policy/posture";
import { compliantStack, rayCluster, withExceptions } from "./policy-fixtures.test";

function statusOf(report: ReturnType<typeof evaluatePosture>, id: string): string {
    return report.checks.find((c) => c.id === id)!.status;
}

describe("posture report", () => {
    it("lists every check with id, title, seed section and status", () => {
        const report = evaluatePosture(compliantStack());
        assert.deepStrictEqual(
            report.checks.map((c) => c.id),
            CHECKS.map((c) => c.id),
        );
        assert.deepStrictEqual(report.totals, { pass: CHECKS.length, fail: 0, exception: 0, "not-applicable": 0 });
        const tls = report.checks[0];
        assert.deepStrictEqual(
            { id: tls.id, title: tls.title, seedSection: tls.seedSection, status: tls.status, offending: tls.offending },
            { id: "ray-tls-required", title: "Ray mutual TLS on", seedSection: "1.1", status: "pass", offending: [] },
        );
    });

    it("has unique ids and descriptions that name the seed section", () => {
        assert.strictEqual(new Set(CHECKS.map((c) => c.id)).size, CHECKS.length);
        assert.deepStrictEqual(new Set(Object.values(POLICY_IDS)), new Set(CHECKS.map((c) => c.id)));
        for (const c of CHECKS) {
            assert.ok(c.description.startsWith(`seed ${c.seedSection}:`), c.id);
            assert.match(c.id, /^ray-[a-z0-9-]+$/);
        }
    });

    it("marks checks with nothing to look at not-applicable", () => {
        const report = evaluatePosture([]);
        assert.deepStrictEqual(report.totals, { pass: 0, fail: 0, exception: 0, "not-applicable": CHECKS.length });
    });

    it("fails a check with a violation and names the offending resource", () => {
        const stack = compliantStack();
        const rc = stack.find((r) => r.type === "kubernetes:ray.io/v1:RayCluster")!;
        rc.props.spec.authOptions.mode = "disabled";
        const report = evaluatePosture(stack);
        assert.deepStrictEqual(report.totals, { pass: CHECKS.length - 1, fail: 1, exception: 0, "not-applicable": 0 });
        assert.deepStrictEqual(report.checks.find((c) => c.id === "ray-token-auth-required")!.offending, [
            {
                resource: "RayCluster ray-a/demo",
                type: "kubernetes:ray.io/v1:RayCluster",
                name: "demo",
                urn: "urn:pulumi:a::ray-on-ack::kubernetes:ray.io/v1:RayCluster::demo",
                path: "spec.authOptions.mode",
                message: 'RayCluster ray-a/demo: spec.authOptions.mode: is "disabled"; must be "token"',
                exception: false,
            },
        ]);
    });

    it("reports a documented opt-in as an exception, not a pass and not a failure", () => {
        const stack = compliantStack();
        const rc = stack.find((r) => r.type === "kubernetes:ray.io/v1:RayCluster")!;
        rc.props.spec.rayVersion = "2.53.0";
        withExceptions(rc, "ray-version-minimum, ray-hostpath-restricted");
        const report = evaluatePosture(stack);
        assert.strictEqual(statusOf(report, "ray-version-minimum"), "exception");
        // The hostPath check finds nothing, but a declared opt-in is still shown, never a silent pass.
        assert.strictEqual(statusOf(report, "ray-hostpath-restricted"), "exception");
        assert.deepStrictEqual(
            report.checks.find((c) => c.id === "ray-hostpath-restricted")!.offending.map((o) => o.message),
            ['RayCluster ray-a/demo: metadata.annotations["ray-on-ack.io/policy-exceptions"]: declares a documented opt-in that relaxes this check'],
        );
        assert.deepStrictEqual(report.totals, { pass: CHECKS.length - 2, fail: 0, exception: 2, "not-applicable": 0 });
        const offending = report.checks.find((c) => c.id === "ray-version-minimum")!.offending;
        assert.deepStrictEqual(
            offending.map((o) => [o.resource, o.exception]),
            [["RayCluster ray-a/demo", true]],
        );
    });

    it("fails exceptions when the pack config says allowExceptions: false", () => {
        const rc = withExceptions(rayCluster(), "ray-version-minimum");
        rc.props.spec.rayVersion = "2.53.0";
        assert.strictEqual(statusOf(evaluatePosture([rc]), "ray-version-minimum"), "exception");
        assert.strictEqual(statusOf(evaluatePosture([rc], { allowExceptions: false }), "ray-version-minimum"), "fail");
    });

    it("fails when one resource is excepted and another violates", () => {
        const excepted = withExceptions(rayCluster("a"), "ray-token-auth-required");
        const violating = rayCluster("b");
        excepted.props.spec.authOptions = {};
        violating.props.spec.authOptions = {};
        assert.strictEqual(statusOf(evaluatePosture([excepted, violating]), "ray-token-auth-required"), "fail");
    });

    it("takes exceptions for stack-level checks from the resource the finding lands on", () => {
        const stack = compliantStack().filter((r) => r.type !== "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assert.strictEqual(statusOf(evaluatePosture(stack), "ray-network-policy-default-deny"), "fail");
        withExceptions(stack.find((r) => r.type === "kubernetes:core/v1:Namespace")!, "ray-network-policy-default-deny");
        assert.strictEqual(statusOf(evaluatePosture(stack), "ray-network-policy-default-deny"), "exception");
    });

    it("is plain JSON", () => {
        const report = evaluatePosture(compliantStack());
        assert.deepStrictEqual(JSON.parse(JSON.stringify(report)), report);
    });

    it("renders a markdown table and the findings behind it", () => {
        const stack = compliantStack();
        const rc = stack.find((r) => r.type === "kubernetes:ray.io/v1:RayCluster")!;
        rc.props.spec.rayVersion = "2.53.0";
        withExceptions(rc, "ray-version-minimum");
        rc.props.spec.headGroupSpec.serviceType = "NodePort";
        const md = postureMarkdown(evaluatePosture(stack));
        const lines = md.split("\n");
        assert.strictEqual(lines[0], "# Security posture");
        assert.ok(lines.includes(`${CHECKS.length} checks: ${CHECKS.length - 2} pass, 1 fail, 1 exception, 0 not applicable.`));
        assert.ok(lines.includes("| Check | Seed | Status | Offending resources |"));
        assert.ok(lines.includes("| `ray-tls-required` Ray mutual TLS on | 1.1 | pass |  |"));
        assert.ok(lines.includes("| `ray-head-service-clusterip` Ray head Service is ClusterIP | 1.6 | **FAIL** | RayCluster ray-a/demo |"));
        assert.ok(lines.includes("| `ray-version-minimum` Ray 2.54.0 or later | 1.5, 6 | exception | RayCluster ray-a/demo |"));
        assert.ok(lines.includes("- RayCluster ray-a/demo: spec.headGroupSpec.serviceType: is \"NodePort\"; must be ClusterIP"));
        assert.ok(
            lines.includes(
                '- exception (ray-on-ack.io/policy-exceptions): RayCluster ray-a/demo: spec.rayVersion: is "2.53.0"; Ray below 2.54.0 has known dashboard remote-code-execution CVEs',
            ),
        );
    });

    it("escapes pipes in table cells", () => {
        const rc = rayCluster();
        rc.props.metadata.name = "a|b";
        rc.props.spec.authOptions = {};
        const md = postureMarkdown(evaluatePosture([rc]));
        assert.ok(md.includes("| RayCluster ray-a/a\\|b |"));
    });
});

describe("pack config", () => {
    it("defaults to the stack schema's security defaults", () => {
        assert.deepStrictEqual(resolvePackConfig(), {
            allowExceptions: true,
            allowedRegistries: ["docker.io/rayproject/"],
            requireDigest: false,
        });
        assert.deepStrictEqual(resolvePackConfig({ requireDigest: true }), { ...DEFAULT_PACK_CONFIG, requireDigest: true });
    });

    it("refuses values of the wrong type, naming the key", () => {
        assert.throws(
            () => resolvePackConfig({ allowExceptions: "no" as unknown as boolean }),
            /invalid policy pack config: allowExceptions must be a boolean/,
        );
        assert.throws(() => evaluatePosture([], { allowedRegistries: "docker.io/" as unknown as string[] }), /allowedRegistries must be an array of strings/);
        // hostPathPrefixes was removed with the hostPath opt-in: setting it is an error, not a silent no-op.
        assert.throws(() => resolvePackConfig({ hostPathPrefixes: ["/data"] } as Partial<PackConfig>), /unknown key\(s\) hostPathPrefixes/);
    });
});

describe("pack files", () => {
    const dir = path.join(__dirname, "..", "policy");

    it("PulumiPolicy.yaml runs the pack with the nodejs runtime", () => {
        const project = YAML.parse(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"));
        assert.strictEqual(project.runtime, "nodejs");
    });

    it("policy/README.md lists every policy with its seed section", () => {
        const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
        const rows = [...readme.matchAll(/^\| `(ray-[a-z0-9-]+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]);
        assert.deepStrictEqual(
            rows,
            CHECKS.map((c) => [c.id, c.seedSection]),
        );
    });
});
