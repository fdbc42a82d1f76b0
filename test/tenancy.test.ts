/**
 * Issue 22, the config side: what a team writes (its stack file, or a program's args) may claim
 * only what the tenancy registry gives its stack, may set only the keys on the stack file's
 * allowlist, and can only narrow the platform's lists. Each refusal names the key and, where another
 * team owns the thing, that team's stack. The registry here is made up for the tests (the real
 * stacks' is exercised by the render tests at the end), so no test depends on the real team names.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { validateStackConfig, type ConfigIssue } from "../components/config/validate";
import { platformPolicyOf, type PlatformPolicy } from "@ray-on-ack/common/platformPolicy";
import { tenancySchema } from "@ray-on-ack/common/tenancy";
import { DEFAULT_PLATFORM_LISTS } from "@ray-on-ack/common/platformLists";
import { kubeconfigProblems } from "../components/cloud/clusterLookup";
import { parseStackFile } from "../program/stackFile";
import { HardenedRayCluster, TeamEnvironment } from "../components";
import { minimalTeam } from "./helpers/configs";
import { ROOT, runRender } from "./helpers/render";
import { recordRegistrations } from "./helpers/mockRun";
import { parseTeamArgs } from "../components/team/teamArgs";

const REGISTRY = {
    cluster: { apiServerCidrs: ["192.168.0.10/32"], apiServerPort: 6443, monitoringNamespace: "arms-prom" },
    tenants: {
        red: {
            team: "red",
            namespace: "ray-red",
            podCidrs: ["10.60.0.0/22"],
            vSwitchIds: ["vsw-red1"],
            securityGroupIds: ["sg-red1"],
            oss: [{ bucket: "red-data", access: "read-write" }],
            nas: [{ server: "nas-red.example.com", path: "/red/" }],
            hosts: ["*.red.example.com"],
            gatewayListeners: [{ gateway: "shared", namespace: "gateways", sectionName: "red-https" }],
            clbCertIds: ["red-cert"],
            clbAclIds: ["acl-red1"],
            ramRoles: ["ray-red", "ray-red-*"],
            nodePools: [
                {
                    name: "red-gpu",
                    labels: { "pool.example.com/owner": "red" },
                    taints: [{ key: "dedicated", value: "red", effect: "NoSchedule" }],
                },
            ],
            egress: [{ cidr: "10.70.1.10/32", ports: [6379], description: "red's Redis" }],
        },
        blue: {
            team: "blue",
            namespace: "ray-blue",
            podCidrs: ["10.60.4.0/22"],
            vSwitchIds: ["vsw-blue1"],
            securityGroupIds: ["sg-blue1"],
            oss: [{ bucket: "blue-data", prefix: "etl/", access: "read-write" }],
            hosts: ["*.blue.example.com"],
            ramRoles: ["ray-blue", "ray-blue-*"],
            egress: [{ cidr: "100.118.28.0/24", ports: [443], description: "OSS VPC endpoint" }],
        },
    },
    shared: { oss: [{ bucket: "reference", prefix: "public/", readers: ["*"] }] },
};

const PLATFORM: PlatformPolicy = {
    lists: { ...DEFAULT_PLATFORM_LISTS, allowedPodLabelKeys: [...DEFAULT_PLATFORM_LISTS.allowedPodLabelKeys, "cost-center"] },
    tenancy: tenancySchema.parse(REGISTRY),
};

const cloud = { clusterId: "c1", accountId: "1234567890123456", region: "cn-hangzhou" };
/** blue's own, valid stack: what each test then edits into an attempt. */
const blue = (overrides: Record<string, unknown> = {}) =>
    minimalTeam({
        team: "blue",
        podCidrs: ["10.60.4.0/24"],
        podNetwork: { vSwitchIds: ["vsw-blue1"], securityGroupIds: ["sg-blue1"] },
        ...overrides,
    });

function issuesOf(raw: Record<string, unknown>, stack = "blue", platform = PLATFORM, secretKeys: string[] = []): ConfigIssue[] {
    const r = validateStackConfig(raw, secretKeys, { stack, platform });
    return r.ok ? [] : r.issues;
}

function refusedWith(raw: Record<string, unknown>, key: string, pattern: RegExp, stack = "blue"): void {
    const found = issuesOf(raw, stack);
    const hit = found.find((i) => i.key === key);
    assert.ok(hit, `no issue on ${key}; got:\n${found.map((i) => `${i.key}: ${i.message}`).join("\n")}`);
    assert.match(hit.message, pattern);
}

const OWNED_BY_RED = /belongs to stack red \(tenancy registry: ray-tenancy\.tenants\.red\)/;

describe("tenancy: a team stack claims only what its registry entry lists", () => {
    it("accepts blue's own stack, and refuses a stack with no entry", () => {
        assert.deepEqual(issuesOf(blue()), []);
        refusedWith(blue(), "ray-on-ack:team", /^stack green has no entry in the tenancy registry .*registered: blue, red\)/, "green");
    });

    it("refuses another team's name, namespace, pod CIDRs, vSwitches, security groups and VPC, naming the owner", () => {
        refusedWith(blue({ team: "red" }), "ray-on-ack:team", /^team name red belongs to stack red/);
        refusedWith(blue({ namespace: "ray-red" }), "ray-on-ack:namespace", OWNED_BY_RED);
        refusedWith(blue({ podCidrs: ["10.60.0.0/24"] }), "ray-on-ack:podCidrs[0]", /^pod CIDR 10\.60\.0\.0\/24 belongs to stack red/);
        refusedWith(
            blue({ podCidrs: ["10.61.0.0/24"] }),
            "ray-on-ack:podCidrs[0]",
            /is not registered to stack blue \(tenancy registry: ray-tenancy\.tenants\.blue\.podCidrs \(10\.60\.4\.0\/22\)\)/,
        );
        refusedWith(
            blue({ podNetwork: { vSwitchIds: ["vsw-blue1", "vsw-red1"], securityGroupIds: ["sg-blue1"] } }),
            "ray-on-ack:podNetwork.vSwitchIds[1]",
            /^vSwitch vsw-red1 belongs to stack red/,
        );
        refusedWith(
            blue({ podNetwork: { vSwitchIds: ["vsw-blue1"], securityGroupIds: ["sg-red1"] } }),
            "ray-on-ack:podNetwork.securityGroupIds[0]",
            /^security group sg-red1 belongs to stack red/,
        );
        refusedWith(
            blue({ podNetwork: { createVSwitch: { vpcId: "vpc-other", zoneId: "cn-hangzhou-k" }, securityGroupIds: ["sg-blue1"] } }),
            "ray-on-ack:podNetwork.createVSwitch.vpcId",
            /^VPC vpc-other is not registered to stack blue/,
        );
    });

    it("refuses another team's bucket in RRSA grants, extra statements and OSS volumes, and writes to a shared bucket", () => {
        const rrsa = (r: Record<string, unknown>) => blue({ cloud, rrsa: r });
        refusedWith(
            rrsa({ oss: [{ bucket: "red-data", access: "read" }] }),
            "ray-on-ack:rrsa.oss[0]",
            /^read access to oss:\/\/red-data\/ belongs to stack red/,
        );
        // Inside blue's bucket but outside its registered prefix.
        refusedWith(
            rrsa({ oss: [{ bucket: "blue-data", prefix: "models/", access: "read" }] }),
            "ray-on-ack:rrsa.oss[0]",
            /is not registered to stack blue/,
        );
        assert.deepEqual(
            issuesOf(
                rrsa({
                    oss: [
                        { bucket: "blue-data", prefix: "etl/daily/", access: "read-write" },
                        { bucket: "reference", prefix: "public/", access: "read" },
                    ],
                }),
            ),
            [],
        );
        refusedWith(
            rrsa({ oss: [{ bucket: "reference", prefix: "public/", access: "read-write" }] }),
            "ray-on-ack:rrsa.oss[0]",
            /the registry grants stack blue read access only \(ray-tenancy\.shared\.oss\)/,
        );
        refusedWith(
            rrsa({
                extraStatements: [
                    { Effect: "Allow", Action: ["oss:GetObject"], Resource: ["acs:oss:*:*:blue-data/etl/*", "acs:oss:*:*:red-data/*"] },
                ],
            }),
            "ray-on-ack:rrsa.extraStatements[0].Resource[1]",
            /^read access to oss:\/\/red-data\/ belongs to stack red/,
        );
        const volume = (attrs: Record<string, string>, readOnly = true) =>
            blue({
                clusters: [
                    {
                        name: "c1",
                        volumes: [
                            {
                                name: "d",
                                mountPath: "/mnt/d",
                                readOnly,
                                csi: { driver: "ossplugin.csi.alibabacloud.com", volumeAttributes: attrs },
                            },
                        ],
                        workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }],
                    },
                ],
            });
        refusedWith(
            volume({ bucket: "red-data", path: "/" }),
            "ray-on-ack:clusters[0].volumes[0].csi.volumeAttributes.bucket",
            /^read access to oss:\/\/red-data\/ belongs to stack red/,
        );
        refusedWith(
            volume({ bucket: "reference", path: "/public" }, false),
            "ray-on-ack:clusters[0].volumes[0].csi.volumeAttributes.bucket",
            /read access only/,
        );
        refusedWith(
            volume({ bucket: "blue-data", path: "/etl", roleName: "ray-red" }),
            "ray-on-ack:clusters[0].volumes[0].csi.volumeAttributes.roleName",
            /^RAM role ray-red belongs to stack red/,
        );
    });

    it("refuses another team's NAS directory, RAM roles, hosts and gateway listeners", () => {
        const nas = blue({
            clusters: [
                {
                    name: "c1",
                    volumes: [
                        {
                            name: "n",
                            mountPath: "/mnt/n",
                            csi: {
                                driver: "nasplugin.csi.alibabacloud.com",
                                volumeAttributes: { server: "nas-red.example.com", path: "/red/models" },
                            },
                        },
                    ],
                    workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }],
                },
            ],
        });
        refusedWith(
            nas,
            "ray-on-ack:clusters[0].volumes[0].csi.volumeAttributes.server",
            /^NAS nas-red\.example\.com:\/red\/models belongs to stack red/,
        );
        refusedWith(
            blue({ cloud, rrsa: { existingRoleName: "ray-red-admin" } }),
            "ray-on-ack:rrsa.existingRoleName",
            /^RAM role ray-red-admin belongs to stack red/,
        );
        // A team named so that its generated role name lands in another team's roles.
        const ingress = (host: string) =>
            blue({
                dashboardPassword: "Qz7#Rw4!Tx9@",
                clusters: [
                    {
                        name: "c1",
                        exposure: { mode: "ingress", host, tlsSecretName: "tls", username: "u", allowedSourceCidrs: ["203.0.113.0/24"] },
                        workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }],
                    },
                ],
            });
        const issues = (raw: Record<string, unknown>) =>
            validateStackConfig(raw, ["ray-on-ack:dashboardPassword"], { stack: "blue", platform: PLATFORM });
        const hostRefusal = issues(ingress("dashboard.red.example.com"));
        assert.ok(
            !hostRefusal.ok &&
                hostRefusal.issues.some(
                    (i) =>
                        i.key === "ray-on-ack:clusters[0].exposure.host" &&
                        /^host dashboard\.red\.example\.com belongs to stack red/.test(i.message),
                ),
            JSON.stringify(hostRefusal),
        );
        assert.ok(issues(ingress("dashboard.blue.example.com")).ok);
        const gateway = (sectionName: string) =>
            blue({
                dashboardPassword: "Qz7#Rw4!Tx9@",
                clusters: [
                    {
                        name: "c1",
                        exposure: {
                            mode: "gateway",
                            gatewayName: "shared",
                            gatewayNamespace: "gateways",
                            listenerName: sectionName,
                            host: "d.blue.example.com",
                            username: "u",
                            allowedSourceCidrs: ["203.0.113.0/24"],
                        },
                        workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }],
                    },
                ],
            });
        const listener = issues(gateway("red-https"));
        assert.ok(
            !listener.ok &&
                listener.issues.some(
                    (i) =>
                        i.key === "ray-on-ack:clusters[0].exposure.listenerName" &&
                        /^Gateway listener gateways\/shared\/red-https belongs to stack red/.test(i.message),
                ),
            JSON.stringify(listener),
        );
    });

    it("refuses another team's CLB certificate and ACL on a load balancer exposure", () => {
        const lb = (e: Record<string, unknown>) =>
            blue({
                clusters: [
                    {
                        name: "c1",
                        exposure: { mode: "loadbalancer", addressType: "intranet", ...e },
                        workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }],
                    },
                ],
            });
        refusedWith(
            lb({ certId: "red-cert", aclEntries: [{ cidr: "10.1.0.0/24" }] }),
            "ray-on-ack:clusters[0].exposure.certId",
            /^CLB certificate red-cert belongs to stack red/,
        );
        refusedWith(
            lb({ certId: "blue-cert", aclId: "acl-red1" }),
            "ray-on-ack:clusters[0].exposure.aclId",
            /^CLB ACL acl-red1 belongs to stack red/,
        );
    });

    it("refuses selecting or tolerating another team's dedicated node pool", () => {
        const group = (g: Record<string, unknown>) =>
            blue({ clusters: [{ name: "c1", workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi", ...g }] }] });
        refusedWith(
            group({ nodeSelector: { "pool.example.com/owner": "red" } }),
            "ray-on-ack:clusters[0].workerGroups[0].nodeSelector.pool.example.com/owner",
            /selects node pool red-gpu, which belongs to stack red/,
        );
        refusedWith(
            group({ tolerations: [{ key: "dedicated", operator: "Equal", value: "red", effect: "NoSchedule" }] }),
            "ray-on-ack:clusters[0].workerGroups[0].tolerations[0]",
            /tolerates dedicated=red:NoSchedule, a taint of node pool red-gpu, which belongs to stack red/,
        );
        refusedWith(
            group({ tolerations: [{ key: "dedicated", operator: "Exists" }] }),
            "ray-on-ack:clusters[0].workerGroups[0].tolerations[0]",
            /node pool red-gpu/,
        );
        refusedWith(
            group({
                affinity: {
                    nodeAffinity: {
                        requiredDuringSchedulingIgnoredDuringExecution: {
                            nodeSelectorTerms: [
                                { matchExpressions: [{ key: "pool.example.com/owner", operator: "In", values: ["red", "x"] }] },
                            ],
                        },
                    },
                },
            }),
            "ray-on-ack:clusters[0].workerGroups[0].affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]",
            /selects node pool red-gpu/,
        );
    });

    it("reaches private addresses and node ports only where the registry says: egress, the API server, monitoring, DNS", () => {
        const net = (n: Record<string, unknown>) => blue({ network: n });
        assert.deepEqual(issuesOf(net({ egress: [{ cidr: "100.118.28.0/24", ports: [443] }] })), []);
        refusedWith(
            net({ egress: [{ cidr: "10.70.1.10/32", ports: [6379] }] }),
            "ray-on-ack:network.egress[0]",
            /reaches private address space not registered as an endpoint of stack blue/,
        );
        refusedWith(net({ egress: [{ cidr: "100.118.28.0/24", ports: [443, 80] }] }), "ray-on-ack:network.egress[0]", /not registered/);
        // A public /15 around a private /16: the private half counts.
        refusedWith(
            net({ egress: [{ cidr: "192.168.0.0/15", ports: [443] }] }),
            "ray-on-ack:network.egress[0]",
            /reaches private address space/,
        );
        refusedWith(
            net({ egress: [{ cidr: "203.0.113.0/24", ports: [10250] }] }),
            "ray-on-ack:network.egress[0]",
            /10250 are node or control-plane ports/,
        );
        refusedWith(
            net({ apiServerCidrs: ["10.60.0.1/32"] }),
            "ray-on-ack:network.apiServerCidrs[0]",
            /is not the cluster's API server \(tenancy registry: ray-tenancy\.cluster\.apiServerCidrs: 192\.168\.0\.10\/32\)/,
        );
        // The monitoring namespace is the registry's alone: the team key is refused, and the
        // platform's namespace is admitted to the metrics port only, never to the dashboard.
        refusedWith(
            net({ monitoringNamespace: "ray-red" }),
            "ray-on-ack:network.monitoringNamespace",
            /^was removed: .*ray-tenancy\.cluster\.monitoringNamespace/,
        );
        refusedWith(
            net({ allowedNamespaces: ["arms-prom"] }),
            "ray-on-ack:network.allowedNamespaces[0]",
            /is the platform's monitoring namespace/,
        );
        refusedWith(
            net({ dnsNamespace: "ray-red", dnsPodLabels: { "ray.io/node-type": "head" } }),
            "ray-on-ack:network.dnsNamespace",
            /is the namespace of stack red/,
        );
    });

    it("the platform stack's quota tree lists only registered team namespaces; only the stack named platform is the platform stack", () => {
        const platformStack = {
            "ray-on-ack:platform": "true",
            "ray-on-ack:cloud": JSON.stringify(cloud),
            "ray-on-ack:quotaTree": JSON.stringify({
                min: { cpu: "4" },
                max: { cpu: "4" },
                children: [{ name: "red", namespaces: ["ray-red", "kube-system"], min: { cpu: "1" }, max: { cpu: "2" } }],
            }),
        };
        const asPlatform = issuesOf(platformStack, "platform");
        assert.deepEqual(
            asPlatform.map((i) => i.key),
            ["ray-on-ack:quotaTree.children[0].namespaces[1]"],
        );
        assert.match(asPlatform[0].message, /^kube-system is not the namespace of a registered team stack/);
        refusedWith(platformStack, "ray-on-ack:platform", /^stack blue says it is the platform stack; only the stack named platform/);
        refusedWith(blue(), "ray-on-ack:platform", /is required \(true\) in stack platform/, "platform");
    });

    it("the registry itself refuses two teams owning one thing, naming both", () => {
        const clash = tenancySchema.safeParse({
            tenants: {
                ...REGISTRY.tenants,
                green: {
                    team: "green",
                    namespace: "ray-green",
                    podCidrs: ["10.60.2.0/24"],
                    oss: [{ bucket: "red-data", prefix: "x/" }],
                    hosts: ["a.red.example.com"],
                },
            },
        });
        assert.ok(!clash.success);
        const messages = clash.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
        assert.match(
            messages,
            /tenants\.green\.podCidrs: 10\.60\.2\.0\/24 \(overlapping 10\.60\.0\.0\/22\) is also registered to stack red/,
        );
        assert.match(messages, /tenants\.green\.oss: oss:\/\/red-data\/x\/ is also registered to stack red/);
        assert.match(
            messages,
            /tenants\.green\.hosts: host a\.red\.example\.com \(overlapping \*\.red\.example\.com\) is also registered to stack red/,
        );
    });
});

describe("tenancy: a stack file may set only its allowlisted keys", () => {
    it("refuses kubernetes:*, alicloud credentials and endpoints, pulumi:* beyond tags, and the removed kubeconfig keys", () => {
        const raw = {
            ...blue(),
            "kubernetes:kubeconfig": "apiVersion: v1",
            "kubernetes:context": "prod",
            "alicloud:accessKey": "x",
            "alicloud:endpoints": "[]",
            "pulumi:disable-default-providers": "[]",
            "alicloud:region": "cn-hangzhou",
            "pulumi:tags": "{}",
            "ray-on-ack:kubeconfig": "apiVersion: v1",
        };
        const found = issuesOf(raw, "blue", PLATFORM, ["ray-on-ack:kubeconfig"]);
        const byKey = Object.fromEntries(found.map((i) => [i.key, i.message]));
        assert.match(byKey["kubernetes:kubeconfig"], /^is a Kubernetes provider setting: .*exec runs any command/);
        assert.match(byKey["kubernetes:context"], /Kubernetes provider setting/);
        assert.match(
            byKey["alicloud:accessKey"],
            /credentials, profiles, endpoints and role assumption come from the deploy's environment/,
        );
        assert.match(byKey["alicloud:endpoints"], /endpoints/);
        assert.match(byKey["pulumi:disable-default-providers"], /a Pulumi setting a stack file may not change/);
        assert.match(byKey["ray-on-ack:kubeconfig"], /^was removed: a kubeconfig in a stack file reaches the Kubernetes provider/);
        assert.ok(!("alicloud:region" in byKey) && !("pulumi:tags" in byKey), "the two allowlisted keys pass");
        assert.ok(!found.some((i) => i.message.includes("apiVersion")), "the kubeconfig is never echoed");
        refusedWith(
            blue({ cloud: { ...cloud, kubeconfigSource: "config" } }),
            "ray-on-ack:cloud.kubeconfigSource",
            /^was removed: the kubeconfig comes from the cluster/,
        );
    });

    it("refuses a kubeconfig whose user runs a command or a plugin (exec, auth-provider)", () => {
        const kubeconfig = (user: Record<string, unknown>) =>
            YAML.stringify({ apiVersion: "v1", kind: "Config", users: [{ name: "deploy", user }] });
        assert.deepEqual(kubeconfigProblems(kubeconfig({ token: "t" }), "k"), []);
        assert.match(
            kubeconfigProblems(kubeconfig({ exec: { command: "sh", args: ["-c", "curl evil"] } }), "k").join(),
            /^k: user "deploy" authenticates with exec, which runs a command/,
        );
        assert.match(kubeconfigProblems(kubeconfig({ "auth-provider": { name: "oidc" } }), "k").join(), /authenticates with auth-provider/);
        assert.match(kubeconfigProblems("users: [a\n", "k").join(), /^k: is not a kubeconfig/);
    });

    it("refuses YAML merge keys, duplicate keys, explicit tags, unknown top-level keys and environment:, naming the file", () => {
        const file = "stacks/Pulumi.blue.yaml";
        assert.throws(
            () => parseStackFile("config:\n  ray-on-ack:team: blue\n  ray-on-ack:team: red\n", file),
            /stacks\/Pulumi\.blue\.yaml: a key appears twice: Map keys must be unique/,
        );
        assert.throws(
            () =>
                parseStackFile(
                    "config:\n  ray-on-ack:network:\n    <<: {egress: [{cidr: 10.70.1.10/32, ports: [6379]}]}\n    apiServerPort: 6443\n",
                    file,
                ),
            /stacks\/Pulumi\.blue\.yaml \(line 3\): config\.ray-on-ack:network\.<<: YAML merge keys are refused/,
        );
        assert.throws(
            () => parseStackFile("config:\n  ray-on-ack:team: !!binary Ymx1ZQ==\n", file),
            /the tag tag:yaml\.org,2002:binary is refused/,
        );
        assert.throws(() => parseStackFile("config: {}\nbackend: {url: 's3://x'}\n", file), /top-level key\(s\) backend are refused/);
        assert.deepEqual(
            parseStackFile("secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n  ray-on-ack:team: blue\n", file).config,
            { "ray-on-ack:team": "blue" },
        );
    });
});

describe("tenancy: a team's lists only narrow the platform's, and the platform's allowlists hold", () => {
    it("refuses a team registry outside the platform's, a digest the platform has not verified, and an ingress class it does not allow", () => {
        refusedWith(
            blue({ security: { allowedRegistries: ["registry.example.com/blue/"] } }),
            "ray-on-ack:security.allowedRegistries[0]",
            /is not inside the platform's registries \(ray-image-registry-allowed\.allowedRegistries: docker\.io\/rayproject\/\)/,
        );
        assert.deepEqual(issuesOf(blue({ security: { allowedRegistries: ["docker.io/rayproject/ray/"] } })), [], "a narrower entry passes");
        const digest = `sha256:${"a".repeat(64)}`;
        const pinned = blue({ clusters: [{ name: "c1", image: { digest }, workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }] }] });
        refusedWith(
            pinned,
            "ray-on-ack:clusters[0].image.digest",
            /docker\.io\/rayproject\/ray:2\.60\.0@sha256:a{64} is not a digest the platform has verified/,
        );
        const verified: PlatformPolicy = {
            ...PLATFORM,
            lists: { ...PLATFORM.lists, allowedDigests: [`docker.io/rayproject/ray:2.60.0@${digest}`] },
        };
        assert.deepEqual(issuesOf(pinned, "blue", verified), []);
        // The same digest under another tag proves nothing about that tag's version.
        const retagged = blue({
            clusters: [
                {
                    name: "c1",
                    rayVersion: "2.54.0",
                    image: { tag: "2.54.0", digest },
                    workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }],
                },
            ],
        });
        assert.match(
            issuesOf(retagged, "blue", verified)
                .map((i) => i.message)
                .join(),
            /2\.54\.0@sha256:a{64} is not a digest the platform has verified/,
        );
        const narrowClasses: PlatformPolicy = { ...PLATFORM, lists: { ...PLATFORM.lists, allowedIngressClasses: ["higress"] } };
        const ingress = blue({
            clusters: [
                {
                    name: "c1",
                    exposure: {
                        mode: "ingress",
                        host: "d.blue.example.com",
                        tlsSecretName: "tls",
                        username: "u",
                        allowedSourceCidrs: ["203.0.113.0/24"],
                    },
                    workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }],
                },
            ],
        });
        const r = validateStackConfig({ ...ingress, "ray-on-ack:dashboardPassword": "Qz7#Rw4!Tx9@" }, ["ray-on-ack:dashboardPassword"], {
            stack: "blue",
            platform: narrowClasses,
        });
        assert.ok(
            !r.ok &&
                r.issues.some(
                    (i) =>
                        i.key === "ray-on-ack:clusters[0].exposure.ingressClassName" &&
                        /"nginx" is not an ingress class the platform allows/.test(i.message),
                ),
            JSON.stringify(r),
        );
    });

    it("refuses namespace labels outside the platform's allowlist, and CIDRs written in any but the canonical form", () => {
        refusedWith(
            blue({ labels: { "istio-injection": "enabled" } }),
            "ray-on-ack:labels.istio-injection",
            /is not a namespace label key the platform allows/,
        );
        refusedWith(blue({ podCidrs: ["010.60.4.0/24"] }), "ray-on-ack:podCidrs[0]", /is not four decimal octets without leading zeros/);
        refusedWith(
            blue({ network: { egress: [{ cidr: "100.118.28.5/24", ports: [443] }] } }),
            "ray-on-ack:network.egress[0].cidr",
            /write 100\.118\.28\.0\/24/,
        );
    });

    it("refuses two objects of one kind and name, and references to the Secrets the stack generates", () => {
        // The autoscaler Role is named after its cluster, the people Role after the team.
        const clash = blue({
            network: { apiServerCidrs: ["192.168.0.10/32"] },
            clusters: [
                { name: "blue-ray-users", autoscaling: { enabled: true }, workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }] },
            ],
        });
        refusedWith(clash, "ray-on-ack:clusters[0].name", /^names Role blue-ray-users, which team already names/);
        // KubeRay names worker pods `<cluster>-<group>-worker-<5>`: cluster a's group b-c and cluster a-b's group c look alike.
        const alike = blue({
            clusters: [
                { name: "a", workerGroups: [{ name: "b-c", cpu: "2", memory: "4Gi" }] },
                { name: "a-b", workerGroups: [{ name: "c", cpu: "2", memory: "4Gi" }] },
            ],
        });
        refusedWith(
            alike,
            "ray-on-ack:clusters[1].workerGroups[0].name",
            /its worker pods would be named a-b-c-worker-<random>, as those of clusters\[0\]\.workerGroups\[0\]\.name/,
        );
        const pull = blue({
            clusters: [{ name: "c1", imagePullSecrets: ["c1-ray-token"], workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }] }],
        });
        refusedWith(
            pull,
            "ray-on-ack:clusters[0].imagePullSecrets[0]",
            /^"c1-ray-token" is a Secret this stack generates for clusters\[0\]\.name/,
        );
    });
});

describe("tenancy: the same rules when a program uses the components directly", function () {
    this.timeout(60_000);

    function refusal(make: () => unknown): string {
        try {
            make();
        } catch (e) {
            assert.ok(pulumi.ResourceError.isInstance(e), `not a ResourceError: ${e}`);
            return (e as Error).message;
        }
        assert.fail("the args were accepted");
    }
    const args = {
        team: "blue",
        podCidrs: ["10.60.4.0/24"],
        podNetwork: { vSwitchIds: ["vsw-blue1"], securityGroupIds: ["sg-blue1"] },
        clusters: [{ name: "c1", workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }] }],
    };

    it("TeamEnvironment with the registry refuses another team's bucket as the stack deploying it (pulumi.getStack(), test here)", async () => {
        const registry = { ...REGISTRY, tenants: { red: REGISTRY.tenants.red, test: REGISTRY.tenants.blue } };
        await recordRegistrations(() => {
            const message = refusal(
                () =>
                    new TeamEnvironment("blue", {
                        ...args,
                        cloud,
                        rrsa: { oss: [{ bucket: "red-data" }] },
                        platformPolicy: { tenancy: registry },
                    }),
            );
            assert.match(message, /^TeamEnvironment blue: invalid args\n/);
            assert.match(message, /error: rrsa\.oss\[0\]: read access to oss:\/\/red-data\/ belongs to stack red/);
            return [];
        });
    });

    it("HardenedRayCluster alone holds labels, mounts and digests to the platform's lists it is given", () => {
        const base = { team: "blue", namespace: "ray-blue", tlsFingerprint: "f" };
        const cluster = {
            name: "c1",
            labels: { "sidecar.istio.io/inject": "true" },
            volumes: [{ name: "v", mountPath: "/home/ray/anaconda3", persistentVolumeClaim: { claimName: "v" } }],
            workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }],
        };
        const message = refusal(() => new HardenedRayCluster("c1", { ...base, cluster }));
        assert.match(
            message,
            /error: cluster\.labels\.sidecar\.istio\.io\/inject: "sidecar\.istio\.io\/inject" is not a pod label key the platform allows/,
        );
        assert.match(
            message,
            /error: cluster\.volumes\[0\]\.mountPath: "\/home\/ray\/anaconda3" is not inside a data root the platform allows/,
        );
        const widened = refusal(
            () =>
                new HardenedRayCluster("c2", {
                    ...base,
                    cluster: { ...cluster, name: "c2", labels: {}, volumes: [] },
                    security: { allowedRegistries: ["registry.example.com/x/"] },
                }),
        );
        assert.match(
            widened,
            /error: security\.allowedRegistries\[0\]: "registry\.example\.com\/x\/" is not inside the platform's registries/,
        );
    });

    it("checks a password given as an Output for every exposure that takes it: gateway clusters and ingress services too", async () => {
        const gateway = {
            mode: "gateway",
            gatewayName: "shared",
            gatewayNamespace: "gateways",
            listenerName: "https",
            host: "d.blue.example.com",
            username: "admin",
            allowedSourceCidrs: ["203.0.113.0/24"],
        };
        const ingress = {
            mode: "ingress",
            host: "s.blue.example.com",
            tlsSecretName: "tls",
            username: "admin",
            allowedSourceCidrs: ["203.0.113.0/24"],
        };
        await pulumi.runtime.setMocks(
            { newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs },
            "ray-on-ack",
            "test",
            false,
        );
        const parent = new pulumi.ComponentResource("test:index:Parent", "blue");
        for (const settings of [
            { ...args, clusters: [{ name: "c1", exposure: gateway, workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }] }] },
            {
                ...args,
                clusters: [],
                services: [
                    {
                        name: "s1",
                        exposure: ingress,
                        workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi" }],
                        serveConfig: { applications: [{ name: "a", import_path: "m:app" }] },
                    },
                ],
            },
        ]) {
            // A password equal to the user name, given as an Output: refused when it resolves.
            const password = parseTeamArgs(parent, "blue", settings as never, pulumi.output(Promise.resolve("admin"))).password!;
            await assert.rejects((password as any).promise(), /blue: invalid args\nerror: dashboardPassword: /);
        }
    });
});

describe("tenancy: the real stacks, rendered", function () {
    this.timeout(300_000);

    it("team-b claiming team-a's bucket is refused by render, naming team-a", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-tenancy-"));
        try {
            for (const f of fs.readdirSync(path.join(ROOT, "stacks")).filter((f) => f.endsWith(".yaml"))) {
                fs.copyFileSync(path.join(ROOT, "stacks", f), path.join(dir, f));
            }
            const registry = platformPolicyOf(JSON.parse(fs.readFileSync(path.join(ROOT, "platform", "policy-pack-config.json"), "utf8")));
            assert.ok(registry.ok);
            const bucket = registry.value.tenancy.tenants["team-a"].oss[0].bucket;
            const doc = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.team-b.yaml"), "utf8"));
            doc.config["ray-on-ack:rrsa"].oss.push({ bucket, prefix: "", access: "read" });
            fs.writeFileSync(path.join(dir, "Pulumi.team-b.yaml"), YAML.stringify(doc));
            const r = runRender(["--stack", "team-b", "--stacks-dir", dir]);
            assert.equal(r.status, 2, r.stderr);
            assert.match(
                r.stderr,
                new RegExp(`^error: ray-on-ack:rrsa\\.oss\\[2\\]: read access to oss://${bucket}/ belongs to stack team-a `, "m"),
            );
            assert.ok(!fs.existsSync(r.out), "nothing written");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
