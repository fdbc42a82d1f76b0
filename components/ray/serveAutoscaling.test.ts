/**
 * Autoscaling for RayService (issue 23, part 4): KubeRay's in-tree autoscaler on a service's
 * clusters and Serve's `autoscaling_config` per deployment, bounded twice: a replica must fit a Ray
 * node of the service and all replicas at their most must fit what its nodes offer at maxReplicas
 * (ray/serveCapacity.ts), and the service at its most must fit the team's quota (ray/footprint.ts,
 * config/rules.ts). Each refusal names the key, the value and the rule.
 */
import { strict as assert } from "assert";
import YAML from "yaml";
import { validateStackConfig } from "../config/validate";
import { rayServiceSchema } from "../config/model";
import { serveConfigV2 } from "./rayService";
import { rayNodeOffers } from "./serveCapacity";
import { footprintTotals, serviceFootprint } from "./footprint";
import { minimalTeam, issueOn, refusedIssues } from "../../test/helpers/configs";

/** One CPU per worker as Ray counts it (KubeRay rounds the 500m limit up), 2Gi of memory. */
const GROUP = { name: "cpu", cpu: "500m", memory: "2Gi", replicas: 1, minReplicas: 1, maxReplicas: 3 };
const DEPLOYMENT = { name: "Echo", autoscaling_config: { min_replicas: 1, max_replicas: 3 }, ray_actor_options: { num_cpus: 1 } };
const APP = { name: "echo", import_path: "serve_app.echo:app", route_prefix: "/echo", deployments: [DEPLOYMENT] };
const AUTOSCALING = { enabled: true, idleTimeoutSeconds: 30, resources: { cpu: "100m", memory: "256Mi" } };
const HEAD = { cpu: "500m", memory: "2Gi" };
const NETWORK = { apiServerCidrs: ["192.168.0.10/32"] };
const QUOTA = { cpu: "8", memory: "32Gi", pods: 20 };

const service = (overrides: Record<string, unknown> = {}) => ({
    name: "svc",
    head: HEAD,
    autoscaling: AUTOSCALING,
    workerGroups: [GROUP],
    serveConfig: { applications: [APP] },
    ...overrides,
});
const team = (svc: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    minimalTeam({ network: NETWORK, quota: QUOTA, services: [svc], ...extra });

const issues = refusedIssues;
const D0 = "ray-on-ack:services[0].serveConfig.applications[0].deployments[0]";

describe("RayService autoscaling: config", () => {
    it("accepts KubeRay's autoscaler on a service and Serve's autoscaling_config, and writes it for Serve", () => {
        const r = validateStackConfig(team(service()));
        assert.ok(r.ok && r.value.kind === "team", JSON.stringify(r));
        const s = r.value.config.services[0];
        assert.equal(s.autoscaling.enabled, true);
        const serve = YAML.parse(serveConfigV2(s.serveConfig));
        assert.deepEqual(serve.applications[0].deployments[0], {
            name: "Echo",
            autoscaling_config: { min_replicas: 1, max_replicas: 3 },
            ray_actor_options: { num_cpus: 1 },
        });
        // a deployment without autoscaling_config keeps its fixed num_replicas (default 1), as before
        const fixed = rayServiceSchema.parse(service({ serveConfig: { applications: [{ ...APP, deployments: [{ name: "Echo" }] }] } }));
        assert.deepEqual(YAML.parse(serveConfigV2(fixed.serveConfig)).applications[0].deployments[0], { name: "Echo", num_replicas: 1 });
    });

    it("needs the API server's CIDR for the autoscaler's egress, as a cluster's does", () => {
        const list = issues(minimalTeam({ quota: QUOTA, services: [service()] }));
        assert.match(issueOn(list, "ray-on-ack:network.apiServerCidrs"), /is required when a cluster or service enables autoscaling/);
    });

    it("refuses num_replicas beside autoscaling_config, bounds out of order, and a custom policy (code the controller runs)", () => {
        const with_ = (d: Record<string, unknown>) => team(service({ serveConfig: { applications: [{ ...APP, deployments: [d] }] } }));
        assert.match(
            issueOn(issues(with_({ ...DEPLOYMENT, num_replicas: 2 })), `${D0}.num_replicas`),
            /must be left out with autoscaling_config/,
        );
        const bounds = { ...DEPLOYMENT, autoscaling_config: { min_replicas: 3, max_replicas: 2 } };
        assert.match(issueOn(issues(with_(bounds)), `${D0}.autoscaling_config.min_replicas`), /must be <= max_replicas \(2\)/);
        const initial = { ...DEPLOYMENT, autoscaling_config: { min_replicas: 1, max_replicas: 2, initial_replicas: 5 } };
        assert.match(
            issueOn(issues(with_(initial)), `${D0}.autoscaling_config.initial_replicas`),
            /between min_replicas \(1\) and max_replicas \(2\)/,
        );
        const policy = { ...DEPLOYMENT, autoscaling_config: { max_replicas: 2, policy: { policy_function: "evil:policy" } } };
        assert.match(issueOn(issues(with_(policy)), `${D0}.autoscaling_config.policy`), /code the Serve controller imports/);
        const unbounded = { ...DEPLOYMENT, autoscaling_config: { min_replicas: 1 } };
        assert.ok(issueOn(issues(with_(unbounded)), `${D0}.autoscaling_config.max_replicas`), "max_replicas is required");
    });

    it("still refuses autoscaling for a RayJob", () => {
        const job = { name: "j1", entrypoint: "python x.py", autoscaling: { enabled: true }, workerGroups: [GROUP] };
        assert.match(
            issueOn(issues(minimalTeam({ network: NETWORK, jobs: [job] })), "ray-on-ack:jobs[0].autoscaling.enabled"),
            /not supported for a RayJob/,
        );
    });
});

describe("RayService autoscaling: Serve's replicas must fit what the service's Ray nodes offer", () => {
    it("reads each node's Ray resources as KubeRay starts it: CPUs rounded up from the limit, rayStartParams first, the head's numCpus", () => {
        const s = rayServiceSchema.parse(
            service({
                workerGroups: [GROUP, { ...GROUP, name: "big", cpu: "3", memory: "8Gi", gpu: 1, rayStartParams: { "num-cpus": "2" } }],
            }),
        );
        assert.deepEqual(
            rayNodeOffers(s).map((n) => [n.what, n.count, n.cpus, n.gpus, n.memory]),
            [
                ["the head", 1, 0, 0, 2 * 2 ** 30],
                ["worker group cpu", 3, 1, 0, 2 * 2 ** 30],
                ["worker group big", 3, 2, 1, 8 * 2 ** 30],
            ],
        );
        const fixed = rayServiceSchema.parse(service({ autoscaling: { enabled: false }, workerGroups: [{ ...GROUP, replicas: 3 }] }));
        assert.equal(rayNodeOffers(fixed)[1].count, 3, "without autoscaling, the workers the cluster keeps (replicas)");
    });

    it("refuses a replica no node can hold, naming the field, its value and what the nodes offer", () => {
        const ask = (o: Record<string, number>) =>
            team(service({ serveConfig: { applications: [{ ...APP, deployments: [{ ...DEPLOYMENT, ray_actor_options: o }] }] } }));
        const cpus = issueOn(issues(ask({ num_cpus: 2 })), `${D0}.ray_actor_options.num_cpus`);
        assert.match(cpus, /a replica of Echo asks for 2 CPUs, 0 GPUs and 0 bytes of memory, which no Ray node of the service offers/);
        assert.match(cpus, /worker group cpu: 3 × 1 CPUs, 0 GPUs, 2147483648 bytes/);
        assert.match(issueOn(issues(ask({ num_cpus: 1, num_gpus: 1 })), `${D0}.ray_actor_options.num_gpus`), /asks for 1 CPUs, 1 GPUs/);
        assert.match(
            issueOn(issues(ask({ num_cpus: 1, memory: 3 * 2 ** 30 })), `${D0}.ray_actor_options.memory`),
            /3221225472 bytes of memory/,
        );
        // Serve's default is one CPU per replica: a head-only CPU budget cannot hold it
        const noWorkers = team(service({ workerGroups: [{ ...GROUP, replicas: 0, minReplicas: 0, maxReplicas: 0 }] }));
        assert.match(issueOn(issues(noWorkers), `${D0}.ray_actor_options.num_cpus`), /the head: 1 × 0 CPUs/);
    });

    it("refuses more replicas at their most than the nodes offer at maxReplicas (or at replicas, without autoscaling)", () => {
        const most = (max: number, extra: Record<string, unknown> = {}) =>
            team(
                service({
                    serveConfig: {
                        applications: [{ ...APP, deployments: [{ ...DEPLOYMENT, autoscaling_config: { max_replicas: max } }] }],
                    },
                    ...extra,
                }),
            );
        assert.ok(validateStackConfig(most(3)).ok, "3 replicas of 1 CPU on 3 one-CPU workers");
        const m = issueOn(issues(most(4)), `${D0}.autoscaling_config.max_replicas`);
        assert.match(m, /^4: at their most the service's replicas ask for 4 CPUs, more than its Ray nodes offer at maxReplicas \(3;/);
        const fixed = issueOn(issues(most(2, { autoscaling: { enabled: false } })), `${D0}.autoscaling_config.max_replicas`);
        assert.match(fixed, /offer at replicas \(the cluster does not autoscale\) \(1;/);
        const twoFixed = team(service({ serveConfig: { applications: [{ ...APP, deployments: [{ name: "Echo", num_replicas: 4 }] }] } }));
        assert.match(issueOn(issues(twoFixed), `${D0}.num_replicas`), /^4: at their most/);
    });
});

describe("RayService autoscaling: the service at its most must fit the team's quota", () => {
    it("adds the active generation at maxReplicas and a pending one at replicas, each head with the autoscaler sidecar", () => {
        const s = rayServiceSchema.parse(service());
        const total = footprintTotals(serviceFootprint(s));
        // heads: 2 × (0.5 + 0.1); workers: (3 + 1) × 0.5
        assert.equal(total.cpu, 2 * 0.6 + 4 * 0.5);
        assert.equal(total.memory, 2 * (2 * 2 ** 30 + 256 * 2 ** 20) + 4 * 2 * 2 ** 30);
        assert.equal(total.pods, 2 + 4);
    });

    it("refuses maxReplicas past the quota, naming the group's key, the value, the sum and the quota", () => {
        const big = team(service({ workerGroups: [{ ...GROUP, cpu: "2", maxReplicas: 4 }] }));
        const m = issueOn(issues(big), "ray-on-ack:services[0].workerGroups[0].maxReplicas");
        assert.match(m, /^4: at its most the service asks for 11.2 CPUs \(head and autoscaler 2 × 0.6 \+ worker group cpu 5 × 2: /);
        assert.match(m, /more than quota.cpu 8: lower maxReplicas or raise the quota/);
        const pods = issueOn(
            issues(team(service({ workerGroups: [{ ...GROUP, maxReplicas: 30 }] }), { quota: { ...QUOTA, cpu: "64", memory: "256Gi" } })),
            "ray-on-ack:services[0].workerGroups[0].maxReplicas",
        );
        assert.match(pods, /asks for 33 pods .* more than quota.pods 20/);
        const gpu = { ...GROUP, name: "gpu", gpu: 1 };
        assert.match(
            issueOn(issues(team(service({ workerGroups: [GROUP, gpu] }))), "ray-on-ack:services[0].workerGroups[1].maxReplicas"),
            /asks for 4 GPUs \(nvidia.com\/gpu\) .* more than quota.gpu 0/,
        );
    });

    it("does not bound a service without autoscaling (its pods are fixed; the ResourceQuota admits them or not)", () => {
        const fixed = team(
            service({
                autoscaling: { enabled: false },
                workerGroups: [{ ...GROUP, cpu: "2", replicas: 4, minReplicas: 4, maxReplicas: 4 }],
            }),
        );
        assert.ok(validateStackConfig(fixed).ok);
    });
});

describe("RayService autoscaling: names", () => {
    it("refuses a workload named as KubeRay may name a service's (or job's) cluster, <name>-<5 random>", () => {
        const raw = team(service(), {
            clusters: [{ name: "svc-b2k4x", workerGroups: [GROUP] }],
            jobs: [{ name: "svc-job", entrypoint: "python x.py", workerGroups: [{ ...GROUP, maxReplicas: 1 }] }],
        });
        const m = issueOn(issues(raw), "ray-on-ack:clusters[0].name");
        assert.match(m, /"svc-b2k4x" is a name KubeRay may give a cluster of RayService svc \(services\[0\].name: svc-<5 random>\)/);
        assert.ok(!issues(raw).some((i) => i.key === "ray-on-ack:jobs[0].name"), "svc-job: 3 characters after the dash");
    });
});
