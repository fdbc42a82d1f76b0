import { strict as assert } from "assert";
import { validateStackConfig, type ConfigIssue } from "./validate";
import { minimalTeam, parsed } from "../../test/helpers/configs";

function issues(raw: Record<string, string>): ConfigIssue[] {
    const r = validateStackConfig(raw);
    assert.equal(r.ok, false, "config should be refused");
    return r.ok ? [] : r.issues;
}

function hasIssue(list: ConfigIssue[], key: string, pattern: RegExp): void {
    const hit = list.find((i) => i.key === key && pattern.test(i.message));
    assert.ok(hit, `expected an issue on ${key} matching ${pattern}, got:\n${list.map((i) => `${i.key}: ${i.message}`).join("\n")}`);
}

const cluster = (over: Record<string, unknown> = {}, group: Record<string, unknown> = {}) => ({
    name: "c1",
    workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 2, ...group }],
    ...over,
});

describe("stack config validation", () => {
    for (const stack of ["team-a", "team-b"]) {
        it(`accepts the example stack ${stack}`, () => {
            const r = parsed(stack);
            assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
        });
    }

    it("applies the secure defaults", () => {
        const r = validateStackConfig(minimalTeam());
        assert.ok(r.ok && r.value.kind === "team");
        const c = r.value.config;
        assert.equal(c.clusters[0].rayVersion, "2.60.0");
        assert.equal(c.clusters[0].head.numCpus, "0");
        assert.deepEqual(c.clusters[0].exposure, { mode: "private" });
        assert.equal(c.security.hostPathPrefixes, undefined);
        assert.deepEqual(c.tls.clients, []);
        assert.equal(c.security.allowVulnerableRayVersion, false);
        assert.equal(c.tls.keySize, 2048);
    });

    it("refuses an invalid CIDR, naming the key", () => {
        hasIssue(issues(minimalTeam({ podCidrs: ["10.0.0.300/24"] })), "ray-on-ack:podCidrs[0]", /IPv4 CIDR/);
        hasIssue(issues(minimalTeam({ network: { apiServerCidrs: ["not-a-cidr"] } })), "ray-on-ack:network.apiServerCidrs[0]", /IPv4 CIDR/);
    });

    it("refuses Ray below 2.54 unless the vulnerable-version opt-in is set", () => {
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({ rayVersion: "2.53.0", image: { tag: "2.53.0" } })] })),
            "ray-on-ack:clusters[0].rayVersion",
            />= 2\.54\.0/,
        );
        const optedIn = validateStackConfig(
            minimalTeam({ clusters: [cluster({ rayVersion: "2.53.0" })], security: { allowVulnerableRayVersion: true } }),
        );
        assert.ok(optedIn.ok, JSON.stringify(!optedIn.ok && optedIn.issues));
    });

    it("refuses minReplicas above maxReplicas", () => {
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({}, { minReplicas: 3, maxReplicas: 2, replicas: 2 })] })),
            "ray-on-ack:clusters[0].workerGroups[0].minReplicas",
            /<= maxReplicas \(2\)/,
        );
    });

    it("refuses a negative CPU", () => {
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({}, { cpu: "-1" })] })),
            "ray-on-ack:clusters[0].workerGroups[0].cpu",
            /non-negative Kubernetes quantity/,
        );
    });

    it("refuses an invalid team name", () => {
        hasIssue(issues(minimalTeam({ team: "Team_A" })), "ray-on-ack:team", /DNS label/);
    });

    it("refuses a :latest image and a registry outside the allowlist", () => {
        hasIssue(issues(minimalTeam({ clusters: [cluster({ image: { tag: "latest" } })] })), "ray-on-ack:clusters[0].image.tag", /latest/);
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({ image: { repository: "evil.example.com/ray" } })] })),
            "ray-on-ack:clusters[0].image.repository",
            /not in security.allowedRegistries/,
        );
    });

    it("refuses unknown keys at every level", () => {
        hasIssue(issues({ ...minimalTeam(), "ray-on-ack:clustrs": "[]" }), "ray-on-ack:clustrs", /unknown key/);
        hasIssue(issues(minimalTeam({ clusters: [cluster({ headd: {} })] })), "ray-on-ack:clusters[0].headd", /unknown key/);
    });

    it("reports every problem at once", () => {
        const list = issues(
            minimalTeam({ team: "BAD", podCidrs: ["x"], clusters: [cluster({ rayVersion: "2.10.0" }, { minReplicas: 5, cpu: "-2" })] }),
        );
        for (const key of [
            "ray-on-ack:team",
            "ray-on-ack:podCidrs[0]",
            "ray-on-ack:clusters[0].rayVersion",
            "ray-on-ack:clusters[0].workerGroups[0].cpu",
        ]) {
            assert.ok(
                list.some((i) => i.key === key),
                `missing ${key} in ${JSON.stringify(list)}`,
            );
        }
    });

    it("takes alicloud:region and pulumi:tags from a stack file, and refuses the providers' other keys", () => {
        assert.ok(validateStackConfig({ ...minimalTeam(), "alicloud:region": "cn-hangzhou", "pulumi:tags": "{}" }).ok);
        hasIssue(issues({ ...minimalTeam(), "kubernetes:context": "prod" }), "kubernetes:context", /Kubernetes provider setting/);
    });

    it("refuses pod CIDRs that overlap or exceed 4096 addresses", () => {
        hasIssue(issues(minimalTeam({ podCidrs: ["10.0.0.0/24", "10.0.0.128/25"] })), "ray-on-ack:podCidrs", /overlap/);
        hasIssue(issues(minimalTeam({ podCidrs: ["10.0.0.0/20", "10.1.0.0/24"] })), "ray-on-ack:podCidrs", /4096/);
    });

    it("requires apiServerCidrs when a cluster autoscales", () => {
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({ autoscaling: { enabled: true } })] })),
            "ray-on-ack:network.apiServerCidrs",
            /autoscaling/,
        );
    });

    it("refuses hostPaths and hostPathPrefixes (removed), pointing to read-only PVC/CSI volumes", () => {
        const hp = [{ name: "data", path: "/mnt/datasets/a", mountPath: "/data" }];
        const list = issues(minimalTeam({ clusters: [cluster({ hostPaths: hp })], security: { hostPathPrefixes: ["/mnt/datasets"] } }));
        hasIssue(
            list,
            "ray-on-ack:clusters[0].hostPaths",
            /was removed: Pod Security `restricted` forbids hostPath volumes, and so does `baseline`.*PersistentVolumeClaim or CSI volume/,
        );
        hasIssue(list, "ray-on-ack:security.hostPathPrefixes", /was removed/);
        hasIssue(
            issues(minimalTeam({ jobs: [{ ...cluster({ hostPaths: [] }), name: "j1", entrypoint: "python x.py" }] })),
            "ray-on-ack:jobs[0].hostPaths",
            /was removed/,
        );
    });

    it("takes Ray Client users per RayCluster, and refuses bare names, unknown clusters and RayJobs", () => {
        const ok = validateStackConfig(minimalTeam({ tls: { clients: [{ name: "alice", clusters: ["c1"] }] } }));
        assert.ok(ok.ok && ok.value.kind === "team", JSON.stringify(!ok.ok && ok.issues));
        assert.deepEqual(ok.value.config.tls.clients, [{ name: "alice", clusters: ["c1"] }]);
        hasIssue(
            issues(minimalTeam({ tls: { clients: ["alice"] } })),
            "ray-on-ack:tls.clients[0]",
            /bare name is no longer accepted.*\{name: <user>, clusters: \[<raycluster>, \.\.\.\]\}/,
        );
        hasIssue(
            issues(minimalTeam({ tls: { clients: [{ name: "alice", clusters: ["c9"] }] } })),
            "ray-on-ack:tls.clients[0].clusters[0]",
            /c9 is not a RayCluster of this stack \(clusters: c1\)/,
        );
        hasIssue(
            issues(minimalTeam({ tls: { clients: [{ name: "alice", clusters: [] }] } })),
            "ray-on-ack:tls.clients[0].clusters",
            /at least one RayCluster/,
        );
        const job = { ...cluster(), name: "j1", entrypoint: "python x.py" };
        hasIssue(
            issues(minimalTeam({ jobs: [job], tls: { clients: [{ name: "alice", clusters: ["j1"] }] } })),
            "ray-on-ack:tls.clients[0].clusters[0]",
            /j1 is a RayJob/,
        );
        hasIssue(
            issues(
                minimalTeam({
                    tls: {
                        clients: [
                            { name: "alice", clusters: ["c1"] },
                            { name: "alice", clusters: ["c1"] },
                        ],
                    },
                }),
            ),
            "ray-on-ack:tls.clients[1].name",
            /listed twice/,
        );
    });

    it("refuses access keys in container env", () => {
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({ env: { ALIBABA_CLOUD_ACCESS_KEY_ID: "x" } })] })),
            "ray-on-ack:clusters[0].env.ALIBABA_CLOUD_ACCESS_KEY_ID",
            /RRSA/,
        );
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({ env: { FOO: "LTAI5tAbCdEfGhIjKlMnOp" } })] })),
            "ray-on-ack:clusters[0].env.FOO",
            /AccessKey id/,
        );
    });

    it("refuses duplicate cluster names and autoscaling RayJobs", () => {
        const job = { ...cluster(), name: "c1", entrypoint: "python x.py" };
        hasIssue(issues(minimalTeam({ jobs: [job] })), "ray-on-ack:jobs[0].name", /duplicate/);
        hasIssue(
            issues(minimalTeam({ jobs: [{ ...job, name: "j1", autoscaling: { enabled: true } }] })),
            "ray-on-ack:jobs[0].autoscaling.enabled",
            /not supported/,
        );
    });
});
