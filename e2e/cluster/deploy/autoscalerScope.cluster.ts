/**
 * The autoscaler's credential does only its job, on the real API server (issue 22, section 5;
 * issue 23, part 4). With what KubeRay's autoscaler holds, the RayCluster's head ServiceAccount
 * `<cluster>-ray-head`'s token bound to its head pod (minted by the admin as the kubelet mints a
 * projected one; tokens.ts), the autoscaler's own patch of its RayCluster (a worker group's
 * replicas, workersToDelete naming that group's worker pod) and an annotation on its own pod are
 * admitted; every other change is refused, by the autoscaler-scope ValidatingAdmissionPolicy with
 * the message of the rule that holds it, or by RBAC where the Role grants nothing. The same
 * account's tokens that name no head pod (a legacy token Secret, a token bound to no pod) are
 * refused everything. Every request is a server-side dry run: admission runs in full, nothing is
 * stored, so the checks after these see the cluster as deployed. A RayCluster without autoscaling
 * has no autoscaler Role at all (checked by impersonating its head ServiceAccount).
 */
import * as assert from "assert";
import { AUTOSCALER_SCOPE_RULES as RULES, autoscalerScopeName } from "../../../components/identity/autoscalerScope";
import { names } from "../../../components/core/naming";
import {
    env,
    kubectl,
    kubectlJson,
    kubectlSync,
    list,
    output,
    rayCluster,
    waitFor,
    type KubectlOptions,
    type KubectlResult,
} from "../kube";
import { legacyServiceAccountToken, serviceAccountToken } from "../tokens";
import { admitted, deniedByPolicy } from "../admission";

const { namespace: NS } = env();
const RC = rayCluster();
const HEAD_SA = names.serviceAccount(RC, "head");
const impersonated: KubectlOptions = { as: [`--as=system:serviceaccount:${NS}:${HEAD_SA}`] };
/** who calls: the head pod's token once the pod is known (before()), the impersonated account without autoscaling */
let caller: KubectlOptions = impersonated;
const POLICY = autoscalerScopeName(NS);

/** kubectl get ... -o json when the suite loads: which checks exist depends on it */
function getSync(args: string[]): any {
    const r = kubectlSync([...args, "-o", "json"]);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (rc ${r.code}): ${output(r)}`);
    return JSON.parse(r.stdout);
}
const rc = getSync(["-n", NS, "get", "raycluster", RC]);
const autoscaling = rc.spec.enableInTreeAutoscaling === true;
const group = rc.spec.workerGroupSpecs?.[0];
// another RayCluster of the team (not a RayJob's, which goes when its job ends; not the
// pod-security check's throwaway copy, which gets no pods)
const other: string | undefined = getSync(["-n", NS, "get", "rayclusters"])
    .items.filter((i: any) => !(i.metadata.ownerReferences?.length > 0))
    .map((i: any) => String(i.metadata.name))
    .find((n: string) => n !== RC && n !== `${RC}-unhardened`);

const dryRun = (kind: string, name: string, type: "json" | "merge", patch: unknown, extra: string[] = [], as: KubectlOptions = caller) =>
    kubectl(["-n", NS, "patch", kind, name, "--dry-run=server", `--type=${type}`, "-p", JSON.stringify(patch), ...extra], as);
const patchRc = (patch: unknown[]) => dryRun("raycluster", RC, "json", patch);
const mergeRc = (patch: unknown) => dryRun("raycluster", RC, "merge", patch);

const deniedBy = (r: KubectlResult, rule: { message: string }, what: string) => deniedByPolicy(POLICY, r, rule, what);
function forbiddenByRbac(r: KubectlResult, resource: string, what: string): void {
    const re = new RegExp(`forbidden: User "system:serviceaccount:${NS}:${HEAD_SA}" cannot (get|patch) resource "${resource}"`);
    assert.ok(r.code !== 0 && re.test(output(r)), `${what}: expected RBAC's refusal (${re}); got (rc ${r.code}): ${output(r)}`);
}

/** JSON-pointer escaping of a map key ("ray-on-ack.io/role" -> "ray-on-ack.io~1role") */
const key = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");
const g0 = "/spec/workerGroupSpecs/0";
const EVIL_IMAGE = "registry.invalid/evil/ray:1";

describe("autoscaler", () => {
    if (!autoscaling) {
        it(`RayCluster ${RC} has no autoscaler: ${HEAD_SA} may not patch it`, async () => {
            forbiddenByRbac(
                await patchRc([{ op: "replace", path: "/spec/rayVersion", value: "2.9.0" }]),
                "rayclusters",
                "a patch of the RayCluster",
            );
        });
        return;
    }

    if (group === undefined) throw new Error(`RayCluster ${RC} autoscales but has no worker group`);
    let workerPod = "";
    let headPod = "";
    let otherHead = "";
    const podNames = async (selector: string) => (await list("pods", selector)).map((p) => String(p.metadata.name));
    before(async () => {
        await waitFor(
            120,
            `a head pod and a worker pod of group ${group.groupName} of ${RC}${other ? `, and a head pod of ${other}` : ""}`,
            async () => {
                [headPod] = await podNames(`ray.io/cluster=${RC},ray.io/node-type=head`);
                [workerPod] = await podNames(`ray.io/cluster=${RC},ray.io/group=${group.groupName}`);
                if (other) [otherHead] = await podNames(`ray.io/cluster=${other},ray.io/node-type=head`);
                return headPod !== undefined && workerPod !== undefined && (!other || otherHead !== undefined);
            },
        );
        caller = await serviceAccountToken(HEAD_SA, headPod);
    });

    it(`${HEAD_SA}, with its head pod's token, may set replicas and scaleStrategy.workersToDelete (its worker pod) of group ${group.groupName}, as KubeRay's autoscaler does`, async () => {
        admitted(
            await patchRc([
                { op: "replace", path: `${g0}/replicas`, value: group.maxReplicas },
                { op: "add", path: `${g0}/scaleStrategy`, value: { workersToDelete: [workerPod] } },
            ]),
            `replicas ${group.maxReplicas} and workersToDelete [${workerPod}]`,
        );
    });

    it(`${HEAD_SA} may not set the same replicas through ray.io/v1alpha1, whose view of ${RC} lacks authOptions and upgradeStrategy`, async () => {
        // the API server prunes an object to the schema of the version it is read through: a
        // write through v1alpha1 would drop these, and old and new would still compare equal
        const view = await kubectlJson(["-n", NS, "get", "rayclusters.v1alpha1.ray.io", RC]);
        assert.ok(
            rc.spec.authOptions !== undefined && rc.spec.upgradeStrategy !== undefined,
            `the v1 view has no authOptions or upgradeStrategy: ${JSON.stringify(rc.spec)}`,
        );
        assert.deepStrictEqual([view.spec.authOptions, view.spec.upgradeStrategy], [undefined, undefined], "the v1alpha1 view");
        deniedBy(
            await dryRun("rayclusters.v1alpha1.ray.io", RC, "json", [{ op: "replace", path: `${g0}/replicas`, value: group.maxReplicas }]),
            RULES.rayClusterV1Only,
            "replicas through v1alpha1",
        );
    });

    it(`${HEAD_SA} may not name its own head pod in workersToDelete (the operator deletes any pod named there)`, async () => {
        deniedBy(
            await patchRc([{ op: "add", path: `${g0}/scaleStrategy`, value: { workersToDelete: [headPod] } }]),
            RULES.workersToDeleteOwnGroup,
            `workersToDelete [${headPod}]`,
        );
    });
    if (other) {
        it(`${HEAD_SA} may not name a pod of RayCluster ${other} in workersToDelete`, async () => {
            deniedBy(
                await patchRc([{ op: "add", path: `${g0}/scaleStrategy`, value: { workersToDelete: [otherHead] } }]),
                RULES.workersToDeleteOwnGroup,
                `workersToDelete [${otherHead}]`,
            );
        });
    }

    const stolen = { name: "stolen", secret: { secretName: names.tlsSecret(other ?? RC, "head") } };
    const withLabel = (labels: Record<string, string> | undefined) => ({ ...(labels ?? {}), [`ray-on-ack.io/role`]: "submitter" });
    const refusals: [string, () => unknown[], { message: string }][] = [
        // what the operator would recreate every pod from (upgradeStrategy Recreate)
        [
            `change the image of worker group ${group?.groupName}`,
            () => [{ op: "replace", path: `${g0}/template/spec/containers/0/image`, value: EVIL_IMAGE }],
            RULES.workerGroupsKept,
        ],
        [
            `add a volume from Secret ${stolen.secret.secretName} to the head`,
            () => [
                {
                    op: "add",
                    path: "/spec/headGroupSpec/template/spec/volumes",
                    value: [...(rc.spec.headGroupSpec.template.spec.volumes ?? []), stolen],
                },
            ],
            RULES.rayClusterSpecKept,
        ],
        [
            `add a volume from Secret ${stolen.secret.secretName} to worker group ${group?.groupName}`,
            () => [{ op: "add", path: `${g0}/template/spec/volumes`, value: [...(group.template.spec.volumes ?? []), stolen] }],
            RULES.workerGroupsKept,
        ],
        [
            `change a label of worker group ${group?.groupName}'s pod template`,
            () => [{ op: "add", path: `${g0}/template/metadata/labels`, value: withLabel(group.template.metadata?.labels) }],
            RULES.workerGroupsKept,
        ],
        [
            "change a label of the head's pod template",
            () => [
                {
                    op: "add",
                    path: "/spec/headGroupSpec/template/metadata/labels",
                    value: withLabel(rc.spec.headGroupSpec.template.metadata?.labels),
                },
            ],
            RULES.rayClusterSpecKept,
        ],
        ["change rayVersion", () => [{ op: "add", path: "/spec/rayVersion", value: "2.9.0" }], RULES.rayClusterSpecKept],
        [
            "turn enableInTreeAutoscaling off",
            () => [{ op: "replace", path: "/spec/enableInTreeAutoscaling", value: false }],
            RULES.rayClusterSpecKept,
        ],
        ["set suspend", () => [{ op: "add", path: "/spec/suspend", value: true }], RULES.rayClusterSpecKept],
        ["change upgradeStrategy", () => [{ op: "add", path: "/spec/upgradeStrategy", value: { type: "None" } }], RULES.rayClusterSpecKept],
        [
            `raise maxReplicas of worker group ${group?.groupName}`,
            () => [{ op: "replace", path: `${g0}/maxReplicas`, value: group.maxReplicas + 10 }],
            RULES.workerGroupsKept,
        ],
        [
            "add a worker group",
            () => [{ op: "add", path: "/spec/workerGroupSpecs/-", value: { ...group, groupName: "extra" } }],
            RULES.workerGroupsKept,
        ],
        ["remove a worker group", () => [{ op: "remove", path: g0 }], RULES.workerGroupsKept],
        [
            `add a label to RayCluster ${RC}`,
            () => [{ op: "add", path: `/metadata/labels/${key("ray-on-ack.io/e2e-probe")}`, value: "x" }],
            RULES.rayClusterMetadataKept,
        ],
    ];
    for (const [what, patch, rule] of refusals) {
        it(`${HEAD_SA} may not ${what}`, async () => deniedBy(await patchRc(patch()), rule, what));
    }
    it(`${HEAD_SA} may not annotate RayCluster ${RC}`, async () => {
        deniedBy(
            await mergeRc({ metadata: { annotations: { "ray-on-ack.io/e2e-probe": "x" } } }),
            RULES.rayClusterMetadataKept,
            "an annotation",
        );
    });

    // a token that names no head pod: nothing ties it to a cluster, so it may change nothing
    it(`${HEAD_SA}'s token bound to no pod may not set replicas of ${RC} or annotate its own worker pod`, async () => {
        const unbound = await serviceAccountToken(HEAD_SA);
        const replicas = [{ op: "replace", path: `${g0}/replicas`, value: group.maxReplicas }];
        deniedBy(await dryRun("raycluster", RC, "json", replicas, [], unbound), RULES.podBoundToken, `replicas, ${unbound.description}`);
        deniedBy(
            await dryRun("pod", workerPod, "merge", { metadata: { annotations: { "ray.io/ippr-status": "{}" } } }, [], unbound),
            RULES.podBoundToken,
            `an annotation on ${workerPod}, ${unbound.description}`,
        );
    });
    it(`${HEAD_SA}'s legacy token Secret may not set replicas of ${RC} or annotate its own worker pod`, async () => {
        const legacy = await legacyServiceAccountToken(HEAD_SA);
        try {
            const replicas = [{ op: "replace", path: `${g0}/replicas`, value: group.maxReplicas }];
            deniedBy(await dryRun("raycluster", RC, "json", replicas, [], legacy.caller), RULES.podBoundToken, "replicas, legacy token");
            deniedBy(
                await dryRun("pod", workerPod, "merge", { metadata: { annotations: { "ray.io/ippr-status": "{}" } } }, [], legacy.caller),
                RULES.podBoundToken,
                `an annotation on ${workerPod}, legacy token`,
            );
        } finally {
            await legacy.remove();
        }
    });

    // RBAC: the Role names its own RayCluster and grants no subresource
    it(`${HEAD_SA} may not patch RayCluster ${other ?? `${RC}-not-its-own`} (RBAC)`, async () => {
        forbiddenByRbac(
            await dryRun("raycluster", other ?? `${RC}-not-its-own`, "json", [{ op: "replace", path: `${g0}/replicas`, value: 1 }]),
            "rayclusters",
            "another RayCluster",
        );
    });
    it(`${HEAD_SA} may not patch rayclusters/status of ${RC} (RBAC)`, async () => {
        forbiddenByRbac(
            await dryRun("raycluster", RC, "merge", { status: { state: "ready" } }, ["--subresource=status"]),
            "rayclusters/status",
            "the status",
        );
    });

    // its pods: annotations (Ray's in-place resize), nothing else
    it(`${HEAD_SA} may annotate its own pod (ray.io/ippr-status, as Ray's in-place resize does)`, async () => {
        admitted(
            await dryRun("pod", workerPod, "merge", { metadata: { annotations: { "ray.io/ippr-status": "{}" } } }),
            `an annotation on ${workerPod}`,
        );
    });
    it(`${HEAD_SA} may not change a label of its own pod`, async () => {
        deniedBy(
            await dryRun("pod", workerPod, "merge", { metadata: { labels: { "ray-on-ack.io/role": "submitter" } } }),
            RULES.podLabelsKept,
            `a label of ${workerPod}`,
        );
    });
    it(`${HEAD_SA} may not add a toleration to its own pod`, async () => {
        const pod = (await list("pods", `ray.io/cluster=${RC},ray.io/group=${group.groupName}`)).find((p) => p.metadata.name === workerPod);
        const tolerations = [...(pod?.spec.tolerations ?? []), { key: "another-team", operator: "Exists", effect: "NoSchedule" }];
        deniedBy(
            await dryRun("pod", workerPod, "json", [{ op: "add", path: "/spec/tolerations", value: tolerations }]),
            RULES.podSpecKept,
            `a toleration on ${workerPod}`,
        );
    });
    it(`${HEAD_SA} may not change its own pod's image`, async () => {
        deniedBy(
            await dryRun("pod", workerPod, "json", [{ op: "replace", path: "/spec/containers/0/image", value: EVIL_IMAGE }]),
            RULES.imagesKept,
            `the image of ${workerPod}`,
        );
    });
    if (other) {
        it(`${HEAD_SA} may not annotate a pod of RayCluster ${other}`, async () => {
            deniedBy(
                await dryRun("pod", otherHead, "merge", { metadata: { annotations: { "ray.io/ippr-status": "{}" } } }),
                RULES.ownPodsOnly,
                `an annotation on ${otherHead}`,
            );
        });
    }
});
