/**
 * A RayService's two cluster generations and their autoscalers, on the real API server (issue 23,
 * part 4). Both generations run under one ServiceAccount, `<service>-ray-head`, and carry the same
 * `ray-on-ack.io/cluster` label; each autoscaler holds a token bound to its own head pod (minted
 * here as the kubelet mints a projected one, tokens.ts). With both generations present, each token
 * may scale its own RayCluster and annotate its own pods; neither may scale the other generation's
 * RayCluster, annotate its pods or name its workers in workersToDelete, and the account's tokens
 * that name no head pod (a legacy token Secret, a token bound to no pod) may do nothing. Every
 * request is a server-side dry run.
 *
 * On the loopback control plane no generation becomes ready (no kubelet), so after a rotation
 * KubeRay replaces the pending generation and deletes the old one after the service's
 * rayClusterDeletionDelaySeconds (60 s): too short a window to test in. On slot 0 this part holds
 * the first generation with a finalizer of its own (the operator leaves a RayCluster being deleted
 * alone, and its pods stay until it is gone), and on slot 1, after its checks, it lets it go. The
 * old generation then stands in for the active one of a real upgrade: same ServiceAccount, same
 * labels, its own head pod and token.
 */
import * as assert from "assert";
import { AUTOSCALER_SCOPE_RULES as RULES, autoscalerScopeName } from "../../../components/identity/autoscalerScope";
import { names } from "../../../components/core/naming";
import { env, kubectl, list, waitFor, type Identity, type KubectlOptions, type KubectlResult } from "../kube";
import { legacyServiceAccountToken, serviceAccountToken } from "../tokens";
import { admitted, deniedByPolicy } from "../admission";

const { namespace: NS } = env();
const SVC = process.env.E2E_SERVICE ?? "";
const SLOT = process.env.E2E_SERVE_SLOT ?? "0";
const HOLD = "e2e.ray-on-ack.io/hold-generation";
const HEAD_SA = names.serviceAccount(SVC, "head");
const POLICY = autoscalerScopeName(NS);

interface Generation {
    name: string;
    head: string;
    worker: string;
    group: string;
    token: Identity;
}

/** The service's RayClusters (`<service>-<5 random>`), oldest first. */
async function generations(): Promise<any[]> {
    const own = new RegExp(`^${SVC}-[a-z0-9]{5}$`);
    return (await list("rayclusters"))
        .filter((rc) => own.test(rc.metadata.name))
        .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
}

const dryRun = (as: KubectlOptions, kind: string, name: string, patch: unknown, type: "json" | "merge" = "json") =>
    kubectl(["-n", NS, "patch", kind, name, "--dry-run=server", `--type=${type}`, "-p", JSON.stringify(patch)], as);
const scale = (replicas: number) => [{ op: "replace", path: "/spec/workerGroupSpecs/0/replicas", value: replicas }];
const annotate = { metadata: { annotations: { "ray.io/ippr-status": "{}" } } };

const deniedBy = (r: KubectlResult, rule: { message: string }, what: string) => deniedByPolicy(POLICY, r, rule, what);

describe("serve: each generation's autoscaler", () => {
    if (SLOT === "0") {
        it(`holds ${SVC}'s first generation (finalizer ${HOLD}) so that it outlives the rotation`, async () => {
            const [first] = await waitFor(120, `a RayCluster of ${SVC}`, async () => {
                const g = await generations();
                return g.length > 0 ? g : undefined;
            });
            assert.strictEqual(
                first.spec.enableInTreeAutoscaling,
                true,
                `${first.metadata.name} does not autoscale: this part needs a service that does`,
            );
            const finalizers = [...(first.metadata.finalizers ?? []), HOLD];
            const patch = JSON.stringify({ metadata: { finalizers } });
            const r = await kubectl(["-n", NS, "patch", "raycluster", first.metadata.name, "--type=merge", "-p", patch]);
            admitted(r, `the hold finalizer on ${first.metadata.name}`);
        });
        return;
    }

    const gens: Generation[] = [];
    before(async () => {
        const found = await waitFor(
            120,
            `two generations of ${SVC}, each with a head and a worker pod`,
            async () => {
                const rcs = await generations();
                if (rcs.length < 2) return undefined;
                const out: Omit<Generation, "token">[] = [];
                for (const rc of rcs.slice(-2)) {
                    const pods = await list("pods", `ray.io/cluster=${rc.metadata.name}`);
                    const head = pods.find((p) => p.metadata.labels?.["ray.io/node-type"] === "head");
                    const worker = pods.find((p) => p.metadata.labels?.["ray.io/node-type"] === "worker");
                    if (!head || !worker) return undefined;
                    out.push({
                        name: rc.metadata.name,
                        head: head.metadata.name,
                        worker: worker.metadata.name,
                        group: rc.spec.workerGroupSpecs[0].groupName,
                    });
                }
                return out;
            },
            async () => JSON.stringify((await generations()).map((rc) => rc.metadata.name)),
        );
        for (const g of found) gens.push({ ...g, token: await serviceAccountToken(HEAD_SA, g.head) });
    });
    after(async () => {
        // let the held generation go, whatever happened above (the destroy waits for it)
        for (const rc of await generations()) {
            const i = (rc.metadata.finalizers ?? []).indexOf(HOLD);
            if (i >= 0)
                await kubectl([
                    "-n",
                    NS,
                    "patch",
                    "raycluster",
                    rc.metadata.name,
                    "--type=json",
                    "-p",
                    JSON.stringify([{ op: "remove", path: `/metadata/finalizers/${i}` }]),
                ]);
        }
    });

    it(`each generation's token (bound to its head pod) may scale its own RayCluster and annotate its own worker`, async () => {
        for (const g of gens) {
            admitted(await dryRun(g.token, "raycluster", g.name, scale(2)), `${g.token.description}: replicas of ${g.name}`);
            admitted(await dryRun(g.token, "pod", g.worker, annotate, "merge"), `${g.token.description}: an annotation on ${g.worker}`);
        }
    });

    it(`neither generation's token may scale the other's RayCluster (RBAC cannot name them: the policy refuses)`, async () => {
        const [a, b] = gens;
        deniedBy(
            await dryRun(a.token, "raycluster", b.name, scale(2)),
            RULES.ownRayClusterOnly,
            `${a.token.description}: replicas of ${b.name}`,
        );
        deniedBy(
            await dryRun(b.token, "raycluster", a.name, scale(2)),
            RULES.ownRayClusterOnly,
            `${b.token.description}: replicas of ${a.name}`,
        );
    });

    it(`neither generation's token may annotate the other's pods, though they share the ray-on-ack.io/cluster label`, async () => {
        const [a, b] = gens;
        const labels = async (pod: string) =>
            (await list("pods", `ray.io/cluster=${pod === a.worker ? a.name : b.name}`)).find((p) => p.metadata.name === pod)?.metadata
                .labels ?? {};
        assert.strictEqual(
            (await labels(a.worker))["ray-on-ack.io/cluster"],
            (await labels(b.worker))["ray-on-ack.io/cluster"],
            "both generations carry the same ray-on-ack.io/cluster label",
        );
        deniedBy(
            await dryRun(a.token, "pod", b.worker, annotate, "merge"),
            RULES.ownPodsOnly,
            `${a.token.description}: an annotation on ${b.worker}`,
        );
        deniedBy(
            await dryRun(b.token, "pod", a.worker, annotate, "merge"),
            RULES.ownPodsOnly,
            `${b.token.description}: an annotation on ${a.worker}`,
        );
        deniedBy(
            await dryRun(a.token, "pod", b.head, annotate, "merge"),
            RULES.ownPodsOnly,
            `${a.token.description}: an annotation on ${b.head}`,
        );
    });

    it(`neither generation's token may name the other's worker in workersToDelete (the operator would delete it)`, async () => {
        const [a, b] = gens;
        const named = [{ op: "add", path: "/spec/workerGroupSpecs/0/scaleStrategy", value: { workersToDelete: [b.worker] } }];
        deniedBy(
            await dryRun(a.token, "raycluster", a.name, named),
            RULES.workersToDeleteOwnGroup,
            `${a.token.description}: workersToDelete [${b.worker}] on ${a.name}`,
        );
    });

    it(`${HEAD_SA}'s tokens that name no head pod (bound to no pod, a legacy token Secret) may do nothing`, async () => {
        const [a] = gens;
        const unbound = await serviceAccountToken(HEAD_SA);
        deniedBy(
            await dryRun(unbound, "raycluster", a.name, scale(2)),
            RULES.podBoundToken,
            `${unbound.description}: replicas of ${a.name}`,
        );
        deniedBy(
            await dryRun(unbound, "pod", a.worker, annotate, "merge"),
            RULES.podBoundToken,
            `${unbound.description}: an annotation on ${a.worker}`,
        );
        const legacy = await legacyServiceAccountToken(HEAD_SA);
        try {
            deniedBy(
                await dryRun(legacy.caller, "raycluster", a.name, scale(2)),
                RULES.podBoundToken,
                `legacy token: replicas of ${a.name}`,
            );
            deniedBy(
                await dryRun(legacy.caller, "pod", a.worker, annotate, "merge"),
                RULES.podBoundToken,
                `legacy token: an annotation on ${a.worker}`,
            );
        } finally {
            await legacy.remove();
        }
    });
});
