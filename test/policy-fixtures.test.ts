/** The policy fixtures' own claim: the compliant stack passes every check (see fixtures/policy.ts). */
import * as assert from "assert";
import { POLICY_IDS } from "@ray-on-ack/common";
import { evaluatePosture } from "../policy/posture";
import { compliantStack, grantFor, loadBalancer } from "./fixtures/policy";

describe("policy fixtures", () => {
    it("the compliant stack passes every check, and every check applies to it (the CLB listener check once a granted public dashboard joins it)", () => {
        const notPassing = (report: ReturnType<typeof evaluatePosture>) =>
            report.checks.filter((c) => c.status !== "pass").map((c) => [c.id, c.status, c.offending.map((o) => o.message)]);
        // Nothing in it is exposed: a LoadBalancer needs a grant, so the listener check has nothing to look at.
        // ray-tenancy is registered without a body on this base (its own change fills it in): it applies to nothing yet.
        assert.deepStrictEqual(notPassing(evaluatePosture(compliantStack())), [
            [POLICY_IDS.tenancy, "not-applicable", []],
            [POLICY_IDS.clbHttpsListener, "not-applicable", []],
        ]);
        const lb = loadBalancer();
        const granted = evaluatePosture([...compliantStack(), lb], { policyPackConfig: { [POLICY_IDS.serviceNotPublic]: { grants: [grantFor(lb, "public by design")] } } });
        assert.deepStrictEqual(notPassing(granted).filter(([id]) => id !== POLICY_IDS.tenancy), [
            [
                POLICY_IDS.serviceNotPublic,
                "exception",
                ["exception (granted: public by design): Service ray-a/demo-dashboard-public: spec.type: is LoadBalancer, which exposes the Service beyond the cluster; that needs an exception granted in the platform's policy pack config"],
            ],
        ]);
    });
});
