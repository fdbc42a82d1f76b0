/**
 * Personal identity (issue 24): a RayCluster whose people present their own Kubernetes token. What
 * the config refuses and why, what TeamEnvironment renders for team-a's `notebooks`, and, from the
 * rendered objects of the team-a and platform stacks (RBAC computed as the API server does,
 * common/rbac.ts), what the token in its Ray containers can and cannot do.
 */
import { strict as assert } from "assert";
import { validateStackConfig, type ConfigIssue } from "../config/validate";
import { minimalTeam, teamConfig } from "../../test/helpers/configs";
import { find, objects, podTemplates, recordTeam } from "../../test/helpers/mockRun";
import { manifests, renderedStack } from "../../test/helpers/render";
import { ANNOTATIONS, names } from "../core/naming";
import { allows, rulesOf, type ResourceRequest } from "@ray-on-ack/common/rbac";
import { RAY_TOKEN_MOUNT_PATHS } from "@ray-on-ack/common/identity";

const GROUP = { name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 1 };
const APP = { name: "echo", import_path: "serve_app.echo:app", route_prefix: "/echo" };
const PERSONAL = { mode: "personal" };
const API = { apiServerCidrs: ["192.168.0.10/32"] };

function issues(raw: Record<string, string>): ConfigIssue[] {
    const r = validateStackConfig(raw);
    return r.ok ? [] : r.issues;
}

function issueOn(list: ConfigIssue[], key: string): string {
    const hit = list.find((i) => i.key === key);
    assert.ok(hit, `no issue on ${key}, got:\n${list.map((i) => `${i.key}: ${i.message}`).join("\n")}`);
    return hit.message;
}

const personalTeam = (cluster: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    minimalTeam({
        network: API,
        access: { groups: ["team-x-people"] },
        clusters: [{ name: "c1", workerGroups: [GROUP], identity: PERSONAL, ...cluster }],
        ...extra,
    });

describe("personal identity: what the config accepts and refuses", () => {
    it("accepts a RayCluster with personal identity, the team's people and the API server's address", () => {
        assert.deepEqual(issues(personalTeam()), []);
        assert.deepEqual(issues(personalTeam({ identity: { mode: "personal", users: ["alice"] } }, { access: {} })), []);
    });

    it("refuses it with in-tree autoscaling, saying the head's token would patch pods", () => {
        assert.match(
            issueOn(issues(personalTeam({ autoscaling: { enabled: true } })), "ray-on-ack:clusters[0].identity.mode"),
            /refused with autoscaling\.enabled: KubeRay runs the autoscaler in the head pod under the head's ServiceAccount.*may patch the namespace's pods/,
        );
    });

    it("refuses it below Ray 2.55, where Ray checks no Kubernetes token", () => {
        assert.match(
            issueOn(issues(personalTeam({ rayVersion: "2.54.0", image: { tag: "2.54.0" } })), "ray-on-ack:clusters[0].identity.mode"),
            /personal needs Ray >= 2\.55\.0 \(rayVersion is 2\.54\.0\): older Ray does not check Kubernetes tokens/,
        );
    });

    it("refuses it for a RayJob and a RayService, which KubeRay refuses it for", () => {
        const job = { name: "j1", workerGroups: [GROUP], entrypoint: "python x.py", identity: PERSONAL };
        assert.match(
            issueOn(issues(personalTeam({}, { jobs: [job] })), "ray-on-ack:jobs[0].identity.mode"),
            /personal is not supported for a RayJob: KubeRay 1\.6 and 1\.7 refuse enableK8sTokenAuth for it; people never need its token/,
        );
        const service = { name: "s1", workerGroups: [GROUP], serveConfig: { applications: [APP] }, identity: PERSONAL };
        assert.match(
            issueOn(issues(personalTeam({}, { services: [service] })), "ray-on-ack:services[0].identity.mode"),
            /personal is not supported for a RayService/,
        );
    });

    it("refuses it without the API server's address, or with nobody to admit", () => {
        assert.match(
            issueOn(issues(personalTeam({}, { network: {} })), "ray-on-ack:network.apiServerCidrs"),
            /is required when a cluster uses personal identity \(c1\): its Ray pods check each caller's token with the API server/,
        );
        assert.match(
            issueOn(issues(personalTeam({}, { access: {} })), "ray-on-ack:clusters[0].identity"),
            /names nobody who may use the cluster/,
        );
        assert.match(
            issueOn(issues(personalTeam({ identity: { mode: "personal", groups: [] } })), "ray-on-ack:clusters[0].identity"),
            /names nobody/,
        );
    });

    it("refuses people lists on a token cluster, and system identities anywhere", () => {
        assert.match(
            issueOn(issues(personalTeam({ identity: { groups: ["team-x-people"] } })), "ray-on-ack:clusters[0].identity.groups"),
            /names the people of a personal-identity cluster; set mode: personal/,
        );
        assert.match(
            issueOn(
                issues(personalTeam({ identity: { mode: "personal", groups: ["system:authenticated"] } })),
                "ray-on-ack:clusters[0].identity.groups[0]",
            ),
            /is a Kubernetes system identity/,
        );
    });
});

describe("personal identity: team-a's notebooks under mocks", function () {
    let a: Record<string, any>[];
    before(async () => {
        a = objects(await recordTeam(teamConfig("team-a")));
    });

    it("asks KubeRay for Kubernetes token authentication, with no static token at all", () => {
        const rc = find(a, "RayCluster", "notebooks");
        assert.deepEqual(
            rc.spec.authOptions,
            { mode: "token", enableK8sTokenAuth: true },
            "no secretName: KubeRay refuses it with enableK8sTokenAuth",
        );
        assert.ok(!a.some((o) => o.kind === "Secret" && o.metadata.name === names.tokenSecret("notebooks")), "no token Secret");
        assert.equal(
            find(a, "RayCluster", "training").spec.authOptions.secretName,
            names.tokenSecret("training"),
            "training keeps its token",
        );
        const people = find(a, "Role", names.peopleRole("team-a"));
        const secrets = people.rules.find((r: any) => r.resources.includes("secrets"));
        assert.deepEqual(secrets.resourceNames, [names.tokenSecret("training")], "the people may read training's token only");
    });

    it("gives every Ray container its pod's token and the cluster CA where Ray reads them, and nothing else the token", () => {
        const rc = find(a, "RayCluster", "notebooks");
        for (const { path, template } of podTemplates(rc)) {
            const volume = template.spec.volumes.find((v: any) => v.name === "ray-token");
            assert.ok(volume, path);
            assert.deepEqual(volume.projected.sources[0], { serviceAccountToken: { path: "token", expirationSeconds: 3607 } });
            assert.deepEqual(volume.projected.sources[1].configMap, {
                name: "kube-root-ca.crt",
                items: [{ key: "ca.crt", path: "ca.crt" }],
            });
            const [ray, ...others] = template.spec.containers;
            assert.deepEqual(
                ray.volumeMounts.filter((m: any) => m.name === "ray-token").map((m: any) => [m.mountPath, m.readOnly]),
                RAY_TOKEN_MOUNT_PATHS.map((p) => [p, true]),
            );
            assert.ok(others.every((c: any) => !(c.volumeMounts ?? []).some((m: any) => m.name === "ray-token")));
            assert.equal(template.spec.automountServiceAccountToken, false);
            assert.equal(template.metadata.annotations[ANNOTATIONS.tokenFingerprint], undefined, "no token, no fingerprint");
        }
        assert.ok(
            podTemplates(find(a, "RayCluster", "training")).every(
                ({ template }) => !template.spec.volumes.some((v: any) => v.name === "ray-token"),
            ),
        );
    });

    it("lets the cluster's head and workers reach the API server, and binds them and its people", () => {
        const np = find(a, "NetworkPolicy", "notebooks-ray-apiserver");
        assert.deepEqual(np.spec.podSelector, { matchLabels: { "ray.io/cluster": "notebooks" } }, "head and workers");
        assert.deepEqual(np.spec.egress, [{ to: [{ ipBlock: { cidr: "192.168.0.10/32" } }], ports: [{ protocol: "TCP", port: 6443 }] }]);
        assert.deepEqual(np.spec.policyTypes, ["Egress"]);
        assert.deepEqual(find(a, "RoleBinding", "notebooks-ray-people").subjects, [
            { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "team-a-data-scientists" },
        ]);
        const crb = find(a, "ClusterRoleBinding", "ray-on-ack-ray-team-a-token-reviewers");
        assert.deepEqual(crb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "ray-on-ack-token-reviewer" });
        assert.deepEqual(
            crb.subjects.map((s: any) => `${s.kind}:${s.namespace}/${s.name}`),
            ["ServiceAccount:ray-team-a/notebooks-ray-head", "ServiceAccount:ray-team-a/notebooks-ray-worker"],
        );
    });
});

describe("personal identity: what the token in notebooks' Ray containers can and cannot do (rendered team-a and platform)", function () {
    this.timeout(240_000);
    const NS = "ray-team-a";
    let rbac: Record<string, any>[];
    before(() => {
        // Judged here on its own: a render whose policy pack fails (a widened Role) is read all the same.
        const ok = { postureFailureOk: true };
        rbac = [...manifests(renderedStack("team-a", ok).out), ...manifests(renderedStack("platform", ok).out)].filter((o) =>
            String(o.apiVersion).startsWith("rbac.authorization.k8s.io/"),
        );
    });
    const can = (sa: string, request: ResourceRequest) => {
        const { granted, unknown } = rulesOf(rbac, { name: sa, namespace: NS });
        assert.deepEqual(unknown, [], "every role it is bound to is rendered");
        return allows(granted, request);
    };
    const rayAccess = (cluster: string): ResourceRequest => ({
        verb: "ray:write",
        apiGroup: "ray.io",
        resource: "rayclusters",
        name: cluster,
        namespace: NS,
    });

    for (const sa of ["notebooks-ray-head", "notebooks-ray-worker"]) {
        it(`${sa} can create TokenReviews and SubjectAccessReviews, and use its own RayCluster`, () => {
            assert.ok(can(sa, { verb: "create", apiGroup: "authentication.k8s.io", resource: "tokenreviews" }));
            assert.ok(can(sa, { verb: "create", apiGroup: "authorization.k8s.io", resource: "subjectaccessreviews" }));
            assert.ok(can(sa, rayAccess("notebooks")));
        });

        it(`${sa} can change no pod, read no Secret, and reach no other cluster`, () => {
            const denied: ResourceRequest[] = [
                { verb: "patch", apiGroup: "", resource: "pods", name: "notebooks-head-x", namespace: NS },
                { verb: "create", apiGroup: "", resource: "pods", namespace: NS },
                { verb: "delete", apiGroup: "", resource: "pods", name: "training-head-x", namespace: NS },
                { verb: "list", apiGroup: "", resource: "pods", namespace: NS },
                { verb: "create", apiGroup: "", resource: "pods/exec", name: "training-head-x", namespace: NS },
                { verb: "patch", apiGroup: "", resource: "pods/resize", name: "notebooks-head-x", namespace: NS },
                { verb: "get", apiGroup: "", resource: "secrets", name: "training-ray-token", namespace: NS },
                { verb: "get", apiGroup: "", resource: "secrets", name: "notebooks-ray-tls-head", namespace: NS },
                { verb: "list", apiGroup: "", resource: "secrets", namespace: NS },
                { verb: "create", apiGroup: "", resource: "serviceaccounts/token", name: "training-ray-head", namespace: NS },
                { verb: "patch", apiGroup: "ray.io", resource: "rayclusters", name: "notebooks", namespace: NS },
                { verb: "get", apiGroup: "ray.io", resource: "rayclusters", name: "notebooks", namespace: NS },
                { verb: "create", apiGroup: "ray.io", resource: "rayjobs", namespace: NS },
                rayAccess("training"),
                { ...rayAccess("notebooks"), namespace: "ray-team-b" },
                { verb: "create", apiGroup: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: NS },
                { verb: "create", apiGroup: "authorization.k8s.io", resource: "localsubjectaccessreviews", namespace: NS },
            ];
            assert.deepEqual(
                denied.filter((r) => can(sa, r)),
                [],
            );
        });
    }

    it("the autoscaling cluster's head keeps its own rights, and no token-review rights", () => {
        assert.ok(can("training-ray-head", { verb: "patch", apiGroup: "", resource: "pods", name: "training-worker-x", namespace: NS }));
        assert.ok(!can("training-ray-head", { verb: "create", apiGroup: "authentication.k8s.io", resource: "tokenreviews" }));
        assert.ok(!can("training-ray-worker", rayAccess("training")));
    });

    it("the team's people may use notebooks, and not training; someone else may use neither", () => {
        const person = (groups: string[]) => rulesOf(rbac, { username: "alice", groups: [...groups, "system:authenticated"] }).granted;
        const member = person(["team-a-data-scientists"]);
        assert.ok(allows(member, rayAccess("notebooks")));
        assert.ok(!allows(member, rayAccess("training")), "training takes its static token");
        assert.ok(!allows(member, { verb: "create", apiGroup: "authentication.k8s.io", resource: "tokenreviews" }));
        assert.ok(!allows(person(["team-b-people"]), rayAccess("notebooks")));
    });
});
