/**
 * GCS fault tolerance in a team's config (issue 23): a stack file turns it on and nothing more. The
 * Redis is the one the platform registered for the stack, the password a secret, the embedded store
 * only where the platform's facts offer it; everything else is refused with its key and reason.
 */
import { strict as assert } from "assert";
import { DEFAULT_PLATFORM_LISTS } from "@ray-on-ack/common/platformLists";
import { tenancySchema } from "@ray-on-ack/common/tenancy";
import { validateStackConfig, type ConfigIssue } from "../config/validate";
import { minimalTeam, repoPlatform } from "../../test/helpers/configs";
import { gcsStoreFor, gcsRedisSecretObject } from "./store";
import { planTeam } from "../team/plan";
import type { TeamConfig } from "../config/model";

const CA = repoPlatform().tenancy.tenants["team-b"].gcsRedis!.caCertificate;
const REDIS = { host: "r-x.redis.rds.aliyuncs.com", port: 6379, cidr: "10.31.0.10/32", caCertificate: CA };
const PASSWORD_KEY = "ray-on-ack:gcsRedisPassword";
const PASSWORD = "Rx7-redis-pw";
const FACTS = { kubeRay: { version: "1.7.0", featureGates: ["GCSFaultToleranceEmbeddedStorage"] }, gcsStorageClass: "alicloud-disk-essd" };

const entry = (extra: Record<string, unknown> = {}) => ({
    team: "team-x",
    namespace: "ray-team-x",
    podCidrs: ["10.30.0.0/24"],
    vSwitchIds: ["vsw-x1"],
    securityGroupIds: ["sg-x1"],
    ...extra,
});
const platform = (tenant: Record<string, unknown> = entry({ gcsRedis: REDIS }), cluster: Record<string, unknown> = {}) => ({
    lists: DEFAULT_PLATFORM_LISTS,
    tenancy: tenancySchema.parse({
        cluster,
        tenants: {
            "team-x": tenant,
            "team-y": {
                ...entry(),
                team: "team-y",
                namespace: "ray-team-y",
                podCidrs: ["10.32.0.0/24"],
                vSwitchIds: [],
                securityGroupIds: [],
                gcsRedis: { ...REDIS, host: "r-y.redis.rds.aliyuncs.com", cidr: "10.31.0.20/32" },
            },
        },
    }),
});
const GROUP = { name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 2 };
const ft = (gcsFaultTolerance: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
    clusters: [{ name: "c1", gcsFaultTolerance, workerGroups: [GROUP], ...over }],
});

function check(raw: Record<string, string>, opts: { secret?: boolean; platform?: ReturnType<typeof platform>; stack?: string } = {}) {
    return validateStackConfig(raw, opts.secret === false ? [] : [PASSWORD_KEY], {
        stack: opts.stack ?? "team-x",
        platform: opts.platform ?? platform(),
    });
}
function issues(raw: Record<string, string>, opts: Parameters<typeof check>[1] = {}): ConfigIssue[] {
    const r = check(raw, opts);
    assert.equal(r.ok, false, "config should be refused");
    return r.ok ? [] : r.issues;
}
function issueOn(list: ConfigIssue[], key: string, pattern: RegExp): string {
    const hit = list.find((i) => i.key === key && pattern.test(i.message));
    assert.ok(hit, `no issue on ${key} matching ${pattern}, got:\n${list.map((i) => `${i.key}: ${i.message}`).join("\n")}`);
    return hit.message;
}
function accepted(raw: Record<string, string>, opts: Parameters<typeof check>[1] = {}): TeamConfig {
    const r = check(raw, opts);
    assert.ok(r.ok && r.value.kind === "team", JSON.stringify(!r.ok && r.issues));
    return r.value.config;
}

describe("GCS fault tolerance: config", () => {
    it("is off by default for every kind, backend redis, a 1Gi embedded volume", () => {
        const c = accepted(minimalTeam(), { secret: false });
        assert.deepEqual(c.clusters[0].gcsFaultTolerance, { enabled: false, backend: "redis", storageSize: "1Gi" });
    });

    it("turns on with the stack's registered Redis and the password as a secret; the stack file names no store", () => {
        const c = accepted(minimalTeam({ ...ft({ enabled: true }), gcsRedisPassword: PASSWORD }));
        assert.equal(c.clusters[0].gcsFaultTolerance.enabled, true);
        const unknown = issues(
            minimalTeam({ ...ft({ enabled: true, redisAddress: "rediss://r-y.redis.rds.aliyuncs.com:6379" }), gcsRedisPassword: PASSWORD }),
        );
        issueOn(unknown, "ray-on-ack:clusters[0].gcsFaultTolerance.redisAddress", /unknown key/);
    });

    it("refuses it where the platform registered no Redis for the stack, naming the registry key (another team's Redis is no substitute)", () => {
        const list = issues(minimalTeam({ ...ft({ enabled: true }), gcsRedisPassword: PASSWORD }), { platform: platform(entry()) });
        issueOn(
            list,
            "ray-on-ack:clusters[0].gcsFaultTolerance.enabled",
            /stack team-x has none in the tenancy registry \(ray-tenancy\.tenants\.team-x\.gcsRedis\)/,
        );
        const noRegistry = validateStackConfig(minimalTeam({ ...ft({ enabled: true }), gcsRedisPassword: PASSWORD }), [PASSWORD_KEY]);
        assert.ok(!noRegistry.ok && noRegistry.issues.some((i) => /no registry is in use/.test(i.message)));
    });

    it("requires the password, as a secret, and refuses one KubeRay's unquoted ray start would split or expand, never echoing it", () => {
        issueOn(
            issues(minimalTeam(ft({ enabled: true }))),
            PASSWORD_KEY,
            /is required \(as a secret: pulumi config set --secret gcsRedisPassword\) by clusters\[0\]\.gcsFaultTolerance/,
        );
        issueOn(
            issues(minimalTeam({ ...ft({ enabled: true }), gcsRedisPassword: PASSWORD }), { secret: false }),
            PASSWORD_KEY,
            /is plain text in the stack file/,
        );
        for (const [bad, why] of [
            ["has space1", /no whitespace/],
            ["glob*pass1", /must not contain \*, \? or \[/],
            ["short", /must be 8-128 characters/],
        ] as const) {
            const list = issues(minimalTeam({ ...ft({ enabled: true }), gcsRedisPassword: bad }));
            const m = issueOn(list, PASSWORD_KEY, why);
            assert.ok(!m.includes(bad), `the password is echoed: ${m}`);
        }
    });

    it("refuses the embedded RocksDB store unless the platform declares KubeRay >= 1.7 with its gate and a StorageClass, and Ray >= 2.57", () => {
        const rocks = minimalTeam(ft({ enabled: true, backend: "rocksdb" }));
        const m = issueOn(issues(rocks), "ray-on-ack:clusters[0].gcsFaultTolerance.backend", /rocksdb is refused: the embedded GCS store/);
        assert.match(m, /ray-tenancy\.cluster\.kubeRay\.version: not set/);
        const withFacts = platform(entry(), FACTS);
        const c = accepted(rocks, { platform: withFacts, secret: false });
        assert.equal(c.clusters[0].gcsFaultTolerance.backend, "rocksdb");
        const oldRay = minimalTeam(ft({ enabled: true, backend: "rocksdb" }, { rayVersion: "2.56.0", image: { tag: "2.56.0" } }));
        issueOn(
            issues(oldRay, { platform: withFacts, secret: false }),
            "ray-on-ack:clusters[0].gcsFaultTolerance.backend",
            /needs Ray 2\.57\.0 or later/,
        );
        const tooBig = minimalTeam({ ...ft({ enabled: true, backend: "rocksdb", storageSize: "1Ti" }), quota: { storage: "100Gi" } });
        issueOn(
            issues(tooBig, { platform: withFacts, secret: false }),
            "ray-on-ack:clusters[0].gcsFaultTolerance.storageSize",
            /more than the namespace's storage quota/,
        );
    });

    it("refuses a fault-tolerant RayService without workers (it serves from its workers while the head restarts)", () => {
        const service = {
            name: "svc",
            gcsFaultTolerance: { enabled: true },
            workerGroups: [{ ...GROUP, replicas: 0, minReplicas: 0 }],
            serveConfig: { applications: [{ name: "a", import_path: "serve_app.echo:app", route_prefix: "/a" }] },
        };
        issueOn(
            issues(minimalTeam({ clusters: [], services: [service], gcsRedisPassword: PASSWORD })),
            "ray-on-ack:services[0].workerGroups",
            /serves from its workers only/,
        );
    });

    it("refuses the Ray and KubeRay variables of GCS fault tolerance in a workload's env: the package and KubeRay set them", () => {
        for (const name of [
            "RAY_REDIS_CA_CERT",
            "RAY_REDIS_CA_PATH",
            "RAY_gcs_rpc_server_reconnect_timeout_s",
            "REDIS_PASSWORD",
            "REDIS_USERNAME",
        ]) {
            const list = issues(minimalTeam(ft({ enabled: true }, { env: { [name]: "x" } })), { secret: false });
            issueOn(list, `ray-on-ack:clusters[0].env.${name}`, /is reserved/);
        }
    });

    it("a workload's own Secret references cannot name the Redis Secret the stack generates", () => {
        const list = issues(minimalTeam({ ...ft({ enabled: true }, { imagePullSecrets: ["ray-gcs-redis"] }), gcsRedisPassword: PASSWORD }));
        issueOn(list, "ray-on-ack:clusters[0].imagePullSecrets[0]", /is a Secret this stack generates for gcsRedisPassword/);
    });
});

describe("GCS fault tolerance: the plan and the Redis Secret", () => {
    it("offers a stack its own registered Redis, and the embedded store only with the platform's facts", () => {
        const p = platform(entry({ gcsRedis: { ...REDIS, username: "team-x" } }), FACTS);
        assert.deepEqual(gcsStoreFor(p.tenancy, "team-x"), {
            redis: { address: "rediss://r-x.redis.rds.aliyuncs.com:6379", username: "team-x", secretName: "ray-gcs-redis" },
            embedded: { storageClassName: "alicloud-disk-essd" },
        });
        assert.deepEqual(gcsStoreFor(platform(entry()).tenancy, "team-x"), {}, "no Redis registered, no facts: no store");
        assert.deepEqual(gcsStoreFor(p.tenancy, undefined), { embedded: { storageClassName: "alicloud-disk-essd" } }, "no stack: no Redis");
    });

    it("plans the Secret, the store and the Redis egress only for workloads on the Redis", () => {
        const config = accepted(
            minimalTeam({
                ...ft({ enabled: true }),
                jobs: [{ name: "j1", entrypoint: "python x.py", workerGroups: [GROUP] }],
                gcsRedisPassword: PASSWORD,
            }),
        );
        const plan = planTeam(config, DEFAULT_PLATFORM_LISTS, { tenancy: platform().tenancy, stack: "team-x" });
        assert.deepEqual(plan.gcsRedis, { caCertificate: CA });
        const c1 = plan.workloads.find((w) => w.name === "c1")!;
        const j1 = plan.workloads.find((w) => w.name === "j1")!;
        assert.equal(c1.options.gcsStore?.redis?.address, "rediss://r-x.redis.rds.aliyuncs.com:6379");
        assert.equal(j1.options.gcsStore, undefined);
        assert.deepEqual(plan.network.clusters.find((c) => c.name === "c1")!.gcsRedis, { cidr: "10.31.0.10/32", port: 6379 });
        assert.equal(plan.network.clusters.find((c) => c.name === "j1")!.gcsRedis, undefined);
        const off = planTeam(accepted(minimalTeam(), { secret: false }), DEFAULT_PLATFORM_LISTS, {
            tenancy: platform().tenancy,
            stack: "team-x",
        });
        assert.equal(off.gcsRedis, undefined, "no fault-tolerant workload: no Secret");
    });

    it("keeps the password and the registered CA in one Secret of the team's namespace", () => {
        const s = gcsRedisSecretObject("team-x", "ray-team-x", CA, "pw");
        assert.deepEqual(s.metadata, {
            name: "ray-gcs-redis",
            namespace: "ray-team-x",
            labels: { "app.kubernetes.io/managed-by": "ray-on-ack", "ray-on-ack.io/team": "team-x" },
        });
        assert.deepEqual(s.stringData, { password: "pw", "ca.crt": CA });
    });
});
