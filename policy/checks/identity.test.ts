import * as assert from "assert";
import { personalIdentity } from "./identity";
import { serviceAccountToken } from "./rbac";
import { NS, k8s, messages, rayCluster, rayJob } from "../../test/fixtures/policy";
import { asResource } from "../../test/helpers/policy";
import { manifests, renderedStack } from "../../test/helpers/render";
import type { PolicyResource } from "../resource";

const RBAC = "kubernetes:rbac.authorization.k8s.io/v1";
const rbac = (kind: string, props: any) => k8s(`${RBAC}:${kind}`, { apiVersion: "rbac.authorization.k8s.io/v1", kind, ...props });

/** A RayCluster with personal identity, as the builders make it: no autoscaler, no secretName. */
function personalCluster(name = "demo"): PolicyResource {
    const rc = rayCluster(name);
    rc.props.spec.authOptions = { mode: "token", enableK8sTokenAuth: true };
    rc.props.spec.enableInTreeAutoscaling = false;
    delete rc.props.spec.autoscalerOptions;
    return rc;
}

const nodes = (cluster = "demo") => [
    { kind: "ServiceAccount", name: `${cluster}-ray-head`, namespace: NS },
    { kind: "ServiceAccount", name: `${cluster}-ray-worker`, namespace: NS },
];
const accessRole = (cluster = "demo", rules?: any[]) =>
    rbac("Role", {
        metadata: { name: `${cluster}-ray-access`, namespace: NS },
        rules: rules ?? [{ apiGroups: ["ray.io"], resources: ["rayclusters"], resourceNames: [cluster], verbs: ["ray:write"] }],
    });
const roleRef = (kind: string, name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name });
const nodesBinding = (cluster = "demo") =>
    rbac("RoleBinding", {
        metadata: { name: `${cluster}-ray-nodes`, namespace: NS },
        roleRef: roleRef("Role", `${cluster}-ray-access`),
        subjects: nodes(cluster),
    });
const reviewerBinding = (subjects: any[] = nodes()) =>
    rbac("ClusterRoleBinding", {
        metadata: { name: `ray-on-ack-${NS}-token-reviewers` },
        roleRef: roleRef("ClusterRole", "ray-on-ack-token-reviewer"),
        subjects,
    });
const compliant = () => [personalCluster(), accessRole(), nodesBinding(), reviewerBinding()];

describe("policy ray-personal-identity (seed 4, stack-level)", () => {
    it("accepts a personal-identity RayCluster whose nodes hold ray:write on it and the platform's reviewer role", () => {
        assert.deepStrictEqual(messages(personalIdentity, compliant()), []);
    });

    it("accepts the rendered team-a and platform stacks (notebooks has personal identity)", function () {
        this.timeout(240_000);
        const objects = [...manifests(renderedStack("team-a").out), ...manifests(renderedStack("platform").out)];
        assert.ok(objects.some((o) => o.kind === "RayCluster" && o.spec.authOptions.enableK8sTokenAuth === true));
        assert.deepStrictEqual(messages(personalIdentity, objects.map(asResource)), []);
    });

    it("refuses it on a RayJob and a RayService, and without token mode, with a secretName, old Ray or autoscaling", () => {
        const job = rayJob();
        job.props.spec.rayClusterSpec.authOptions = { mode: "token", enableK8sTokenAuth: true };
        const service = k8s("kubernetes:ray.io/v1:RayService", {
            apiVersion: "ray.io/v1",
            kind: "RayService",
            metadata: { name: "svc", namespace: NS },
            spec: { rayClusterConfig: personalCluster("svc").props.spec },
        });
        const rc = rayCluster();
        rc.props.spec.authOptions = { mode: "disabled", enableK8sTokenAuth: true, secretName: "demo-ray-token" };
        rc.props.spec.rayVersion = "2.54.0";
        assert.deepStrictEqual(messages(personalIdentity, [job, service, rc]), [
            "RayJob ray-a/nightly: spec.rayClusterSpec.authOptions.enableK8sTokenAuth: is set on a RayJob or RayService, whose validation in KubeRay 1.6 and 1.7 refuses it; these keep their own static token (people never need it)",
            "RayService ray-a/svc: spec.rayClusterConfig.authOptions.enableK8sTokenAuth: is set on a RayJob or RayService, whose validation in KubeRay 1.6 and 1.7 refuses it; these keep their own static token (people never need it)",
            'RayCluster ray-a/demo: spec.authOptions.mode: is "disabled"; Kubernetes token authentication needs mode token',
            "RayCluster ray-a/demo: spec.authOptions.secretName: is set with enableK8sTokenAuth, which KubeRay refuses: a static token would sit beside the people's own",
            'RayCluster ray-a/demo: spec.rayVersion: is "2.54.0"; Ray checks Kubernetes tokens from 2.55.0 (KubeRay refuses enableK8sTokenAuth below it)',
            "RayCluster ray-a/demo: spec.enableInTreeAutoscaling: is true with enableK8sTokenAuth: the autoscaler runs in the head pod under the head's ServiceAccount, whose token every Ray container then holds, so job code could patch the namespace's pods",
        ]);
    });

    it("refuses a widened Role, another role bound to the nodes, and rights through a group", () => {
        const widened = accessRole("demo", [
            { apiGroups: ["ray.io"], resources: ["rayclusters"], resourceNames: ["demo"], verbs: ["ray:write"] },
            { apiGroups: [""], resources: ["pods"], verbs: ["patch"] },
        ]);
        const otherCluster = accessRole("other");
        const toOther = rbac("RoleBinding", {
            metadata: { name: "demo-to-other", namespace: NS },
            roleRef: roleRef("Role", "other-ray-access"),
            subjects: [nodes()[0]],
        });
        const reader = rbac("Role", {
            metadata: { name: "reader", namespace: NS },
            rules: [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["x"], verbs: ["get"] }],
        });
        const everyone = rbac("RoleBinding", {
            metadata: { name: "every-sa", namespace: NS },
            roleRef: roleRef("Role", "reader"),
            subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: `system:serviceaccounts:${NS}` }],
        });
        const view = rbac("ClusterRoleBinding", {
            metadata: { name: "view-all" },
            roleRef: roleRef("ClusterRole", "view"),
            subjects: [nodes()[1]],
        });
        const head = "ServiceAccount ray-a/demo-ray-head (RayCluster demo, personal identity: its token is in every Ray container)";
        const worker = "ServiceAccount ray-a/demo-ray-worker (RayCluster demo, personal identity: its token is in every Ray container)";
        const only = "it may hold only ray:write on RayCluster demo and the platform's ray-on-ack-token-reviewer";
        assert.deepStrictEqual(
            messages(personalIdentity, [
                personalCluster(),
                widened,
                otherCluster,
                nodesBinding(),
                reviewerBinding(),
                toOther,
                reader,
                everyone,
                view,
            ]),
            [
                `RoleBinding ray-a/demo-ray-nodes: roleRef: gives ${head} patch on core/pods through Role demo-ray-access; ${only}`,
                `RoleBinding ray-a/demo-to-other: roleRef: gives ${head} ray:write on ray.io/rayclusters [other] through Role other-ray-access; ${only}`,
                `RoleBinding ray-a/every-sa: roleRef: gives ${head} get on core/secrets [x] through Role reader; ${only}`,
                `RoleBinding ray-a/demo-ray-nodes: roleRef: gives ${worker} patch on core/pods through Role demo-ray-access; ${only}`,
                `RoleBinding ray-a/every-sa: roleRef: gives ${worker} get on core/secrets [x] through Role reader; ${only}`,
                `ClusterRoleBinding view-all: roleRef: gives ${worker} ClusterRole view, which this stack does not declare, so what it grants cannot be checked`,
            ],
        );
    });

    it("refuses a reviewer binding to anyone but a personal cluster's nodes, and a widened reviewer ClusterRole", () => {
        const binding = reviewerBinding([...nodes(), { kind: "ServiceAccount", name: "demo-ray-submitter", namespace: NS }]);
        const role = rbac("ClusterRole", {
            metadata: { name: "ray-on-ack-token-reviewer" },
            rules: [
                { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
                { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
                { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
            ],
            aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: "y" } }] },
        });
        const found = messages(personalIdentity, [personalCluster(), accessRole(), nodesBinding(), binding, role]);
        assert.deepStrictEqual(found.slice(-3), [
            `ClusterRoleBinding ray-on-ack-${NS}-token-reviewers: subjects[2]: ServiceAccount ray-a/demo-ray-submitter is no Ray node of a personal-identity RayCluster of this stack; only those may review tokens`,
            "ClusterRole ray-on-ack-token-reviewer: rules[2]: grants get on core/secrets; ray-on-ack-token-reviewer is held by every personal-identity Ray container and may only create TokenReviews and SubjectAccessReviews",
            "ClusterRole ray-on-ack-token-reviewer: aggregationRule: aggregates other ClusterRoles' rules into ray-on-ack-token-reviewer, which every personal-identity Ray container holds",
        ]);
        // The widened ClusterRole reaches the nodes too.
        assert.ok(
            found.some(
                (m) =>
                    m.startsWith(
                        `ClusterRoleBinding ray-on-ack-${NS}-token-reviewers: roleRef: gives ServiceAccount ray-a/demo-ray-head`,
                    ) && m.includes("get on core/secrets"),
            ),
        );
    });

    it("leaves token-mode clusters to the other checks (their autoscaler's Role is no concern of this one)", () => {
        assert.deepStrictEqual(
            messages(personalIdentity, [
                rayCluster(),
                accessRole("demo", [{ apiGroups: [""], resources: ["pods"], verbs: ["patch"] }]),
                nodesBinding(),
            ]),
            [],
        );
    });

    it("and ray-service-account-token lets the rendered notebooks cluster's Ray containers hold their token", function () {
        this.timeout(240_000);
        const objects = manifests(renderedStack("team-a").out).map(asResource);
        const notebooks = objects.find((r) => r.props.kind === "RayCluster" && r.props.metadata.name === "notebooks")!;
        assert.ok(notebooks.props.spec.headGroupSpec.template.spec.volumes.some((v: any) => v.name === "ray-token"));
        assert.deepStrictEqual(messages(serviceAccountToken, notebooks), []);
    });
});
