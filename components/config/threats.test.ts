/**
 * Issue 11, section 1: single settings in a stack file that would widen the threat model. Each
 * class has a representative refusal with its key; the renderer test at the end runs the real
 * `npm run render` on a stack holding one of each and expects exit 2 and one line per key.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { validateStackConfig, type ConfigIssue } from "./validate";
import { networkPolicyObjects } from "../network/networkPolicies";
import { minimalTeam, teamConfig } from "../../test/helpers/configs";
import { ROOT, packConfigAs, runRender } from "../../test/helpers/render";
import { DEFAULT_PLATFORM_POLICY } from "@ray-on-ack/common/platformPolicy";

function issues(raw: Record<string, string>, secretKeys: string[] = []): ConfigIssue[] {
    const r = validateStackConfig(raw, secretKeys);
    assert.equal(r.ok, false, "config should be refused");
    return r.ok ? [] : r.issues;
}

function hasIssue(list: ConfigIssue[], key: string, pattern: RegExp): void {
    const hit = list.find((i) => i.key === key && pattern.test(i.message));
    assert.ok(hit, `expected an issue on ${key} matching ${pattern}, got:\n${list.map((i) => `${i.key}: ${i.message}`).join("\n")}`);
}

function accepted(raw: Record<string, string>, secretKeys: string[] = []): void {
    const r = validateStackConfig(raw, secretKeys);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
}

const group = (over: Record<string, unknown> = {}) => ({
    name: "cpu",
    cpu: "2",
    memory: "4Gi",
    replicas: 1,
    minReplicas: 1,
    maxReplicas: 2,
    ...over,
});
const cluster = (over: Record<string, unknown> = {}) => ({ name: "c1", workerGroups: [group()], ...over });
/** A CLB exposure: the HTTPS listener with a certificate unless the test picks the intranet tcp listener (whose NetworkPolicy admits sourceCidrs). */
const lb = (exposure: Record<string, unknown>) =>
    minimalTeam({
        clusters: [
            cluster({
                exposure: { mode: "loadbalancer", ...(exposure.listener === "tcp" ? {} : { certId: "12345678-cn-hangzhou" }), ...exposure },
            }),
        ],
    });
const ingress = (over: Record<string, unknown>) =>
    minimalTeam({
        dashboardPassword: "Kq7#mVz2pL",
        clusters: [
            cluster({
                exposure: {
                    mode: "ingress",
                    host: "ray.example.com",
                    tlsSecretName: "t",
                    username: "ops",
                    allowedSourceCidrs: ["203.0.113.0/24"],
                    ...over,
                },
            }),
        ],
    });
const SECRET = ["ray-on-ack:dashboardPassword"];

describe("config: Ray's own settings", () => {
    it("refuses RAY_ names Ray reads for auth and TLS, KubeRay's, RRSA's and trust-changing ones", () => {
        const env = {
            RAY_AUTH_MODE: "disabled",
            RAY_TLS_CA_CERT: "/etc/ssl/certs/ca-certificates.crt",
            KUBERAY_GEN_RAY_START_CMD: "x",
            ALIBABA_CLOUD_ROLE_ARN: "acs:ram::1:role/admin",
            SSL_CERT_FILE: "/x",
            LD_PRELOAD: "/x.so",
        };
        const list = issues(minimalTeam({ clusters: [cluster({ env })] }));
        hasIssue(
            list,
            "ray-on-ack:clusters[0].env.RAY_AUTH_MODE",
            /RAY_AUTH_MODE is reserved: Ray reads its authentication, TLS .*allowed: RAY_DEDUP_LOGS/,
        );
        hasIssue(list, "ray-on-ack:clusters[0].env.RAY_TLS_CA_CERT", /reserved/);
        hasIssue(list, "ray-on-ack:clusters[0].env.KUBERAY_GEN_RAY_START_CMD", /operator/);
        hasIssue(list, "ray-on-ack:clusters[0].env.ALIBABA_CLOUD_ROLE_ARN", /RRSA/);
        hasIssue(list, "ray-on-ack:clusters[0].env.SSL_CERT_FILE", /certificate authorities/);
        hasIssue(list, "ray-on-ack:clusters[0].env.LD_PRELOAD", /every process/);
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({ env: { XDG_CACHE_HOME: "/home/ray/.cache" } })] })),
            "ray-on-ack:clusters[0].env.XDG_CACHE_HOME",
            /set by ray-on-ack/,
        );
        hasIssue(
            issues(
                minimalTeam({
                    jobs: [{ ...cluster({ env: { ray_auth_mode: "disabled" } }), name: "j1", entrypoint: "python x.py" }],
                    clusters: [],
                }),
            ),
            "ray-on-ack:jobs[0].env.ray_auth_mode",
            /reserved/,
        );
    });

    it("keeps the documented log settings and ordinary names", () => {
        accepted(
            minimalTeam({
                clusters: [cluster({ env: { RAY_DEDUP_LOGS: "0", RAY_BACKEND_LOG_LEVEL: "debug", HF_HOME: "/tmp/hf", MY_SETTING: "x" } })],
            }),
        );
    });
});

describe("config: address coverage, counted", () => {
    it("refuses a public ACL of 0.0.0.0/1 + 128.0.0.0/1 by its address count", () => {
        const list = issues(lb({ addressType: "internet", aclEntries: [{ cidr: "0.0.0.0/1" }, { cidr: "128.0.0.0/1" }] }));
        hasIssue(
            list,
            "ray-on-ack:clusters[0].exposure.aclEntries",
            /^0\.0\.0\.0\/1 \+ 128\.0\.0\.0\/1 cover 4294967296 addresses; a public ACL may cover at most 65536 \(a \/16\)$/,
        );
    });

    it("merges overlaps: a /16 listed twice is one /16; two /16s are too many", () => {
        accepted(lb({ addressType: "internet", aclEntries: [{ cidr: "203.0.0.0/16" }, { cidr: "203.0.113.0/24" }] }));
        hasIssue(
            issues(lb({ addressType: "internet", aclEntries: [{ cidr: "203.0.0.0/16" }, { cidr: "203.1.0.0/16" }] })),
            "ray-on-ack:clusters[0].exposure.aclEntries",
            /131072 addresses/,
        );
    });

    it("caps sourceCidrs and allowedSourceCidrs, and never reads an empty allowedSourceCidrs as any source", () => {
        hasIssue(
            issues(lb({ listener: "tcp", aclId: "acl-bp1x", sourceCidrs: ["0.0.0.0/2", "64.0.0.0/2"] })),
            "ray-on-ack:clusters[0].exposure.sourceCidrs",
            /sourceCidrs may cover at most 65536/,
        );
        hasIssue(
            issues(lb({ listener: "tcp", aclEntries: [{ cidr: "203.0.113.0/27" }], sourceCidrs: ["10.20.0.0/16"] })),
            "ray-on-ack:clusters[0].exposure.sourceCidrs[0]",
            /10\.20\.0\.0\/16 is not inside the ACL's entries \(203\.0\.113\.0\/27\); the NetworkPolicy would admit sources the ACL does not/,
        );
        accepted(lb({ listener: "tcp", aclEntries: [{ cidr: "203.0.113.0/27" }], sourceCidrs: ["203.0.113.0/28", "203.0.113.16/28"] }));
        hasIssue(
            issues(ingress({ allowedSourceCidrs: [] }), SECRET),
            "ray-on-ack:clusters[0].exposure.allowedSourceCidrs",
            /at least one CIDR/,
        );
        hasIssue(
            issues(ingress({ allowedSourceCidrs: undefined }), SECRET),
            "ray-on-ack:clusters[0].exposure.allowedSourceCidrs",
            /is required/,
        );
        hasIssue(
            issues(ingress({ allowedSourceCidrs: ["::/1", "8000::/1"] }), SECRET),
            "ray-on-ack:clusters[0].exposure.allowedSourceCidrs",
            /IPv6 addresses; allowedSourceCidrs may cover at most a \/48/,
        );
    });

    it("caps public egress at a /16 but not VPC egress (RFC 1918, 100.64.0.0/10)", () => {
        const egress = (cidrs: string[]) => minimalTeam({ network: { egress: cidrs.map((cidr) => ({ cidr })) } });
        hasIssue(
            issues(egress(["0.0.0.0/1", "128.0.0.0/1"])),
            "ray-on-ack:network.egress",
            /public addresses; public egress \(network\.egress\) may cover at most 65536/,
        );
        hasIssue(
            issues(minimalTeam({ network: { apiServerCidrs: ["8.0.0.0/8"] } })),
            "ray-on-ack:network.apiServerCidrs",
            /16777216 public addresses/,
        );
        accepted(egress(["10.0.0.0/8", "172.16.0.0/12", "100.64.0.0/11", "47.96.0.0/16"]));
    });
});

describe("config: cloud metadata", () => {
    it("refuses an entry that is, or lies inside, a metadata range, wherever CIDRs are taken", () => {
        hasIssue(
            issues(minimalTeam({ network: { egress: [{ cidr: "100.100.100.200/32" }] } })),
            "ray-on-ack:network.egress[0].cidr",
            /100\.100\.100\.200\/32 is the cloud metadata range/,
        );
        hasIssue(
            issues(minimalTeam({ network: { egress: [{ cidr: "169.254.169.0/24" }] } })),
            "ray-on-ack:network.egress[0].cidr",
            /169\.254\.169\.0\/24 is inside the cloud metadata range 169\.254\.0\.0\/16/,
        );
        hasIssue(
            issues(minimalTeam({ network: { apiServerCidrs: ["169.254.0.0/16"] } })),
            "ray-on-ack:network.apiServerCidrs[0]",
            /metadata/,
        );
        hasIssue(
            issues(lb({ aclEntries: [{ cidr: "169.254.169.254/32" }] })),
            "ray-on-ack:clusters[0].exposure.aclEntries[0].cidr",
            /metadata/,
        );
    });

    it("excepts a metadata range from a wider egress entry that contains it (the examples' STS /24)", () => {
        const c = teamConfig("team-a");
        const nps = networkPolicyObjects({ team: c.team, namespace: "ray-team-a", network: c.network, clusters: [] }) as any[];
        const blocks = nps.find((np) => np.metadata.name === "ray-egress-allowlist").spec.egress.map((r: any) => r.to[0].ipBlock);
        assert.deepStrictEqual(blocks, [{ cidr: "100.118.28.0/24" }, { cidr: "100.100.100.0/24", except: ["100.100.100.200/32"] }]);
    });
});

describe("config: subjects", () => {
    it("refuses system: users and groups, and checks length and charset", () => {
        const list = issues(
            minimalTeam({ access: { groups: ["system:authenticated", "System:Masters"], users: ["alice bob", "a".repeat(129)] } }),
        );
        hasIssue(list, "ray-on-ack:access.groups[0]", /"system:authenticated" is a Kubernetes system identity/);
        hasIssue(list, "ray-on-ack:access.groups[1]", /system identity/);
        hasIssue(list, "ray-on-ack:access.users[0]", /letters, digits/);
        hasIssue(list, "ray-on-ack:access.users[1]", /1-128 characters/);
        accepted(
            minimalTeam({ access: { groups: ["team-a-data-scientists"], users: ["alice@example.com", "oidc:bob", "276331234567890123"] } }),
        );
    });
});

describe("config: RAM", () => {
    const extra = (st: Record<string, unknown>) => minimalTeam({ rrsa: { extraStatements: [{ Effect: "Allow", ...st }] } });
    it("allows listed OSS object actions on a bucket and prefix", () => {
        accepted(
            extra({
                Action: ["oss:GetObject", "oss:ListObjects"],
                Resource: ["acs:oss:*:*:team-x-data/models/*", "acs:oss:*:*:team-x-data"],
            }),
        );
    });

    it("refuses wildcard, RAM/STS and other services' actions, and wildcard resources", () => {
        hasIssue(
            issues(extra({ Action: "*", Resource: "acs:oss:*:*:bk1/p/*" })),
            "ray-on-ack:rrsa.extraStatements[0].Action",
            /wildcard action/,
        );
        hasIssue(
            issues(extra({ Action: ["oss:*"], Resource: "acs:oss:*:*:bk1/p/*" })),
            "ray-on-ack:rrsa.extraStatements[0].Action[0]",
            /"oss:\*" is a wildcard action/,
        );
        hasIssue(
            issues(extra({ Action: ["ram:AttachPolicyToRole"], Resource: "acs:oss:*:*:bk1/p/*" })),
            "ray-on-ack:rrsa.extraStatements[0].Action[0]",
            /administers identities \(ram\)/,
        );
        hasIssue(
            issues(extra({ Action: ["sts:AssumeRole"], Resource: "acs:oss:*:*:bk1/p/*" })),
            "ray-on-ack:rrsa.extraStatements[0].Action[0]",
            /administers identities \(sts\)/,
        );
        hasIssue(
            issues(extra({ Action: ["oss:PutBucketPolicy"], Resource: "acs:oss:*:*:bk1" })),
            "ray-on-ack:rrsa.extraStatements[0].Action[0]",
            /not in the RAM action allowlist/,
        );
        hasIssue(
            issues(extra({ Action: ["oss:GetObject"], Resource: ["acs:*:*:*:*"] })),
            "ray-on-ack:rrsa.extraStatements[0].Resource[0]",
            /not one OSS bucket/,
        );
        hasIssue(
            issues(extra({ Action: ["oss:GetObject"], Resource: ["acs:oss:*:*:*/*"] })),
            "ray-on-ack:rrsa.extraStatements[0].Resource[0]",
            /not one OSS bucket/,
        );
        hasIssue(
            issues(extra({ Action: ["oss:GetObject"], Resource: ["acs:oss:*:*:bk1/*/secret"] })),
            "ray-on-ack:rrsa.extraStatements[0].Resource[0]",
            /wildcard inside/,
        );
    });

    it("refuses bring-your-own RRSA details of another cluster", () => {
        const cloud = (over: Record<string, unknown>) =>
            minimalTeam({ cloud: { clusterId: "c0123abc", accountId: "1234567890123456", region: "cn-hangzhou", ...over } });
        const issuer = (id: string) => `https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/${id}`;
        const arn = (id: string) => `acs:ram::1234567890123456:oidc-provider/ack-rrsa-${id}`;
        hasIssue(
            issues(cloud({ rrsaProviderArn: arn("cffff"), rrsaIssuerUrl: issuer("cffff") })),
            "ray-on-ack:cloud.rrsaProviderArn",
            /this cluster's RRSA provider/,
        );
        hasIssue(
            issues(cloud({ rrsaProviderArn: arn("c0123abc"), rrsaIssuerUrl: issuer("cffff") })),
            "ray-on-ack:cloud.rrsaIssuerUrl",
            /not the issuer of cluster c0123abc/,
        );
        hasIssue(issues(cloud({ rrsaProviderArn: arn("c0123abc") })), "ray-on-ack:cloud.rrsaIssuerUrl", /together/);
        accepted(cloud({ rrsaProviderArn: arn("c0123abc"), rrsaIssuerUrl: issuer("c0123abc") }));
    });

    it("requires a non-empty OSS prefix to end in / without *; an empty one (whole bucket) is allowed", () => {
        const oss = (prefix: string) => minimalTeam({ rrsa: { oss: [{ bucket: "team-x-data", prefix }] } });
        hasIssue(issues(oss("etl")), "ray-on-ack:rrsa.oss[0].prefix", /must end in '\/'/);
        hasIssue(issues(oss("etl/*/")), "ray-on-ack:rrsa.oss[0].prefix", /contains '\*'/);
        accepted(oss(""));
        accepted(oss("etl/"));
    });
});

describe("config: namespaces, selectors and scheduling", () => {
    it("refuses system namespaces for the team and for allowedNamespaces", () => {
        hasIssue(issues(minimalTeam({ namespace: "kube-system" })), "ray-on-ack:namespace", /kube-system" is a system namespace/);
        hasIssue(issues(minimalTeam({ namespace: "default" })), "ray-on-ack:namespace", /system namespace/);
        hasIssue(issues(minimalTeam({ namespace: "kuberay-system" })), "ray-on-ack:namespace", /system namespace/);
        const list = issues(
            minimalTeam({
                network: { allowedNamespaces: ["kube-public", "arms-prom", "team-a-notebooks"], monitoringNamespace: "arms-prom" },
            }),
        );
        hasIssue(list, "ray-on-ack:network.allowedNamespaces[0]", /system namespace.*Ray dashboard/);
        hasIssue(list, "ray-on-ack:network.allowedNamespaces[1]", /monitoring/);
        assert.ok(!list.some((i) => i.key === "ray-on-ack:network.allowedNamespaces[2]"));
    });

    it("refuses namespace labels that Pod Security, RRSA or the NetworkPolicies read", () => {
        const list = issues(
            minimalTeam({
                labels: {
                    "pod-security.kubernetes.io/enforce": "privileged",
                    "kubernetes.io/metadata.name": "team-a-notebooks",
                    "ray-on-ack.io/team": "team-a",
                    cost: "x",
                },
            }),
        );
        hasIssue(list, "ray-on-ack:labels.pod-security.kubernetes.io/enforce", /reserved/);
        hasIssue(list, "ray-on-ack:labels.kubernetes.io/metadata.name", /reserved/);
        hasIssue(list, "ray-on-ack:labels.ray-on-ack.io/team", /reserved/);
        assert.ok(!list.some((i) => i.key === "ray-on-ack:labels.cost"));
    });

    it("refuses empty label selectors", () => {
        hasIssue(
            issues(minimalTeam({ network: { dnsPodLabels: {} } })),
            "ray-on-ack:network.dnsPodLabels",
            /empty selector selects every pod/,
        );
        hasIssue(
            issues(ingress({ controllerPodLabels: {} }), SECRET),
            "ray-on-ack:clusters[0].exposure.controllerPodLabels",
            /empty selector/,
        );
    });

    it("refuses tolerations without a key and scheduling onto control-plane nodes", () => {
        const list = issues(
            minimalTeam({
                clusters: [
                    cluster({
                        workerGroups: [
                            group({
                                tolerations: [
                                    { operator: "Exists" },
                                    { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
                                ],
                                nodeSelector: { "node-role.kubernetes.io/master": "" },
                            }),
                        ],
                    }),
                ],
            }),
        );
        hasIssue(list, "ray-on-ack:clusters[0].workerGroups[0].tolerations[0].key", /tolerates every taint/);
        hasIssue(list, "ray-on-ack:clusters[0].workerGroups[0].tolerations[1].key", /control-plane/);
        hasIssue(list, "ray-on-ack:clusters[0].workerGroups[0].nodeSelector.node-role.kubernetes.io/master", /control-plane/);
    });
});

describe("config: images", () => {
    it("defaults to a registry and namespace, and refuses custom entries without a namespace", () => {
        const r = validateStackConfig(minimalTeam());
        assert.ok(r.ok && r.value.kind === "team");
        assert.deepStrictEqual(r.value.config.security.allowedRegistries, ["docker.io/rayproject/"]);
        const list = issues(
            minimalTeam({ security: { allowedRegistries: ["registry.cn-hangzhou.aliyuncs.com/", "docker.io", "quay.io/acme"] } }),
        );
        hasIssue(list, "ray-on-ack:security.allowedRegistries[0]", /registry host and namespace.*bare host admits every namespace/);
        hasIssue(list, "ray-on-ack:security.allowedRegistries[1]", /namespace/);
        hasIssue(list, "ray-on-ack:security.allowedRegistries[2]", /ending in '\/'/);
        // A team's own list narrows the platform's: inside it, accepted; outside it, refused.
        const acme = minimalTeam({
            security: { allowedRegistries: ["registry-vpc.cn-hangzhou.aliyuncs.com/acme-ray/"] },
            clusters: [cluster({ image: { repository: "registry-vpc.cn-hangzhou.aliyuncs.com/acme-ray/ray" } })],
        });
        const platform = {
            ...DEFAULT_PLATFORM_POLICY,
            lists: {
                ...DEFAULT_PLATFORM_POLICY.lists,
                allowedRegistries: ["docker.io/rayproject/", "registry-vpc.cn-hangzhou.aliyuncs.com/acme-ray/"],
            },
        };
        assert.ok(validateStackConfig(acme, [], { platform }).ok);
        hasIssue(issues(acme), "ray-on-ack:security.allowedRegistries[0]", /is not inside the platform's registries/);
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({ image: { repository: "registry.cn-hangzhou.aliyuncs.com/anyone/ray" } })] })),
            "ray-on-ack:clusters[0].image.repository",
            /not in security.allowedRegistries/,
        );
        hasIssue(
            issues(minimalTeam({ clusters: [cluster({ image: { repository: "docker.io/rayproject/../evil/ray" } })] })),
            "ray-on-ack:clusters[0].image.repository",
            /must be an image repository/,
        );
    });
});

describe("config: secrets", () => {
    it("refuses a dashboardPassword that is not a Pulumi secret, and a kubeconfig at all, never echoing it", () => {
        hasIssue(
            issues(ingress({})),
            "ray-on-ack:dashboardPassword",
            /plain text in the stack file; set it as a secret: pulumi config set --secret dashboardPassword/,
        );
        const kubeconfig = issues(minimalTeam({ kubeconfig: "apiVersion: v1" }));
        hasIssue(kubeconfig, "ray-on-ack:kubeconfig", /^was removed: a kubeconfig in a stack file reaches the Kubernetes provider/);
        assert.ok(!kubeconfig.some((i) => i.message.includes("apiVersion")), "never echoed");
        accepted(ingress({}), SECRET);
    });
});

describe("config: the stack kind", () => {
    it("refuses a team stack file that declares itself the platform stack, naming every team key", () => {
        // `ray-on-ack:platform` picks the program's path (cluster-wide objects, no dynamic-provider
        // host): a team file cannot take it with its own settings in tow.
        const list = issues(minimalTeam({ platform: true }));
        for (const key of ["team", "podCidrs", "podNetwork", "clusters"]) {
            hasIssue(list, `ray-on-ack:${key}`, /unknown key \(known here: .*platform/);
        }
        hasIssue(list, "ray-on-ack:quotaTree", /is required/);
    });
});

describe("render refuses each class with exit 2 and its key", function () {
    this.timeout(240_000);

    it("one line per refused setting, nothing written", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-threats-"));
        try {
            const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-b.yaml"), "utf8"));
            const c = doc.config;
            c["ray-on-ack:podCidrs"] = ["10.99.0.0/24"];
            c["ray-on-ack:clusters"][0].env = { RAY_AUTH_MODE: "disabled" };
            c["ray-on-ack:clusters"][0].exposure.aclEntries = [{ cidr: "0.0.0.0/1" }, { cidr: "128.0.0.0/1" }];
            c["ray-on-ack:network"].egress.push({ cidr: "100.100.100.200/32" });
            c["ray-on-ack:access"] = { groups: ["system:authenticated"] };
            c["ray-on-ack:rrsa"].extraStatements = [{ Effect: "Allow", Action: "*", Resource: "acs:*:*:*:*" }];
            c["ray-on-ack:network"].allowedNamespaces = ["kube-system"];
            c["ray-on-ack:security"] = { allowedRegistries: ["registry.cn-hangzhou.aliyuncs.com/"] };
            c["ray-on-ack:jobs"][0].workerGroups[0].tolerations = [{ operator: "Exists" }];
            c["ray-on-ack:dashboardPassword"] = "Kq7#mVz2pL";
            // Its encrypted Redis password would get a stand-in (a note line); the refusals are the point here.
            delete c["ray-on-ack:gcsRedisPassword"];
            fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), YAML.stringify(doc));
            const r = runRender(["--stack", "bad", "--stacks-dir", dir]);
            assert.equal(r.status, 2, r.stderr);
            const lines = r.stderr.trim().split("\n");
            assert.ok(
                lines.every((l) => /^error: ray-on-ack:[^:]+: .+/.test(l)),
                r.stderr,
            );
            for (const line of [
                "error: ray-on-ack:clusters[0].env.RAY_AUTH_MODE: RAY_AUTH_MODE is reserved",
                "error: ray-on-ack:clusters[0].exposure.aclEntries: 0.0.0.0/1 + 128.0.0.0/1 cover 4294967296 addresses; a public ACL may cover at most 65536 (a /16)",
                "error: ray-on-ack:network.egress[2].cidr: 100.100.100.200/32 is the cloud metadata range",
                'error: ray-on-ack:access.groups[0]: "system:authenticated" is a Kubernetes system identity',
                'error: ray-on-ack:rrsa.extraStatements[0].Action: "*" is a wildcard action',
                'error: ray-on-ack:network.allowedNamespaces[0]: "kube-system" is a system namespace',
                "error: ray-on-ack:security.allowedRegistries[0]:",
                "error: ray-on-ack:jobs[0].workerGroups[0].tolerations[0].key: is required",
                "error: ray-on-ack:dashboardPassword: is plain text in the stack file",
            ]) {
                assert.ok(
                    lines.some((l) => l.startsWith(line)),
                    `${line}\nin\n${r.stderr}`,
                );
            }
            assert.ok(!fs.existsSync(r.out), "nothing written");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a team stack whose pod CIDRs overlap another stack's in the same directory, naming it", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-overlap-"));
        try {
            const a = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-a.yaml"), "utf8"));
            fs.writeFileSync(path.join(dir, "Pulumi.first.yaml"), YAML.stringify(a));
            a.config["ray-on-ack:team"] = "second";
            a.config["ray-on-ack:podCidrs"] = ["10.20.0.128/25"];
            fs.writeFileSync(path.join(dir, "Pulumi.second.yaml"), YAML.stringify(a));
            // The registry gives `second` team-a's range: only the stack file beside it says the addresses are taken.
            const pack = packConfigAs({ second: "team-a" }, dir, (p) =>
                Object.assign(p["ray-tenancy"].tenants.second, { team: "second", namespace: "ray-second" }),
            );
            const r = runRender(["--stack", "second", "--stacks-dir", dir, "--policy-pack-config", pack]);
            assert.equal(r.status, 2, r.stderr);
            assert.match(
                r.stderr,
                /^error: ray-on-ack:podCidrs\[0\]: 10\.20\.0\.128\/25 overlaps 10\.20\.0\.0\/24 of stack first \(.*Pulumi\.first\.yaml\)/,
            );
            assert.ok(!fs.existsSync(r.out), "nothing written");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
