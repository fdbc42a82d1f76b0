import * as assert from "assert";
import { dedicatedServiceAccount, rbacLeastPrivilege, serviceAccountToken } from "./rbac";
import {
    NS,
    SELF_EXEMPTION as SELF,
    asPatch,
    autoscalerRole,
    container,
    k8s,
    messages,
    podSecurity,
    rayCluster,
    rayJob,
    roleBinding,
    serviceAccount,
    throughPack,
    withExceptions,
} from "../../test/fixtures/policy";

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

describe("policy ray-rbac-least-privilege: access around the NetworkPolicies and the token (issue 11)", () => {
    const teamRole = () =>
        k8s("kubernetes:rbac.authorization.k8s.io/v1:Role", {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name: "team-a-ray-users", namespace: "ray-a" },
            rules: [
                { apiGroups: ["ray.io"], resources: ["rayclusters", "rayjobs"], verbs: ["get", "list", "watch"] },
                { apiGroups: [""], resources: ["pods", "pods/log", "services", "events"], verbs: ["get", "list", "watch"] },
                { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create", "get"] },
                { apiGroups: [""], resources: ["secrets"], resourceNames: ["demo-ray-token"], verbs: ["get"] },
            ],
        });
    const widened = (r = teamRole()) => {
        r.props.rules.push(
            { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] },
            { apiGroups: [""], resources: ["pods/exec", "pods/attach"], verbs: ["create", "get"] },
            { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch"] },
            { apiGroups: [""], resources: ["serviceaccounts/token", "pods"], verbs: ["create"] },
        );
        return withExceptions(r, "ray-rbac-least-privilege");
    };
    const refused = (what: string) => [
        `${what}: rules[4]: grants list, watch on secrets, which returns every Secret's data, the Ray token and TLS keys included${SELF}`,
        `${what}: rules[4]: grants get on secrets, which reads any Secret by name; list the readable ones in resourceNames${SELF}`,
        `${what}: rules[5]: grants create, get on pods/exec, which runs commands inside the Ray pods${SELF}`,
        `${what}: rules[5]: grants create, get on pods/attach, which attaches to the Ray pods' processes${SELF}`,
        `${what}: rules[6]: grants patch on pods/ephemeralcontainers, which adds a container to a running Ray pod, which is exec by another name${SELF}`,
        `${what}: rules[7]: grants create on serviceaccounts/token, which mints API and RRSA tokens for the namespace's ServiceAccounts${SELF}`,
        `${what}: rules[7]: grants create on pods, which starts pods of any shape under any of the namespace's ServiceAccounts${SELF}`,
    ];

    it("accepts the team's Role: reads, port-forward and its named Secrets", () => {
        assert.deepStrictEqual(throughPack(rbacLeastPrivilege, teamRole()), { mandatory: [], advisory: [], notApplicable: false });
        assert.deepStrictEqual(throughPack(rbacLeastPrivilege, asPatch(teamRole())).mandatory, []);
    });

    it("fails secrets list/watch and unnamed get, exec, attach, ephemeral containers, token minting and pod create, annotation or not", () => {
        assert.deepStrictEqual(throughPack(rbacLeastPrivilege, widened()).mandatory, refused("Role ray-a/team-a-ray-users"));
    });

    it("judges a RolePatch as the Role it patches", () => {
        assert.deepStrictEqual(throughPack(rbacLeastPrivilege, asPatch(widened())).mandatory, refused("RolePatch ray-a/team-a-ray-users"));
    });

    it("leaves other API groups' resources of the same name alone", () => {
        const role = teamRole();
        role.props.rules.push({ apiGroups: ["metrics.k8s.io"], resources: ["pods"], verbs: ["get", "list"] });
        assert.deepStrictEqual(throughPack(rbacLeastPrivilege, role).mandatory, []);
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
        head.volumes.push({
            name: "rrsa",
            projected: { sources: [{ serviceAccountToken: { path: "token", audience: "sts.aliyuncs.com" } }] },
        });
        head.containers[0].volumeMounts.push({ name: "autoscaler-sa-token", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" });
        head.containers[0].volumeMounts.push({ name: "rrsa", mountPath: "/var/run/secrets/ack.alibabacloud.com/rrsa-tokens" });
        assert.deepStrictEqual(messages(serviceAccountToken, rc), [
            'RayCluster ray-a/demo: spec.headGroupSpec.template.spec.containers[0].volumeMounts[2]: mounts the Kubernetes API token volume "autoscaler-sa-token" (container "ray-head"); only the KubeRay autoscaler and the Ray container of a personal-identity RayCluster may',
        ]);
    });

    it("lets the Ray containers of a personal-identity RayCluster mount it, and nobody else's", () => {
        const mountToken = (spec: any, container: number) => {
            spec.volumes.push({
                name: "ray-token",
                projected: { sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3607 } }] },
            });
            spec.containers[container].volumeMounts.push({ name: "ray-token", mountPath: "/var/run/secrets/ray.io/serviceaccount" });
        };
        const rc = rayCluster();
        rc.props.spec.authOptions = { mode: "token", enableK8sTokenAuth: true };
        mountToken(rc.props.spec.headGroupSpec.template.spec, 0);
        assert.deepStrictEqual(messages(serviceAccountToken, rc), []);
        // A sidecar of that cluster is no Ray container: it gets no token.
        const sidecar = rayCluster();
        sidecar.props.spec.authOptions = { mode: "token", enableK8sTokenAuth: true };
        const head = sidecar.props.spec.headGroupSpec.template.spec;
        head.containers.push({ name: "sidecar", image: head.containers[0].image, volumeMounts: [] });
        mountToken(head, 1);
        assert.deepStrictEqual(messages(serviceAccountToken, sidecar), [
            'RayCluster ray-a/demo: spec.headGroupSpec.template.spec.containers[1].volumeMounts[0]: mounts the Kubernetes API token volume "ray-token" (container "sidecar"); only the KubeRay autoscaler and the Ray container of a personal-identity RayCluster may',
        ]);
        // Without enableK8sTokenAuth the Ray container is refused it as before.
        const plain = rayCluster();
        mountToken(plain.props.spec.headGroupSpec.template.spec, 0);
        assert.equal(messages(serviceAccountToken, plain).length, 1);
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

    it("refuses a hand-written workload that names a Ray cluster's ServiceAccount (its RRSA role and RBAC)", () => {
        const shell = k8s("kubernetes:batch/v1:CronJob", {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "sync", namespace: NS },
            spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: "demo-ray-head", containers: [] } } } } },
        });
        assert.deepStrictEqual(messages(dedicatedServiceAccount, [rayCluster(), shell]), [
            `CronJob ray-a/sync: spec.jobTemplate.spec.template.spec.serviceAccountName: ServiceAccount "demo-ray-head" is RayCluster ray-a/demo's; this pod would get that cluster's RRSA role and RBAC: give it a ServiceAccount of its own`,
        ]);
        // Its own ServiceAccount, or the same name in another namespace, is fine.
        shell.props.spec.jobTemplate.spec.template.spec.serviceAccountName = "sync";
        assert.deepStrictEqual(messages(dedicatedServiceAccount, [rayCluster(), shell]), []);
    });
});
