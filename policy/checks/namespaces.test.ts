import * as assert from "assert";
import { namespacePsaRestricted, namespaceQuota, networkPolicyDefaultDeny, rayNamespaces } from "./namespaces";
import { compliantStack, defaultDeny, k8s, messages, namespace, quota, rayCluster } from "../../test/fixtures/policy";

describe("Ray namespaces", () => {
    it("are the team-labelled namespaces and those holding Ray resources", () => {
        const elsewhere = rayCluster("other");
        elsewhere.props.metadata.namespace = "shared";
        const unlabelled = namespace("tools");
        delete unlabelled.props.metadata.labels["ray-on-ack.io/team"];
        const found = rayNamespaces([rayCluster(), elsewhere, namespace(), unlabelled]).map((ns) => [
            ns.name,
            ns.namespace?.name,
            ns.members.length,
        ]);
        assert.deepStrictEqual(found, [
            ["ray-a", "ray-a", 1],
            ["shared", undefined, 1],
        ]);
    });
});

describe("policy ray-namespace-psa-restricted (seed 2, 5)", () => {
    it("accepts a namespace labelled restricted for enforce, audit and warn", () => {
        assert.deepStrictEqual(messages(namespacePsaRestricted, compliantStack()), []);
    });

    it("refuses a team namespace with weaker or missing labels", () => {
        const ns = namespace();
        ns.props.metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
        delete ns.props.metadata.labels["pod-security.kubernetes.io/warn"];
        assert.deepStrictEqual(messages(namespacePsaRestricted, [ns]), [
            'Namespace ray-a: metadata.labels: pod-security.kubernetes.io/enforce is "baseline", pod-security.kubernetes.io/warn is not set; all three must be "restricted"',
        ]);
    });

    it("covers an unlabelled namespace that holds a RayCluster", () => {
        const ns = namespace();
        ns.props.metadata.labels = {};
        assert.deepStrictEqual(messages(namespacePsaRestricted, [ns, rayCluster()]), [
            'Namespace ray-a: metadata.labels: pod-security.kubernetes.io/enforce is not set, pod-security.kubernetes.io/audit is not set, pod-security.kubernetes.io/warn is not set; all three must be "restricted"',
        ]);
    });

    it("refuses a RayCluster in a namespace this stack does not manage", () => {
        assert.deepStrictEqual(messages(namespacePsaRestricted, [rayCluster()]), [
            'RayCluster ray-a/demo: metadata.namespace: namespace "ray-a" is not managed by this stack, so its Pod Security labels cannot be verified; create it here with pod-security.kubernetes.io/enforce, audit and warn: restricted',
        ]);
    });
});

describe("policy ray-network-policy-default-deny (seed 1.4, stack-level)", () => {
    it("accepts a namespace with podSelector {} denying Ingress and Egress", () => {
        assert.deepStrictEqual(messages(networkPolicyDefaultDeny, [namespace(), defaultDeny(), rayCluster()]), []);
    });

    it("refuses a Ray namespace without one", () => {
        assert.deepStrictEqual(messages(networkPolicyDefaultDeny, [namespace(), rayCluster()]), [
            "Namespace ray-a: has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no rules)",
        ]);
    });

    it("does not count a policy that denies one direction, selects some pods, or allows traffic", () => {
        const ingressOnly = defaultDeny();
        ingressOnly.props.spec.policyTypes = ["Ingress"];
        const selective = defaultDeny();
        selective.props.spec.podSelector = { matchLabels: { "ray.io/node-type": "head" } };
        const allowing = defaultDeny();
        allowing.props.spec.ingress = [{ from: [{ podSelector: {} }] }];
        const inOtherNamespace = defaultDeny("ray-b");
        for (const np of [ingressOnly, selective, allowing, inOtherNamespace]) {
            assert.deepStrictEqual(messages(networkPolicyDefaultDeny, [namespace(), np]), [
                "Namespace ray-a: has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no rules)",
            ]);
        }
    });

    it("reports on the RayCluster when its namespace is managed elsewhere", () => {
        assert.deepStrictEqual(messages(networkPolicyDefaultDeny, [rayCluster()]), [
            'RayCluster ray-a/demo: metadata.namespace: namespace "ray-a" has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no rules)',
        ]);
    });

    it("does not apply to a stack without Ray namespaces", () => {
        const plain = namespace("tools");
        delete plain.props.metadata.labels["ray-on-ack.io/team"];
        assert.deepStrictEqual(messages(networkPolicyDefaultDeny, [plain]), []);
    });
});

describe("policy ray-namespace-quota (seed 3)", () => {
    it("accepts a ResourceQuota on cpu and memory and a container LimitRange", () => {
        assert.deepStrictEqual(messages(namespaceQuota, [namespace(), ...quota()]), []);
    });

    it("refuses a namespace without them", () => {
        const gpuOnly = k8s("kubernetes:core/v1:ResourceQuota", {
            metadata: { name: "gpu", namespace: "ray-a" },
            spec: { hard: { "requests.nvidia.com/gpu": "4" } },
        });
        assert.deepStrictEqual(messages(namespaceQuota, [namespace(), gpuOnly]), [
            "Namespace ray-a: has no ResourceQuota with hard cpu and memory limits",
            "Namespace ray-a: has no LimitRange for containers",
        ]);
    });
});
