/**
 * Metrics and logs for a team (docs/design.md "Metrics", "Logs that outlive the pod"): the monitoring
 * namespace and the log prefix come from the platform's registry only; the PodMonitor, the
 * NetworkPolicies, the log shipper in every Ray pod and the RAM grants follow from them.
 */
import { strict as assert } from "assert";
import { LOG_SHIPPER_CONTAINER, RRSA_ONLY_CONTAINERS_ANNOTATION } from "@ray-on-ack/common";
import { validateStackConfig, type ConfigIssue } from "../config/validate";
import { parsed, repoPlatform, teamConfig, withKey, minimalTeam } from "../../test/helpers/configs";
import { planTeam, logsPlan } from "../team/plan";
import { networkPolicyObjects } from "../network/networkPolicies";
import { rayWorkloadSpec } from "../ray/rayWorkload";
import { rayClusterSchema } from "../ray/model";
import { rayPodMonitor } from "./podMonitor";
import { logShipperConfigMap, type LogShipping } from "./logShipping";
import { logReaderStatements, logWriterStatements } from "./teamObservability";
import { SHIP_RAY_LOGS_PY } from "./shipperScript";

const keyIssues = (r: ReturnType<typeof validateStackConfig>): ConfigIssue[] => (r.ok ? [] : r.issues);

function teamBPlan() {
    const platform = repoPlatform();
    return planTeam(teamConfig("team-b"), platform.lists, { tenancy: platform.tenancy, stack: "team-b" });
}

describe("metrics and logs: what the team may not say", () => {
    it("refuses network.monitoringNamespace and historyServer, pointing at the platform's registry", () => {
        const found = keyIssues(
            validateStackConfig(minimalTeam({ network: { monitoringNamespace: "ray-team-x" }, historyServer: true }), []),
        );
        const of = (key: string) => found.find((i) => i.key === key)?.message ?? "";
        assert.match(of("ray-on-ack:network.monitoringNamespace"), /^was removed: .*ray-tenancy\.cluster\.monitoringNamespace/);
        assert.match(of("ray-on-ack:historyServer"), /^was removed: .*ray-tenancy\.tenants\.<stack>\.logs/);
    });

    it("refuses the platform's monitoring namespace among the namespaces admitted to the dashboard", () => {
        const r = parsed("team-b", (raw) =>
            withKey(raw, "network", { ...JSON.parse(raw["ray-on-ack:network"]), allowedNamespaces: ["arms-prom"] }),
        );
        const hit = keyIssues(r).find((i) => i.key === "ray-on-ack:network.allowedNamespaces[0]");
        assert.match(hit?.message ?? "", /arms-prom is the platform's monitoring namespace .* admitted to Ray's metrics port only/);
    });

    it("refuses log shipping without `cloud` unless the registry names the writer role and OIDC provider", () => {
        const cfg = { team: "t", cloud: undefined };
        const logs = repoPlatform().tenancy.tenants["team-b"].logs!;
        assert.throws(() => logsPlan(cfg, logs, ["a-ray-head"]), /needs `cloud`/);
        const given = logsPlan(
            cfg,
            { ...logs, roleArn: "acs:ram::1:role/platform-logs", oidcProviderArn: "acs:ram::1:oidc-provider/ack-rrsa-c" },
            [],
        );
        assert.equal(given?.shipping.roleArn, "acs:ram::1:role/platform-logs");
        assert.equal(given?.createRole, undefined);
        assert.equal(logsPlan(cfg, undefined, []), undefined);
        // The program says the same on the stack file, with the key to fix.
        const r = parsed("team-b", (raw) => {
            const out = { ...raw };
            delete out["ray-on-ack:cloud"];
            return out;
        });
        assert.ok(keyIssues(r).some((i) => i.key === "ray-on-ack:cloud" && /is required to ship the team's logs/.test(i.message)));
    });
});

describe("metrics: the PodMonitor and the NetworkPolicy", () => {
    it("gives the team one PodMonitor: its Ray pods, its namespace, the metrics port, no credentials", () => {
        const pm = rayPodMonitor("team-b", "ray-team-b");
        assert.deepEqual(pm.metadata.annotations, { "arms.prometheus.io/discovery": "true" });
        assert.deepEqual(pm.spec.namespaceSelector, { matchNames: ["ray-team-b"] });
        assert.deepEqual(pm.spec.selector, {
            matchLabels: { "ray-on-ack.io/team": "team-b" },
            matchExpressions: [{ key: "ray-on-ack.io/role", operator: "In", values: ["head", "worker"] }],
        });
        assert.equal(pm.spec.podMetricsEndpoints.length, 1);
        const e = pm.spec.podMetricsEndpoints[0] as unknown as Record<string, unknown>;
        assert.deepEqual(Object.keys(e).sort(), ["interval", "path", "port", "relabelings", "scheme"]);
        assert.equal(e.port, "metrics");
    });

    it("admits the registry's monitoring namespace to 8080 only, and plans the PodMonitor, for team-b", () => {
        const plan = teamBPlan();
        assert.equal(plan.observability.metrics, true);
        const np = networkPolicyObjects(plan.network).find((p) => p.metadata.name === "ray-metrics");
        assert.deepEqual((np?.spec as { ingress?: unknown })?.ingress, [
            {
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "arms-prom" } } }],
                ports: [{ protocol: "TCP", port: 8080 }],
            },
        ]);
        // Without a monitoring namespace from the platform: no PodMonitor, no policy.
        const bare = planTeam(teamConfig("team-b"), repoPlatform().lists);
        assert.equal(bare.observability.metrics, false);
        assert.ok(!networkPolicyObjects(bare.network).some((p) => p.metadata.name === "ray-metrics"));
    });
});

describe("logs: the shipper in every Ray pod, its identity and its reach", () => {
    it("plans team-b's writer role (trusting exactly its Ray ServiceAccounts) and its egress to the registered endpoints", () => {
        const plan = teamBPlan();
        const logs = plan.observability.logs!;
        assert.equal(logs.prefix, "team-b/");
        assert.deepEqual(logs.createRole?.roleName, "ray-team-b-logs");
        assert.deepEqual([...(logs.createRole?.serviceAccounts ?? [])].sort(), [
            "analytics-ray-head",
            "analytics-ray-worker",
            "nightly-etl-ray-head",
            "nightly-etl-ray-worker",
            "sentiment-ray-head",
            "sentiment-ray-worker",
        ]);
        for (const w of plan.workloads) {
            assert.equal(w.options.logShipping?.roleArn, "acs:ram::1234567890123456:role/ray-team-b-logs");
            assert.equal(
                w.options.logShipping?.oidcProviderArn,
                "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c8a3f0e2b14d94c21a7f5e0b6d3c2a1f0",
            );
        }
        const egress = networkPolicyObjects(plan.network).find((p) => p.metadata.name === "ray-log-shipping-egress");
        assert.deepEqual(
            ((egress?.spec as { egress?: unknown })?.egress as { to: { ipBlock: { cidr: string } }[] }[]).map((e) => e.to[0].ipBlock.cidr),
            ["100.118.28.0/24", "100.100.100.0/24"],
        );
    });

    it("writes only (oss:PutObject) and reads only (get, list) under the prefix", () => {
        assert.deepEqual(logWriterStatements("1", "b", "t/"), [
            { Effect: "Allow", Action: ["oss:PutObject"], Resource: ["acs:oss:*:1:b/t/*"] },
        ]);
        const read = logReaderStatements("1", "b", "t/");
        assert.deepEqual(
            read.map((s) => s.Action),
            [["oss:GetObject", "oss:GetObjectMeta"], ["oss:ListObjects"]],
        );
        assert.deepEqual(read[1].Condition, { StringLike: { "oss:Prefix": ["t/*"] } });
    });

    it("adds the shipper container: its own STS-audience token, Ray's log directory read-only, the namespace's script", () => {
        const shipping: LogShipping = {
            bucket: "b",
            prefix: "team-x/",
            region: "cn-hangzhou",
            ossEndpoint: "https://oss-cn-hangzhou-internal.aliyuncs.com",
            pathStyle: false,
            stsEndpoint: "https://sts-vpc.cn-hangzhou.aliyuncs.com",
            roleArn: "acs:ram::1:role/ray-team-x-logs",
            oidcProviderArn: "acs:ram::1:oidc-provider/ack-rrsa-c",
            intervalSeconds: 30,
        };
        const cluster = rayClusterSchema.parse({ name: "rc", workerGroups: [{ name: "cpu", cpu: "1", memory: "2Gi" }] });
        const common = { team: "team-x", namespace: "ray-team-x", tlsFingerprint: "f", tokenFingerprint: "t", kubeRayVersion: "1.6.2" };
        const spec = rayWorkloadSpec({
            ...common,
            kind: "RayCluster",
            workload: cluster,
            logShipping: shipping,
            podAnnotations: { [RRSA_ONLY_CONTAINERS_ANNOTATION]: "ray-head,ray-worker" },
        });
        for (const t of [spec.headGroupSpec.template, spec.workerGroupSpecs![0].template] as any[]) {
            const [ray, shipper] = t.spec.containers;
            assert.equal(shipper.name, LOG_SHIPPER_CONTAINER);
            assert.deepEqual(shipper.command, ["python", "/etc/ray-log-shipper/ship_ray_logs.py"]);
            assert.deepEqual(
                shipper.volumeMounts.map((m: any) => [m.name, m.mountPath, m.readOnly]),
                [
                    ["ray-tmp", "/tmp/ray", true],
                    ["ray-log-shipper-script", "/etc/ray-log-shipper", true],
                    ["ray-log-shipper-token", "/var/run/secrets/ray-log-shipper", true],
                ],
            );
            const token = t.spec.volumes.find((v: any) => v.name === "ray-log-shipper-token");
            assert.deepEqual(token.projected.sources, [
                { serviceAccountToken: { path: "token", audience: "sts.aliyuncs.com", expirationSeconds: 3600 } },
            ]);
            // Only the shipper mounts the token; the webhook's credentials stay with the Ray container.
            assert.ok(!ray.volumeMounts.some((m: any) => m.name === "ray-log-shipper-token"));
            assert.equal(t.metadata.annotations[RRSA_ONLY_CONTAINERS_ANNOTATION], "ray-head,ray-worker");
            const env = Object.fromEntries(shipper.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
            assert.equal(env.LOGS_KEY_PREFIX, "team-x/raycluster/rc/$(RAY_CLUSTER_NAME)/$(POD_NAME)/");
            assert.equal(env.LOGS_ROLE_ARN, "acs:ram::1:role/ray-team-x-logs");
            assert.equal(shipper.securityContext.readOnlyRootFilesystem, true);
        }
        assert.equal((logShipperConfigMap("team-x", "ray-team-x").data as Record<string, string>)["ship_ray_logs.py"], SHIP_RAY_LOGS_PY);
    });
});
