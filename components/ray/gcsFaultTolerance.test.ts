/**
 * GCS fault tolerance in the Ray specs (issue 23): KubeRay's options from the platform's store, the
 * Redis CA and reconnect timeouts Ray needs besides, the serve Service without the head, specs valid
 * against the KubeRay CRDs, and KubeRay's Redis cleanup Job, as KubeRay 1.6.2 builds it from the
 * head template, passing the pack's pod checks and admitted to the Redis by the team's NetworkPolicy.
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { GCS_RECONNECT_TIMEOUT_S } from "@ray-on-ack/common";
import { rayClusterSchema, rayJobSchema, rayServiceSchema } from "./model";
import { rayWorkloadSpec } from "./rayWorkload";
import { HardenedRayCluster } from "./hardenedRayCluster";
import { networkPolicyObjects } from "../network/networkPolicies";
import { networkSchema } from "../network/model";
import type { GcsStore } from "../componentArgs";
import { CHECKS } from "../../policy/checks";
import { resolvePackConfig } from "../../policy/config";
import { evaluateCheck } from "../../policy/evaluate";
import { asResource } from "../../test/helpers/policy";
import { recordRegistrations } from "../../test/helpers/mockRun";
import { ajvErrors, KUBERAY_CRDS, kubeRayValidators, requireSharedData } from "../../test/helpers/schemas";

const GROUP = { name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 2 };
const STORE: GcsStore = {
    redis: { address: "rediss://r-x.redis.rds.aliyuncs.com:6379", secretName: "ray-gcs-redis" },
    embedded: { storageClassName: "alicloud-disk-essd" },
};
const COMMON = { team: "team-x", namespace: "ray-team-x", tlsFingerprint: "f", tokenFingerprint: "t", kubeRayVersion: "1.6.2" };
const cluster = (ft: Record<string, unknown> = { enabled: true }, over: Record<string, unknown> = {}) =>
    rayClusterSchema.parse({ name: "c1", gcsFaultTolerance: ft, workerGroups: [GROUP], ...over });
const spec = (ft?: Record<string, unknown>, store: GcsStore | undefined = STORE) =>
    rayWorkloadSpec({ kind: "RayCluster", workload: cluster(ft), ...COMMON, gcsStore: store });
const env = (c: any) => Object.fromEntries((c.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
const RAY_CLUSTER = (s: unknown) => ({
    apiVersion: "ray.io/v1",
    kind: "RayCluster",
    metadata: { name: "c1", namespace: "ray-team-x" },
    spec: s,
});

describe("GCS fault tolerance: the Ray specs", () => {
    it("hands KubeRay the team's Redis over TLS and the password from the Secret, nothing else of the store", () => {
        const s = spec();
        assert.deepEqual(s.gcsFaultToleranceOptions, {
            redisAddress: "rediss://r-x.redis.rds.aliyuncs.com:6379",
            redisPassword: { valueFrom: { secretKeyRef: { name: "ray-gcs-redis", key: "password" } } },
        });
        const named = rayWorkloadSpec({
            kind: "RayCluster",
            workload: cluster(),
            ...COMMON,
            gcsStore: { redis: { ...STORE.redis!, username: "team-x" } },
        });
        assert.deepEqual(named.gcsFaultToleranceOptions?.redisUsername, { value: "team-x" });
    });

    it("mounts only the Secret's ca.crt on the head, points RAY_REDIS_CA_CERT at it, and gives every Ray container the reconnect timeout", () => {
        const s = spec();
        const head = (s.headGroupSpec.template.spec as any).containers[0] as any;
        assert.equal(env(head).RAY_REDIS_CA_CERT, "/etc/ray/redis/ca.crt");
        assert.equal(env(head).RAY_gcs_rpc_server_reconnect_timeout_s, String(GCS_RECONNECT_TIMEOUT_S));
        assert.ok(GCS_RECONNECT_TIMEOUT_S >= 600, "at least KubeRay's own default for workers");
        assert.deepEqual(
            head.volumeMounts.find((m: any) => m.name === "gcs-redis-ca"),
            { name: "gcs-redis-ca", mountPath: "/etc/ray/redis", readOnly: true },
        );
        const volume = ((s.headGroupSpec.template.spec as any).volumes as any[]).find((v) => v.name === "gcs-redis-ca");
        assert.deepEqual(volume.secret, { secretName: "ray-gcs-redis", defaultMode: 0o440, items: [{ key: "ca.crt", path: "ca.crt" }] });
        const worker = (s.workerGroupSpecs![0].template.spec as any).containers[0] as any;
        assert.equal(env(worker).RAY_gcs_rpc_server_reconnect_timeout_s, String(GCS_RECONNECT_TIMEOUT_S));
        assert.equal(env(worker).RAY_REDIS_CA_CERT, undefined, "workers never talk to Redis");
        assert.ok(!((s.workerGroupSpecs![0].template.spec as any).volumes as any[]).some((v) => v.name === "gcs-redis-ca"));
    });

    it("changes nothing when it is off", () => {
        const on = spec();
        const off = spec({ enabled: false });
        assert.equal(off.gcsFaultToleranceOptions, undefined);
        const text = JSON.stringify(off);
        assert.doesNotMatch(text, /REDIS|reconnect_timeout|gcs-redis/);
        assert.notDeepEqual(on, off);
    });

    it("asks KubeRay 1.7 for the embedded store on the platform's StorageClass, deleted with the cluster", () => {
        const s = spec({ enabled: true, backend: "rocksdb", storageSize: "2Gi" });
        assert.deepEqual(s.gcsFaultToleranceOptions, {
            backend: "rocksdb",
            storage: { storageClassName: "alicloud-disk-essd", size: "2Gi", deletionPolicy: "DeleteWithCluster" },
        });
        assert.doesNotMatch(JSON.stringify(s), /RAY_REDIS|gcs-redis-ca/);
    });

    it("builds nothing without the store its backend needs", () => {
        assert.throws(() => spec({ enabled: true }, {}), /needs the team's Redis/);
        assert.throws(() => spec({ enabled: true, backend: "rocksdb" }, { redis: STORE.redis }), /needs the platform's embedded store/);
    });

    it("a RayJob's cluster and a RayService's get the same; a fault-tolerant service serves from its workers only", () => {
        const job = rayWorkloadSpec({
            kind: "RayJob",
            workload: rayJobSchema.parse({
                name: "j1",
                entrypoint: "python x.py",
                gcsFaultTolerance: { enabled: true },
                workerGroups: [GROUP],
            }),
            ...COMMON,
            gcsStore: STORE,
        });
        assert.equal(job.rayClusterSpec?.gcsFaultToleranceOptions?.redisAddress, STORE.redis!.address);
        const service = (enabled: boolean) =>
            rayWorkloadSpec({
                kind: "RayService",
                workload: rayServiceSchema.parse({
                    name: "svc",
                    gcsFaultTolerance: { enabled },
                    workerGroups: [GROUP],
                    serveConfig: { applications: [{ name: "a", import_path: "serve_app.echo:app", route_prefix: "/a" }] },
                }),
                ...COMMON,
                gcsStore: STORE,
                tlsSecretNames: { head: "svc-ray-tls-head-0", worker: "svc-ray-tls-worker-0" },
            });
        assert.equal(service(true).excludeHeadPodFromServeSvc, true);
        assert.equal(service(true).rayClusterConfig.gcsFaultToleranceOptions?.redisAddress, STORE.redis!.address);
        assert.equal(service(false).excludeHeadPodFromServeSvc, undefined, "without it, the head's proxy serves as before");
    });

    it("HardenedRayCluster refuses fault tolerance without the platform's store, naming the key", async () => {
        await pulumi.runtime.setMocks(
            { newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs },
            "ray-on-ack",
            "test",
            false,
        );
        const make = (gcsStore?: GcsStore) =>
            new HardenedRayCluster("c1", {
                team: "team-x",
                namespace: "ray-team-x",
                tlsFingerprint: "f",
                cluster: { name: "c1", gcsFaultTolerance: { enabled: true }, workerGroups: [GROUP] } as never,
                gcsStore,
            });
        assert.throws(
            () => make(),
            (e: Error) =>
                pulumi.ResourceError.isInstance(e) &&
                /^HardenedRayCluster c1: invalid args\nerror: cluster\.gcsFaultTolerance: gcsFaultTolerance with backend redis needs the team's Redis/.test(
                    e.message,
                ),
        );
        const made = await recordRegistrations(() => [make(STORE).clusterName]);
        assert.ok(
            made.some((r) => r.inputs.kind === "RayCluster"),
            "with the store, the RayCluster is registered",
        );
    });
});

describe("GCS fault tolerance: the specs against the KubeRay CRDs", function () {
    before(function () {
        requireSharedData(this, path.join(KUBERAY_CRDS, "v1.7.0", "ray.io_rayclusters.yaml"));
    });

    it("the Redis backend is valid under KubeRay 1.6.2 and 1.7.0 (strict); the embedded one only under 1.7.0", () => {
        for (const version of ["v1.6.2", "v1.7.0"]) {
            const v = kubeRayValidators(version).RayCluster;
            assert.ok(v(RAY_CLUSTER(spec())), `${version}: ${ajvErrors(v)}`);
        }
        const rocks = RAY_CLUSTER(spec({ enabled: true, backend: "rocksdb" }));
        const v17 = kubeRayValidators("v1.7.0").RayCluster;
        assert.ok(v17(rocks), ajvErrors(v17));
        const v16 = kubeRayValidators("v1.6.2").RayCluster;
        assert.equal(v16(rocks), false, "KubeRay 1.6.2 has no embedded store: why the platform must declare 1.7");
    });
});

/**
 * KubeRay 1.6.2's `buildRedisCleanupJob`, replayed: the head pod (its template, KubeRay's labels
 * with `ray.io/node-type: redis-cleanup`), the Ray container alone with its command replaced and no
 * probes, 200m/256Mi, two connection settings appended, restartPolicy Never, a Job of one attempt.
 */
function kubeRayCleanupJob(name: string, head: any): any {
    const template = structuredClone(head);
    const ray = template.spec.containers[0];
    template.metadata.labels = {
        ...template.metadata.labels,
        "ray.io/cluster": name,
        "ray.io/node-type": "redis-cleanup",
        "ray.io/group": "headgroup",
    };
    template.spec.containers = [
        {
            ...ray,
            command: ["/bin/bash", "-lc", "--"],
            args: ["python -c 'from ray._private.gcs_utils import cleanup_redis_storage; ...'"],
            env: [
                ...ray.env,
                { name: "RAY_redis_db_connect_retries", value: "120" },
                { name: "RAY_redis_db_connect_wait_milliseconds", value: "500" },
            ],
            resources: { limits: { cpu: "200m", memory: "256Mi" }, requests: { cpu: "200m", memory: "256Mi" } },
            livenessProbe: undefined,
            readinessProbe: undefined,
        },
    ];
    template.spec.restartPolicy = "Never";
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: `${name}-redis-cleanup`, namespace: "ray-team-x", labels: template.metadata.labels },
        spec: { backoffLimit: 0, activeDeadlineSeconds: 300, template },
    };
}

const selects = (selector: any, labels: Record<string, string>) =>
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (selector.matchExpressions ?? []).every((e: any) => e.operator === "In" && e.values.includes(labels[e.key]));

describe("GCS fault tolerance: KubeRay's Redis cleanup Job passes the namespace's rules", () => {
    const POD_CHECKS = [
        "ray-pod-security-restricted",
        "ray-readonly-root-filesystem",
        "ray-resources-required",
        "ray-service-account-token",
        "ray-hostpath-restricted",
        "ray-volume-mounts",
        "ray-image-registry-allowed",
        "ray-image-tag-pinned",
        "ray-no-access-keys",
    ];

    for (const kind of ["RayCluster", "RayService"] as const) {
        it(`built from a fault-tolerant ${kind}'s head, it passes the pack's pod checks and its NetworkPolicy admits it to the Redis, on the Redis port only`, () => {
            const s: any =
                kind === "RayCluster"
                    ? spec()
                    : rayWorkloadSpec({
                          kind: "RayService",
                          workload: rayServiceSchema.parse({
                              name: "c1",
                              gcsFaultTolerance: { enabled: true },
                              workerGroups: [GROUP],
                              serveConfig: { applications: [{ name: "a", import_path: "serve_app.echo:app", route_prefix: "/a" }] },
                          }),
                          ...COMMON,
                          gcsStore: STORE,
                          tlsSecretNames: { head: "h", worker: "w" },
                      }).rayClusterConfig;
            const job = kubeRayCleanupJob(kind === "RayCluster" ? "c1" : "c1-x7k2p", s.headGroupSpec.template);
            for (const id of POD_CHECKS) {
                const check = CHECKS.find((c) => c.id === id)!;
                const { findings } = evaluateCheck(check, [asResource(job)], resolvePackConfig({}, id));
                assert.deepEqual(
                    findings.map((f) => f.message),
                    [],
                    id,
                );
            }
            const policies = networkPolicyObjects({
                team: "team-x",
                namespace: "ray-team-x",
                network: networkSchema.parse({}),
                clusters: [
                    {
                        name: "c1",
                        kind,
                        autoscaling: false,
                        exposure: { mode: "private" },
                        gcsRedis: { cidr: "10.31.0.10/32", port: 6379 },
                    },
                ],
            });
            const labels = job.spec.template.metadata.labels;
            const admitting = policies.filter(
                (p) => selects((p.spec as any).podSelector, labels) && ((p.spec as any).egress ?? []).length > 0,
            );
            const names = admitting.map((p) => p.metadata.name).sort();
            assert.ok(names.includes("c1-gcs-redis") && names.includes("allow-dns"), names.join(", "));
            const redis = policies.find((p) => p.metadata.name === "c1-gcs-redis")!;
            assert.deepEqual((redis.spec as any).egress, [
                { to: [{ ipBlock: { cidr: "10.31.0.10/32" } }], ports: [{ protocol: "TCP", port: 6379 }] },
            ]);
            // The workers are not admitted: only the head (and the cleanup Job built from it) talks to Redis.
            const worker = { ...s.workerGroupSpecs[0].template.metadata.labels, "ray.io/cluster": "c1", "ray.io/node-type": "worker" };
            assert.equal(selects((redis.spec as any).podSelector, worker), false);
        });
    }

    it("no Redis egress for a workload without fault tolerance", () => {
        const policies = networkPolicyObjects({
            team: "team-x",
            namespace: "ray-team-x",
            network: networkSchema.parse({}),
            clusters: [{ name: "c1", kind: "RayCluster", autoscaling: false, exposure: { mode: "private" } }],
        });
        assert.ok(!policies.some((p) => p.metadata.name === "c1-gcs-redis"));
    });
});
