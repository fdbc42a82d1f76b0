/**
 * A RayService of the team (E2E_SERVICE in E2E_NAMESPACE) after `pulumi up`: the KubeRay operator
 * accepted it and created its RayCluster `<service>-<random>`, whose head and worker templates
 * mount our TLS Secrets of generation slot E2E_SERVE_SLOT (0 first, 1 after a rotation) with token
 * auth. On slot 0, PodSecurity admitted the head pod, which mounts slot 0's Secret. With
 * E2E_SERVE_SLOT0_CRT (slot 0's tls.crt, base64, before the rotation), slot 0's Secret kept it:
 * the old cluster keeps serving with its certificate until the operator switches over.
 */
import * as assert from "assert";
import { env, kubectl, list, output, waitFor } from "../kube";

const { namespace: NS } = env();
const SVC = process.env.E2E_SERVICE ?? "";
const SLOT = process.env.E2E_SERVE_SLOT ?? "0";
const SLOT0_CRT = process.env.E2E_SERVE_SLOT0_CRT ?? "";
if (SVC === "") throw new Error("E2E_SERVICE: not set; name the RayService to check");
if (SLOT !== "0" && SLOT !== "1") throw new Error(`E2E_SERVE_SLOT: ${JSON.stringify(SLOT)} is not a generation slot (0 or 1)`);

const tlsSecret = (volumes: any[] | undefined) => (volumes ?? []).find((v) => v.name === "ray-tls")?.secret?.secretName;

/** "<name> <head's TLS Secret> <first worker group's TLS Secret> <auth mode>" of every RayCluster */
async function rayClusters(): Promise<string[]> {
    return (await list("rayclusters")).map((rc) =>
        [
            rc.metadata.name,
            tlsSecret(rc.spec.headGroupSpec?.template?.spec?.volumes),
            tlsSecret(rc.spec.workerGroupSpecs?.[0]?.template?.spec?.volumes),
            rc.spec.authOptions?.mode,
        ].join(" "),
    );
}

describe("serve", () => {
    const onSlot = new RegExp(`^${SVC}-[a-z0-9]{5} ${SVC}-ray-tls-head-${SLOT} ${SVC}-ray-tls-worker-${SLOT} token$`);
    const title =
        SLOT === "0"
            ? `the operator accepted the RayService and created its RayCluster ${SVC}-<random> with slot 0's TLS Secrets and token auth`
            : "after a rotation the operator creates a new RayCluster on slot 1's Secrets";
    it(title, async () => {
        await waitFor(
            120,
            `a RayCluster of ${SVC} on slot ${SLOT}`,
            async () => (await rayClusters()).some((l) => onSlot.test(l)),
            async () => `RayClusters in ${NS}: ${JSON.stringify(await rayClusters())}`,
        );
    });

    if (SLOT === "0") {
        it(`PodSecurity restricted admitted the service's head pod, which mounts slot 0's Secret`, async () => {
            const heads = () => list("pods", `ray-on-ack.io/cluster=${SVC},ray-on-ack.io/role=head`);
            await waitFor(
                120,
                `the head pod of ${SVC}`,
                async () => (await heads()).some((p) => tlsSecret(p.spec.volumes) === `${SVC}-ray-tls-head-0`),
                async () => `head pods: ${JSON.stringify((await heads()).map((p) => [p.metadata.name, tlsSecret(p.spec.volumes)]))}`,
            );
        });
    }

    if (SLOT0_CRT !== "") {
        it("slot 0's Secret (the old cluster's) kept its certificate through the rotation", async () => {
            const r = await kubectl(["-n", NS, "get", "secret", `${SVC}-ray-tls-head-0`, "-o", "jsonpath={.data.tls\\.crt}"]);
            assert.strictEqual(r.code, 0, `Secret ${NS}/${SVC}-ray-tls-head-0: ${output(r)}`);
            assert.ok(r.stdout === SLOT0_CRT, `${SVC}-ray-tls-head-0's tls.crt changed in the rotation`);
        });
    }
});
