/**
 * Identity is per cluster (issue 11, section 3): what ties each RayCluster's and RayJob's pods to
 * their own CA, token and autoscaler scope, on what TeamEnvironment registers for team-a and team-b.
 * The handshake proof that one cluster's certificates are refused by another is in tls-handshake.
 */
import { strict as assert } from "assert";
import * as crypto from "crypto";
import { ANNOTATIONS, LABELS, names } from "../core/naming";
import { tokenFingerprint } from "../providers/tokenSecret";
import { AUTOSCALER_SCOPE_RULES, autoscalerScopeName } from "./autoscalerScope";
import { certInfo } from "../providers/pki";
import type { RecordedResource } from "../../render/mockRuntime";
import { teamConfig } from "../../test/helpers/configs";
import { find, objects, podTemplates, recordTeam } from "../../test/helpers/mockRun";

describe("identity per cluster (team-a, team-b under mocks)", function () {
    let aResources: RecordedResource[];
    let bResources: RecordedResource[];
    let a: Record<string, any>[];
    let b: Record<string, any>[];
    before(async () => {
        aResources = await recordTeam(teamConfig("team-a"));
        bResources = await recordTeam(teamConfig("team-b"));
        a = objects(aResources);
        b = objects(bResources);
    });

    /** Each cluster's PKI state, by cluster name. */
    const pkiStates = (resources: RecordedResource[]) =>
        Object.fromEntries(
            resources
                .filter((r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.state.secretState?.request?.cluster)
                .map((r) => [r.state.secretState.request.cluster, r.state.secretState]),
        );

    it("registers one PKI, with its own CA, per RayCluster, RayJob and RayService", () => {
        const aPki = pkiStates(aResources);
        const bPki = pkiStates(bResources);
        assert.deepEqual(Object.keys(aPki).sort(), ["notebooks", "training"]);
        assert.deepEqual(Object.keys(bPki).sort(), ["analytics", "nightly-etl", "sentiment"]);
        const cas = [...Object.values(aPki), ...Object.values(bPki)].map((s: any) => s.ca.certPem);
        assert.equal(new Set(cas).size, 5);
        // Each cluster's TLS Secrets trust its own CA and nothing else.
        for (const s of a.filter((o) => o.kind === "Secret" && o.type === "kubernetes.io/tls")) {
            const cluster = s.metadata.labels[LABELS.cluster];
            assert.equal(Buffer.from(s.data["ca.crt"], "base64").toString(), aPki[cluster].caBundlePem, s.metadata.name);
        }
    });

    it("puts a hash of the cluster's own token on every Ray pod template, next to the TLS fingerprint", () => {
        for (const objs of [a, b]) {
            // A cluster with personal identity has no token (components/identity/personalIdentity.test.ts).
            const withToken = (o: Record<string, any>) => (o.spec.rayClusterSpec ?? o.spec).authOptions.secretName !== undefined;
            for (const o of objs.filter((x) => (x.kind === "RayCluster" || x.kind === "RayJob") && withToken(x))) {
                const secret = find(objs, "Secret", names.tokenSecret(o.metadata.name));
                const expected = tokenFingerprint(secret.stringData.auth_token);
                const rayTemplates = podTemplates(o).filter((t) => !t.path.includes("submitter"));
                assert.ok(rayTemplates.length >= 2);
                for (const { path, template } of rayTemplates) {
                    assert.equal(template.metadata.annotations[ANNOTATIONS.tokenFingerprint], expected, `${o.metadata.name} ${path}`);
                    assert.match(template.metadata.annotations[ANNOTATIONS.tlsFingerprint], /^[0-9a-f]{64}$/);
                }
            }
        }
        const fa = find(b, "RayCluster", "analytics").spec.headGroupSpec.template.metadata.annotations[ANNOTATIONS.tokenFingerprint];
        const fb = find(b, "RayJob", "nightly-etl").spec.rayClusterSpec.headGroupSpec.template.metadata.annotations[
            ANNOTATIONS.tokenFingerprint
        ];
        assert.notEqual(fa, fb, "each cluster has its own token");
    });

    it("derives the token fingerprint so that a new token changes it, and the token cannot be read back from it", () => {
        const t1 = crypto.randomBytes(32).toString("hex");
        const t2 = crypto.randomBytes(32).toString("hex");
        assert.match(tokenFingerprint(t1), /^[0-9a-f]{16}$/);
        assert.equal(tokenFingerprint(t1), tokenFingerprint(t1));
        assert.notEqual(tokenFingerprint(t1), tokenFingerprint(t2));
        assert.ok(!t1.includes(tokenFingerprint(t1)));
    });

    it("names a RayJob's head Service itself, and its head certificate lists exactly those names (no wildcard)", () => {
        const rj = find(b, "RayJob", "nightly-etl");
        const head = rj.spec.rayClusterSpec.headGroupSpec;
        assert.equal(head.headService.metadata.name, "nightly-etl-head-svc");
        assert.equal(head.headService.spec.clusterIP, "None", "headless, as KubeRay's default head Service");
        assert.equal(head.headService.spec.type, "ClusterIP");
        const sans = certInfo(pkiStates(bResources)["nightly-etl"].head.certPem).dnsSans;
        assert.deepEqual(sans, ["localhost", ...names.headServiceDnsNames("nightly-etl", "ray-team-b")]);
        assert.ok(
            sans.every((n) => !n.includes("*")),
            sans.join(),
        );
    });

    it("limits each autoscaler to its own RayCluster and, by admission policy, to its own cluster's pods", () => {
        const role = find(a, "Role", names.autoscalerRole("training"));
        const rayclusters = role.rules.find((r: any) => r.resources.includes("rayclusters"));
        assert.deepEqual(rayclusters.resourceNames, ["training"]);
        const policyName = autoscalerScopeName("ray-team-a");
        assert.equal(policyName, "ray-on-ack-ray-team-a-autoscaler-scope");
        const policy = find(a, "ValidatingAdmissionPolicy", policyName);
        const binding = find(a, "ValidatingAdmissionPolicyBinding", policyName);
        assert.equal(policy.metadata.namespace, undefined, "cluster-scoped");
        assert.equal(policy.spec.failurePolicy, "Fail");
        assert.deepEqual(
            policy.spec.matchConstraints.resourceRules.map((r: any) => r.resources),
            [["pods", "pods/resize"], ["rayclusters"]],
        );
        assert.match(policy.spec.matchConditions[0].expression, /endsWith\('-ray-head'\)/);
        assert.deepEqual(
            policy.spec.validations.map((v: any) => v.expression),
            Object.values(AUTOSCALER_SCOPE_RULES).map((r) => r.expression),
        );
        assert.ok(
            policy.spec.validations.some(
                (v: any) => v.expression.includes("'ray.io/cluster'") && v.expression.includes("variables.cluster"),
            ),
        );
        assert.ok(policy.spec.validations.some((v: any) => v.expression.includes("c.image")));
        assert.equal(binding.spec.policyName, policyName);
        assert.deepEqual(binding.spec.validationActions, ["Deny"]);
        assert.deepEqual(binding.spec.matchResources.namespaceSelector, { matchLabels: { "kubernetes.io/metadata.name": "ray-team-a" } });
        assert.ok(!b.some((o) => o.kind === "ValidatingAdmissionPolicy"), "team-b has no autoscaling cluster, so no policy");
    });

    it("never lowers Pod Security below restricted and mounts no hostPath (the opt-in was removed)", () => {
        for (const objs of [a, b]) {
            const ns = objs.find((o) => o.kind === "Namespace")!;
            assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
            for (const o of objs) {
                for (const { template } of podTemplates(o)) {
                    assert.ok(!(template.spec.volumes ?? []).some((v: any) => v.hostPath), o.metadata.name);
                }
            }
        }
    });
});
