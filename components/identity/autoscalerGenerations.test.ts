/**
 * The autoscaler scope reads the caller's RayCluster from the head pod its token is bound to
 * (issue 23, part 4): on what TeamEnvironment registers for team-b with its RayService `sentiment`
 * autoscaling, each generation's autoscaler (the same ServiceAccount, `sentiment-ray-head`) may
 * scale its own RayCluster and touch its own pods only, never the other generation's; a token that
 * names no head pod (a legacy Secret token, a token bound to no pod or to another pod) is refused
 * everything, for a RayCluster's autoscaler (team-a's training) as for a service's. The same
 * requests with real tokens against a real API server: e2e/cluster/serve/autoscalerGenerations.cluster.ts
 * and e2e/cluster/deploy/autoscalerScope.cluster.ts.
 */
import { strict as assert } from "assert";
import { AUTOSCALER_SCOPE_RULES as RULES, POD_NAME_EXTRA, autoscalerScopeName } from "./autoscalerScope";
import { names } from "../core/naming";
import { admit, type AdmissionRequest, type AdmissionResult } from "../../policy/admission";
import { autoscalingServiceConfig, teamConfig } from "../../test/helpers/configs";
import { find, objects, recordTeam } from "../../test/helpers/mockRun";

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const allowed = (r: AdmissionResult, what: string) => assert.deepEqual(r, { matched: true, allowed: true }, what);
const refusedBy = (r: AdmissionResult, rule: { message: string }, what: string) =>
    assert.deepEqual(r, { matched: true, allowed: false, message: rule.message }, what);

interface Caller {
    username: string;
    extra?: Record<string, string[]>;
}
const account = (ns: string, workload: string) => `system:serviceaccount:${ns}:${names.serviceAccount(workload, "head")}`;

/** A RayCluster as the API server stores it: SPEC under NAME, with what the server manages. */
function storedCluster(ns: string, name: string, spec: Record<string, any>, labels: Record<string, string> = {}): Record<string, any> {
    return {
        apiVersion: "ray.io/v1",
        kind: "RayCluster",
        metadata: { name, namespace: ns, labels, uid: `uid-${name}`, resourceVersion: "10", generation: 1 },
        spec: clone(spec),
    };
}

/** A worker pod KubeRay made for group 0 of CLUSTER (labels as KubeRay sets them). */
function workerPod(ns: string, cluster: Record<string, any>, suffix: string): Record<string, any> {
    const g = cluster.spec.workerGroupSpecs[0];
    const t = clone(g.template);
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            ...t.metadata,
            name: `${names.workerPodPrefix(cluster.metadata.name, g.groupName)}${suffix}`,
            namespace: ns,
            labels: { ...t.metadata.labels, "ray.io/cluster": cluster.metadata.name, "ray.io/group": g.groupName },
        },
        spec: t.spec,
    };
}

function updateOf(policy: Record<string, any>, who: Caller, ns: string, old: Record<string, any>, change: (o: any) => void) {
    const next = clone(old);
    change(next);
    const req: AdmissionRequest = {
        ...who,
        namespace: ns,
        operation: "UPDATE",
        group: old.kind === "Pod" ? "" : "ray.io",
        resource: old.kind === "Pod" ? "pods" : "rayclusters",
        object: next,
        oldObject: old,
    };
    return admit(policy, req);
}
const scale = (rc: any) => (rc.spec.workerGroupSpecs[0].replicas = rc.spec.workerGroupSpecs[0].maxReplicas);
const annotate = (p: any) => (p.metadata.annotations = { ...p.metadata.annotations, "ray.io/ippr-status": "{}" });

describe("autoscaler scope: a RayService's generations (team-b's sentiment, autoscaling)", function () {
    const NS = "ray-team-b";
    const SVC = "sentiment";
    let objs: Record<string, any>[];
    let policy: Record<string, any>;
    let active: Record<string, any>;
    let pending: Record<string, any>;
    // one ServiceAccount, two head pods: each generation's autoscaler has its own head pod's token
    const activeToken = { username: account(NS, SVC), extra: { [POD_NAME_EXTRA]: [`${SVC}-b2k4x-head-7xq9d`] } };
    const pendingToken = { username: account(NS, SVC), extra: { [POD_NAME_EXTRA]: [`${SVC}-zt5n8-head-4hl2w`] } };

    before(async () => {
        objs = objects(await recordTeam(autoscalingServiceConfig()));
        policy = find(objs, "ValidatingAdmissionPolicy", autoscalerScopeName(NS));
        const spec = find(objs, "RayService", SVC).spec.rayClusterConfig;
        assert.equal(spec.enableInTreeAutoscaling, true);
        // KubeRay's generations: <service>-<5 random>, the same ServiceAccount, our labels on both
        active = storedCluster(NS, `${SVC}-b2k4x`, spec);
        pending = storedCluster(NS, `${SVC}-zt5n8`, spec);
    });

    it("renders the service's Role without resourceNames (its clusters' names are random), bound to the head ServiceAccount", () => {
        const role = find(objs, "Role", names.autoscalerRole(SVC));
        const rayclusters = role.rules.find((r: any) => r.resources.includes("rayclusters"));
        assert.deepEqual(rayclusters, { apiGroups: ["ray.io"], resources: ["rayclusters"], verbs: ["get", "patch"] });
        const binding = find(objs, "RoleBinding", names.autoscalerRole(SVC));
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: names.serviceAccount(SVC, "head"), namespace: NS }]);
        const generated = policy.spec.variables.find((v: any) => v.name === "generatedNames");
        assert.equal(generated.expression, `['${SVC}']`, "the policy knows sentiment's clusters are generated");
    });

    it("admits each generation's autoscaler on its own RayCluster and its own pods", () => {
        allowed(updateOf(policy, activeToken, NS, active, scale), "the active generation scales itself");
        allowed(updateOf(policy, pendingToken, NS, pending, scale), "the pending generation scales itself");
        allowed(updateOf(policy, activeToken, NS, workerPod(NS, active, "a1b2c"), annotate), "an annotation on its own worker");
        const own = `${names.workerPodPrefix(active.metadata.name, "cpu")}a1b2c`;
        allowed(
            updateOf(policy, activeToken, NS, active, (rc) => (rc.spec.workerGroupSpecs[0].scaleStrategy = { workersToDelete: [own] })),
            "workersToDelete naming its own worker",
        );
    });

    it("refuses one generation's autoscaler on the other generation's RayCluster and pods", () => {
        refusedBy(updateOf(policy, activeToken, NS, pending, scale), RULES.ownRayClusterOnly, "active -> pending RayCluster");
        refusedBy(updateOf(policy, pendingToken, NS, active, scale), RULES.ownRayClusterOnly, "pending -> active RayCluster");
        refusedBy(updateOf(policy, activeToken, NS, workerPod(NS, pending, "a1b2c"), annotate), RULES.ownPodsOnly, "active -> pending pod");
        refusedBy(updateOf(policy, pendingToken, NS, workerPod(NS, active, "a1b2c"), annotate), RULES.ownPodsOnly, "pending -> active pod");
        const theirs = `${names.workerPodPrefix(pending.metadata.name, "cpu")}a1b2c`;
        refusedBy(
            updateOf(policy, activeToken, NS, active, (rc) => (rc.spec.workerGroupSpecs[0].scaleStrategy = { workersToDelete: [theirs] })),
            RULES.workersToDeleteOwnGroup,
            "workersToDelete naming the other generation's worker",
        );
        // both generations carry our ray-on-ack.io/cluster=sentiment label: the shared label is not what decides
        const shared = workerPod(NS, pending, "a1b2c");
        assert.equal(shared.metadata.labels["ray-on-ack.io/cluster"], SVC);
    });

    it("refuses every request of a token that names no head pod: a legacy Secret token, a token bound to no pod, to a node, to a worker", () => {
        const callers: [string, Caller][] = [
            ["a legacy Secret token (no extra)", { username: account(NS, SVC) }],
            ["a node-bound token", { username: account(NS, SVC), extra: { "authentication.kubernetes.io/node-name": ["node-1"] } }],
            ["a worker pod's token", { username: account(NS, SVC), extra: { [POD_NAME_EXTRA]: [`${SVC}-b2k4x-cpu-worker-a1b2c`] } }],
            [
                "two pod names",
                { username: account(NS, SVC), extra: { [POD_NAME_EXTRA]: [`${SVC}-b2k4x-head-7xq9d`, `${SVC}-zt5n8-head-4hl2w`] } },
            ],
        ];
        for (const [what, who] of callers) {
            refusedBy(updateOf(policy, who, NS, active, scale), RULES.podBoundToken, `${what}: its own RayCluster`);
            refusedBy(updateOf(policy, who, NS, workerPod(NS, active, "a1b2c"), annotate), RULES.podBoundToken, `${what}: a pod`);
        }
    });

    it("holds the head pod to the ServiceAccount's workload: a generation of this service, or for a RayCluster its own name", () => {
        const as = (workload: string, pod: string) => ({ username: account(NS, workload), extra: { [POD_NAME_EXTRA]: [pod] } });
        const analytics = storedCluster(NS, "analytics", active.spec);
        refusedBy(
            updateOf(policy, as(SVC, "analytics-head-7xq9d"), NS, analytics, scale),
            RULES.ownWorkloadOnly,
            "another workload's head",
        );
        const short = storedCluster(NS, `${SVC}-b2k4`, active.spec);
        refusedBy(updateOf(policy, as(SVC, `${SVC}-b2k4-head-7xq9d`), NS, short, scale), RULES.ownWorkloadOnly, "4 random characters");
        // a RayCluster's account is not a service's: a head pod of a generated name is not its own
        const generatedLike = storedCluster(NS, "analytics-b2k4x", active.spec);
        refusedBy(
            updateOf(policy, as("analytics", "analytics-b2k4x-head-7xq9d"), NS, generatedLike, scale),
            RULES.ownWorkloadOnly,
            "a RayCluster's account with a generation's head pod",
        );
        // KubeRay's ENABLE_DETERMINISTIC_HEAD_POD_NAME: <cluster>-head
        allowed(updateOf(policy, as(SVC, `${SVC}-b2k4x-head`), NS, active, scale), "a deterministic head pod name");
        refusedBy(
            updateOf(policy, as(SVC, `${SVC}-b2k4x-head`), NS, pending, scale),
            RULES.ownRayClusterOnly,
            "... of the other generation",
        );
    });
});

describe("autoscaler scope: a RayCluster's autoscaler also needs its head pod's token (team-a's training)", function () {
    const NS = "ray-team-a";
    let policy: Record<string, any>;
    let training: Record<string, any>;
    before(async () => {
        const objs = objects(await recordTeam(teamConfig("team-a")));
        policy = find(objs, "ValidatingAdmissionPolicy", autoscalerScopeName(NS));
        training = storedCluster(NS, "training", find(objs, "RayCluster", "training").spec);
    });

    it("admits its head pod's token, generated or deterministic; refuses a legacy token and a token of another cluster's head", () => {
        const as = (extra?: Record<string, string[]>) => ({ username: account(NS, "training"), ...(extra ? { extra } : {}) });
        allowed(updateOf(policy, as({ [POD_NAME_EXTRA]: ["training-head-7xq9d"] }), NS, training, scale), "training-head-<random>");
        allowed(updateOf(policy, as({ [POD_NAME_EXTRA]: ["training-head"] }), NS, training, scale), "training-head");
        refusedBy(updateOf(policy, as(), NS, training, scale), RULES.podBoundToken, "a legacy Secret token");
        refusedBy(
            updateOf(policy, as({ [POD_NAME_EXTRA]: ["notebooks-head-7xq9d"] }), NS, training, scale),
            RULES.ownWorkloadOnly,
            "notebooks' head",
        );
        const generated = policy.spec.variables.find((v: any) => v.name === "generatedNames");
        assert.equal(generated.expression, "[]", "team-a has no autoscaling RayService");
    });
});
