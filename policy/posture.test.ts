import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CHECKS } from "./checks";
import { MIN_KUBERAY_VERSION, POLICY_IDS } from "@ray-on-ack/common";
import { DEFAULT_PACK_CONFIG, PackConfig, resolvePackConfig, resolvePolicyPackConfigFile } from "./config";
import { teamConfigSchema } from "../components/config/model";
import { DEFAULT_ALLOWED_REGISTRIES } from "@ray-on-ack/common";
import { DEFAULT_PLATFORM_LISTS } from "@ray-on-ack/common/platformLists";
import { EMPTY_TENANCY } from "@ray-on-ack/common/tenancy";
import { evaluatePosture, postureMarkdown } from "./posture";
import { Check, violation } from "./check";
import { evaluateCheck, exceptionMessage } from "./evaluate";
import { compliantStack, grantFor, rayCluster, registered, withExceptions } from "../test/fixtures/policy";

function statusOf(report: ReturnType<typeof evaluatePosture>, id: string): string {
    return report.checks.find((c) => c.id === id)!.status;
}

describe("posture report", () => {
    it("lists every check with id, title, seed section and status", () => {
        const report = evaluatePosture(compliantStack(), { policyPackConfig: registered() });
        assert.deepStrictEqual(
            report.checks.map((c) => c.id),
            CHECKS.map((c) => c.id),
        );
        // The compliant stack exposes nothing (a LoadBalancer needs a grant), so the CLB listener check has nothing to look at;
        // its Ingress's basic auth is the one granted exception.
        const notApplicable = report.checks.filter((c) => c.status === "not-applicable").map((c) => c.id);
        assert.ok(notApplicable.includes("ray-clb-https-listener"));
        assert.strictEqual(statusOf(report, "ray-basic-auth-fallback"), "exception");
        assert.deepStrictEqual(report.totals, {
            pass: CHECKS.length - notApplicable.length - 1,
            fail: 0,
            exception: 1,
            "not-applicable": notApplicable.length,
        });
        assert.strictEqual(statusOf(report, "ray-clb-https-listener"), "not-applicable");
        const tls = report.checks.find((c) => c.id === "ray-tls-required")!;
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
        const report = evaluatePosture(stack, { policyPackConfig: registered() });
        const notApplicable = evaluatePosture(compliantStack(), { policyPackConfig: registered() }).totals["not-applicable"];
        assert.deepStrictEqual(report.totals, {
            pass: CHECKS.length - notApplicable - 2,
            fail: 1,
            exception: 1,
            "not-applicable": notApplicable,
        });
        assert.deepStrictEqual(report.checks.find((c) => c.id === "ray-token-auth-required")!.offending, [
            {
                resource: "RayCluster ray-a/demo",
                type: "kubernetes:ray.io/v1:RayCluster",
                name: "demo",
                urn: "urn:pulumi:a::ray-on-ack::kubernetes:ray.io/v1:RayCluster::demo",
                path: "spec.authOptions.mode",
                objectPath: "spec.authOptions.mode",
                message: 'RayCluster ray-a/demo: spec.authOptions.mode: is "disabled"; must be "token"',
                exception: false,
            },
        ]);
    });

    it("reports an exception the pack config grants as exception, with its reason", () => {
        const stack = compliantStack();
        const rc = stack.find((r) => r.type === "kubernetes:ray.io/v1:RayCluster")!;
        rc.props.spec.rayVersion = "2.53.0";
        const volume = "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=scratch]";
        const report = evaluatePosture(stack, {
            policyPackConfig: registered({
                "ray-version-minimum": { grants: [grantFor(rc, "pinned for a customer until March", "a", "spec.rayVersion")] },
                "ray-hostpath-restricted": { grants: [grantFor(rc, undefined, undefined, volume)] },
                "ray-service-not-public": {
                    grants: [
                        grantFor(
                            stack.find((r) => r.type === "kubernetes:core/v1:Service")!,
                            "scraped from the node network",
                        ),
                    ],
                },
            }),
        });
        assert.strictEqual(statusOf(report, "ray-version-minimum"), "exception");
        // The hostPath check finds nothing, but a granted exception is still shown at its path, never a silent pass.
        assert.strictEqual(statusOf(report, "ray-hostpath-restricted"), "exception");
        assert.deepStrictEqual(
            report.checks.find((c) => c.id === "ray-hostpath-restricted")!.offending.map((o) => o.message),
            [
                `exception (granted at ${volume}: reviewed by the platform team): RayCluster ray-a/demo: ${volume}: holds an exception to ray-hostpath-restricted granted in the policy pack config, and nothing is found there`,
            ],
        );
        // A policy whose unit is the whole object takes a grant without a path.
        assert.deepStrictEqual(
            report.checks.find((c) => c.id === "ray-service-not-public")!.offending.map((o) => o.message),
            [
                "exception (granted: scraped from the node network): Service ray-a/demo-metrics: holds an exception to ray-service-not-public granted in the policy pack config",
            ],
        );
        const notApplicable = evaluatePosture(compliantStack()).totals["not-applicable"];
        // The three granted here, and the compliant stack's own (its Ingress's basic auth).
        assert.deepStrictEqual(report.totals, {
            pass: CHECKS.length - notApplicable - 4,
            fail: 0,
            exception: 4,
            "not-applicable": notApplicable,
        });
        const offending = report.checks.find((c) => c.id === "ray-version-minimum")!.offending;
        assert.deepStrictEqual(
            offending.map((o) => [o.resource, o.exception, o.reason, o.objectPath, o.grantPath]),
            [["RayCluster ray-a/demo", true, "pinned for a customer until March", "spec.rayVersion", "spec.rayVersion"]],
        );
    });

    it("fails a violation whose resource annotates itself exempt from every policy, and says why", () => {
        const rc = withExceptions(rayCluster(), Object.values(POLICY_IDS).join(","));
        rc.props.spec.rayVersion = "2.53.0";
        const report = evaluatePosture([rc]);
        assert.strictEqual(statusOf(report, "ray-version-minimum"), "fail");
        assert.deepStrictEqual(report.totals.exception, 0);
        assert.deepStrictEqual(
            report.checks.find((c) => c.id === "ray-version-minimum")!.offending.map((o) => o.message),
            [
                'RayCluster ray-a/demo: spec.rayVersion: is "2.53.0"; Ray below 2.54.0 has known dashboard remote-code-execution CVEs; the ray-on-ack.io/policy-exceptions annotation only explains an exception the platform\'s policy pack config grants, and none is granted',
            ],
        );
    });

    it("applies a grant only to its stack, kind, namespace, name and path", () => {
        const rc = rayCluster();
        rc.props.spec.rayVersion = "2.53.0";
        const exact = grantFor(rc, undefined, undefined, "spec.rayVersion");
        for (const other of [
            { ...exact, stack: "b" },
            { ...exact, kind: "RayJob" },
            { ...exact, namespace: "ray-b" },
            { ...exact, name: "other" },
            { ...exact, path: "spec.authOptions.mode" },
        ]) {
            const report = evaluatePosture([rc], { policyPackConfig: { "ray-version-minimum": { grants: [other] } } });
            assert.strictEqual(statusOf(report, "ray-version-minimum"), "fail", JSON.stringify(other));
        }
        // A grant for another policy grants nothing here.
        assert.strictEqual(
            statusOf(evaluatePosture([rc], { policyPackConfig: { "ray-tls-required": { grants: [exact] } } }), "ray-version-minimum"),
            "fail",
        );
        assert.strictEqual(
            statusOf(evaluatePosture([rc], { policyPackConfig: { "ray-version-minimum": { grants: [exact] } } }), "ray-version-minimum"),
            "exception",
        );
    });

    it("ignores grants for a check that takes no exceptions, and never blocks on a notice", () => {
        const rc = rayCluster();
        const check = (exceptions: false | undefined, notice: boolean): Check => ({
            kind: "resource",
            id: "ray-tls-required",
            title: "t",
            seedSection: "1.1",
            description: "seed 1.1: t",
            configKeys: [],
            appliesTo: () => true,
            ...(exceptions === false ? { exceptions } : {}),
            validate: (r) => [{ ...violation(r, "spec", "finding"), ...(notice ? { notice: true as const } : {}) }],
        });
        const config = resolvePackConfig({ grants: [grantFor(rc, undefined, undefined, "spec")] });
        assert.deepStrictEqual(
            evaluateCheck(check(undefined, false), [rc], config).findings.map((f) => f.exception),
            [true],
        );
        assert.deepStrictEqual(
            evaluateCheck(check(false, false), [rc], config).findings.map((f) => f.exception),
            [false],
        );
        const notice = evaluateCheck(check(undefined, true), [rc], resolvePackConfig()).findings;
        assert.deepStrictEqual([notice[0].exception, exceptionMessage(notice[0])], [true, "notice: RayCluster ray-a/demo: spec: finding"]);
    });

    it("matches grants against the stack it is told when the resources carry no URN (render)", () => {
        const rc = rayCluster();
        delete rc.urn;
        rc.props.spec.rayVersion = "2.53.0";
        const policyPackConfig = { "ray-version-minimum": { grants: [grantFor(rc, "why", "team-b", "spec.rayVersion")] } };
        assert.strictEqual(statusOf(evaluatePosture([rc], { policyPackConfig }), "ray-version-minimum"), "fail");
        assert.strictEqual(statusOf(evaluatePosture([rc], { policyPackConfig, stack: "team-b" }), "ray-version-minimum"), "exception");
    });

    it("fails when one resource is granted an exception and another violates", () => {
        const excepted = rayCluster("a");
        const violating = rayCluster("b");
        excepted.props.spec.authOptions = {};
        violating.props.spec.authOptions = {};
        const policyPackConfig = {
            "ray-token-auth-required": { grants: [grantFor(excepted, undefined, undefined, "spec.authOptions.mode")] },
        };
        const report = evaluatePosture([excepted, violating], { policyPackConfig });
        assert.strictEqual(statusOf(report, "ray-token-auth-required"), "fail");
        assert.deepStrictEqual(
            report.checks.find((c) => c.id === "ray-token-auth-required")!.offending.map((o) => [o.resource, o.exception]),
            [
                ["RayCluster ray-a/a", true],
                ["RayCluster ray-a/b", false],
            ],
        );
    });

    it("takes grants for stack-level checks on the resource the finding lands on", () => {
        const stack = compliantStack().filter((r) => r.type !== "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assert.strictEqual(statusOf(evaluatePosture(stack), "ray-network-policy-default-deny"), "fail");
        const ns = stack.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
        const policyPackConfig = { "ray-network-policy-default-deny": { grants: [grantFor(ns)] } };
        assert.strictEqual(statusOf(evaluatePosture(stack, { policyPackConfig }), "ray-network-policy-default-deny"), "exception");
    });

    it("is plain JSON", () => {
        const report = evaluatePosture(compliantStack(), { policyPackConfig: registered() });
        assert.deepStrictEqual(JSON.parse(JSON.stringify(report)), report);
    });

    it("renders a markdown table and the findings behind it", () => {
        const stack = compliantStack();
        const rc = stack.find((r) => r.type === "kubernetes:ray.io/v1:RayCluster")!;
        rc.props.spec.rayVersion = "2.53.0";
        rc.props.spec.headGroupSpec.serviceType = "NodePort";
        const md = postureMarkdown(
            evaluatePosture(stack, {
                policyPackConfig: registered({ "ray-version-minimum": { grants: [grantFor(rc, "an old pin", "a", "spec.rayVersion")] } }),
            }),
        );
        const lines = md.split("\n");
        assert.strictEqual(lines[0], "# Security posture");
        assert.strictEqual(
            postureMarkdown(evaluatePosture(stack, { stack: "team-a" })).split("\n")[0],
            "# Security posture of stack team-a",
        );
        const notApplicable = evaluatePosture(compliantStack()).totals["not-applicable"];
        assert.ok(
            lines.includes(
                `${CHECKS.length} checks: ${CHECKS.length - notApplicable - 3} pass, 1 fail, 2 exception, ${notApplicable} not applicable.`,
            ),
        );
        assert.ok(lines.includes("| Check | Seed | Status | Offending resources |"));
        assert.ok(
            lines.some((l) => l.startsWith("Seed: the sections of Alibaba Cloud, *Ray on ACK 最佳实践")),
            "the seed article cited by title",
        );
        assert.ok(!md.includes("shared/seed"), "no path the reader does not have");
        assert.ok(lines.includes("| `ray-tls-required` Ray mutual TLS on | 1.1 | pass |  |"));
        assert.ok(
            lines.includes("| `ray-head-service-clusterip` Ray head Service is ClusterIP | 1.6 | **FAIL** | RayCluster ray-a/demo |"),
        );
        assert.ok(lines.includes("| `ray-version-minimum` Ray 2.54.0 or later | 1.5, 6 | exception | RayCluster ray-a/demo |"));
        assert.ok(lines.includes('- RayCluster ray-a/demo: spec.headGroupSpec.serviceType: is "NodePort"; must be ClusterIP'));
        assert.ok(
            lines.includes(
                '- exception (granted at spec.rayVersion: an old pin): RayCluster ray-a/demo: spec.rayVersion: is "2.53.0"; Ray below 2.54.0 has known dashboard remote-code-execution CVEs',
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
    it("defaults to no grants, no hostPath, the shared default registries and no priority classes", () => {
        assert.deepStrictEqual(resolvePackConfig(), {
            ...DEFAULT_PLATFORM_LISTS,
            ...EMPTY_TENANCY,
            grants: [],
            allowedRegistries: [...DEFAULT_ALLOWED_REGISTRIES],
            requireDigest: false,
            allowedPriorityClasses: [],
        });
        assert.deepStrictEqual(resolvePackConfig({ requireDigest: true }), { ...DEFAULT_PACK_CONFIG, requireDigest: true });
        // The stack config's default allowlist is the pack's.
        assert.deepStrictEqual(teamConfigSchema.shape.security.parse(undefined).allowedRegistries, DEFAULT_PACK_CONFIG.allowedRegistries);
    });

    it("refuses values of the wrong type, naming the key", () => {
        assert.throws(
            () => resolvePackConfig({ requireDigest: "no" as unknown as boolean }),
            /invalid policy pack config: requireDigest must be a boolean/,
        );
        assert.throws(
            () => resolvePackConfig({ allowedRegistries: "docker.io/" as unknown as string[] }),
            /allowedRegistries must be an array of strings/,
        );
        // hostPathPrefixes was removed with the hostPath opt-in: setting it is an error, not a silent no-op.
        assert.throws(() => resolvePackConfig({ hostPathPrefixes: ["/data"] } as Partial<PackConfig>), /unknown key\(s\) hostPathPrefixes/);
        // allowExceptions is gone: a resource can no longer exempt itself, so there is nothing to switch off.
        assert.throws(() => resolvePackConfig({ allowExceptions: true } as Partial<PackConfig>), /unknown key\(s\) allowExceptions/);
    });

    it("refuses a grant without its stack, kind, name or reason", () => {
        const grants = [
            { stack: "team-b", kind: "Service", name: "x" },
            { stack: "", kind: "Service", name: "x", reason: "r", extra: 1 },
        ];
        assert.throws(
            () => resolvePackConfig({ grants } as unknown as Partial<PackConfig>),
            /grants\[0\]\.reason must be a non-empty string; grants\[1\]: unknown key extra; grants\[1\]\.stack must be a non-empty string/,
        );
    });

    it("reads a --policy-pack-config file: settings and grants by policy name, refusing unknown policies", () => {
        const file = {
            all: "mandatory",
            "ray-image-tag-pinned": { enforcementLevel: "mandatory", requireDigest: true },
            "ray-service-not-public": "mandatory",
        };
        const resolved = resolvePolicyPackConfigFile(
            file,
            CHECKS.map((c) => c.id),
        );
        assert.strictEqual(resolved.get("ray-image-tag-pinned")!.requireDigest, true);
        assert.deepStrictEqual(resolved.get("ray-service-not-public"), DEFAULT_PACK_CONFIG);
        assert.throws(
            () => evaluatePosture([], { policyPackConfig: { "ray-servce-not-public": { grants: [] } } }),
            /invalid policy pack config: ray-servce-not-public: no such policy/,
        );
        assert.throws(
            () => evaluatePosture([], { policyPackConfig: { "ray-tls-required": { grants: "all" } } }),
            /invalid policy pack config: grants must be an array \(policy ray-tls-required\)/,
        );
    });

    it("platform/policy-pack-config.json is valid and grants only team-b's public dashboard, its checkpoint volume and its priority class", () => {
        const file = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "platform", "policy-pack-config.json"), "utf8"));
        const resolved = resolvePolicyPackConfigFile(
            file,
            CHECKS.map((c) => c.id),
        );
        const grants = [...resolved].flatMap(([id, c]) => c.grants.map((g) => [id, g.stack, g.kind, g.namespace, g.name, g.path]));
        assert.deepStrictEqual(grants, [
            ["ray-service-not-public", "team-b", "Service", "ray-team-b", "analytics-dashboard-public", undefined],
            // One volume of one worker group: the cluster's other volumes stay read-only.
            [
                "ray-volume-read-only",
                "team-b",
                "RayCluster",
                "ray-team-b",
                "analytics",
                "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=checkpoints]",
            ],
        ]);
        // team-b's class is granted to team-b only: another team's stack naming it fails the pack.
        const classes = [...resolved].flatMap(([id, c]) =>
            c.allowedPriorityClasses.map((a) => (typeof a === "string" ? [id, "*", a] : [id, a.stack, a.name])),
        );
        assert.deepStrictEqual(classes, [["ray-pod-scheduling", "team-b", "team-b-batch"]]);
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

    it("policy/README.md and the README state the KubeRay floor the pack and the config check", () => {
        const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
        const row = /^\| `ray-kuberay-version` \|.*$/m.exec(readme)?.[0] ?? "";
        assert.ok(row.includes(`at least ${MIN_KUBERAY_VERSION} `), row);
        const prerequisites = fs.readFileSync(path.join(dir, "..", "README.md"), "utf8");
        assert.ok(prerequisites.includes(`KubeRay operator add-on ${MIN_KUBERAY_VERSION} or later`), "README.md, Prerequisites");
    });
});
