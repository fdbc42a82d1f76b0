/**
 * The pack as Pulumi runs it: policy/index.ts started by @pulumi/pulumi's run-policy-pack (the
 * same entry point `pulumi preview --policy-pack policy` uses, ts-node type-checking included),
 * driven over the Analyzer gRPC API the CLI speaks.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import { CHECKS } from "./checks";
import { serviceNotPublic } from "./checks/exposure";
import { configSchemaFor, toPolicy } from "./policies";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    SELF_EXEMPTION,
    STACK,
    TENANCY_SETTINGS,
    grantFor,
    headService,
    namespace,
    rayCluster,
    selfExemptedDeployment,
    withExceptions,
} from "../test/fixtures/policy";

// The proto classes and gRPC must be @pulumi/pulumi's own copies, as the policy server's are.
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi"));
const analyzerProto = pulumiRequire("./proto/analyzer_pb");
const analyzerRpc = pulumiRequire("./proto/analyzer_grpc_pb");
const grpc = pulumiRequire("@grpc/grpc-js");
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb");
const { Empty } = pulumiRequire("google-protobuf/google/protobuf/empty_pb");
const LEVEL = analyzerProto.EnforcementLevel;

const nodePort = () => {
    const svc = headService();
    svc.props.spec.type = "NodePort";
    return svc;
};

describe("policy pack wiring (without the engine)", () => {
    function run(policy: ResourceValidationPolicy, resource: ReturnType<typeof headService>, config: object = {}) {
        const reported: unknown[] = [];
        let notApplicable = false;
        const args: any = {
            ...resource,
            getConfig: () => config,
            notApplicable: () => {
                notApplicable = true;
                throw new Error("not applicable");
            },
        };
        try {
            (policy.validateResource as (a: any, r: (...v: unknown[]) => void) => void)(args, (...v) => reported.push(v));
        } catch (e) {
            if (!notApplicable) {
                throw e;
            }
        }
        return { reported, notApplicable };
    }

    it("turns every check into a mandatory policy with its config schema", () => {
        const policies = CHECKS.map(toPolicy);
        assert.deepStrictEqual(
            policies.map((p) => p.name),
            CHECKS.map((c) => c.id),
        );
        assert.ok(policies.every((p) => p.enforcementLevel === "mandatory"));
        assert.deepStrictEqual(
            policies.filter((p) => "validateStack" in p).map((p) => p.name),
            [
                "ray-tenancy",
                "ray-gateway-route-authenticated",
                "ray-network-policy-default-deny",
                "ray-namespace-psa-restricted",
                "ray-namespace-quota",
                "ray-personal-identity",
                "ray-autoscaler-scope",
                "ray-dedicated-service-account",
            ],
        );
        assert.deepStrictEqual(Object.keys(configSchemaFor(CHECKS.find((c) => c.id === "ray-image-tag-pinned")!).properties), [
            "grants",
            "requireDigest",
            "allowedDigests",
        ]);
    });

    it("has the engine refuse a path-less grant where the policy judges parts of a resource, and accept one elsewhere", () => {
        const required = (id: string) => (configSchemaFor(CHECKS.find((c) => c.id === id)!).properties.grants as any).items.required;
        assert.deepStrictEqual(required("ray-volume-read-only"), ["stack", "kind", "name", "reason", "path"]);
        assert.deepStrictEqual(required("ray-pod-controllers"), ["stack", "kind", "name", "reason", "path"]);
        assert.deepStrictEqual(required("ray-service-not-public"), ["stack", "kind", "name", "reason"]);
        // The pack itself refuses one too, should the engine not have.
        const policy = toPolicy(CHECKS.find((c) => c.id === "ray-volume-read-only")!) as ResourceValidationPolicy;
        assert.throws(
            () => run(policy, rayCluster(), { grants: [grantFor(rayCluster())] }),
            /grants\[0\]: ray-volume-read-only judges parts of a resource .* so a grant must name the part with "path"/,
        );
    });

    it("reports violations at the policy's level and granted exceptions as advisory", () => {
        const policy = toPolicy(serviceNotPublic) as ResourceValidationPolicy;
        const message =
            "Service ray-a/demo-metrics: spec.type: is NodePort, which opens the port on every node without an ACL; use ClusterIP (kubectl port-forward) or a LoadBalancer with a CLB ACL whitelist";
        const svc = nodePort();
        assert.deepStrictEqual(run(policy, svc).reported, [[message, svc.urn]]);
        // The resource's own annotation grants nothing.
        withExceptions(svc, "ray-service-not-public");
        assert.deepStrictEqual(run(policy, svc).reported, [[`${message}${SELF_EXEMPTION}`, svc.urn]]);
        assert.deepStrictEqual(run(policy, svc, { grants: [grantFor(svc, "metrics scraped from the node network")] }).reported, [
            [
                {
                    message: `exception (granted: metrics scraped from the node network): ${message}`,
                    urn: svc.urn,
                    enforcementLevel: "advisory",
                },
            ],
        ]);
        // A grant for another stack (the URN names stack "a") does not apply.
        assert.deepStrictEqual(run(policy, svc, { grants: [grantFor(svc, "why", "b")] }).reported, [
            [`${message}${SELF_EXEMPTION}`, svc.urn],
        ]);
    });

    it("marks resources a check does not look at as not applicable", () => {
        const policy = toPolicy(serviceNotPublic) as ResourceValidationPolicy;
        assert.deepStrictEqual(run(policy, namespace()), { reported: [], notApplicable: true });
    });

    it("runs stack checks on the engine's resource list", () => {
        const policy = toPolicy(CHECKS.find((c) => c.id === "ray-network-policy-default-deny")!) as StackValidationPolicy;
        const reported: unknown[] = [];
        const ns = namespace();
        (policy.validateStack as (a: any, r: (...v: unknown[]) => void) => void)(
            { resources: [ns], getConfig: () => ({}), notApplicable: () => assert.fail("applicable") },
            (...v) => reported.push(v),
        );
        assert.deepStrictEqual(reported, [
            ["Namespace ray-a: has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no rules)", ns.urn],
        ]);
    });
});

describe("policy pack under run-policy-pack (Analyzer gRPC)", function () {
    this.timeout(120_000);
    let child: ChildProcess | undefined;
    let client: any;

    const call = <T>(method: string, request: unknown): Promise<T> =>
        new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));

    function analyzeRequest(r: ReturnType<typeof headService>): unknown {
        const req = new analyzerProto.AnalyzeRequest();
        req.setType(r.type);
        req.setName(r.name);
        req.setUrn(r.urn);
        req.setProperties(Struct.fromJavaScript(r.props));
        req.setOptions(new analyzerProto.AnalyzerResourceOptions());
        return req;
    }

    function diagnostics(res: any): Array<{ policy: string; level: number; message: string }> {
        return res
            .getDiagnosticsList()
            .map((d: any) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage() }));
    }

    before(async () => {
        child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."], {
            cwd: __dirname,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        const port = await new Promise<string>((resolve, reject) => {
            let stdout = "";
            child!.stdout!.on("data", (d) => {
                stdout += d;
                const m = /^(\d+)\s*$/m.exec(stdout);
                if (m) {
                    resolve(m[1]);
                }
            });
            child!.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        });
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        if (child?.pid !== undefined && child.exitCode === null) {
            process.kill(child.pid);
        }
    });

    it("describes the pack: name, version from policy/package.json, every policy mandatory", async () => {
        const info: any = await call("getAnalyzerInfo", new Empty());
        assert.strictEqual(info.getName(), "ray-on-ack");
        assert.strictEqual(info.getVersion(), "0.1.0");
        const policies = info.getPoliciesList();
        assert.deepStrictEqual(
            policies.map((p: any) => p.getName()),
            CHECKS.map((c) => c.id),
        );
        assert.ok(policies.every((p: any) => p.getEnforcementlevel() === LEVEL.MANDATORY));
    });

    async function configure(config: Record<string, object>): Promise<void> {
        const req = new analyzerProto.ConfigureAnalyzerRequest();
        for (const [policy, properties] of Object.entries(config)) {
            const c = new analyzerProto.PolicyConfig();
            c.setEnforcementlevel(LEVEL.MANDATORY);
            c.setProperties(Struct.fromJavaScript(properties));
            req.getPolicyconfigMap().set(policy, c);
        }
        await call("configure", req);
    }

    it("fails a violation, also when the resource annotates an exception, and warns about a granted one", async () => {
        const svc = withExceptions(nodePort(), "ray-service-not-public");
        const prefix = `${serviceNotPublic.description}\n`;
        const message =
            "Service ray-a/demo-metrics: spec.type: is NodePort, which opens the port on every node without an ACL; use ClusterIP (kubectl port-forward) or a LoadBalancer with a CLB ACL whitelist";
        assert.deepStrictEqual(diagnostics(await call("analyze", analyzeRequest(svc))), [
            { policy: "ray-service-not-public", level: LEVEL.MANDATORY, message: `${prefix}${message}${SELF_EXEMPTION}` },
        ]);
        await configure({ "ray-service-not-public": { grants: [grantFor(svc, "reviewed")] } });
        try {
            assert.deepStrictEqual(diagnostics(await call("analyze", analyzeRequest(svc))), [
                { policy: "ray-service-not-public", level: LEVEL.ADVISORY, message: `exception (granted: reviewed): ${message}` },
            ]);
        } finally {
            await configure({});
        }
    });

    it("judges a per-stack priority class against the stack in the engine's URN", async () => {
        const rc = rayCluster("demo");
        rc.props.spec.workerGroupSpecs[0].template.spec.priorityClassName = "batch";
        const scheduling = async () =>
            diagnostics(await call("analyze", analyzeRequest(rc))).filter((d) => d.policy === "ray-pod-scheduling");
        try {
            await configure({ "ray-pod-scheduling": { allowedPriorityClasses: [{ stack: STACK, name: "batch", reason: "reviewed" }] } });
            assert.deepStrictEqual(
                (await scheduling()).map((d) => [d.level, d.message]),
                [
                    [
                        LEVEL.ADVISORY,
                        `notice: RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.priorityClassName: "batch" is allowed by the platform for stack ${STACK} only (pack config ray-pod-scheduling.allowedPriorityClasses): reviewed`,
                    ],
                ],
            );
            await configure({ "ray-pod-scheduling": { allowedPriorityClasses: [{ stack: "team-b", name: "batch", reason: "reviewed" }] } });
            const [d, ...rest] = await scheduling();
            assert.deepStrictEqual(rest, []);
            assert.strictEqual(d.level, LEVEL.MANDATORY);
            assert.match(
                d.message,
                new RegExp(
                    `"batch" is allowed only for stack team-b \\(pack config ray-pod-scheduling\\.allowedPriorityClasses\\); this is stack ${STACK}:`,
                ),
            );
        } finally {
            await configure({});
        }
    });

    it("fails every violation of a privileged, hostPID, hostPath / Deployment annotated with every policy id", async () => {
        const found = diagnostics(await call("analyze", analyzeRequest(selfExemptedDeployment())));
        const mandatory = new Set(found.filter((d) => d.level === LEVEL.MANDATORY).map((d) => d.policy));
        assert.deepStrictEqual(
            found.filter((d) => d.level !== LEVEL.MANDATORY),
            [],
        );
        for (const policy of ["ray-pod-security-restricted", "ray-hostpath-restricted"]) {
            assert.ok(mandatory.has(policy), `${policy} not reported: ${JSON.stringify(found)}`);
        }
        const messages = found.map((d) => d.message).join("\n");
        assert.match(messages, /Deployment ray-a\/node-shell: spec\.template\.spec\.hostPID: must not be true/);
        assert.match(messages, /spec\.template\.spec\.containers\[0\]\.securityContext\.privileged: must not be true/);
        assert.match(messages, /spec\.template\.spec\.volumes\[0\]\.hostPath: "\/": no hostPath is allowed/);
    });

    /** The engine's analyzeStack call over one resource: its diagnostics. */
    async function analyzeStack(r: ReturnType<typeof namespace>): Promise<any[]> {
        const resource = new analyzerProto.AnalyzerResource();
        resource.setType(r.type);
        resource.setName(r.name);
        resource.setUrn(r.urn!);
        resource.setProperties(Struct.fromJavaScript(r.props));
        resource.setOptions(new analyzerProto.AnalyzerResourceOptions());
        const req = new analyzerProto.AnalyzeStackRequest();
        req.setResourcesList([resource]);
        return (await call<any>("analyzeStack", req)).getDiagnosticsList();
    }

    it("runs the stack-level checks", async () => {
        const ns = namespace();
        const found = (await analyzeStack(ns)).map((d: any) => [d.getPolicyname(), d.getUrn()]);
        assert.deepStrictEqual(found, [
            // Stack `a` (the URN's) has no entry in the (empty) tenancy registry.
            ["ray-tenancy", ns.urn],
            ["ray-network-policy-default-deny", ns.urn],
            ["ray-namespace-quota", ns.urn],
            ["ray-namespace-quota", ns.urn],
        ]);
    });

    it("judges tenancy against the registry the engine configures, for the stack in the URN", async () => {
        const analyze = async (ns: ReturnType<typeof namespace>) =>
            (await analyzeStack(ns))
                .filter((d: any) => d.getPolicyname() === "ray-tenancy")
                .map((d: any) => d.getMessage().split("\n").pop());
        try {
            assert.deepStrictEqual(await analyze(namespace()), [
                "Namespace ray-a: stack a has no entry in the tenancy registry (ray-tenancy.tenants in the platform's policy pack config): the platform team registers a team stack before it deploys",
            ]);
            await configure({ "ray-tenancy": TENANCY_SETTINGS });
            assert.deepStrictEqual(await analyze(namespace()), []);
            // Registered, stack a still may not take namespace ray-b once the registry gives it to stack b.
            await configure({
                "ray-tenancy": {
                    ...TENANCY_SETTINGS,
                    tenants: { ...TENANCY_SETTINGS.tenants, b: { team: "b", namespace: "ray-b", podCidrs: ["10.31.0.0/22"] } },
                },
            });
            assert.deepStrictEqual(await analyze(namespace("ray-b")), [
                "Namespace ray-b: metadata.name: namespace ray-b belongs to stack b (tenancy registry: ray-tenancy.tenants.b); a team stack may claim only what its own entry lists",
            ]);
        } finally {
            await configure({});
        }
    });
});
