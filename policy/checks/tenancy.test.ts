/**
 * Policy ray-tenancy (issue 22): what a team stack may claim is what the tenancy registry lists
 * for it. Each block is an attacker with write access to team-b's stack (or a pull request)
 * reaching for something of team-a's, or of the platform's; each refusal names the key path and
 * the owner. The real renders of team-a and team-b pass.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { unknownCheckingProxy } from "@pulumi/policy";
import { tenancy } from "./tenancy";
import { resolvePackConfig } from "../config";
import { evaluateCheck } from "../evaluate";
import { PolicyResource } from "../resource";
import { asResource } from "../../test/helpers/policy";
import { ROOT, manifests, runRender } from "../../test/helpers/render";
import { rayCluster, rayJob } from "../../test/fixtures/policy";

const PACK_CONFIG = JSON.parse(fs.readFileSync(path.join(ROOT, "platform", "policy-pack-config.json"), "utf8"));
const PLATFORM_TENANCY = PACK_CONFIG["ray-tenancy"];

const NAS = "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com";

/** The platform's registry, with what team-a also owns in these tests: buckets, NAS, hosts, a listener, a node pool. */
const REGISTRY = {
    cluster: PLATFORM_TENANCY.cluster,
    shared: {
        ...PLATFORM_TENANCY.shared,
        gatewayListeners: [{ gateway: "shared", namespace: "gateways", sectionName: "https", users: ["*"] }],
    },
    tenants: {
        "team-a": {
            ...PLATFORM_TENANCY.tenants["team-a"],
            oss: [{ bucket: "team-a-data", prefix: "", access: "read-write" }],
            nas: [{ server: NAS, path: "/team-a/" }],
            hosts: ["ray.team-a.example.com", "*.apps.team-a.example.com"],
            // The platform's SSO client for team-a redirects to these hosts only (the registry refuses others).
            sso: { ...PLATFORM_TENANCY.tenants["team-a"].sso!, redirectHosts: ["*.apps.team-a.example.com"] },
            gatewayListeners: [{ gateway: "team-a-gw", namespace: "gateways", sectionName: "https-team-a" }],
            nodePools: [
                {
                    name: "team-a-gpu",
                    labels: { "pool.example.com/team-a": "gpu", "pool.example.com/team-a-generation": "7" },
                    taints: [{ key: "dedicated", value: "team-a", effect: "NoSchedule" }],
                },
            ],
            clbCertIds: ["team-a-cert-cn-hangzhou"],
        },
        "team-b": { ...PLATFORM_TENANCY.tenants["team-b"], nas: [{ server: NAS, path: "/team-b/" }], hosts: ["ray.team-b.example.com"] },
    },
};

const B = "ray-team-b";
const OWNED_BY_A =
    "belongs to stack team-a (tenancy registry: ray-tenancy.tenants.team-a); a team stack may claim only what its own entry lists";
const notRegistered = (where: string) =>
    `is not registered to stack team-b (tenancy registry: ray-tenancy.tenants.team-b.${where}); the platform team registers what a team owns`;
const PLATFORMS =
    "a team stack creates only its Namespace, its PodNetworking, its autoscaler scope ValidatingAdmissionPolicy and binding, and its token reviewers' ClusterRoleBinding";

/** The blocking findings of ray-tenancy for `resources` judged as `stack` (the renderer's --stack; a URN wins). */
function judge(stack: string | undefined, resources: PolicyResource[], registry: object = REGISTRY): string[] {
    return evaluateCheck(tenancy, resources, resolvePackConfig(registry), stack === undefined ? {} : { stack })
        .findings.filter((f) => !f.exception)
        .map((f) => f.message);
}
const asTeamB = (...resources: PolicyResource[]) => judge("team-b", resources);

function k8s(apiVersion: string, kind: string, metadata: Record<string, unknown>, rest: Record<string, unknown> = {}): PolicyResource {
    return asResource({ apiVersion, kind, metadata, ...rest });
}
const configMap = (namespace: string | undefined, name = "settings") =>
    k8s("v1", "ConfigMap", { name, ...(namespace === undefined ? {} : { namespace }) }, { data: { a: "b" } });

/** A fixture Ray workload moved into team-b's namespace, judged by --stack (no URN). */
function inTeamB(r: PolicyResource): PolicyResource {
    delete r.urn;
    r.props.metadata.namespace = B;
    return r;
}
const headSpec = (r: PolicyResource) => r.props.spec.headGroupSpec.template.spec;

const cloud = (type: string, name: string, props: Record<string, unknown>): PolicyResource => ({ type, name, props });
const ramPolicy = (statements: unknown[], name = "team-b-oss") =>
    cloud("alicloud:ram/policy:Policy", name, {
        policyName: name,
        policyDocument: JSON.stringify({ Version: "1", Statement: statements }),
    });

describe("policy ray-tenancy: the stack's entry", () => {
    it("refuses a team stack the registry does not list, once, on its first resource", () => {
        assert.deepStrictEqual(judge("team-c", [configMap("ray-team-c"), configMap("ray-team-c", "other")]), [
            "ConfigMap ray-team-c/settings: stack team-c has no entry in the tenancy registry (ray-tenancy.tenants in the platform's policy pack config; registered: team-a, team-b): the platform team registers a team stack before it deploys",
        ]);
        // With no registry at all (the pack's default), no team stack passes.
        assert.strictEqual(judge("team-b", [configMap(B)], {}).length, 1);
    });

    it("refuses resources whose stack nobody named, and takes the URN's stack over --stack", () => {
        assert.deepStrictEqual(judge(undefined, [configMap(B)]), [
            "ConfigMap ray-team-b/settings: belongs to a stack nobody named (no URN, no --stack); the tenancy registry is keyed by stack, so nothing here can be judged",
        ]);
        // The engine names the stack in the URN: team-b's object deployed from stack team-a is team-a's claim on team-b's namespace.
        const fromA = { ...configMap(B), urn: "urn:pulumi:team-a::ray-on-ack::kubernetes:core/v1:ConfigMap::settings" };
        assert.deepStrictEqual(judge("team-b", [fromA]), [
            "ConfigMap ray-team-b/settings: metadata.namespace: namespace ray-team-b belongs to stack team-b (tenancy registry: ray-tenancy.tenants.team-b); a team stack may claim only what its own entry lists",
        ]);
    });

    it("takes no grant: the registry is how the platform grants", () => {
        const cm = configMap("ray-team-a");
        const config = {
            ...REGISTRY,
            grants: [{ stack: "team-b", kind: "ConfigMap", namespace: "ray-team-a", name: "settings", reason: "asked nicely" }],
        };
        assert.strictEqual(tenancy.exceptions, false);
        assert.deepStrictEqual(judge("team-b", [cm], config), [
            `ConfigMap ray-team-a/settings: metadata.namespace: namespace ray-team-a ${OWNED_BY_A}`,
        ]);
    });
});

describe("policy ray-tenancy: namespaces", () => {
    it("passes objects in the stack's own namespace", () => {
        assert.deepStrictEqual(asTeamB(configMap(B), inTeamB(rayCluster()), inTeamB(rayJob())), []);
    });

    it("refuses an object in another team's namespace, naming the owner; look-alikes and the default namespace as unregistered", () => {
        assert.deepStrictEqual(
            asTeamB(
                configMap("ray-team-a"),
                configMap("ray-team-b "),
                configMap("RAY-TEAM-B"),
                configMap("kube-system"),
                configMap(undefined),
            ),
            [
                `ConfigMap ray-team-a/settings: metadata.namespace: namespace ray-team-a ${OWNED_BY_A}`,
                `ConfigMap ray-team-b /settings: metadata.namespace: namespace ray-team-b  ${notRegistered("namespace")}`,
                `ConfigMap RAY-TEAM-B/settings: metadata.namespace: namespace RAY-TEAM-B ${notRegistered("namespace")}`,
                `ConfigMap kube-system/settings: metadata.namespace: namespace kube-system ${notRegistered("namespace")}`,
                `ConfigMap default/settings: metadata.namespace: is not set, so the object lands in the provider's default namespace ("default" unless configured), not ray-team-b; a team stack's objects name their namespace`,
            ],
        );
    });

    it("judges patches, hand-written workloads, inline ConfigGroup objects, List items and Helm releases alike", () => {
        const patch = { ...configMap("ray-team-a"), type: "kubernetes:core/v1:ConfigMapPatch" };
        const deployment = k8s(
            "apps/v1",
            "Deployment",
            { name: "sidecar", namespace: "ray-team-a" },
            { spec: { template: { spec: { containers: [] } } } },
        );
        const group = {
            type: "kubernetes:yaml/v2:ConfigGroup",
            name: "extras",
            props: { objs: [configMap("ray-team-a", "inline").props] },
        };
        const list = {
            type: "kubernetes:core/v1:ConfigMapList",
            name: "many",
            props: {
                apiVersion: "v1",
                kind: "ConfigMapList",
                metadata: { namespace: B },
                items: [configMap("ray-team-a", "listed").props],
            },
        };
        const release = { type: "kubernetes:helm.sh/v3:Release", name: "chart", props: { chart: "x", namespace: "ray-team-a" } };
        assert.deepStrictEqual(asTeamB(patch, deployment, group, list, release), [
            `ConfigMapPatch ray-team-a/settings: metadata.namespace: namespace ray-team-a ${OWNED_BY_A}`,
            `Deployment ray-team-a/sidecar: metadata.namespace: namespace ray-team-a ${OWNED_BY_A}`,
            `ConfigMap ray-team-a/inline: metadata.namespace: namespace ray-team-a ${OWNED_BY_A}`,
            `ConfigMap ray-team-a/listed: metadata.namespace: namespace ray-team-a ${OWNED_BY_A}`,
            `kubernetes:helm.sh/v3:Release chart: namespace: namespace ray-team-a ${OWNED_BY_A}`,
        ]);
    });

    it("lets a team stack create only its own Namespace, labelled with its own team", () => {
        const ns = (name: string, team?: string) =>
            k8s("v1", "Namespace", { name, labels: team === undefined ? {} : { "ray-on-ack.io/team": team } });
        assert.deepStrictEqual(asTeamB(ns(B, "team-b")), []);
        const relabel = { ...ns("ray-team-a", "team-b"), type: "kubernetes:core/v1:NamespacePatch" };
        assert.deepStrictEqual(asTeamB(ns("ray-team-a", "team-b"), relabel), [
            `Namespace ray-team-a: metadata.name: namespace ray-team-a ${OWNED_BY_A}`,
            `NamespacePatch ray-team-a: metadata.name: namespace ray-team-a ${OWNED_BY_A}`,
        ]);
        assert.deepStrictEqual(asTeamB(ns(B, "team-a")), [
            `Namespace ray-team-b: metadata.labels["ray-on-ack.io/team"]: team name team-a ${OWNED_BY_A}`,
        ]);
        assert.deepStrictEqual(asTeamB(ns(B)), [
            `Namespace ray-team-b: metadata.labels["ray-on-ack.io/team"]: is not set; the Namespace of stack team-b says its team (team-b)`,
        ]);
        // Scheduler annotations hand every pod of the namespace a node selector and tolerations.
        const scheduled = ns(B, "team-b");
        scheduled.props.metadata.annotations = {
            "scheduler.alpha.kubernetes.io/node-selector": "zone=k,pool.example.com/team-a=gpu",
            "scheduler.alpha.kubernetes.io/defaultTolerations": JSON.stringify([{ key: "dedicated", operator: "Exists" }]),
        };
        const POOL = "node pool team-a-gpu, which belongs to stack team-a (tenancy registry: ray-tenancy.tenants.team-a.nodePools)";
        assert.deepStrictEqual(asTeamB(scheduled), [
            `Namespace ray-team-b: metadata.annotations["scheduler.alpha.kubernetes.io/node-selector"]: pool.example.com/team-a=gpu selects ${POOL}`,
            `Namespace ray-team-b: metadata.annotations["scheduler.alpha.kubernetes.io/defaultTolerations"]: tolerates dedicated=team-a:NoSchedule, a taint of ${POOL}`,
        ]);
    });
});

describe("policy ray-tenancy: cluster-scoped objects", () => {
    it("refuses every cluster-scoped kind outside the allowlist: the platform stack's", () => {
        const kinds: [string, string][] = [
            ["rbac.authorization.k8s.io/v1", "ClusterRole"],
            ["admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"],
            ["admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"],
            ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
            ["scheduling.k8s.io/v1", "PriorityClass"],
            ["storage.k8s.io/v1", "StorageClass"],
            ["networking.k8s.io/v1", "IngressClass"],
            ["node.k8s.io/v1", "RuntimeClass"],
            ["v1", "PersistentVolume"],
            ["apiregistration.k8s.io/v1", "APIService"],
            ["gateway.networking.k8s.io/v1", "GatewayClass"],
            // Not listed anywhere: an add-on's Cluster* kind is cluster-scoped by convention.
            ["cert-manager.io/v1", "ClusterIssuer"],
        ];
        const found = asTeamB(...kinds.map(([apiVersion, kind]) => k8s(apiVersion, kind, { name: "ray-team-b-x", namespace: B })));
        assert.deepStrictEqual(
            found,
            kinds.map(([apiVersion, kind]) => {
                const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "core";
                return `${kind} ray-team-b-x: ${group}/${kind} is cluster-scoped, so it acts on every team: it belongs to the platform stack (${PLATFORMS})`;
            }),
        );
        const label = {
            ...k8s("v1", "Node", { name: "gpu-node-1", labels: { "pool.example.com/team-b": "gpu" } }),
            type: "kubernetes:core/v1:NodePatch",
        };
        assert.deepStrictEqual(asTeamB(label), [
            `NodePatch gpu-node-1: core/Node is cluster-scoped, so it acts on every team: it belongs to the platform stack (${PLATFORMS})`,
        ]);
    });

    it("lets a PodNetworking place only the stack's namespace on its vSwitches and security groups", () => {
        const pn = (selector: unknown, vsw = "vsw-bp1teambpods0000001", sg = "sg-bp1teambray00000001", name = "ray-team-b-pods") =>
            k8s(
                "network.alibabacloud.com/v1beta1",
                "PodNetworking",
                { name },
                {
                    spec: {
                        selector: selector === undefined ? {} : { namespaceSelector: selector },
                        vSwitchOptions: [vsw],
                        securityGroupIDs: [sg],
                    },
                },
            );
        assert.deepStrictEqual(
            asTeamB(
                pn({ matchLabels: { "kubernetes.io/metadata.name": B } }),
                pn({ matchLabels: { "ray-on-ack.io/team": "team-b" } }, undefined, undefined, "ray-team-b-more"),
            ),
            [],
        );
        assert.deepStrictEqual(
            asTeamB(
                pn(
                    { matchLabels: { "kubernetes.io/metadata.name": "ray-team-a" } },
                    "vsw-bp1teamapods0000001",
                    "sg-bp1teamaray00000001",
                    "ray-team-a-pods",
                ),
            ),
            [
                `PodNetworking ray-team-a-pods: metadata.name: ray-team-a-pods is named after namespace ray-team-a, which belongs to stack team-a (tenancy registry: ray-tenancy.tenants.team-a); a cluster-scoped object of stack team-b is named ray-team-b-<name>`,
                `PodNetworking ray-team-a-pods: spec.selector.namespaceSelector: {"matchLabels":{"kubernetes.io/metadata.name":"ray-team-a"}} does not select only namespace ray-team-b, so the PodNetworking places pods of other teams' namespaces too; select ray-team-b by kubernetes.io/metadata.name (or ray-on-ack.io/team: team-b)`,
                `PodNetworking ray-team-a-pods: spec.vSwitchOptions[0]: vSwitch vsw-bp1teamapods0000001 ${OWNED_BY_A}`,
                `PodNetworking ray-team-a-pods: spec.securityGroupIDs[0]: security group sg-bp1teamaray00000001 ${OWNED_BY_A}`,
            ],
        );
        // No namespace selector: every namespace's pods.
        assert.match(
            asTeamB(pn(undefined)).join("\n"),
            /spec\.selector\.namespaceSelector: is not set, so the PodNetworking places pods of other teams' namespaces too/,
        );
    });

    it("lets the autoscaler scope policy and binding confine only the stack's namespace", () => {
        const name = "ray-on-ack-ray-team-b-autoscaler-scope";
        const rules = [{ apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["pods", "pods/resize"] }];
        const vap = (n: string, spec: Record<string, unknown> = {}) =>
            k8s(
                "admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicy",
                { name: n },
                { spec: { matchConstraints: { resourceRules: rules }, ...spec } },
            );
        const binding = (n: string, spec: Record<string, unknown>) =>
            k8s(
                "admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicyBinding",
                { name: n },
                { spec: { policyName: n, validationActions: ["Deny"], ...spec } },
            );
        const own = { matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": B } } } };
        assert.deepStrictEqual(asTeamB(vap(name), binding(name, own)), []);
        const other = "ray-on-ack-ray-team-a-autoscaler-scope";
        assert.deepStrictEqual(
            asTeamB(
                vap(other, {
                    paramKind: { apiVersion: "v1", kind: "Secret" },
                    matchConstraints: { resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"] }] },
                }),
                binding(name, { matchResources: {}, paramRef: { name: "x", namespace: "ray-team-a" } }),
            ),
            [
                `ValidatingAdmissionPolicy ${other}: metadata.name: is "${other}"; the one admission policy of stack team-b is its autoscaler scope, ${name}`,
                `ValidatingAdmissionPolicy ${other}: spec.paramKind: reads parameter objects, which may be other teams' (a message can echo them); the autoscaler scope takes none`,
                `ValidatingAdmissionPolicy ${other}: spec.matchConstraints.resourceRules[0]: matches * in scope *, cluster-scoped objects included, which no namespace selector confines; set scope: Namespaced`,
                `ValidatingAdmissionPolicyBinding ${name}: spec.paramRef: names parameter objects, which may be other teams'; the autoscaler scope takes none`,
                `ValidatingAdmissionPolicyBinding ${name}: spec.matchResources.namespaceSelector: is not set, so the policy judges requests in other teams' namespaces too; select ray-team-b by kubernetes.io/metadata.name (or ray-on-ack.io/team: team-b)`,
            ],
        );
    });
});

describe("policy ray-tenancy: the token reviewers' ClusterRoleBinding (personal identity)", () => {
    const name = "ray-on-ack-ray-team-b-token-reviewers";
    const crb = (n: string, roleRef: Record<string, string>, subjects: unknown[]) =>
        k8s("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", { name: n }, { roleRef, subjects });
    const reviewer = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "ray-on-ack-token-reviewer" };
    const own = { kind: "ServiceAccount", name: "analytics-ray-head", namespace: B };

    it("admits the platform's reviewer role bound to ServiceAccounts of the stack's namespace, under its one name", () => {
        assert.deepStrictEqual(asTeamB(crb(name, reviewer, [own, { ...own, name: "analytics-ray-worker" }])), []);
    });

    it("refuses another role, another name, another namespace's ServiceAccount, people and an empty binding", () => {
        const other = "ray-on-ack-ray-team-a-token-reviewers";
        assert.deepStrictEqual(
            asTeamB(
                crb(other, { ...reviewer, name: "cluster-admin" }, [
                    { kind: "ServiceAccount", name: "training-ray-head", namespace: "ray-team-a" },
                    { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "team-b-people" },
                ]),
                crb(name, reviewer, []),
            ),
            [
                `ClusterRoleBinding ${other}: metadata.name: is "${other}"; the one ClusterRoleBinding of stack team-b binds its personal-identity Ray nodes to the platform's token reviewer, as ${name}`,
                `ClusterRoleBinding ${other}: roleRef: binds ClusterRole "cluster-admin"; a team stack binds only the platform's ClusterRole ray-on-ack-token-reviewer (create TokenReviews and SubjectAccessReviews) cluster-wide: any other ClusterRole acts on every team`,
                `ClusterRoleBinding ${other}: subjects[0]: is ServiceAccount "training-ray-head" of namespace ray-team-a; stack team-b binds only ServiceAccounts of its namespace ray-team-b, its Ray nodes`,
                `ClusterRoleBinding ${other}: subjects[1]: is Group "team-b-people"; stack team-b binds only ServiceAccounts of its namespace ray-team-b, its Ray nodes`,
                `ClusterRoleBinding ${name}: subjects: binds nobody; list the personal-identity clusters' Ray ServiceAccounts`,
            ],
        );
    });
});

describe("policy ray-tenancy: RBAC", () => {
    it("refuses a RoleBinding to any ClusterRole and a ServiceAccount token Secret", () => {
        const rb = (kind: string, name: string) =>
            k8s(
                "rbac.authorization.k8s.io/v1",
                "RoleBinding",
                { name: `to-${name.replace(/:/g, "-")}`, namespace: B },
                { roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name }, subjects: [] },
            );
        assert.deepStrictEqual(asTeamB(rb("Role", "ray-users")), []);
        const found = asTeamB(rb("ClusterRole", "view"), rb("ClusterRole", "system:controller:job-controller"));
        assert.deepStrictEqual(found, [
            `RoleBinding ray-team-b/to-view: roleRef.kind: binds ClusterRole "view": a team stack binds only Roles of its namespace; ClusterRoles (admin, edit, view, system:*) are the platform's and change with it`,
            `RoleBinding ray-team-b/to-system-controller-job-controller: roleRef.kind: binds ClusterRole "system:controller:job-controller": a team stack binds only Roles of its namespace; ClusterRoles (admin, edit, view, system:*) are the platform's and change with it`,
        ]);
        const token = k8s(
            "v1",
            "Secret",
            { name: "forever", namespace: B, annotations: { "kubernetes.io/service-account.name": "analytics-ray-head" } },
            { type: "kubernetes.io/service-account-token" },
        );
        assert.deepStrictEqual(asTeamB(token), [
            "Secret ray-team-b/forever: type: kubernetes.io/service-account-token mints a token that never expires; a team stack does not create one (pods get projected, expiring tokens)",
        ]);
    });
});

describe("policy ray-tenancy: cloud resources", () => {
    const ROLE = "alicloud:ram/role:Role";
    const trust = (subjects: string[]) =>
        JSON.stringify({
            Version: "1",
            Statement: [
                {
                    Action: "sts:AssumeRole",
                    Effect: "Allow",
                    Principal: { Federated: ["acs:ram::1:oidc-provider/ack-rrsa-c1"] },
                    Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com", "oidc:sub": subjects } },
                },
            ],
        });

    it("refuses another team's RAM role name and a trust policy naming another namespace's ServiceAccounts", () => {
        assert.deepStrictEqual(
            asTeamB(
                cloud(ROLE, "mine", {
                    roleName: "ray-team-b-etl",
                    assumeRolePolicyDocument: trust([`system:serviceaccount:${B}:etl-ray-head`]),
                }),
            ),
            [],
        );
        assert.deepStrictEqual(
            asTeamB(
                cloud(ROLE, "theirs", {
                    roleName: "ray-team-a-x",
                    assumeRolePolicyDocument: trust([
                        `system:serviceaccount:${B}:a`,
                        "system:serviceaccount:ray-team-a:training-ray-head",
                        "system:serviceaccounts",
                    ]),
                }),
            ),
            [
                `${ROLE} theirs: roleName: RAM role ray-team-a-x ${OWNED_BY_A}`,
                `${ROLE} theirs: assumeRolePolicyDocument.Statement[0].Condition.StringEquals["oidc:sub"]: "system:serviceaccount:ray-team-a:training-ray-head": namespace ray-team-a ${OWNED_BY_A}`,
                `${ROLE} theirs: assumeRolePolicyDocument.Statement[0].Condition.StringEquals["oidc:sub"]: "system:serviceaccounts": is not a ServiceAccount of namespace ray-team-b (system:serviceaccount:ray-team-b:<name>)`,
            ],
        );
    });

    it("judges each OSS resource of a RAM policy as bucket + prefix, read or read-write by its actions", () => {
        const POLICY = "alicloud:ram/policy:Policy team-b-oss";
        const read = ["oss:GetObject", "oss:GetObjectMeta"];
        // team-b's own bucket (read-write), the shared reference data (read), a listing limited by oss:Prefix.
        assert.deepStrictEqual(
            asTeamB(
                ramPolicy([
                    { Effect: "Allow", Action: ["oss:PutObject"], Resource: ["acs:oss:*:1:team-b-datasets/etl/*"] },
                    { Effect: "Allow", Action: read, Resource: "acs:oss:*:1:shared-reference-data/public/*" },
                    {
                        Effect: "Allow",
                        Action: ["oss:ListObjects"],
                        Resource: ["acs:oss:*:1:shared-reference-data"],
                        Condition: { StringLike: { "oss:Prefix": ["public/*"] } },
                    },
                    { Effect: "Deny", Action: ["oss:*"], Resource: ["*"] },
                ]),
            ),
            [],
        );
        assert.deepStrictEqual(
            asTeamB(
                ramPolicy([
                    {
                        Effect: "Allow",
                        Action: read,
                        Resource: ["acs:oss:*:1:team-a-data/models/*", "acs:oss:*:*:*", "acs:oss:*:*:team-*/x/*", "*", "acs:*:*:*:*"],
                    },
                    { Effect: "Allow", Action: ["oss:PutObject"], Resource: "acs:oss:*:1:shared-reference-data/public/*" },
                    {
                        Effect: "Allow",
                        Action: ["oss:ListObjects"],
                        Resource: "acs:oss:*:1:shared-reference-data",
                        Condition: { StringLike: { "oss:Prefix": "private/*" } },
                    },
                    { Effect: "Allow", NotAction: ["oss:DeleteObject"], Resource: "acs:oss:*:1:shared-reference-data/public/*" },
                    { Effect: "Allow", Action: read, NotResource: ["acs:oss:*:1:team-b-datasets"] },
                ]),
            ),
            [
                `${POLICY}: policyDocument.Statement[0].Resource[0]: read access to oss://team-a-data/models/ ${OWNED_BY_A}`,
                `${POLICY}: policyDocument.Statement[0].Resource[1]: bucket "*" is a pattern, which covers other teams' buckets; name the bucket`,
                `${POLICY}: policyDocument.Statement[0].Resource[2]: bucket "team-*" is a pattern, which covers other teams' buckets; name the bucket`,
                `${POLICY}: policyDocument.Statement[0].Resource[3]: "*" is every resource of the account, other teams' buckets included; name the team's bucket and prefix`,
                `${POLICY}: policyDocument.Statement[0].Resource[4]: acs:*:*:*:* names every service, OSS included, so other teams' buckets too; name the team's bucket and prefix`,
                `${POLICY}: policyDocument.Statement[1].Resource: read-write access to oss://shared-reference-data/public/: the registry grants stack team-b read access only (ray-tenancy.shared.oss)`,
                `${POLICY}: policyDocument.Statement[2].Resource: read access to oss://shared-reference-data/private/ ${notRegistered("oss")}`,
                `${POLICY}: policyDocument.Statement[3].Resource: read-write access to oss://shared-reference-data/public/: the registry grants stack team-b read access only (ray-tenancy.shared.oss)`,
                `${POLICY}: policyDocument.Statement[4].NotResource: grants every resource it does not list, other teams' buckets included; list the team's buckets in Resource`,
            ],
        );
    });

    it("refuses attachments to another team's role, of system policies and of policies the stack does not declare", () => {
        const ATTACH = "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment";
        const attach = (roleName: string, policyName: string, policyType = "Custom") =>
            cloud(ATTACH, `${roleName}-${policyName}`, { roleName, policyName, policyType });
        const own = ramPolicy([{ Effect: "Allow", Action: ["oss:GetObject"], Resource: "acs:oss:*:1:team-b-datasets/*" }]);
        assert.deepStrictEqual(asTeamB(own, attach("ray-team-b", "team-b-oss")), []);
        assert.deepStrictEqual(
            asTeamB(
                own,
                attach("ray-team-a", "team-b-oss"),
                attach("ray-team-b", "AliyunOSSReadOnlyAccess", "System"),
                attach("ray-team-b", "team-a-rrsa-ray"),
            ),
            [
                `${ATTACH} ray-team-a-team-b-oss: roleName: RAM role ray-team-a ${OWNED_BY_A}`,
                `${ATTACH} ray-team-b-AliyunOSSReadOnlyAccess: policyType: attaches the System policy "AliyunOSSReadOnlyAccess": a system policy grants its service across the account, other teams' buckets included; attach a custom policy this stack declares`,
                `${ATTACH} ray-team-b-team-a-rrsa-ray: policyName: team-a-rrsa-ray is not a RAM policy this stack declares, so the pack cannot see what it grants (it may be another team's); attach a policy declared next to the role`,
            ],
        );
    });

    it("refuses a vSwitch in another team's pod CIDRs or an unregistered VPC, and cloud resources a team stack does not create", () => {
        const SWITCH = "alicloud:vpc/switch:Switch";
        assert.deepStrictEqual(
            asTeamB(
                cloud(SWITCH, "pods", { vpcId: "vpc-bp1other", cidrBlock: "10.20.1.0/24", zoneId: "cn-hangzhou-k" }),
                cloud("alicloud:oss/bucketPolicy:BucketPolicy", "open", { bucket: "team-a-data", policy: "{}" }),
                cloud("alicloud:cs/kubernetesAddon:KubernetesAddon", "kuberay", { clusterId: "c1", name: "kuberay-operator" }),
            ),
            [
                "alicloud:cs/kubernetesAddon:KubernetesAddon kuberay: is a resource of the ACK cluster itself (add-ons, node pools, cluster permissions), which every team relies on: only the platform stack declares it, not stack team-b",
                `${SWITCH} pods: cidrBlock: pod CIDR 10.20.1.0/24 ${OWNED_BY_A}`,
                `${SWITCH} pods: vpcId: VPC vpc-bp1other ${notRegistered("vpcIds")}`,
                "alicloud:oss/bucketPolicy:BucketPolicy open: alicloud:oss/bucketPolicy:BucketPolicy is not a cloud resource a team stack creates (its RAM role, policies and their attachments, its pod vSwitches, its CLB ACLs); it belongs to the platform stack",
            ],
        );
    });
});

describe("policy ray-tenancy: exposure", () => {
    const ingress = (spec: Record<string, unknown>) => k8s("networking.k8s.io/v1", "Ingress", { name: "dash", namespace: B }, { spec });
    const route = (spec: Record<string, unknown>, kind = "HTTPRoute") =>
        k8s("gateway.networking.k8s.io/v1", kind, { name: "dash", namespace: B }, { spec });
    const shared = { name: "shared", namespace: "gateways", sectionName: "https" };

    it("refuses a CLB presenting another team's certificate, or taking over an existing CLB", () => {
        const CLB = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";
        const service = (annotations: Record<string, string>) =>
            k8s("v1", "Service", { name: "dash-public", namespace: B, annotations }, { spec: { type: "LoadBalancer" } });
        assert.deepStrictEqual(asTeamB(service({ [`${CLB}cert-id`]: "12345678-cn-hangzhou" })), []);
        assert.deepStrictEqual(
            asTeamB(service({ [`${CLB}cert-id`]: "team-a-cert-cn-hangzhou", [`${CLB}loadbalancer-id`]: "lb-platform" })),
            [
                `Service ray-team-b/dash-public: metadata.annotations["${CLB}cert-id"]: CLB certificate team-a-cert-cn-hangzhou ${OWNED_BY_A}`,
                `Service ray-team-b/dash-public: metadata.annotations["${CLB}loadbalancer-id"]: takes over an existing CLB, which the platform or another team runs; a team's Service gets a load balancer of its own`,
            ],
        );
    });

    it("refuses an Ingress for another team's host, a rule without a host, and a default backend", () => {
        assert.deepStrictEqual(
            asTeamB(ingress({ rules: [{ host: "ray.team-b.example.com" }], tls: [{ hosts: ["ray.team-b.example.com"] }] })),
            [],
        );
        assert.deepStrictEqual(
            asTeamB(
                ingress({
                    defaultBackend: { service: { name: "x", port: { number: 80 } } },
                    rules: [{ host: "ray.team-a.example.com" }, { host: "nb.apps.team-a.example.com" }, { http: {} }],
                    tls: [{ hosts: ["*.team-a.example.com"] }],
                }),
            ),
            [
                "Ingress ray-team-b/dash: spec.defaultBackend: takes every request no rule matches on the shared ingress controller, other teams' hosts included; route named hosts only",
                `Ingress ray-team-b/dash: spec.rules[0].host: host ray.team-a.example.com ${OWNED_BY_A}`,
                `Ingress ray-team-b/dash: spec.rules[1].host: host nb.apps.team-a.example.com ${OWNED_BY_A}`,
                "Ingress ray-team-b/dash: spec.rules[2].host: is not set, so the rule takes every host on the shared ingress controller, other teams' included; name a host registered to stack team-b",
                `Ingress ray-team-b/dash: spec.tls[0].hosts[0]: host *.team-a.example.com ${OWNED_BY_A}`,
            ],
        );
    });

    it("refuses a route to another team's listener or host, to every listener, to every host, or to a non-Gateway parent", () => {
        assert.deepStrictEqual(asTeamB(route({ parentRefs: [shared], hostnames: ["ray.team-b.example.com"] })), []);
        assert.deepStrictEqual(
            asTeamB(
                route({
                    parentRefs: [
                        { name: "team-a-gw", namespace: "gateways", sectionName: "https-team-a" },
                        // No namespace: the Gateway API reads the route's own, which is not where the shared Gateway is.
                        { name: "shared", sectionName: "https" },
                        { name: "shared", namespace: "gateways" },
                        { group: "", kind: "Service", name: "training-head-svc", namespace: "ray-team-a" },
                    ],
                    hostnames: ["ray.team-a.example.com"],
                }),
                route({ parentRefs: [shared] }, "GRPCRoute"),
            ),
            [
                `HTTPRoute ray-team-b/dash: spec.parentRefs[0]: Gateway listener gateways/team-a-gw/https-team-a ${OWNED_BY_A}`,
                `HTTPRoute ray-team-b/dash: spec.parentRefs[1]: Gateway listener ray-team-b/shared/https ${notRegistered("gatewayListeners")}`,
                "HTTPRoute ray-team-b/dash: spec.parentRefs[2].sectionName: is not set, so the route attaches to every listener of Gateway gateways/shared; name a listener registered to stack team-b",
                `HTTPRoute ray-team-b/dash: spec.parentRefs[3]: attaches to core/Service "training-head-svc"; a team's route attaches only to a Gateway listener registered to stack team-b`,
                `HTTPRoute ray-team-b/dash: spec.hostnames[0]: host ray.team-a.example.com ${OWNED_BY_A}`,
                "GRPCRoute ray-team-b/dash: spec.hostnames: is not set, so the route takes every host its listeners accept, other teams' included; name hosts registered to stack team-b",
            ],
        );
    });

    it("refuses a Gateway of the team's own listening for another team's host, or every host", () => {
        const gw = (listeners: unknown[]) =>
            k8s("gateway.networking.k8s.io/v1", "Gateway", { name: "own", namespace: B }, { spec: { gatewayClassName: "eg", listeners } });
        assert.deepStrictEqual(asTeamB(gw([{ name: "https", port: 443, protocol: "HTTPS", hostname: "ray.team-b.example.com" }])), []);
        assert.deepStrictEqual(
            asTeamB(
                gw([
                    { name: "a", port: 443, protocol: "HTTPS", hostname: "ray.team-a.example.com" },
                    { name: "any", port: 80, protocol: "HTTP" },
                ]),
            ),
            [
                `Gateway ray-team-b/own: spec.listeners[0].hostname: host ray.team-a.example.com ${OWNED_BY_A}`,
                "Gateway ray-team-b/own: spec.listeners[1].hostname: is not set, so the listener takes every host (on a merged Gateway, other teams' too); name a host registered to stack team-b",
            ],
        );
    });
});

describe("policy ray-tenancy: pod templates", () => {
    const ossVolume = (bucket: string, p: string, extra: Record<string, unknown> = {}) => ({
        name: "data",
        csi: {
            driver: "ossplugin.csi.alibabacloud.com",
            volumeAttributes: { bucket, path: p, authType: "rrsa", roleName: "ray-team-b", ...extra },
        },
    });
    const withVolume = (r: PolicyResource, volume: unknown, readOnlyMount = true) => {
        headSpec(r).volumes.push(volume);
        headSpec(r).containers[0].volumeMounts.push({ name: "data", mountPath: "/mnt/data", readOnly: readOnlyMount });
        return r;
    };

    it("refuses team-b's RayCluster mounting team-a's bucket, and a hand-written Deployment doing the same", () => {
        assert.deepStrictEqual(asTeamB(withVolume(inTeamB(rayCluster()), ossVolume("shared-reference-data", "/public"))), []);
        const deployment = k8s(
            "apps/v1",
            "Deployment",
            { name: "reader", namespace: B },
            {
                spec: {
                    template: {
                        spec: {
                            containers: [{ name: "c", volumeMounts: [{ name: "data", mountPath: "/d" }] }],
                            volumes: [ossVolume("team-a-data", "/")],
                        },
                    },
                },
            },
        );
        assert.deepStrictEqual(asTeamB(withVolume(inTeamB(rayCluster()), ossVolume("team-a-data", "/models")), deployment), [
            `RayCluster ray-team-b/demo: spec.headGroupSpec.template.spec.volumes[3].csi.volumeAttributes: read access to oss://team-a-data/models/ ${OWNED_BY_A}`,
            `Deployment ray-team-b/reader: spec.template.spec.volumes[0].csi.volumeAttributes: read-write access to oss://team-a-data/ ${OWNED_BY_A}`,
        ]);
    });

    it("refuses writing a shared bucket, leaving its prefix by '..', and another team's CSI role", () => {
        const found = asTeamB(
            withVolume(inTeamB(rayCluster("a")), ossVolume("shared-reference-data", "/public"), false),
            withVolume(inTeamB(rayCluster("b")), ossVolume("shared-reference-data", "/public/../private")),
            withVolume(inTeamB(rayCluster("c")), ossVolume("team-b-datasets", "/etl", { roleName: "ray-team-a" })),
        );
        assert.deepStrictEqual(found, [
            "RayCluster ray-team-b/a: spec.headGroupSpec.template.spec.volumes[3].csi.volumeAttributes: read-write access to oss://shared-reference-data/public/: the registry grants stack team-b read access only (ray-tenancy.shared.oss)",
            'RayCluster ray-team-b/b: spec.headGroupSpec.template.spec.volumes[3].csi.volumeAttributes.path: path "/public/../private" has a "." or ".." segment; name the directory as it is',
            `RayCluster ray-team-b/c: spec.headGroupSpec.template.spec.volumes[3].csi.volumeAttributes.roleName: RAM role ray-team-a ${OWNED_BY_A}`,
        ]);
    });

    it("refuses another team's NAS directory, also through '..' or a plain NFS volume", () => {
        const nas = (p: string) => ({
            name: "data",
            csi: { driver: "nasplugin.csi.alibabacloud.com", volumeAttributes: { server: NAS, path: p } },
        });
        assert.deepStrictEqual(asTeamB(withVolume(inTeamB(rayCluster()), nas("/team-b/models"))), []);
        assert.deepStrictEqual(
            asTeamB(
                withVolume(inTeamB(rayCluster("a")), nas("/team-b/../team-a")),
                withVolume(inTeamB(rayCluster("b")), { name: "data", nfs: { server: NAS, path: "/team-a/ckpt" } }),
            ),
            [
                `RayCluster ray-team-b/a: spec.headGroupSpec.template.spec.volumes[3].csi.volumeAttributes: NAS ${NAS}:/team-b/../team-a (that is, /team-a/) ${OWNED_BY_A}`,
                `RayCluster ray-team-b/b: spec.headGroupSpec.template.spec.volumes[3].nfs: NAS ${NAS}:/team-a/ckpt ${OWNED_BY_A}`,
            ],
        );
    });

    it("refuses selecting or tolerating another team's dedicated node pool, and pinning a node by name", () => {
        const rc = inTeamB(rayCluster());
        const worker = rc.props.spec.workerGroupSpecs[0].template.spec;
        worker.nodeSelector = { "pool.example.com/team-a": "gpu" };
        worker.tolerations = [{ key: "dedicated", operator: "Equal", value: "team-a", effect: "NoSchedule" }, { operator: "Exists" }];
        headSpec(rc).affinity = {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: "pool.example.com/team-a", operator: "Exists" }] }],
                },
            },
        };
        headSpec(rc).nodeName = "gpu-node-1";
        const POOL = "node pool team-a-gpu, which belongs to stack team-a (tenancy registry: ray-tenancy.tenants.team-a.nodePools)";
        assert.deepStrictEqual(asTeamB(rc), [
            `RayCluster ray-team-b/demo: spec.headGroupSpec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]: pool.example.com/team-a=gpu selects ${POOL}`,
            'RayCluster ray-team-b/demo: spec.headGroupSpec.template.spec.nodeName: pins the pod to node "gpu-node-1" past the scheduler, so no taint of a dedicated node pool keeps it out; select nodes by label',
            `RayCluster ray-team-b/demo: spec.workerGroupSpecs[0].template.spec.nodeSelector["pool.example.com/team-a"]: pool.example.com/team-a=gpu selects ${POOL}`,
            `RayCluster ray-team-b/demo: spec.workerGroupSpecs[0].template.spec.tolerations[0]: tolerates dedicated=team-a:NoSchedule, a taint of ${POOL}`,
            `RayCluster ray-team-b/demo: spec.workerGroupSpecs[0].template.spec.tolerations[1]: tolerates dedicated=team-a:NoSchedule, a taint of ${POOL}`,
        ]);
        // A numeric comparison selects the pool when its value passes: generation 7 > 5, not < 5.
        const byGeneration = (operator: string) => {
            const r = inTeamB(rayCluster());
            headSpec(r).affinity = {
                nodeAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                        {
                            weight: 1,
                            preference: { matchExpressions: [{ key: "pool.example.com/team-a-generation", operator, values: ["5"] }] },
                        },
                    ],
                },
            };
            return asTeamB(r);
        };
        assert.deepStrictEqual(byGeneration("Lt"), []);
        assert.deepStrictEqual(byGeneration("Gt"), [
            `RayCluster ray-team-b/demo: spec.headGroupSpec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0]: pool.example.com/team-a-generation=7 selects ${POOL}`,
        ]);
    });

    it("refuses a PersistentVolumeClaim that names a PersistentVolume", () => {
        const pvc = (volumeName?: string) =>
            k8s(
                "v1",
                "PersistentVolumeClaim",
                { name: "ckpt", namespace: B },
                { spec: { accessModes: ["ReadWriteMany"], ...(volumeName ? { volumeName } : {}) } },
            );
        assert.deepStrictEqual(asTeamB(pvc()), []);
        assert.deepStrictEqual(asTeamB(pvc("team-a-checkpoints")), [
            'PersistentVolumeClaim ray-team-b/ckpt: spec.volumeName: binds PersistentVolume "team-a-checkpoints" by name; a PersistentVolume is the platform\'s, made for one team, and the platform binds it (claimRef)',
        ]);
    });

    it("refuses a ServiceAccount annotated with another team's RAM role", () => {
        const sa = (role: string) =>
            k8s("v1", "ServiceAccount", { name: "etl", namespace: B, annotations: { "pod-identity.alibabacloud.com/role-name": role } });
        assert.deepStrictEqual(asTeamB(sa("ray-team-b")), []);
        assert.deepStrictEqual(asTeamB(sa("ray-team-a")), [
            `ServiceAccount ray-team-b/etl: metadata.annotations["pod-identity.alibabacloud.com/role-name"]: RAM role ray-team-a ${OWNED_BY_A}`,
        ]);
    });
});

describe("policy ray-tenancy: NetworkPolicies", () => {
    const np = (spec: Record<string, unknown>, name = "np") =>
        k8s("networking.k8s.io/v1", "NetworkPolicy", { name, namespace: B }, { spec: { podSelector: {}, ...spec } });
    const egress = (cidr: string, ports?: unknown[], except?: string[]) => ({
        to: [{ ipBlock: { cidr, ...(except ? { except } : {}) } }],
        ...(ports ? { ports } : {}),
    });
    const tcp = (port: number, endPort?: number) => ({ protocol: "TCP", port, ...(endPort ? { endPort } : {}) });
    const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

    it("passes the registered endpoints, the team's own pods, the API server and the internet minus private space", () => {
        const spec = {
            egress: [
                egress("100.118.28.0/24", [tcp(443)]),
                egress("100.100.100.0/24", [tcp(443)], ["100.100.100.200/32"]),
                egress("10.20.4.0/24"),
                egress("192.168.0.10/32", [tcp(6443)]),
                egress("0.0.0.0/0", [tcp(443)], PRIVATE),
            ],
        };
        assert.deepStrictEqual(asTeamB(np(spec)), []);
    });

    it("refuses egress to another team's pods, unregistered ports or every port, and node ports on the internet", () => {
        const found = asTeamB(
            np({
                egress: [
                    egress("10.20.0.0/22", [tcp(8265)]),
                    egress("100.118.28.0/24", [tcp(443, 8443)]),
                    egress("192.168.0.10/32", [tcp(10250)]),
                    egress("0.0.0.0/0", undefined, PRIVATE),
                ],
            }),
        );
        // team-b's Redis for GCS fault tolerance and its log shipping's endpoints are registered endpoints too (each named once).
        const REGISTERED =
            "ray-tenancy.tenants.team-b.egress and .gcsRedis and .logs.egress: 100.118.28.0/24 443, 100.100.100.0/24 443, 10.20.96.10/32 6379";
        assert.deepStrictEqual(found, [
            `NetworkPolicy ray-team-b/np: spec.egress[0].to[0].ipBlock: 10.20.0.0/22 port(s) 8265 reaches private address space not registered as an endpoint of stack team-b (tenancy registry: ${REGISTERED}); other teams' pods, nodes and services live there`,
            `NetworkPolicy ray-team-b/np: spec.egress[1].to[0].ipBlock: 100.118.28.0/24 port(s) 443-8443 reaches private address space not registered as an endpoint of stack team-b (tenancy registry: ${REGISTERED}); other teams' pods, nodes and services live there`,
            `NetworkPolicy ray-team-b/np: spec.egress[2].to[0].ipBlock: 192.168.0.10/32 port(s) 10250 reaches private address space not registered as an endpoint of stack team-b (tenancy registry: ${REGISTERED}); other teams' pods, nodes and services live there`,
            "NetworkPolicy ray-team-b/np: spec.egress[3].to[0].ipBlock: 0.0.0.0/5 port(s) 10250, 10255, 2379, 2380, 10257, 10259, 6443 are node or control-plane ports (kubelet, etcd, API server); only the platform registers them (ray-tenancy.tenants.team-b.egress) (and 37 more part(s) of 0.0.0.0/0 without its except)",
        ]);
    });

    it("opens Ray's metrics port only to the platform's monitoring namespace, named", () => {
        const from = (namespaceSelector: unknown, ports?: unknown[]) => ({
            ingress: [{ from: [{ namespaceSelector }], ...(ports ? { ports } : {}) }],
        });
        const byName = (ns: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });
        assert.deepStrictEqual(
            asTeamB(np(from(byName("arms-prom"), [tcp(8080)])), np(from(byName("ray-team-a"), [tcp(8265)]), "dashboard")),
            [],
        );
        const found = asTeamB(
            np(from(byName("ray-team-a"), [tcp(8080)])),
            np(from({ matchLabels: { "ray-on-ack.io/team": "team-a" } }, [tcp(8000, 9000)]), "np1"),
            np(from(byName("kuberay-system")), "np2"),
        );
        assert.deepStrictEqual(found, [
            "NetworkPolicy ray-team-b/np: spec.ingress[0].from[0].namespaceSelector: ray-team-a is not the platform's monitoring namespace (tenancy registry: ray-tenancy.cluster.monitoringNamespace: arms-prom); only the platform's monitoring may scrape Ray's metrics",
            `NetworkPolicy ray-team-b/np1: spec.ingress[0].from[0].namespaceSelector: {"matchLabels":{"ray-on-ack.io/team":"team-a"}} admits namespaces to Ray's metrics port 8080 without naming them; only the platform's monitoring namespace (ray-tenancy.cluster.monitoringNamespace: arms-prom) may, selected by kubernetes.io/metadata.name`,
            "NetworkPolicy ray-team-b/np2: spec.ingress[0].from[0].namespaceSelector: kuberay-system is not the platform's monitoring namespace (tenancy registry: ray-tenancy.cluster.monitoringNamespace: arms-prom); only the platform's monitoring may scrape Ray's metrics",
        ]);
    });
});

describe("policy ray-tenancy: metrics and logs", () => {
    const tcp = (port: number) => ({ protocol: "TCP", port });
    const byName = (ns: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });
    const metricsNp = (ports: unknown[] | undefined, name: string) =>
        k8s(
            "networking.k8s.io/v1",
            "NetworkPolicy",
            { name, namespace: B },
            {
                spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: byName("arms-prom") }], ...(ports ? { ports } : {}) }] },
            },
        );

    it("admits the monitoring namespace to Ray's metrics port only, never to another port or every port", () => {
        assert.deepStrictEqual(asTeamB(metricsNp([tcp(8080)], "ray-metrics")), []);
        assert.deepStrictEqual(asTeamB(metricsNp([tcp(8080), tcp(8265)], "wide"), metricsNp(undefined, "all")), [
            'NetworkPolicy ray-team-b/wide: spec.ingress[0].ports: admits the monitoring namespace arms-prom to [{"protocol":"TCP","port":8080},{"protocol":"TCP","port":8265}]: only Ray\'s metrics port 8080 (TCP) is for scraping',
            "NetworkPolicy ray-team-b/all: spec.ingress[0].ports: admits the monitoring namespace arms-prom to every port: only Ray's metrics port 8080 (TCP) is for scraping",
        ]);
    });

    it("lets a RAM policy on the team's log prefix only write (oss:PutObject) or only read it", () => {
        const LOGS = "acs:oss:*:1:ray-logs-cn-hangzhou";
        const writer = { Effect: "Allow", Action: ["oss:PutObject"], Resource: [`${LOGS}/team-b/*`] };
        const reader = [
            { Effect: "Allow", Action: ["oss:GetObject", "oss:GetObjectMeta"], Resource: [`${LOGS}/team-b/*`] },
            { Effect: "Allow", Action: ["oss:ListObjects"], Resource: [LOGS], Condition: { StringLike: { "oss:Prefix": ["team-b/*"] } } },
        ];
        assert.deepStrictEqual(asTeamB(ramPolicy([writer], "logs-w"), ramPolicy(reader, "logs-r")), []);
        const found = asTeamB(
            ramPolicy([{ Effect: "Allow", Action: ["oss:PutObject", "oss:DeleteObject"], Resource: [`${LOGS}/team-b/*`] }], "logs-delete"),
            ramPolicy(
                [{ Effect: "Allow", Action: ["oss:GetObject", "oss:PutObject"], Resource: [`${LOGS}/team-b/rayjob/*`] }],
                "logs-both",
            ),
            ramPolicy([{ Effect: "Allow", Action: ["oss:PutObject"], Resource: [`${LOGS}/team-a/*`] }], "logs-other"),
        );
        assert.strictEqual(found.length, 3, found.join("\n"));
        assert.match(
            found[0],
            /logs-delete: policyDocument\.Statement\[0\]\.Resource\[0\]: oss:PutObject, oss:DeleteObject on the log prefix oss:\/\/ray-logs-cn-hangzhou\/team-b\/ .*never deletes or both/,
        );
        assert.match(found[1], /logs-both: .*oss:GetObject, oss:PutObject on the log prefix/);
        // Outside the team's prefix, it is an OSS claim like any other: not the team's.
        assert.match(
            found[2],
            /logs-other: .*read-write access to oss:\/\/ray-logs-cn-hangzhou\/team-a\/ is not registered to stack team-b/,
        );
    });
});

describe("policy ray-tenancy: hand-written endpoints", () => {
    it("refuses Endpoints and EndpointSlices at another team's pod addresses", () => {
        const endpoints = k8s(
            "v1",
            "Endpoints",
            { name: "backdoor", namespace: B },
            { subsets: [{ addresses: [{ ip: "10.20.4.9" }, { ip: "10.20.0.17" }], notReadyAddresses: [{ ip: "203.0.113.5" }] }] },
        );
        const slice = k8s(
            "discovery.k8s.io/v1",
            "EndpointSlice",
            { name: "backdoor-1", namespace: B },
            { addressType: "IPv4", endpoints: [{ addresses: ["10.20.1.3"] }] },
        );
        assert.deepStrictEqual(asTeamB(endpoints, slice), [
            `Endpoints ray-team-b/backdoor: subsets[0].addresses[1].ip: pod CIDR 10.20.0.17/32 ${OWNED_BY_A}`,
            `EndpointSlice ray-team-b/backdoor-1: endpoints[0].addresses[0]: pod CIDR 10.20.1.3/32 ${OWNED_BY_A}`,
        ]);
    });
});

describe("policy ray-tenancy: the platform stack", () => {
    const tree = (namespaces: string[][]) =>
        k8s(
            "scheduling.sigs.k8s.io/v1beta1",
            "ElasticQuotaTree",
            { name: "elasticquotatree", namespace: "kube-system" },
            {
                spec: { root: { name: "root", children: namespaces.map((ns, i) => ({ name: `c${i}`, namespaces: ns })) } },
            },
        );

    it("lists only registered team namespaces in the quota tree, and is otherwise not judged", () => {
        const addon = cloud("alicloud:cs/kubernetesAddon:KubernetesAddon", "kuberay", { name: "kuberay-operator" });
        const role = k8s("rbac.authorization.k8s.io/v1", "ClusterRole", { name: "ray-viewer" }, { rules: [] });
        assert.deepStrictEqual(judge("platform", [tree([["ray-team-a"], [B]]), addon, role]), []);
        assert.deepStrictEqual(judge("platform", [tree([["ray-team-a", "kube-system"], ["ray-team-c"]])]), [
            "ElasticQuotaTree kube-system/elasticquotatree: spec.root.children[0].namespaces[1]: kube-system is not a team namespace of the tenancy registry (ray-tenancy.tenants: ray-team-a, ray-team-b); the quota tree gives capacity to registered teams only",
            "ElasticQuotaTree kube-system/elasticquotatree: spec.root.children[1].namespaces[0]: ray-team-c is not a team namespace of the tenancy registry (ray-tenancy.tenants: ray-team-a, ray-team-b); the quota tree gives capacity to registered teams only",
        ]);
    });

    it("refuses the quota tree in any other stack, registered or not", () => {
        const SINGLETON =
            "is the cluster's ElasticQuotaTree, which divides capacity between the teams: only the platform stack declares it";
        assert.deepStrictEqual(asTeamB(tree([[B]])), [`ElasticQuotaTree kube-system/elasticquotatree: ${SINGLETON}, not stack team-b`]);
        assert.deepStrictEqual(judge("Platform", [tree([[B]])]), [
            `ElasticQuotaTree kube-system/elasticquotatree: ${SINGLETON}, not stack Platform`,
            "ElasticQuotaTree kube-system/elasticquotatree: stack Platform has no entry in the tenancy registry (ray-tenancy.tenants in the platform's policy pack config; registered: team-a, team-b): the platform team registers a team stack before it deploys",
        ]);
    });
});

describe("policy ray-tenancy: one object, one resource", () => {
    it("refuses two resources declaring one object, inline ones included; patches and auto-named objects do not collide", () => {
        const group = { type: "kubernetes:yaml/v2:ConfigGroup", name: "extras", props: { objs: [configMap(B).props] } };
        const again = { ...configMap(B), name: "settings-again" };
        const patch = { ...configMap(B), type: "kubernetes:core/v1:ConfigMapPatch" };
        const autoNamed = k8s("v1", "ConfigMap", { namespace: B }, {});
        assert.deepStrictEqual(asTeamB(configMap(B), patch, autoNamed, { ...autoNamed, name: "other" }), []);
        assert.deepStrictEqual(asTeamB(configMap(B), again, group), [
            "ConfigMap ray-team-b/settings: metadata.name: ConfigMap ray-team-b/settings is also declared by resource settings (kubernetes:core/v1:ConfigMap); two resources of one stack would fight over one object, so declare it once",
            "ConfigMap ray-team-b/settings: metadata.name: ConfigMap ray-team-b/settings is also declared by resource settings (kubernetes:core/v1:ConfigMap); two resources of one stack would fight over one object, so declare it once",
        ]);
    });
});

describe("policy ray-tenancy under preview", () => {
    it("leaves a resource with a value unknown during preview unjudged (a notice), and judges the rest", () => {
        const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // @pulumi/policy's sentinel for an unknown string
        const pn = k8s(
            "network.alibabacloud.com/v1beta1",
            "PodNetworking",
            { name: "ray-team-b-pods" },
            {
                spec: {
                    selector: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": B } } },
                    vSwitchOptions: [UNKNOWN_STRING],
                    securityGroupIDs: [],
                },
            },
        );
        const resources = [{ ...pn, props: unknownCheckingProxy(pn.props) }, configMap("ray-team-a")];
        const findings = evaluateCheck(tenancy, resources, resolvePackConfig(REGISTRY), { stack: "team-b" }).findings;
        assert.deepStrictEqual(
            findings.map((f) => [f.exception, f.message]),
            [
                [
                    true,
                    "PodNetworking ray-team-b-pods: cannot be judged during preview (string value at .spec.vSwitchOptions.0 can't be known during preview); the check judges it once the value is known",
                ],
                [false, `ConfigMap ray-team-a/settings: metadata.namespace: namespace ray-team-a ${OWNED_BY_A}`],
            ],
        );
    });
});

/** Renders `stack` from a copy of stacks/, `edit`ed; returns what the pack sees of it. */
function render(
    stack: string,
    edit: (config: Record<string, any>) => void = () => undefined,
): { resources: PolicyResource[]; posture: any } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-on-ack-tenancy-"));
    for (const f of fs.readdirSync(path.join(ROOT, "stacks")).filter((f) => f.endsWith(".yaml"))) {
        fs.copyFileSync(path.join(ROOT, "stacks", f), path.join(dir, f));
    }
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const doc = YAML.parse(fs.readFileSync(file, "utf8"));
    edit(doc.config);
    fs.writeFileSync(file, YAML.stringify(doc));
    const run = runRender(["--stack", stack, "--stacks-dir", dir]);
    assert.strictEqual(run.status, 0, run.stderr);
    const cloudResources = JSON.parse(fs.readFileSync(path.join(run.out, "alicloud.json"), "utf8")).map((r: any) => ({
        type: r.type,
        name: r.name,
        props: r.inputs,
    }));
    return {
        resources: [...manifests(run.out).map(asResource), ...cloudResources],
        posture: JSON.parse(fs.readFileSync(path.join(run.out, "posture.json"), "utf8")),
    };
}

describe("policy ray-tenancy: the example team stacks", () => {
    const judgeRendered = (stack: string, resources: PolicyResource[]) =>
        evaluateCheck(tenancy, resources, resolvePackConfig(PLATFORM_TENANCY), { stack }).findings.map((f) => f.message);

    it("passes team-a's render, which claims a namespace, a PodNetworking, an autoscaler scope and NetworkPolicies", () => {
        const { resources, posture } = render("team-a");
        const kinds = new Set(resources.map((r) => r.props.kind));
        for (const kind of [
            "Namespace",
            "PodNetworking",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "NetworkPolicy",
            "RayCluster",
            "RoleBinding",
        ]) {
            assert.ok(kinds.has(kind), kind);
        }
        assert.deepStrictEqual(judgeRendered("team-a", resources), []);
        assert.strictEqual(posture.checks.find((c: any) => c.id === "ray-tenancy").status, "pass");
        // The same objects are another team's claim when team-b deploys them.
        assert.match(
            judgeRendered("team-b", resources).join("\n"),
            /Namespace ray-team-a: metadata\.name: namespace ray-team-a belongs to stack team-a/,
        );
    });

    it("passes team-b's render, RRSA policy, role and attachment and OSS volume included", () => {
        // The program refuses team-b's cost-center pod label until the config side reads the platform's label list (issue 22); it is no tenancy claim.
        const { resources, posture } = render("team-b", (config) => {
            for (const c of config["ray-on-ack:clusters"]) {
                delete c.labels;
            }
        });
        const types = new Set(resources.map((r) => r.type));
        for (const type of [
            "alicloud:ram/policy:Policy",
            "alicloud:ram/role:Role",
            "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
            "alicloud:slb/acl:Acl",
            "kubernetes:ray.io/v1:RayJob",
        ]) {
            assert.ok(types.has(type), type);
        }
        assert.deepStrictEqual(judgeRendered("team-b", resources), []);
        assert.strictEqual(posture.checks.find((c: any) => c.id === "ray-tenancy").status, "pass");
        assert.match(
            judgeRendered("team-a", resources).join("\n"),
            /alicloud:ram\/role:Role team-b-rrsa-ray-team-b: roleName: RAM role ray-team-b belongs to stack team-b/,
        );
    });
});
