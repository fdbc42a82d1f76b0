/**
 * Policy ray-gcs-fault-tolerance (issue 23): a RayService keeps its GCS state across head restarts
 * unless the platform grants its absence; wherever GCS fault tolerance is on, it is on safely. The
 * resources are the builders' own (components/ray), broken one thing at a time.
 */
import { strict as assert } from "assert";
import { POLICY_IDS } from "@ray-on-ack/common";
import { gcsFaultTolerance } from "./gcsFaultTolerance";
import { blocking, grantFor, messages, rayCluster } from "../../test/fixtures/policy";
import { rayWorkloadSpec } from "../../components/ray/rayWorkload";
import { rayClusterSchema, rayServiceSchema } from "../../components/ray/model";
import { evaluatePosture } from "../posture";
import type { PolicyResource } from "../resource";

const GROUP = { name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 2 };
const STORE = {
    redis: { address: "rediss://r-a.redis.rds.aliyuncs.com:6379", secretName: "ray-gcs-redis" },
    embedded: { storageClassName: "alicloud-disk-essd" },
};
const COMMON = { team: "a", namespace: "ray-a", tlsFingerprint: "f", tokenFingerprint: "t", kubeRayVersion: "1.6.2", gcsStore: STORE };
const APP = { name: "a", import_path: "serve_app.echo:app", route_prefix: "/a" };

function service(ft: Record<string, unknown> = { enabled: true }): PolicyResource {
    const spec = rayWorkloadSpec({
        kind: "RayService",
        workload: rayServiceSchema.parse({
            name: "svc",
            gcsFaultTolerance: ft,
            workerGroups: [GROUP],
            serveConfig: { applications: [APP] },
        }),
        ...COMMON,
        tlsSecretNames: { head: "svc-ray-tls-head-0", worker: "svc-ray-tls-worker-0" },
    });
    return {
        type: "kubernetes:ray.io/v1:RayService",
        name: "svc",
        urn: "urn:pulumi:a::ray-on-ack::kubernetes:ray.io/v1:RayService::svc",
        props: { apiVersion: "ray.io/v1", kind: "RayService", metadata: { name: "svc", namespace: "ray-a" }, spec: structuredClone(spec) },
    };
}

function cluster(ft: Record<string, unknown> = { enabled: true }): PolicyResource {
    const spec = rayWorkloadSpec({
        kind: "RayCluster",
        workload: rayClusterSchema.parse({ name: "c1", gcsFaultTolerance: ft, workerGroups: [GROUP] }),
        ...COMMON,
    });
    return {
        type: "kubernetes:ray.io/v1:RayCluster",
        name: "c1",
        urn: "urn:pulumi:a::ray-on-ack::kubernetes:ray.io/v1:RayCluster::c1",
        props: { apiVersion: "ray.io/v1", kind: "RayCluster", metadata: { name: "c1", namespace: "ray-a" }, spec: structuredClone(spec) },
    };
}

const head = (r: PolicyResource) => (r.props.spec.rayClusterConfig ?? r.props.spec).headGroupSpec.template.spec.containers[0];
const worker = (r: PolicyResource) => (r.props.spec.rayClusterConfig ?? r.props.spec).workerGroupSpecs[0].template.spec.containers[0];
const FT = "spec.rayClusterConfig.gcsFaultToleranceOptions";

describe("policy ray-gcs-fault-tolerance (issue 23)", () => {
    it("passes what the builders make: a fault-tolerant RayService and RayCluster, a RayCluster without it", () => {
        assert.deepEqual(messages(gcsFaultTolerance, [service(), cluster(), cluster({ enabled: false }), rayCluster()]), []);
        assert.deepEqual(messages(gcsFaultTolerance, cluster({ enabled: true, backend: "rocksdb" })), []);
    });

    it("fails a RayService without it, unless the platform grants its absence for that service at that path", () => {
        const r = service({ enabled: false });
        assert.deepEqual(messages(gcsFaultTolerance, r), [
            `RayService ray-a/svc: ${FT}: is not set: without GCS fault tolerance a head restart (a node drained, the head OOM-killed) takes every Serve replica down with it; turn it on (gcsFaultTolerance.enabled, with the team's registered Redis), or the platform grants its absence for this service`,
        ]);
        assert.equal(blocking(gcsFaultTolerance, r).length, 1);
        assert.deepEqual(blocking(gcsFaultTolerance, r, { grants: [grantFor(r, "batch scoring, a restart is acceptable", "a", FT)] }), []);
        const elsewhere = grantFor(r, "wrong part", "a", "spec.serveConfigV2");
        assert.equal(blocking(gcsFaultTolerance, r, { grants: [elsewhere] }).length, 1, "a grant for another path does not cover it");
    });

    it("fails Redis in cleartext, a literal or missing password, a fixed storage namespace: no grant covers them", () => {
        const r = service();
        const ft = r.props.spec.rayClusterConfig.gcsFaultToleranceOptions;
        ft.redisAddress = "redis://r-a.redis.rds.aliyuncs.com:6379";
        ft.redisPassword = { value: "hunter2hunter2" };
        ft.externalStorageNamespace = "shared";
        const found = messages(gcsFaultTolerance, r);
        assert.equal(found.length, 3, found.join("\n"));
        assert.match(found[0], /redisAddress: is "redis:\/\/r-a\..*"; GCS fault tolerance reaches Redis over TLS only/);
        assert.match(found[1], /redisPassword: is a literal value, readable by anyone who can read this resource/);
        assert.match(found[2], /externalStorageNamespace: is set; leave it to KubeRay/);
        const grants = [
            grantFor(r, "no", "a", `${FT}.redisAddress`),
            grantFor(r, "no", "a", `${FT}.redisPassword`),
            grantFor(r, "no", "a", `${FT}.externalStorageNamespace`),
        ];
        assert.equal(blocking(gcsFaultTolerance, r, { grants }).length, 3);
        delete ft.redisPassword;
        assert.ok(messages(gcsFaultTolerance, r).some((m) => /redisPassword: is not set: the Redis would take any client/.test(m)));
    });

    it("fails a head that trusts the system CA bundle, or a CA outside a mounted Secret, for its Redis", () => {
        const noCa = service();
        head(noCa).env = head(noCa).env.filter((e: any) => e.name !== "RAY_REDIS_CA_CERT");
        assert.match(
            messages(gcsFaultTolerance, noCa).join("\n"),
            /RAY_REDIS_CA_CERT is not set, so hiredis trusts the image's system CA bundle/,
        );
        const elsewhere = service();
        head(elsewhere).env.push({ name: "RAY_REDIS_CA_CERT", value: "/etc/ssl/certs/ca-certificates.crt" });
        assert.match(
            messages(gcsFaultTolerance, elsewhere).join("\n"),
            /RAY_REDIS_CA_CERT is "\/etc\/ssl\/certs\/ca-certificates\.crt", which is not inside a mounted Secret/,
        );
    });

    it("fails a CA directory beside it, short worker timeouts and a fault-tolerant service that serves from its head", () => {
        const r = service();
        worker(r).env.push(
            { name: "RAY_REDIS_CA_PATH", value: "/etc/ssl/certs" },
            { name: "RAY_gcs_rpc_server_reconnect_timeout_s", value: "60" },
        );
        delete r.props.spec.excludeHeadPodFromServeSvc;
        const found = messages(gcsFaultTolerance, r).join("\n");
        assert.match(found, /RAY_REDIS_CA_PATH is set, which adds every CA of a directory/);
        assert.match(found, /RAY_gcs_rpc_server_reconnect_timeout_s is "60"; a worker of a fault-tolerant cluster waits at least 600 s/);
        assert.match(found, /spec\.excludeHeadPodFromServeSvc: is not true/);
    });

    it("fails an embedded store on another claim or an old Ray, and the legacy annotation", () => {
        const r = cluster({ enabled: true, backend: "rocksdb" });
        r.props.spec.gcsFaultToleranceOptions.storage.claimName = "other-cluster-gcs-pvc";
        r.props.spec.rayVersion = "2.56.0";
        r.props.metadata.annotations = { "ray.io/ft-enabled": "true" };
        const found = messages(gcsFaultTolerance, r).join("\n");
        assert.match(found, /metadata\.annotations\["ray\.io\/ft-enabled"\]: is set; KubeRay's legacy switch/);
        assert.match(found, /storage\.claimName: names an existing claim/);
        assert.match(found, /rayVersion: is "2\.56\.0"; the embedded GCS store needs Ray 2\.57\.0 or later/);
    });

    it("takes grants only with a path, and the posture report lists where each workload keeps its GCS state", () => {
        const report = evaluatePosture([service(), cluster({ enabled: false }), cluster({ enabled: true, backend: "rocksdb" })], {
            policyPackConfig: {},
        });
        assert.deepEqual(report.gcsFaultTolerance, [
            { workload: "RayCluster ray-a/c1", store: "none" },
            { workload: "RayCluster ray-a/c1", store: "embedded RocksDB" },
            { workload: "RayService ray-a/svc", store: "Redis rediss://r-a.redis.rds.aliyuncs.com:6379" },
        ]);
        assert.equal(report.checks.find((c) => c.id === POLICY_IDS.gcsFaultTolerance)?.status, "pass");
    });
});
