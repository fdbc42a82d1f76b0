/**
 * ray-autoscaler-scope (seed 4, issue 23 part 4): the pack judges, on its own, whether each
 * autoscaler is confined, by putting a stolen token's requests to the stack's admission policies.
 * The components' policy passes for team-a's RayCluster and for team-b's RayService with
 * autoscaling; the same policy keyed on what a RayService's generations share, or gone, or only
 * warning, fails; so do Roles that grant the autoscaler more than it calls.
 */
import * as assert from "assert";
import { autoscalerScope } from "./autoscaler";
import { messages, rayCluster, autoscalerRole, roleBinding, autoscalerScopePolicy } from "../../test/fixtures/policy";
import { asResource } from "../../test/helpers/policy";
import { manifests, renderedStack } from "../../test/helpers/render";
import { autoscalingServiceConfig } from "../../test/helpers/configs";
import { objects, recordTeam } from "../../test/helpers/mockRun";
import type { PolicyResource } from "../resource";

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const VAP = "ValidatingAdmissionPolicy";

describe("policy ray-autoscaler-scope (seed 4)", function () {
    let teamA: PolicyResource[];
    let teamB: PolicyResource[];
    before(async () => {
        teamA = manifests(renderedStack("team-a").out).map(asResource);
        teamB = objects(await recordTeam(autoscalingServiceConfig())).map(asResource);
    });
    const edited = (stack: PolicyResource[], kind: string, edit: (props: any) => void) =>
        stack.map((r) => {
            if (r.props?.kind !== kind) return r;
            const c = { ...r, props: clone(r.props) };
            edit(c.props);
            return c;
        });

    it("passes the components' policy and Roles: team-a's autoscaling RayCluster, team-b's autoscaling RayService", () => {
        assert.ok(teamA.some((r) => r.props.kind === "RayCluster" && r.props.spec.enableInTreeAutoscaling === true));
        assert.ok(teamB.some((r) => r.props.kind === "RayService" && r.props.spec.rayClusterConfig.enableInTreeAutoscaling === true));
        assert.deepStrictEqual(messages(autoscalerScope, teamA), []);
        assert.deepStrictEqual(messages(autoscalerScope, teamB), []);
    });

    it("fails a RayService whose policy keys on what both generations share (its label): one generation reaches the other", () => {
        // the policy before issue 23: the cluster is the account's name, which is the service's, never a generation's
        const keyedOnAccount = edited(teamB, VAP, (p) => {
            const cluster = p.spec.variables.find((v: any) => v.name === "cluster");
            cluster.expression = "variables.account";
            p.spec.validations = p.spec.validations.filter(
                (v: any) => !/variables.cluster != ''|variables.generatedNames/.test(v.expression),
            );
        });
        // safe, and useless: every generation is refused everything (the reason RayService autoscaling was refused before)
        assert.deepStrictEqual(messages(autoscalerScope, keyedOnAccount), []);
        // keyed on the label both generations carry, the other generation's pods are reachable
        const keyedOnLabel = edited(teamB, VAP, (p) => {
            p.spec.variables.find((v: any) => v.name === "cluster").expression = "variables.account";
            for (const v of p.spec.validations) {
                v.expression = v.expression
                    .replaceAll("'ray.io/cluster'", "'ray-on-ack.io/cluster'")
                    .replace("object.metadata.name == variables.cluster", "object.metadata.name.startsWith(variables.account)");
            }
            p.spec.validations = p.spec.validations.filter(
                (v: any) => !/variables.cluster != ''|variables.generatedNames/.test(v.expression),
            );
        });
        const [l] = messages(autoscalerScope, keyedOnLabel);
        assert.match(l, /sentiment-b2k4x's autoscaler scaling its other generation sentiment-zt5n8/);
        assert.match(
            l,
            /sentiment-b2k4x's autoscaler annotating a pod of its other generation sentiment-zt5n8 \(same ray-on-ack.io\/cluster label\)/,
        );
    });

    it("fails an autoscaling cluster with no policy, a policy that only warns, or one bound to another namespace", () => {
        const none = teamA.filter((r) => !r.props?.kind?.startsWith(VAP));
        assert.match(
            messages(autoscalerScope, none)[0],
            /no ValidatingAdmissionPolicy of the stack is bound \(validationActions Deny\) to namespace ray-team-a/,
        );
        const warn = edited(teamA, `${VAP}Binding`, (b) => (b.spec.validationActions = ["Warn"]));
        assert.match(
            messages(autoscalerScope, warn)[0],
            /RayCluster ray-team-a\/training: .* no ValidatingAdmissionPolicy of the stack is bound/,
        );
        const elsewhere = edited(
            teamA,
            `${VAP}Binding`,
            (b) => (b.spec.matchResources.namespaceSelector.matchLabels["kubernetes.io/metadata.name"] = "ray-team-b"),
        );
        assert.match(messages(autoscalerScope, elsewhere)[0], /no ValidatingAdmissionPolicy of the stack is bound/);
        // an expression that fails to evaluate denies, unless failurePolicy Ignore lets the request through
        const broken = (failurePolicy: string) =>
            edited(teamA, VAP, (p) => {
                p.spec.failurePolicy = failurePolicy;
                p.spec.validations = [{ expression: "variables.nothing.here == 1", message: "broken" }];
            });
        assert.deepStrictEqual(messages(autoscalerScope, broken("Fail")), []);
        assert.match(
            messages(autoscalerScope, broken("Ignore"))[0],
            /the stack's admission policies for namespace ray-team-a admit a token that names no head pod/,
        );
    });

    it("fails a policy that lets a token bound to no head pod through (a legacy Secret token)", () => {
        const legacy = edited(teamA, VAP, (p) => {
            p.spec.variables.find((v: any) => v.name === "cluster").expression =
                "variables.headPod == '' ? variables.account : variables.headPod.substring(0, size(variables.headPod) - 11)";
        });
        const [m] = messages(autoscalerScope, legacy);
        assert.match(m, /admit a token that names no head pod \(a legacy ServiceAccount token\) scaling training$/);
    });

    it("fails a Role of the autoscaler that grants more than it calls, or every RayCluster to a RayCluster's autoscaler", () => {
        const wider = edited(teamA, "Role", (r) => {
            if (r.metadata.name !== "training") return;
            r.rules.push(
                { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
                { apiGroups: [""], resources: ["secrets"], resourceNames: ["x"], verbs: ["get"] },
            );
            delete r.rules.find((x: any) => x.resources.includes("rayclusters")).resourceNames;
        });
        assert.deepStrictEqual(messages(autoscalerScope, wider), [
            "Role ray-team-a/training: rules[2].resourceNames: lets the autoscaler of RayCluster training reach every RayCluster of the namespace; name its own RayCluster only",
            "Role ray-team-a/training: rules[3]: grants /pods/delete to the autoscaler's ServiceAccount \"training-ray-head\" (RayCluster ray-team-a/training), beyond what KubeRay's autoscaler calls",
            "Role ray-team-a/training: rules[4]: grants /secrets/get to the autoscaler's ServiceAccount \"training-ray-head\" (RayCluster ray-team-a/training), beyond what KubeRay's autoscaler calls",
        ]);
        // a RayService's Role may not name its clusters (they are generated): no resourceNames is what it needs
        const serviceRole = teamB.find((r) => r.props.kind === "Role" && r.props.metadata.name === "sentiment")!;
        assert.equal(serviceRole.props.rules.find((x: any) => x.resources.includes("rayclusters")).resourceNames, undefined);
    });

    it("applies only where a cluster autoscales; the fixtures' deny-everything policy confines too", () => {
        const rc = rayCluster();
        rc.props.spec.enableInTreeAutoscaling = false;
        assert.equal(autoscalerScope.appliesTo(rc), false);
        assert.deepStrictEqual(messages(autoscalerScope, [rayCluster(), autoscalerRole(), roleBinding(), ...autoscalerScopePolicy()]), []);
    });
});
