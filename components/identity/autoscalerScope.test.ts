/**
 * The autoscaler-scope admission policy (issue 22, section 5): a RayCluster's autoscaler credential
 * may change only what scaling needs. Its rules are evaluated here in a CEL interpreter on the
 * policy and the RayCluster that TeamEnvironment registers for team-a (cluster `training`, groups
 * cpu and gpu): the autoscaler's own patches pass; every other change to the spec (every field of
 * the pinned KubeRay CRDs, and fields they do not know), the worker groups, the metadata and the
 * pods is refused with the rule's message. The same requests against a real API server are in
 * e2e/cluster/deploy/autoscalerScope.cluster.ts.
 */
import { KUBERAY_WORKER_NAME } from "../core/naming";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import {
    AUTOSCALER_RAYCLUSTER_WRITES,
    AUTOSCALER_SCOPE_RULES,
    RAYCLUSTER_VERSION,
    SERVER_MANAGED_METADATA,
    POD_NAME_EXTRA,
    autoscalerScopeName,
} from "./autoscalerScope";
import { autoscalerRules } from "./identity";
import { admit, type AdmissionRequest } from "../../policy/admission";
import { docSection } from "../../test/helpers/markdown";
import { teamConfig } from "../../test/helpers/configs";
import { find, objects, recordTeam } from "../../test/helpers/mockRun";
import { KUBERAY_CRDS, requireSharedData } from "../../test/helpers/schemas";

const NS = "ray-team-a";
const AUTOSCALER = `system:serviceaccount:${NS}:training-ray-head`;
/** Who calls: the head ServiceAccount, and the pod its projected token is bound to (the API server's user-info extra). */
interface Caller {
    username: string;
    extra?: Record<string, string[]>;
}
const boundTo = (pod: string, username = AUTOSCALER): Caller => ({ username, extra: { [POD_NAME_EXTRA]: [pod] } });
/** The autoscaler of training: the head's ServiceAccount with the head pod's projected token. */
const TOKEN = boundTo("training-head-x7k2p");
const RULES = AUTOSCALER_SCOPE_RULES;
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));

/** The spec and worker-group fields a pinned KubeRay CRD defines (v1, the stored version). */
function crdFields(version: string): { spec: string[]; workerGroup: string[]; scaleStrategy: string[] } {
    const crd = YAML.parse(fs.readFileSync(path.join(KUBERAY_CRDS, version, "ray.io_rayclusters.yaml"), "utf8"));
    const spec = crd.spec.versions.find((v: any) => v.name === "v1").schema.openAPIV3Schema.properties.spec;
    const group = spec.properties.workerGroupSpecs.items;
    return {
        spec: Object.keys(spec.properties),
        workerGroup: Object.keys(group.properties),
        scaleStrategy: Object.keys(group.properties.scaleStrategy.properties),
    };
}

/** A value unlike any the field could hold before (object, list, string, number or bool fields alike). */
const ALIEN = { "e2e-changed": ["x"] };

describe("autoscaler scope: what an autoscaler's credential may change (CEL, team-a's training)", function () {
    let policy: Record<string, any>;
    let stored: Record<string, any>;

    before(async () => {
        const a = objects(await recordTeam(teamConfig("team-a")));
        policy = find(a, "ValidatingAdmissionPolicy", autoscalerScopeName(NS));
        // the RayCluster as the API server stores it: our object plus what the server manages
        stored = clone(find(a, "RayCluster", "training"));
        stored.metadata = {
            ...stored.metadata,
            namespace: NS,
            uid: "0b7c…",
            resourceVersion: "4711",
            generation: 3,
            creationTimestamp: "2026-12-07T07:00:00Z",
            managedFields: [{ manager: "pulumi-kubernetes" }],
        };
        for (const g of stored.spec.workerGroupSpecs) g.scaleStrategy = {};
    });

    /** The RayCluster after an autoscaler's update: server-managed metadata moves as on every update. */
    function update(change: (rc: Record<string, any>) => void, who: Caller = TOKEN, old = stored) {
        const next = clone(old);
        next.metadata.resourceVersion = "4712";
        next.metadata.generation = 4;
        next.metadata.managedFields = [{ manager: "pulumi-kubernetes" }, { manager: "autoscaler" }];
        change(next);
        const req: AdmissionRequest = {
            ...who,
            namespace: NS,
            operation: "UPDATE",
            group: "ray.io",
            resource: "rayclusters",
            object: next,
            oldObject: old,
        };
        return admit(policy, req);
    }
    const allowed = (r: ReturnType<typeof update>, what: string) => assert.deepEqual(r, { matched: true, allowed: true }, what);
    const refusedBy = (r: ReturnType<typeof update>, rule: { message: string }, what: string) =>
        assert.deepEqual(r, { matched: true, allowed: false, message: rule.message }, what);
    const group = (rc: Record<string, any>, name: string) => rc.spec.workerGroupSpecs.find((g: any) => g.groupName === name);

    it("admits what KubeRay's autoscaler writes: replicas and scaleStrategy.workersToDelete of any group, naming that group's workers", () => {
        assert.deepEqual(AUTOSCALER_RAYCLUSTER_WRITES.workerGroup, ["replicas", "scaleStrategy"]);
        assert.deepEqual(AUTOSCALER_RAYCLUSTER_WRITES.scaleStrategy, ["workersToDelete"]);
        allowed(
            update(() => undefined),
            "an update that changes only server-managed metadata",
        );
        allowed(
            update((rc) => (group(rc, "cpu").replicas = 6)),
            "scale up",
        );
        allowed(
            update((rc) => {
                group(rc, "cpu").replicas = 1;
                group(rc, "cpu").scaleStrategy = { workersToDelete: ["training-cpu-worker-x7k2p"] };
                group(rc, "gpu").replicas = 2;
            }),
            "scale down one group, up another",
        );
        // `replace .../scaleStrategy` on a group that had none, with an empty list (the operator's reset)
        const without = clone(stored);
        delete group(without, "gpu").scaleStrategy;
        allowed(
            update((rc) => (group(rc, "gpu").scaleStrategy = { workersToDelete: [] }), TOKEN, without),
            "scaleStrategy set where it was absent",
        );
    });

    it("holds workersToDelete to the group's own worker pods, since KubeRay deletes whatever pod is named there", () => {
        const named = (...names: string[]) => update((rc) => (group(rc, "cpu").scaleStrategy = { workersToDelete: names }));
        const left = clone(stored);
        group(left, "cpu").scaleStrategy = { workersToDelete: ["left-by-someone-else"] };
        const rule = RULES.workersToDeleteOwnGroup;
        refusedBy(named("notebooks-head-4hq9d"), rule, "another cluster's head");
        refusedBy(named("training-head-4hq9d"), rule, "its own head");
        refusedBy(named("training-gpu-worker-4hq9d"), rule, "a worker of another group");
        refusedBy(named("training-cpu-worker-x7k2p", "e2e-submitter-abcde"), rule, "one foreign name among own ones");
        refusedBy(named("training-cpu-worker-x7k2p-worker-abcde"), rule, "the right prefix, then more");
        refusedBy(named("training-cpu-worker-x7k2"), rule, "too short a random suffix");
        allowed(named("training-cpu-worker-x7k2p", "training-cpu-worker-0a1b2"), "two of its own workers");
        // a name already there is not the autoscaler's doing: rewriting the list may keep it
        allowed(
            update(
                (rc) => (group(rc, "cpu").scaleStrategy = { workersToDelete: ["left-by-someone-else", "training-cpu-worker-x7k2p"] }),
                TOKEN,
                left,
            ),
            "a name the old object already had",
        );
    });

    it("computes a worker pod's name as KubeRay does when <cluster>-<group> is longer than 50 characters", () => {
        const longGroup = "g".repeat(60);
        const prefix = `training-${longGroup}`.slice(0, KUBERAY_WORKER_NAME.prefixMax) + KUBERAY_WORKER_NAME.infix;
        const long = clone(stored);
        long.spec.workerGroupSpecs[0].groupName = longGroup;
        const named = (n: string) => update((rc) => (rc.spec.workerGroupSpecs[0].scaleStrategy = { workersToDelete: [n] }), TOKEN, long);
        allowed(named(`${prefix}abcde`), "the truncated prefix");
        refusedBy(named(`training-${longGroup}-worker-abcde`), RULES.workersToDeleteOwnGroup, "the untruncated name KubeRay never makes");
    });

    /** The fields of LEVEL that both pinned CRDs define (skipped loudly without ../shared, as the conformance tests). */
    function pinnedFields(ctx: Mocha.Context, level: "spec" | "workerGroup" | "scaleStrategy"): Set<string> {
        const versions = ["v1.6.2", "v1.7.0"];
        for (const v of versions) requireSharedData(ctx, path.join(KUBERAY_CRDS, v, "ray.io_rayclusters.yaml"));
        return new Set(versions.flatMap((v) => crdFields(v)[level]));
    }

    /**
     * Setting each field of FIELDS (and one no CRD has) on the object AT picks, and removing each
     * field it has, is refused by RULE, except the fields the autoscaler writes (WRITES).
     */
    function refusesEveryFieldBut(
        writes: readonly string[],
        fields: Set<string>,
        at: (rc: Record<string, any>) => Record<string, any>,
        rule: { message: string },
        where: string,
    ) {
        const others = (keys: Iterable<string>) => [...keys].filter((k) => !writes.includes(k));
        for (const f of others([...fields, "aFieldNoCrdHasYet"]))
            refusedBy(
                update((rc) => (at(rc)[f] = clone(ALIEN))),
                rule,
                `${where}.${f} set`,
            );
        for (const f of others(Object.keys(at(stored))))
            refusedBy(
                update((rc) => delete at(rc)[f]),
                rule,
                `${where}.${f} removed`,
            );
    }

    it("refuses every other spec field of the KubeRay v1.6.2 and v1.7.0 CRDs, and any field they do not know (fail closed)", function () {
        const fields = pinnedFields(this, "spec");
        assert.ok(fields.has("tlsOptions") && fields.has("headGroupSpec"), [...fields].join());
        refusesEveryFieldBut(AUTOSCALER_RAYCLUSTER_WRITES.spec, fields, (rc) => rc.spec, RULES.rayClusterSpecKept, "spec");
    });

    it("refuses what the issue saw done through the spec: images, Secret volumes, pod labels, rayVersion, autoscaling", () => {
        const head = (rc: Record<string, any>) => rc.spec.headGroupSpec.template;
        const worker = (rc: Record<string, any>) => group(rc, "cpu").template;
        const secretVolume = { name: "stolen", secret: { secretName: "notebooks-ray-tls-head" } };
        refusedBy(
            update((rc) => (head(rc).spec.containers[0].image = "evil.example/ray:1")),
            RULES.rayClusterSpecKept,
            "head image",
        );
        refusedBy(
            update((rc) => head(rc).spec.volumes.push(secretVolume)),
            RULES.rayClusterSpecKept,
            "a Secret volume on the head",
        );
        refusedBy(
            update((rc) => (head(rc).metadata.labels["ray-on-ack.io/cluster"] = "notebooks")),
            RULES.rayClusterSpecKept,
            "a head template label",
        );
        refusedBy(
            update((rc) => (rc.spec.rayVersion = "2.9.0")),
            RULES.rayClusterSpecKept,
            "rayVersion",
        );
        refusedBy(
            update((rc) => (rc.spec.enableInTreeAutoscaling = false)),
            RULES.rayClusterSpecKept,
            "enableInTreeAutoscaling",
        );
        refusedBy(
            update((rc) => (rc.spec.autoscalerOptions.image = "evil.example/ray:1")),
            RULES.rayClusterSpecKept,
            "the autoscaler's own image",
        );
        refusedBy(
            update((rc) => (worker(rc).spec.containers[0].image = "evil.example/ray:1")),
            RULES.workerGroupsKept,
            "worker image",
        );
        refusedBy(
            update((rc) => worker(rc).spec.volumes.push(secretVolume)),
            RULES.workerGroupsKept,
            "a Secret volume on a worker",
        );
        refusedBy(
            update((rc) => (worker(rc).metadata.labels["ray-on-ack.io/role"] = "head")),
            RULES.workerGroupsKept,
            "a worker template label",
        );
        refusedBy(
            update((rc) => (worker(rc).spec.serviceAccountName = "notebooks-ray-head")),
            RULES.workerGroupsKept,
            "a worker's ServiceAccount",
        );
    });

    it("refuses every worker-group field but replicas and scaleStrategy, of both CRDs and unknown ones, and any other scaleStrategy field", function () {
        const fields = pinnedFields(this, "workerGroup");
        assert.ok(fields.has("priority") && fields.has("template"), [...fields].join());
        refusesEveryFieldBut(
            AUTOSCALER_RAYCLUSTER_WRITES.workerGroup,
            fields,
            (rc) => group(rc, "gpu"),
            RULES.workerGroupsKept,
            "workerGroupSpecs[gpu]",
        );
        assert.deepEqual(pinnedFields(this, "scaleStrategy"), new Set(AUTOSCALER_RAYCLUSTER_WRITES.scaleStrategy));
        refusedBy(
            update((rc) => (group(rc, "cpu").scaleStrategy = { workersToDelete: [], aFieldNoCrdHasYet: true })),
            RULES.workerGroupsKept,
            "another scaleStrategy field",
        );
    });

    it("refuses adding, removing, reordering, renaming or duplicating worker groups", () => {
        const extra = (rc: Record<string, any>) => ({ ...clone(group(rc, "cpu")), groupName: "extra" });
        refusedBy(
            update((rc) => rc.spec.workerGroupSpecs.push(extra(rc))),
            RULES.workerGroupsKept,
            "a group added",
        );
        refusedBy(
            update((rc) => rc.spec.workerGroupSpecs.pop()),
            RULES.workerGroupsKept,
            "a group removed",
        );
        refusedBy(
            update((rc) => (rc.spec.workerGroupSpecs = [])),
            RULES.workerGroupsKept,
            "every group removed",
        );
        refusedBy(
            update((rc) => delete rc.spec.workerGroupSpecs),
            RULES.workerGroupsKept,
            "workerGroupSpecs removed",
        );
        refusedBy(
            update((rc) => rc.spec.workerGroupSpecs.reverse()),
            RULES.workerGroupsKept,
            "groups reordered",
        );
        refusedBy(
            update((rc) => (group(rc, "gpu").groupName = "gpu2")),
            RULES.workerGroupsKept,
            "a group renamed",
        );
        // gpu's spec swapped for a second cpu: name order would differ, and names must be unique
        refusedBy(
            update((rc) => (rc.spec.workerGroupSpecs[1] = clone(rc.spec.workerGroupSpecs[0]))),
            RULES.workerGroupsKept,
            "a duplicated group",
        );
    });

    it("refuses any change to the RayCluster's metadata but what the API server manages", () => {
        assert.deepEqual([...SERVER_MANAGED_METADATA], ["resourceVersion", "generation", "managedFields"]);
        refusedBy(
            update((rc) => (rc.metadata.labels["ray-on-ack.io/team"] = "team-b")),
            RULES.rayClusterMetadataKept,
            "a label changed",
        );
        refusedBy(
            update((rc) => (rc.metadata.labels.extra = "x")),
            RULES.rayClusterMetadataKept,
            "a label added",
        );
        refusedBy(
            update((rc) => delete rc.metadata.labels),
            RULES.rayClusterMetadataKept,
            "labels removed",
        );
        refusedBy(
            update((rc) => (rc.metadata.annotations = { "ray.io/ft-enabled": "true" })),
            RULES.rayClusterMetadataKept,
            "an annotation added",
        );
        refusedBy(
            update((rc) => (rc.metadata.finalizers = ["ray.io/idle-termination-cleanup-finalizer"])),
            RULES.rayClusterMetadataKept,
            "a finalizer",
        );
        refusedBy(
            update((rc) => (rc.metadata.ownerReferences = [{ kind: "RayJob", name: "x" }])),
            RULES.rayClusterMetadataKept,
            "an owner",
        );
    });

    it("refuses its own scaling patch through ray.io/v1alpha1, whose view lacks v1's fields (a write there drops them)", () => {
        const next = clone(stored);
        group(next, "cpu").replicas = 2;
        const req: AdmissionRequest = {
            ...TOKEN,
            namespace: NS,
            operation: "UPDATE",
            group: "ray.io",
            resource: "rayclusters",
            object: next,
            oldObject: stored,
        };
        allowed(admit(policy, { ...req, version: RAYCLUSTER_VERSION }), "through v1");
        refusedBy(admit(policy, { ...req, version: "v1alpha1" }), RULES.rayClusterV1Only, "through v1alpha1");
    });

    it("refuses another RayCluster, and applies to the head ServiceAccounts of this namespace only", () => {
        const other = clone(stored);
        other.metadata.name = "notebooks";
        const req = {
            ...TOKEN,
            namespace: NS,
            operation: "UPDATE" as const,
            group: "ray.io",
            resource: "rayclusters",
            object: other,
            oldObject: other,
        };
        refusedBy(admit(policy, req), RULES.ownRayClusterOnly, "another RayCluster, unchanged");
        assert.deepEqual(
            update((rc) => (rc.spec.rayVersion = "2.9.0"), { username: `system:serviceaccount:${NS}:kuberay-operator` }),
            { matched: false },
            "the operator",
        );
        assert.deepEqual(
            update(
                (rc) => (rc.spec.rayVersion = "2.9.0"),
                boundTo("training-head-x7k2p", "system:serviceaccount:ray-team-b:training-ray-head"),
            ),
            { matched: false },
            "another namespace's SA",
        );
        assert.deepEqual(admit(policy, { ...req, subResource: "status" }), { matched: false }, "rayclusters/status is not matched ...");
        const granted = autoscalerRules("training").flatMap((r) => r.resources as string[]);
        assert.ok(
            !granted.some((x) => x.startsWith("rayclusters/")),
            `... because the Role grants no RayCluster subresource: ${granted.join()}`,
        );
    });

    describe("pods", () => {
        let pod: Record<string, any>;
        before(() => {
            // a worker pod as KubeRay makes it from the cpu group's template
            const t = clone(group(stored, "cpu").template);
            pod = {
                apiVersion: "v1",
                kind: "Pod",
                metadata: {
                    ...t.metadata,
                    name: "training-cpu-worker-x7k2p",
                    namespace: NS,
                    labels: { ...t.metadata.labels, "ray.io/cluster": "training", "ray.io/group": "cpu", "ray.io/node-type": "worker" },
                },
                spec: t.spec,
            };
        });
        const patchPod = (change: (p: Record<string, any>) => void, subResource?: string, of = pod) => {
            const next = clone(of);
            change(next);
            return admit(policy, {
                ...TOKEN,
                namespace: NS,
                operation: "UPDATE",
                group: "",
                resource: "pods",
                subResource,
                object: next,
                oldObject: of,
            });
        };

        it("admits an annotation (Ray's ray.io/ippr-status) and a resize of its own pods", () => {
            allowed(
                patchPod((p) => (p.metadata.annotations = { ...p.metadata.annotations, "ray.io/ippr-status": "{}" })),
                "annotation",
            );
            allowed(
                patchPod((p) => (p.spec.containers[0].resources.requests.cpu = "4"), "resize"),
                "pods/resize",
            );
        });

        it("refuses another cluster's pod, any label, a toleration or deadline, an image", () => {
            const foreign = clone(pod);
            foreign.metadata.labels["ray.io/cluster"] = "notebooks";
            refusedBy(
                patchPod((p) => (p.metadata.annotations = { x: "y" }), undefined, foreign),
                RULES.ownPodsOnly,
                "another cluster's pod",
            );
            refusedBy(
                patchPod((p) => (p.metadata.labels["ray.io/cluster"] = "notebooks")),
                RULES.ownPodsOnly,
                "moved to another cluster",
            );
            refusedBy(
                patchPod((p) => (p.metadata.labels["ray-on-ack.io/cluster"] = "notebooks")),
                RULES.podLabelsKept,
                "our cluster label",
            );
            refusedBy(
                patchPod((p) => (p.metadata.labels["ray-on-ack.io/role"] = "submitter")),
                RULES.podLabelsKept,
                "a role label",
            );
            refusedBy(
                patchPod((p) => (p.metadata.labels.extra = "x")),
                RULES.podLabelsKept,
                "a label added",
            );
            refusedBy(
                patchPod((p) => (p.spec.tolerations = [...(p.spec.tolerations ?? []), { key: "team-b", operator: "Exists" }])),
                RULES.podSpecKept,
                "a toleration",
            );
            refusedBy(
                patchPod((p) => (p.spec.activeDeadlineSeconds = 1)),
                RULES.podSpecKept,
                "a deadline",
            );
            refusedBy(
                patchPod((p) => (p.spec.containers[0].image = "evil.example/ray:1")),
                RULES.imagesKept,
                "an image",
            );
            refusedBy(
                patchPod((p) => (p.spec.containers[0].image = "evil.example/ray:1"), "resize"),
                RULES.imagesKept,
                "an image through pods/resize",
            );
        });
    });
});

describe("autoscaler scope: docs/design.md says what the credential can and cannot change", () => {
    const section = docSection("docs/design.md", "The autoscaler's reach");

    it("names the fields it may write, the metadata the server manages and KubeRay's worker pod name", () => {
        for (const f of [
            ...AUTOSCALER_RAYCLUSTER_WRITES.workerGroup.filter((x) => x !== "scaleStrategy"),
            "scaleStrategy.workersToDelete",
            ...SERVER_MANAGED_METADATA,
        ]) {
            assert.ok(section.includes(`\`${f}\``), `docs/design.md "The autoscaler's reach" does not name \`${f}\``);
        }
        assert.ok(section.includes(`<cluster>-<group>\` cut to ${KUBERAY_WORKER_NAME.prefixMax} characters`), "the worker pod name form");
        assert.ok(section.includes("pods/resize"), "pods/resize");
    });

    it("says how the caller's cluster is found: the pod-name extra of its head pod's token, and KubeRay's head pod names", () => {
        assert.ok(section.includes(`\`${POD_NAME_EXTRA}\``), POD_NAME_EXTRA);
        assert.ok(section.includes("`<cluster>-head-<5 random>`") && section.includes("`<cluster>-head`"), "the head pod name forms");
        assert.ok(section.includes("`<service>-<5 random>`"), "a RayService's generation names");
        assert.ok(!/Serve's own replica autoscaling inside them is unaffected/.test(section), "the old sentence is gone");
    });
});
