/** The policy fixtures' own claim: the compliant stack passes every check (see fixtures/policy.ts). */
import * as assert from "assert";
import { POLICY_IDS } from "@ray-on-ack/common";
import { evaluatePosture } from "./posture";
import { compliantStack, grantFor, loadBalancer, registered } from "../test/fixtures/policy";

describe("policy fixtures", () => {
    it("the compliant stack passes every check under its tenancy registry, and every check applies to it (the CLB listener check once a granted public dashboard joins it)", () => {
        const notPassing = (report: ReturnType<typeof evaluatePosture>) =>
            report.checks.filter((c) => c.status !== "pass").map((c) => [c.id, c.status, c.offending.map((o) => o.message)]);
        // Nothing in it is exposed: a LoadBalancer needs a grant, so the listener check has nothing to look at.
        // Its Ingress signs nobody in (basic auth): a fallback the registry grants, shown as an exception.
        const ingressGrant =
            "exception (granted: the ingress controller offers no single sign-on; the team's password behind the source allowlist): Ingress ray-a/demo-dashboard: authenticates with basic auth, a password the whole team shares: whoever holds a leaked copy passes the edge from any allowed source until every user gets a new one; use exposure.mode gateway, which signs people in with the platform's single sign-on, or ask the platform team for a ray-basic-auth-fallback grant";
        assert.deepStrictEqual(notPassing(evaluatePosture(compliantStack(), { policyPackConfig: registered() })), [
            [POLICY_IDS.basicAuthFallback, "exception", [ingressGrant]],
            [POLICY_IDS.clbHttpsListener, "not-applicable", []],
        ]);
        const lb = loadBalancer();
        const granted = evaluatePosture([...compliantStack(), lb], {
            policyPackConfig: registered({ [POLICY_IDS.serviceNotPublic]: { grants: [grantFor(lb, "public by design")] } }),
        });
        assert.deepStrictEqual(notPassing(granted), [
            [
                POLICY_IDS.serviceNotPublic,
                "exception",
                [
                    "exception (granted: public by design): Service ray-a/demo-dashboard-public: spec.type: is LoadBalancer, which exposes the Service beyond the cluster; that needs an exception granted in the platform's policy pack config",
                ],
            ],
            [POLICY_IDS.basicAuthFallback, "exception", [ingressGrant]],
        ]);
    });
});
