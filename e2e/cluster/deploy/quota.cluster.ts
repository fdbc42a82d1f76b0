/**
 * The team namespace's ResourceQuota: a compliant pod over quota is refused, the same pod within
 * quota is admitted (so the refusal is the quota's, not PodSecurity's).
 */
import * as assert from "assert";
import { env, list, output, waitFor } from "../kube";
import { createPod, deletePod, probePod, RESTRICTED_CONTAINER, RESTRICTED_POD } from "../pods";

const { namespace: NS } = env();

describe("quota", () => {
    // the quota controller must have computed usage before it refuses anything
    before(() =>
        waitFor(60, `the status of the ResourceQuota in ${NS}`, async () =>
            (await list("resourcequotas")).some((q) => Object.keys(q.status?.hard ?? {}).length > 0),
        ),
    );

    const compliant = (name: string, cpu: string, memory: string) =>
        probePod(name, NS, { cpu, memory, podSecurity: RESTRICTED_POD, containerSecurity: RESTRICTED_CONTAINER });

    it("a pod over the namespace quota is rejected", async () => {
        const r = await createPod(compliant("e2e-overquota", "100000", "64Gi"));
        if (r.code === 0) await deletePod("e2e-overquota", NS);
        assert.ok(r.code !== 0 && output(r).includes("exceeded quota"), `a pod over quota was not rejected: ${output(r)}`);
    });

    it("a compliant pod within quota is admitted", async () => {
        const r = await createPod(compliant("e2e-withinquota", "100m", "64Mi"));
        if (r.code === 0) await deletePod("e2e-withinquota", NS);
        assert.strictEqual(r.code, 0, `a compliant pod within quota was rejected: ${output(r)}`);
    });
});
