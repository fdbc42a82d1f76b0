/** The Alibaba Cloud side: RRSA documents, exposure modes, PodNetworking, the platform stack's rules. */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ossStatements, ramPolicyDocument, trustPolicyDocument } from "./ramPolicies";
import { rrsaProviderFor } from "./clusterLookup";
import { vSwitchMismatches } from "../network/podNetwork";
import { passwordProblems } from "../exposure/password";
import { quotaTreeProblems } from "../platform/quotaTree";
import { validateStackConfig } from "../config/validate";
import { htpasswdMatches, passwordHashProvider } from "../providers/passwordHash";
import type { TeamConfig } from "../config/model";
import { find, objects, recordTeam, TEST_RRSA_PROVIDER } from "../../test/helpers/mockRun";
import { minimalTeam, teamConfig } from "../../test/helpers/configs";

function validTeam(overrides: Record<string, unknown>, secretKeys: string[] = []): TeamConfig {
    const r = validateStackConfig(minimalTeam(overrides), secretKeys);
    assert.ok(r.ok && r.value.kind === "team", JSON.stringify(!r.ok && r.issues));
    return r.value.config;
}

const lbCluster = (exposure: Record<string, unknown>) => ({
    name: "c1",
    exposure,
    workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 1 }],
});

describe("RRSA documents", () => {
    it("trusts exactly the named ServiceAccounts through the cluster's OIDC provider", () => {
        assert.equal(
            trustPolicyDocument(TEST_RRSA_PROVIDER, "ray-team-b", ["c1-ray-worker", "c1-ray-head"]),
            JSON.stringify({
                Version: "1",
                Statement: [
                    {
                        Action: "sts:AssumeRole",
                        Effect: "Allow",
                        Principal: { Federated: ["acs:ram::1234567890123456:oidc-provider/ack-rrsa-c123"] },
                        Condition: {
                            StringEquals: {
                                "oidc:aud": "sts.aliyuncs.com",
                                "oidc:iss": "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c123",
                                "oidc:sub": [
                                    "system:serviceaccount:ray-team-b:c1-ray-head",
                                    "system:serviceaccount:ray-team-b:c1-ray-worker",
                                ],
                            },
                        },
                    },
                ],
            }),
        );
        const single = JSON.parse(trustPolicyDocument(TEST_RRSA_PROVIDER, "ns", ["sa"]));
        assert.equal(single.Statement[0].Condition.StringEquals["oidc:sub"], "system:serviceaccount:ns:sa");
        assert.throws(() => trustPolicyDocument(TEST_RRSA_PROVIDER, "ns", []), /at least one ServiceAccount/);
    });

    it("grants OSS access under the prefix only, read or read-write", () => {
        assert.deepEqual(ossStatements("42", [{ bucket: "b", prefix: "p/", access: "read" }]), [
            { Effect: "Allow", Action: ["oss:GetObject", "oss:GetObjectMeta"], Resource: ["acs:oss:*:42:b/p/*"] },
            {
                Effect: "Allow",
                Action: ["oss:ListObjects"],
                Resource: ["acs:oss:*:42:b"],
                Condition: { StringLike: { "oss:Prefix": ["p/*"] } },
            },
        ]);
        const rw = ossStatements("42", [{ bucket: "b", prefix: "", access: "read-write" }]);
        assert.deepEqual(rw[0].Action, [
            "oss:GetObject",
            "oss:GetObjectMeta",
            "oss:PutObject",
            "oss:DeleteObject",
            "oss:AbortMultipartUpload",
            "oss:ListParts",
        ]);
        assert.equal(JSON.parse(ramPolicyDocument(rw)).Version, "1");
    });

    it("refuses wildcard actions and resources in extra statements, naming the key", () => {
        const r = validateStackConfig(minimalTeam({ rrsa: { extraStatements: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] } }));
        assert.ok(
            !r.ok && r.issues.some((i) => i.key === "ray-on-ack:rrsa.extraStatements[0].Action[0]" && /wildcard action/.test(i.message)),
            JSON.stringify(r),
        );
        assert.ok(
            !r.ok &&
                r.issues.some((i) => i.key === "ray-on-ack:rrsa.extraStatements[0].Resource[0]" && /not one OSS bucket/.test(i.message)),
        );
    });

    it("wires team-b: RAM role, policy and attachment; ServiceAccount annotations; namespace label; Ray containers only", async () => {
        const resources = await recordTeam(teamConfig("team-b"));
        const role = resources.find((r) => r.type === "alicloud:ram/role:Role")!;
        assert.equal(role.inputs.roleName, "ray-team-b");
        const trust = JSON.parse(role.inputs.assumeRolePolicyDocument);
        assert.deepEqual(trust.Statement[0].Condition.StringEquals["oidc:sub"], [
            "system:serviceaccount:ray-team-b:analytics-ray-head",
            "system:serviceaccount:ray-team-b:analytics-ray-worker",
            "system:serviceaccount:ray-team-b:nightly-etl-ray-head",
            "system:serviceaccount:ray-team-b:nightly-etl-ray-worker",
            // The RayService's clusters read their model from the team's OSS prefix like any Ray pod.
            "system:serviceaccount:ray-team-b:sentiment-ray-head",
            "system:serviceaccount:ray-team-b:sentiment-ray-worker",
        ]);
        const attachment = resources.find((r) => r.type === "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment")!;
        assert.deepEqual(attachment.inputs, { policyName: "team-b-rrsa-ray", policyType: "Custom", roleName: "ray-team-b" });
        const objs = objects(resources);
        assert.equal(find(objs, "Namespace", "ray-team-b").metadata.labels["pod-identity.alibabacloud.com/injection"], "on");
        for (const sa of ["analytics-ray-head", "analytics-ray-worker", "nightly-etl-ray-head", "nightly-etl-ray-worker"]) {
            assert.equal(find(objs, "ServiceAccount", sa).metadata.annotations["pod-identity.alibabacloud.com/role-name"], "ray-team-b");
        }
        assert.equal(
            find(objs, "ServiceAccount", "nightly-etl-ray-submitter").metadata.annotations,
            undefined,
            "the submitter gets no cloud identity",
        );
        const rc = find(objs, "RayCluster", "analytics");
        assert.equal(
            rc.spec.headGroupSpec.template.metadata.annotations["pod-identity.alibabacloud.com/only-containers"],
            "ray-head,ray-worker",
        );
    });

    it("gives a cluster that asks for it a dedicated role trusting only its ServiceAccounts", async () => {
        const config = validTeam({
            cloud: { clusterId: "c123", accountId: "42", region: "cn-hangzhou" },
            rrsa: { oss: [{ bucket: "bkt", prefix: "x/" }] },
            clusters: [
                { ...lbCluster({ mode: "private" }), rrsa: { dedicatedRole: true } },
                { ...lbCluster({ mode: "private" }), name: "c2" },
            ],
        });
        const roles = (await recordTeam(config)).filter((r) => r.type === "alicloud:ram/role:Role");
        assert.deepEqual(roles.map((r) => r.inputs.roleName).sort(), ["ray-team-x", "ray-team-x-c1"]);
        const dedicated = JSON.parse(roles.find((r) => r.inputs.roleName === "ray-team-x-c1")!.inputs.assumeRolePolicyDocument);
        assert.deepEqual(dedicated.Statement[0].Condition.StringEquals["oidc:sub"], [
            "system:serviceaccount:ray-team-x:c1-ray-head",
            "system:serviceaccount:ray-team-x:c1-ray-worker",
        ]);
    });

    it("fails clearly when RRSA is not enabled on the cluster", async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (a) => ({ id: a.name, state: a.inputs }),
                call: () => ({ clusters: [{ id: "c123", rrsaConfig: { enabled: false } }] }),
            },
            "ray-on-ack",
            "test",
            false,
        );
        const p = rrsaProviderFor({ clusterId: "c123", accountId: "42", region: "cn-hangzhou" }, {});
        // Output.promise() is how the engine (and pulumi.all) observe a failed apply.
        const outcome = await (p as unknown as { promise(): Promise<unknown> }).promise().then(
            () => "resolved",
            (e: Error) => e.message,
        );
        assert.match(String(outcome), /cloud\.clusterId: RRSA is not enabled on cluster c123/);
    });
});

describe("public dashboard exposure", () => {
    it("loadbalancer: CLB Service with the ACL and HTTPS listener annotations, an ACL, a quota for one LB, a NetworkPolicy for the CLB's backend range", async () => {
        const resources = await recordTeam(teamConfig("team-b"));
        const objs = objects(resources);
        const svc = find(objs, "Service", "analytics-dashboard-public");
        const a = svc.metadata.annotations;
        const acl = resources.find((r) => r.type === "alicloud:slb/acl:Acl")!;
        assert.equal(a["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type"], "internet");
        assert.equal(a["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-acl-status"], "on");
        assert.equal(a["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-acl-type"], "white");
        assert.match(a["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-acl-id"], /^acl-/);
        assert.deepEqual(
            acl.inputs.entryLists.map((e: any) => e.entry),
            ["203.0.113.0/27", "198.51.100.14/32"],
        );
        assert.equal(svc.spec.type, "LoadBalancer");
        assert.deepEqual(svc.spec.selector, { "ray.io/cluster": "analytics", "ray.io/node-type": "head" });
        assert.equal(find(objs, "ResourceQuota", "team-b-quota").spec.hard["services.loadbalancers"], "1");
        const np = find(objs, "NetworkPolicy", "analytics-head-ingress");
        const rule = np.spec.ingress.find((r: any) => r.from.some((f: any) => f.ipBlock));
        // Behind the layer-7 listener the pods see the CLB's reserved range; the ACL admits the clients at the CLB.
        assert.deepEqual(rule.from, [{ ipBlock: { cidr: "100.64.0.0/10" } }]);
        assert.deepEqual(rule.ports, [{ protocol: "TCP", port: 8265 }]);
        assert.equal(a["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port"], "https:443");
        assert.equal(a["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-cert-id"], "12345678-cn-hangzhou");
        assert.deepEqual(svc.spec.ports, [{ name: "https", protocol: "TCP", port: 443, targetPort: 8265 }]);
        const rc = find(objs, "RayCluster", "analytics");
        assert.equal(rc.spec.headGroupSpec.serviceType, "ClusterIP", "KubeRay's head Service stays private");
    });

    it("loadbalancer: refuses an empty ACL, 0.0.0.0/0 and ::/0, and mixed IP versions", () => {
        const bad = (exposure: Record<string, unknown>) => {
            const r = validateStackConfig(
                minimalTeam({ clusters: [lbCluster({ mode: "loadbalancer", certId: "12345678-cn-hangzhou", ...exposure })] }),
            );
            assert.ok(!r.ok);
            return r.issues.map((i) => `${i.key}: ${i.message}`).join("\n");
        };
        assert.match(bad({ aclEntries: [] }), /clusters\[0\]\.exposure\.aclEntries: must list at least one CIDR/);
        assert.match(
            bad({ aclEntries: [{ cidr: "0.0.0.0/0" }] }),
            /exposure\.aclEntries: 0\.0\.0\.0\/0 covers 4294967296 addresses; an ACL may cover at most 65536 \(a \/16\)/,
        );
        assert.match(
            bad({ aclEntries: [{ cidr: "::/0" }] }),
            /exposure\.aclEntries: ::\/0 covers \d+ IPv6 addresses; an ACL may cover at most a \/48 of IPv6/,
        );
        assert.match(bad({ aclEntries: [{ cidr: "10.0.0.0/8" }, { cidr: "2001:db8::/32" }] }), /mixes IPv4 and IPv6/);
    });

    it("ingress: nginx Ingress with TLS and basic auth (bcrypt, never the password), NetworkPolicy from the controller only", async () => {
        const password = "Kq7#mVz2pL";
        const config = validTeam(
            {
                dashboardPassword: password,
                clusters: [
                    lbCluster({
                        mode: "ingress",
                        host: "ray.team-x.example.com",
                        tlsSecretName: "ray-team-x-tls",
                        username: "ops",
                        allowedSourceCidrs: ["203.0.113.0/24"],
                    }),
                ],
            },
            ["ray-on-ack:dashboardPassword"],
        );
        const objs = objects(await recordTeam(config, { password }));
        const ing = find(objs, "Ingress", "c1-dashboard");
        assert.equal(ing.metadata.annotations["nginx.ingress.kubernetes.io/auth-type"], "basic");
        assert.equal(ing.metadata.annotations["nginx.ingress.kubernetes.io/auth-secret"], "c1-dashboard-basic-auth");
        assert.deepEqual(ing.spec.tls, [{ hosts: ["ray.team-x.example.com"], secretName: "ray-team-x-tls" }]);
        assert.equal(ing.spec.rules[0].http.paths[0].backend.service.name, "c1-head-svc");
        const secret = find(objs, "Secret", "c1-dashboard-basic-auth");
        const line: string = secret.stringData.auth;
        assert.ok(!line.includes(password));
        assert.match(line, /^ops:\$2[aby]\$12\$/);
        assert.ok(htpasswdMatches(line, "ops", password));
        const np = find(objs, "NetworkPolicy", "c1-head-ingress");
        const fromController = np.spec.ingress.find((r: any) => r.from[0].podSelector?.matchLabels?.app === "ingress-nginx");
        assert.deepEqual(fromController.from[0].namespaceSelector, { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } });
        assert.ok(!np.spec.ingress.some((r: any) => r.from.some((f: any) => f.ipBlock)));
    });

    it("ingress: keeps the hash while the password matches, re-hashes when it changes", async () => {
        const created = await passwordHashProvider.create!({ username: "ops", password: "Kq7#mVz2pL" });
        const same = await passwordHashProvider.diff!("id", created.outs, { username: "ops", password: "Kq7#mVz2pL" });
        assert.equal(same.changes, false);
        const changed = await passwordHashProvider.diff!("id", created.outs, { username: "ops", password: "Zr4!tYw8qN" });
        assert.equal(changed.changes, true);
    });

    it("ingress: requires a strong dashboardPassword", () => {
        const ing = {
            mode: "ingress",
            host: "ray.example.com",
            tlsSecretName: "t",
            username: "ops",
            allowedSourceCidrs: ["203.0.113.0/24"],
        };
        const missing = validateStackConfig(minimalTeam({ clusters: [lbCluster(ing)] }));
        assert.ok(!missing.ok && missing.issues.some((i) => i.key === "ray-on-ack:dashboardPassword" && /required/.test(i.message)));
        const weak = validateStackConfig(minimalTeam({ dashboardPassword: "password", clusters: [lbCluster(ing)] }), [
            "ray-on-ack:dashboardPassword",
        ]);
        assert.ok(!weak.ok && weak.issues.some((i) => i.key === "ray-on-ack:dashboardPassword" && /too common/.test(i.message)));
    });
});

describe("the seed's password rule", () => {
    const cases: [string, RegExp][] = [
        ["Ab1!", /8-30 characters/],
        ["Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!", /8-30 characters/],
        ["abcdefgh1", /at least three of/],
        ["ABCDEFGH", /at least three of/],
        ["Abcdefg1 x", /may only contain/],
        ["Passw0rd!", /too common/],
        ["Qwerty123!", /too common/],
        ["Xyz!ops99k", /user name/],
    ];
    for (const [pw, why] of cases) {
        it(`refuses ${JSON.stringify(pw)} (${why.source})`, () => {
            assert.ok(
                passwordProblems(pw, "ops99").some((p) => why.test(p)),
                passwordProblems(pw, "ops99").join("; "),
            );
        });
    }
    it("accepts a strong password", () => {
        assert.deepEqual(passwordProblems("Kq7#mVz2pL", "ops"), []);
        assert.deepEqual(passwordProblems("kq7#mvz2pl", "ops"), [], "three classes are enough");
    });
});

describe("ElasticQuotaTree rules", () => {
    const child = (name: string, min: string, max: string, ns = [name]) => ({ name, namespaces: ns, min: { cpu: min }, max: { cpu: max } });
    const tree = (children: ReturnType<typeof child>[], root = { min: { cpu: "10" }, max: { cpu: "10" } }) => ({ ...root, children });

    it("accepts the platform stack's tree", () => {
        assert.deepEqual(quotaTreeProblems(tree([child("a", "4", "8"), child("b", "6", "10")])), []);
    });
    it("root min must equal root max", () => {
        assert.match(
            quotaTreeProblems(tree([], { min: { cpu: "8" }, max: { cpu: "10" } }))[0].message,
            /root min \(8\) must equal root max \(10\)/,
        );
    });
    it("a child's min must be <= its max", () => {
        const p = quotaTreeProblems(tree([child("a", "6", "4")]));
        assert.deepEqual(p[0].path, ["children", 0, "min", "cpu"]);
        assert.match(p[0].message, /a: min 6 must be <= max 4/);
    });
    it("the children's mins add up to at most the root's min", () => {
        assert.match(
            quotaTreeProblems(tree([child("a", "6", "10"), child("b", "6", "10")]))[0].message,
            /add up to more than the root's min/,
        );
    });
    it("a namespace belongs to one child only", () => {
        assert.match(
            quotaTreeProblems(tree([child("a", "1", "2", ["ns"]), child("b", "1", "2", ["ns"])]))[0].message,
            /namespace ns is already in a/,
        );
    });
    it("reports violations under the platform config key", () => {
        const r = validateStackConfig({
            "ray-on-ack:platform": "true",
            "ray-on-ack:cloud": JSON.stringify({ clusterId: "c1", accountId: "1", region: "cn-hangzhou" }),
            "ray-on-ack:quotaTree": JSON.stringify(tree([child("a", "6", "4")])),
        });
        assert.ok(!r.ok && r.issues.some((i) => i.key === "ray-on-ack:quotaTree.children[0].min.cpu"), JSON.stringify(r));
    });
});

describe("pod network binding", () => {
    it("binds the namespace to its vSwitches and security group with a PodNetworking", async () => {
        const objs = objects(await recordTeam(teamConfig("team-a")));
        const pn = objs.find((o) => o.kind === "PodNetworking")!;
        assert.equal(pn.metadata.namespace, undefined, "cluster-scoped");
        assert.deepEqual(pn.spec.selector, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ray-team-a" } } });
        assert.deepEqual(pn.spec.vSwitchOptions, ["vsw-bp1teamapods0000001"]);
        assert.deepEqual(pn.spec.securityGroupIDs, ["sg-bp1teamaray00000001"]);
    });
    it("creates one vSwitch per pod CIDR when asked", async () => {
        const config = validTeam({
            podCidrs: ["10.30.0.0/24", "10.30.1.0/24"],
            podNetwork: { securityGroupIds: ["sg-x1"], createVSwitch: { vpcId: "vpc-x1", zoneId: "cn-hangzhou-k" } },
        });
        const switches = (await recordTeam(config)).filter((r) => r.type === "alicloud:vpc/switch:Switch");
        assert.deepEqual(
            switches.map((s) => s.inputs.cidrBlock),
            ["10.30.0.0/24", "10.30.1.0/24"],
        );
    });
    it("refuses vSwitches whose CIDRs do not match the pod CIDRs", () => {
        assert.deepEqual(vSwitchMismatches(["10.0.0.0/24"], [{ id: "vsw-1", cidrBlock: "10.0.0.0/24" }]), []);
        assert.match(
            vSwitchMismatches(["10.0.0.0/24"], [{ id: "vsw-1", cidrBlock: "10.0.0.0/23" }])[0],
            /vsw-1 \(10\.0\.0\.0\/23\) is not inside podCidrs/,
        );
        assert.match(
            vSwitchMismatches(["10.0.0.0/24", "10.9.0.0/24"], [{ id: "vsw-1", cidrBlock: "10.0.0.0/24" }])[0],
            /pod CIDR 10\.9\.0\.0\/24 belongs to none of the vSwitches/,
        );
    });
    it("requires a vSwitch source and a security group", () => {
        const r = validateStackConfig(minimalTeam({ podNetwork: { securityGroupIds: [] } }));
        assert.ok(!r.ok);
        const keys = r.issues.map((i) => i.key);
        assert.ok(
            keys.includes("ray-on-ack:podNetwork.securityGroupIds") && keys.includes("ray-on-ack:podNetwork.vSwitchIds"),
            JSON.stringify(r.issues),
        );
    });
});
