/**
 * The components' public args: what a user writes, defaults applied inside, and refusals as
 * ResourceErrors naming the component and the key.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { HardenedRayCluster, Platform, TeamEnvironment, type TeamEnvironmentArgs } from ".";
import { recordRegistrations } from "../test/helpers/mockRun";
import { parseTeamArgs } from "./team/teamArgs";
import { DashboardExposure } from "./exposure/dashboardExposure";

const minimal: TeamEnvironmentArgs = {
    team: "demo",
    podCidrs: ["10.9.0.0/24"],
    podNetwork: { vSwitchIds: ["vsw-demo"], securityGroupIds: ["sg-demo"] },
    clusters: [{ name: "c1", workerGroups: [{ name: "w", cpu: 2, memory: "8Gi" } as never] }],
};

function refusal(make: () => unknown): string {
    try {
        make();
    } catch (e) {
        assert.ok(pulumi.ResourceError.isInstance(e), `not a ResourceError: ${e}`);
        return (e as Error).message;
    }
    assert.fail("the args were accepted");
}

describe("component args", () => {
    it("take the input shape with defaults applied inside (a number for a quantity, no head, no exposure)", async () => {
        const resources = await recordRegistrations(() => [new TeamEnvironment("demo", minimal).clusters]);
        const rc = resources.find((r) => r.inputs.kind === "RayCluster")!.inputs;
        const head = rc.spec.headGroupSpec.template.spec.containers.find((c: any) => c.name === "ray-head");
        assert.strictEqual(head.resources.limits.memory, "8Gi", "head default");
        assert.strictEqual(rc.spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu, "2", "quantity given as a number");
        assert.ok(!resources.some((r) => r.inputs.kind === "Ingress" || r.inputs.spec?.type === "LoadBalancer"), "private by default");
    });

    it("refuse bad args with a ResourceError naming the component and each key", () => {
        const message = refusal(
            () =>
                new TeamEnvironment("demo", {
                    ...minimal,
                    clusters: [{ name: "c1", workerGroups: [{ name: "w", cpu: "1", memory: "4Gi", minReplicas: 5, maxReplicas: 2 }] }],
                    podCidrs: ["169.254.0.0/16"],
                }),
        );
        assert.match(message, /^TeamEnvironment demo: invalid args\n/);
        assert.match(message, /\nerror: clusters\[0\]\.workerGroups\[0\]\.minReplicas: must be <= maxReplicas \(2\)/);
        assert.match(message, /\nerror: podCidrs\[0\]: /);
    });

    it("HardenedRayCluster on its own checks its cluster against the security opt-ins it is given", () => {
        const cluster = { name: "old", rayVersion: "2.40.0", workerGroups: [{ name: "w", cpu: "1", memory: "4Gi" }] };
        const base = { team: "demo", namespace: "ray-demo", cluster, tlsFingerprint: "f" };
        assert.match(
            refusal(() => new HardenedRayCluster("old", base)),
            /^HardenedRayCluster old: invalid args\nerror: cluster\.rayVersion: 2\.40\.0 must be >= 2\.54/,
        );
        return recordRegistrations(() => [
            new HardenedRayCluster("old-ok", { ...base, security: { allowVulnerableRayVersion: true } }).clusterName,
        ]);
    });

    it("Platform refuses a quota tree child without namespaces, naming the key", () => {
        const message = refusal(
            () =>
                new Platform("platform", {
                    cloud: { clusterId: "c1", accountId: "1", region: "cn-hangzhou" },
                    quotaTree: { min: { cpu: "1" }, max: { cpu: "2" }, children: [{ name: "a", namespaces: [], min: {}, max: {} }] },
                    rrsaProvider: { providerArn: "arn", issuerUrl: "https://issuer" },
                }),
        );
        assert.match(message, /^Platform platform: invalid args\n(.*\n)*error: quotaTree\.children\[0\]\.namespaces/);
    });

    it("DashboardExposure on its own refuses an authenticated exposure without a password, naming the key", async () => {
        await pulumi.runtime.setMocks(
            { newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs },
            "ray-on-ack",
            "test",
            false,
        );
        const base = { team: "demo", namespace: "ray-demo", cluster: "c1" };
        const ingress = {
            mode: "ingress",
            host: "ray.example.com",
            tlsSecretName: "ray-tls",
            username: "ops",
            allowedSourceCidrs: ["10.0.0.0/24"],
        } as never;
        assert.match(
            refusal(() => new DashboardExposure("c1-dash", { ...base, exposure: ingress })),
            /^DashboardExposure c1-dash: invalid args\nerror: password: is required: clusters\.c1\.exposure\.mode ingress needs the dashboardPassword secret/,
        );
    });

    it("check a dashboard password that resolves later when it resolves: a weak one fails the run", async () => {
        const settings = {
            ...minimal,
            clusters: [
                {
                    name: "c1",
                    workerGroups: [{ name: "w", cpu: "1", memory: "4Gi" }],
                    exposure: {
                        mode: "ingress",
                        host: "ray.example.com",
                        tlsSecretName: "ray-tls",
                        username: "ops",
                        allowedSourceCidrs: ["10.0.0.0/24"],
                    },
                },
            ],
        };
        await pulumi.runtime.setMocks(
            { newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs },
            "ray-on-ack",
            "test",
            false,
        );
        const parent = new pulumi.ComponentResource("test:index:Parent", "demo");
        // Only the parse may use a stand-in: the password handed on is the one given, held as a secret.
        const strong = parseTeamArgs(parent, "demo", settings, pulumi.output(Promise.resolve("Str0ng#Passw-x1"))).password!;
        assert.strictEqual(await (strong as any).promise(), "Str0ng#Passw-x1");
        assert.strictEqual(await (strong as any).isSecret, true);
        const weak = parseTeamArgs(parent, "demo", settings, pulumi.output(Promise.resolve("short"))).password!;
        await assert.rejects((weak as any).promise(), /demo: invalid args\nerror: dashboardPassword: must be 8-30 characters/);
        // A plain password is checked with the other args, at once.
        assert.match(
            refusal(() => parseTeamArgs(parent, "demo", settings, "short")),
            /error: dashboardPassword: must be 8-30 characters/,
        );
    });
});
