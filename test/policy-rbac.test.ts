import * as assert from "assert";
import { dedicatedServiceAccount, rbacLeastPrivilege, serviceAccountToken } from "../policy/checks/rbac";
import { autoscalerRole, container, k8s, messages, podSecurity, rayCluster, rayJob, roleBinding, serviceAccount } from "./policy-fixtures.test";

describe("policy ray-rbac-least-privilege (seed 4)", () => {
    it("accepts named verbs on named resources and a binding to a Role", () => {
        assert.deepStrictEqual(messages(rbacLeastPrivilege, autoscalerRole()), []);
        assert.deepStrictEqual(messages(rbacLeastPrivilege, roleBinding()), []);
    });

    it("refuses wildcards and privilege-raising verbs", () => {
        const role = autoscalerRole();
        role.props.rules = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*", "impersonate"] }];
        assert.deepStrictEqual(messages(rbacLeastPrivilege, role), [
            'Role ray-a/demo: rules[0].verbs: grants every verb ("*")',
            "Role ray-a/demo: rules[0].verbs: grants impersonate, which lets the holder raise its own privileges",
            'Role ray-a/demo: rules[0].resources: covers every resource ("*")',
            'Role ray-a/demo: rules[0].apiGroups: covers every API group ("*")',
        ]);
    });

    it("refuses a binding to cluster-admin", () => {
        const binding = k8s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", {
            metadata: { name: "ray-admin" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
            subjects: [{ kind: "ServiceAccount", name: "demo-ray-head", namespace: "ray-a" }],
        });
        assert.deepStrictEqual(messages(rbacLeastPrivilege, binding), [
            'ClusterRoleBinding ray-admin: roleRef.name: binds the built-in "cluster-admin" ClusterRole; bind a least-privilege Role',
        ]);
    });
});

describe("policy ray-service-account-token (seed 4)", () => {
    it("accepts ServiceAccounts and pods without automounted tokens, and the autoscaler's projected token", () => {
        assert.deepStrictEqual(messages(serviceAccountToken, serviceAccount("demo-ray-head")), []);
        assert.deepStrictEqual(messages(serviceAccountToken, rayCluster()), []);
    });

    it("refuses a ServiceAccount that automounts its token", () => {
        const sa = serviceAccount("demo-ray-head");
        delete sa.props.automountServiceAccountToken;
        assert.deepStrictEqual(messages(serviceAccountToken, sa), [
            "ServiceAccount ray-a/demo-ray-head: automountServiceAccountToken: must be false; a pod that needs a token gets a projected one",
        ]);
    });

    it("refuses a pod spec that does not turn automount off", () => {
        const pod = k8s("kubernetes:core/v1:Pod", {
            metadata: { name: "debug", namespace: "ray-a" },
            spec: { securityContext: podSecurity(), containers: [container("debug")] },
        });
        assert.deepStrictEqual(messages(serviceAccountToken, pod), [
            "Pod ray-a/debug: spec.automountServiceAccountToken: must be false; a container that needs a token gets a projected one",
        ]);
    });

    it("refuses the API token mounted in a Ray container, but not an RRSA token", () => {
        const rc = rayCluster();
        const head = rc.props.spec.headGroupSpec.template.spec;
        head.volumes.push({ name: "rrsa", projected: { sources: [{ serviceAccountToken: { path: "token", audience: "sts.aliyuncs.com" } }] } });
        head.containers[0].volumeMounts.push({ name: "autoscaler-token", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" });
        head.containers[0].volumeMounts.push({ name: "rrsa", mountPath: "/var/run/secrets/ack.alibabacloud.com/rrsa-tokens" });
        assert.deepStrictEqual(messages(serviceAccountToken, rc), [
            'RayCluster ray-a/demo: spec.headGroupSpec.template.spec.containers[0].volumeMounts[2]: mounts the Kubernetes API token volume "autoscaler-token" (container "ray-head"); only the KubeRay autoscaler may',
        ]);
    });
});

describe("policy ray-dedicated-service-account (seed 4, 9, stack-level)", () => {
    it("accepts clusters with their own ServiceAccounts", () => {
        assert.deepStrictEqual(messages(dedicatedServiceAccount, [rayCluster(), rayCluster("other"), rayJob()]), []);
    });

    it("refuses the default ServiceAccount and one shared between clusters", () => {
        const a = rayCluster("a");
        const b = rayCluster("b");
        b.props.spec.workerGroupSpecs[0].template.spec.serviceAccountName = "a-ray-worker";
        delete b.props.spec.headGroupSpec.template.spec.serviceAccountName;
        assert.deepStrictEqual(messages(dedicatedServiceAccount, [a, b]), [
            "RayCluster ray-a/b: spec.headGroupSpec.template.spec.serviceAccountName: is not set; name a ServiceAccount of this cluster's own",
            'RayCluster ray-a/b: spec.workerGroupSpecs[0].template.spec.serviceAccountName: ServiceAccount "a-ray-worker" is also used by RayCluster ray-a/a; give each cluster its own',
        ]);
    });
});
