/**
 * Every object the team stack deploys exists in the team namespace, and the namespace enforces
 * Pod Security "restricted" (the old deploy_checks' first block, plus the NetworkPolicies).
 */
import * as assert from "assert";
import { env, kubectl, kubectlJson, output, rayCluster } from "../kube";

const { namespace: NS } = env();
const RC = rayCluster();

describe("deploy", () => {
    // one check per kind: at least one object of it (or the named one) in the team namespace
    const expected = [
        "namespace/" + NS,
        "resourcequota",
        "limitrange",
        "serviceaccount",
        "role",
        "rolebinding",
        "secret",
        "networkpolicy",
        "raycluster/" + RC,
    ];
    for (const what of expected) {
        it(`exists in ${NS}: ${what}`, async () => {
            const r = await kubectl(["-n", NS, "get", what, "-o", "name"]);
            assert.ok(r.code === 0 && r.stdout.trim() !== "", `missing in ${NS}: ${what} (${output(r) || "none found"})`);
        });
    }

    it(`namespace ${NS} enforces Pod Security 'restricted'`, async () => {
        const ns = await kubectlJson(["get", "namespace", NS]);
        const enforce = ns.metadata.labels?.["pod-security.kubernetes.io/enforce"];
        assert.strictEqual(
            enforce,
            "restricted",
            `label pod-security.kubernetes.io/enforce of namespace ${NS} is ${JSON.stringify(enforce)}`,
        );
    });

    // the team's isolation rests on these two: deny everything, then let DNS out
    it(`NetworkPolicy default-deny-all in ${NS} selects every pod and denies ingress and egress`, async () => {
        const r = await kubectl(["-n", NS, "get", "networkpolicy", "default-deny-all", "-o", "json"]);
        assert.strictEqual(r.code, 0, `NetworkPolicy ${NS}/default-deny-all: ${output(r)}`);
        const spec = JSON.parse(r.stdout).spec;
        assert.deepStrictEqual(
            spec.podSelector,
            {},
            `default-deny-all's podSelector is ${JSON.stringify(spec.podSelector)}, not {} (every pod)`,
        );
        assert.deepStrictEqual(
            [...spec.policyTypes].sort(),
            ["Egress", "Ingress"],
            `default-deny-all's policyTypes are ${JSON.stringify(spec.policyTypes)}`,
        );
        assert.ok(
            (spec.ingress ?? []).length === 0 && (spec.egress ?? []).length === 0,
            `default-deny-all has allow rules: ${JSON.stringify({ ingress: spec.ingress, egress: spec.egress })}`,
        );
    });

    it(`NetworkPolicy allow-dns exists in ${NS}`, async () => {
        const r = await kubectl(["-n", NS, "get", "networkpolicy", "allow-dns", "-o", "name"]);
        assert.strictEqual(r.code, 0, `NetworkPolicy ${NS}/allow-dns: ${output(r)}`);
    });
});
