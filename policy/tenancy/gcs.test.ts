/**
 * ray-tenancy's judgement of GCS fault tolerance (issue 23): a team's clusters use the Redis
 * registered to its stack and no other, the embedded store only where the cluster facts offer it,
 * and a NetworkPolicy reaches a Redis only where the registry gives it to that stack.
 */
import { strict as assert } from "assert";
import { tenancy } from "../checks/tenancy";
import { TENANCY_SETTINGS, STACK, NS, k8s, messages } from "../../test/fixtures/policy";
import { repoPlatform } from "../../test/helpers/configs";
import type { PolicyResource } from "../resource";

const CA = repoPlatform().tenancy.tenants["team-b"].gcsRedis!.caCertificate;
const REDIS_A = { host: "r-a.redis.rds.aliyuncs.com", port: 6379, cidr: "10.40.0.10/32", caCertificate: CA };
const REDIS_B = { host: "r-b.redis.rds.aliyuncs.com", port: 6379, cidr: "10.40.0.20/32", caCertificate: CA };
const FACTS = { kubeRay: { version: "1.7.0", featureGates: ["GCSFaultToleranceEmbeddedStorage"] }, gcsStorageClass: "alicloud-disk-essd" };

/** The registry: stack a's own Redis (none: `null`), stack b's, and the cluster facts. */
function config(own: Record<string, unknown> | null = REDIS_A, cluster: Record<string, unknown> = {}) {
    const a = TENANCY_SETTINGS.tenants[STACK];
    return {
        cluster: { ...TENANCY_SETTINGS.cluster, ...cluster },
        tenants: {
            [STACK]: { ...a, ...(own ? { gcsRedis: own } : {}) },
            b: { team: "b", namespace: "ray-b", podCidrs: ["10.31.0.0/22"], gcsRedis: REDIS_B },
        },
    };
}

function rayCluster(gcsFaultToleranceOptions: Record<string, unknown>): PolicyResource {
    return k8s("kubernetes:ray.io/v1:RayCluster", {
        apiVersion: "ray.io/v1",
        kind: "RayCluster",
        metadata: { name: "c1", namespace: NS },
        spec: { rayVersion: "2.60.0", gcsFaultToleranceOptions, headGroupSpec: { template: { spec: { containers: [] } } } },
    });
}

function egressTo(cidr: string, port: number): PolicyResource {
    return k8s("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "c1-gcs-redis", namespace: NS },
        spec: {
            podSelector: { matchLabels: { "ray-on-ack.io/cluster": "c1", "ray-on-ack.io/role": "head" } },
            policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr } }], ports: [{ protocol: "TCP", port }] }],
        },
    });
}

const about = (r: PolicyResource, settings: Record<string, unknown>, pattern: RegExp) =>
    messages(tenancy, [r], settings).filter((m) => pattern.test(m));

describe("ray-tenancy: GCS fault tolerance (issue 23)", () => {
    it("a cluster keeps its GCS state in its stack's registered Redis, over TLS", () => {
        const own = rayCluster({ redisAddress: "rediss://r-a.redis.rds.aliyuncs.com:6379" });
        assert.deepEqual(about(own, config(), /gcsFaultToleranceOptions/), []);
    });

    it("refuses another team's Redis (naming its stack), an address that is not the registered one, and a stack with none", () => {
        const theirs = rayCluster({ redisAddress: "rediss://r-b.redis.rds.aliyuncs.com:6379" });
        assert.deepEqual(about(theirs, config(), /gcsFaultToleranceOptions/), [
            `RayCluster ray-a/c1: spec.gcsFaultToleranceOptions.redisAddress: rediss://r-b.redis.rds.aliyuncs.com:6379 is the Redis of stack b (tenancy registry: ray-tenancy.tenants.b.gcsRedis); the Redis registered to stack ${STACK} is rediss://r-a.redis.rds.aliyuncs.com:6379 (ray-tenancy.tenants.${STACK}.gcsRedis)`,
        ]);
        const plain = rayCluster({ redisAddress: "redis://r-a.redis.rds.aliyuncs.com:6379" });
        assert.match(about(plain, config(), /redisAddress/).join(), /is not the team's registered Redis/);
        const unregistered = rayCluster({ redisAddress: "rediss://r-a.redis.rds.aliyuncs.com:6379" });
        assert.match(about(unregistered, config(null), /redisAddress/).join(), /stack a has no Redis in the tenancy registry/);
    });

    it("refuses the embedded store unless the cluster facts offer it, and on another StorageClass", () => {
        const rocks = (storageClassName?: string) =>
            rayCluster({ backend: "rocksdb", storage: { ...(storageClassName ? { storageClassName } : {}), size: "1Gi" } });
        assert.match(
            about(rocks("alicloud-disk-essd"), config(), /backend/).join(),
            /the embedded GCS store \(KubeRay 1\.7, alpha\) needs/,
        );
        assert.deepEqual(about(rocks("alicloud-disk-essd"), config(REDIS_A, FACTS), /gcsFaultToleranceOptions/), []);
        assert.match(
            about(rocks("fast-local"), config(REDIS_A, FACTS), /storageClassName/).join(),
            /is "fast-local"; the embedded GCS store's volumes use the platform's StorageClass alicloud-disk-essd/,
        );
        assert.match(about(rocks(), config(REDIS_A, FACTS), /storageClassName/).join(), /is not set \(the cluster's default class\)/);
    });

    it("admits egress to a Redis only for the stack it is registered to, on its port", () => {
        assert.deepEqual(about(egressTo("10.40.0.10/32", 6379), config(), /ipBlock/), []);
        assert.match(about(egressTo("10.40.0.10/32", 6380), config(), /ipBlock/).join(), /not registered as an endpoint of stack a/);
        assert.match(about(egressTo("10.40.0.20/32", 6379), config(), /ipBlock/).join(), /not registered as an endpoint of stack a/);
        assert.match(about(egressTo("10.40.0.10/32", 6379), config(null), /ipBlock/).join(), /not registered as an endpoint of stack a/);
    });
});
