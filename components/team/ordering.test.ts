/**
 * What waits for what in a team stack (team-a, the program as `pulumi up` runs it, under mocks):
 * nothing that starts a pod before everything the pods need, and nothing else waiting longer than it must.
 */
import { strict as assert } from "assert";
import { probeProgram, type ProbedResource } from "../../test/helpers/programProbe";

describe("ordering in a team stack", function () {
    this.timeout(180_000);
    let resources: ProbedResource[];
    const ofKind = (t: string) => resources.filter((r) => r.type === t);
    const urnsOf = (t: string) => ofKind(t).map((r) => r.urn);

    before(() => {
        resources = probeProgram("team-a");
    });

    it("each RayCluster, the object that starts pods, waits for the namespace's quota and LimitRange, the identities, its TLS Secrets and every NetworkPolicy", () => {
        const workloads = ofKind("kubernetes:ray.io/v1:RayCluster");
        assert.equal(workloads.length, 2);
        const needed = [
            ...urnsOf("kubernetes:core/v1:ResourceQuota"),
            ...urnsOf("kubernetes:core/v1:LimitRange"),
            ...urnsOf("kubernetes:core/v1:ServiceAccount"),
            ...urnsOf("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"),
            ...urnsOf("kubernetes:networking.k8s.io/v1:NetworkPolicy"),
            ...ofKind("kubernetes:core/v1:Secret")
                .filter((r) => /-tls-(head|worker)$/.test(r.name))
                .map((r) => r.urn),
        ];
        assert.ok(urnsOf("kubernetes:networking.k8s.io/v1:NetworkPolicy").length >= 5);
        for (const w of workloads) {
            const missing = needed.filter((u) => !w.dependencies.includes(u));
            assert.deepEqual(missing, [], `${w.name} does not wait for`);
        }
    });

    it("what starts no pod waits for the Namespace object, not for its quota and LimitRange", () => {
        const namespace = urnsOf("kubernetes:core/v1:Namespace");
        const quota = [...urnsOf("kubernetes:core/v1:ResourceQuota"), ...urnsOf("kubernetes:core/v1:LimitRange")];
        // The workload components too: their token and its Secret go ahead; only the RayCluster waits (above).
        for (const t of [
            "ray-on-ack:identity:TeamIdentity",
            "ray-on-ack:network:TeamNetworkPolicies",
            "ray-on-ack:network:TeamPodNetwork",
            "ray-on-ack:ray:HardenedRayCluster",
        ]) {
            const [c] = ofKind(t);
            assert.ok(c, t);
            if (t === "ray-on-ack:ray:HardenedRayCluster") {
                const secrets = resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.name.endsWith("-token-secret"));
                assert.equal(secrets.length, 2);
                secrets.forEach((s) =>
                    assert.deepEqual(
                        s.dependencies.filter((u) => quota.includes(u)),
                        [],
                        s.name,
                    ),
                );
            }
            assert.deepEqual(
                c.dependencies.filter((u) => namespace.includes(u)),
                namespace,
                `${t} waits for the Namespace`,
            );
            assert.deepEqual(
                c.dependencies.filter((u) => quota.includes(u)),
                [],
                `${t} does not wait for the quota`,
            );
        }
    });
});

describe("ordering of GCS fault tolerance (team-b's RayService on the team's Redis)", function () {
    this.timeout(180_000);
    let resources: ProbedResource[];

    before(() => {
        resources = probeProgram("team-b");
    });

    it("the RayService waits for the Redis Secret, so pulumi destroy deletes the Secret only after the service and its clusters' cleanup Jobs", () => {
        const secret = resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name.endsWith("-gcs-redis-secret"));
        assert.ok(secret, "the ray-gcs-redis Secret");
        const service = resources.find((r) => r.type === "kubernetes:ray.io/v1:RayService");
        assert.ok(service?.dependencies.includes(secret.urn), "the RayService waits for the Secret");
        const quota = resources.filter((r) => r.type === "kubernetes:core/v1:ResourceQuota").map((r) => r.urn);
        assert.deepEqual(
            secret.dependencies.filter((u) => quota.includes(u)),
            [],
            "the Secret starts no pod: it waits for the Namespace only",
        );
        // Its NetworkPolicy is one of every workload's pod prerequisites (the team's policies).
        const policy = resources.find(
            (r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.name.endsWith("sentiment-gcs-redis"),
        );
        assert.ok(policy && service!.dependencies.includes(policy.urn), "the RayService waits for its Redis egress policy");
    });
});
