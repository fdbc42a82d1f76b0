import { strict as assert } from "assert";
import * as path from "path";
import { ajvErrors, KUBERAY_CRDS, kubeRayValidators, requireSharedData, validateBuiltIn } from "./helpers/schemas";
import { manifests, renderedStack } from "./helpers/render";
import { listStacks } from "../scripts/lib/stackFile";

const CUSTOM_KINDS = new Set(["RayCluster", "RayJob", "RayService"]);

describe("conformance: every rendered object against the Kubernetes and KubeRay v1.6.2 schemas", function () {
    const teamStacks = listStacks().filter((s) => s !== "platform");

    before(function () {
        requireSharedData(this, path.join(KUBERAY_CRDS, "v1.6.2", "ray.io_rayclusters.yaml"));
    });

    for (const stack of teamStacks) {
        it(`${stack}: built-in kinds pass the Kubernetes schema, RayCluster/RayJob/RayService the KubeRay CRD (strict)`, async () => {
            const objs = manifests(renderedStack(stack).out);
            const kuberay = kubeRayValidators("v1.6.2");
            let customs = 0;
            for (const o of objs) {
                const where = `${o.kind}/${o.metadata?.name}`;
                if (CUSTOM_KINDS.has(o.kind)) {
                    const v = kuberay[o.kind];
                    assert.ok(v(o), `${where}: ${ajvErrors(v)}`);
                    customs++;
                } else if (o.apiVersion === "network.alibabacloud.com/v1beta1") {
                    continue; // ACK's PodNetworking: checked by its own test against ACK's documented fields
                } else {
                    await validateBuiltIn(o).catch((e: Error) => assert.fail(`${where}: ${e.message}`));
                }
            }
            assert.ok(customs > 0, "the stack renders Ray objects");
        });
    }

    it("the strict CRD check catches a misspelt field (so the check above is not vacuous)", function () {
        const objs = manifests(renderedStack("team-a").out);
        const rc = structuredClone(objs.find((o) => o.kind === "RayCluster")!);
        rc.spec.headGroupSpec.template.spec.containers[0].securityContex = {};
        const v = kubeRayValidators("v1.6.2").RayCluster;
        assert.equal(v(rc), false);
        assert.match(ajvErrors(v), /additional properties/);
    });
});
