import { strict as assert } from "assert";
import * as path from "path";
import { ajvErrors, KUBERAY_CRDS, kubeRayValidators, requireSharedData, validateBuiltIn } from "./helpers/schemas";
import { manifests, renderedStack } from "./helpers/render";
import { listStacks } from "../program/stackFile";

const CUSTOM_KINDS = new Set(["RayCluster", "RayJob", "RayService"]);
/** v1.6.2 is the version we deploy; v1.7.0 is the next one, checked as an early warning of CRD drift. */
const KUBERAY_VERSIONS = ["v1.6.2", "v1.7.0"];

describe(`conformance: every rendered object against the Kubernetes and KubeRay ${KUBERAY_VERSIONS.join("/")} schemas`, function () {
    const teamStacks = listStacks().filter((s) => s !== "platform");

    before(function () {
        for (const version of KUBERAY_VERSIONS) {
            requireSharedData(this, path.join(KUBERAY_CRDS, version, "ray.io_rayclusters.yaml"));
        }
    });

    for (const stack of teamStacks) {
        it(`${stack}: built-in kinds pass the Kubernetes schema, RayCluster/RayJob/RayService the KubeRay CRDs of ${KUBERAY_VERSIONS.join(" and ")} (strict)`, async () => {
            const objs = manifests(renderedStack(stack).out);
            const kuberay = KUBERAY_VERSIONS.map((version) => ({ version, validators: kubeRayValidators(version) }));
            let customs = 0;
            for (const o of objs) {
                const where = `${o.kind}/${o.metadata?.name}`;
                if (CUSTOM_KINDS.has(o.kind)) {
                    for (const { version, validators } of kuberay) {
                        const v = validators[o.kind];
                        assert.ok(v(o), `${where} (KubeRay ${version}): ${ajvErrors(v)}`);
                    }
                    customs++;
                } else if (o.apiVersion === "network.alibabacloud.com/v1beta1") {
                    continue; // ACK's PodNetworking: checked by its own test against ACK's documented fields
                } else if (o.apiVersion === "gateway.networking.k8s.io/v1" || o.apiVersion === "gateway.envoyproxy.io/v1alpha1") {
                    // A gateway exposure's HTTPRoute and Envoy Gateway SecurityPolicy: no schema package here holds their CRDs;
                    // their fields are asserted in components/exposure/gatewayExposure.test.ts (docs/design.md "Public dashboard (opt-in, per cluster)").
                    continue;
                } else if (o.apiVersion === "monitoring.coreos.com/v1") {
                    continue; // prometheus-operator's PodMonitor: no schema package; components/observability's tests and the pack's ray-metrics-scrape
                } else {
                    await validateBuiltIn(o).catch((e: Error) => assert.fail(`${where}: ${e.message}`));
                }
            }
            assert.ok(customs > 0, "the stack renders Ray objects");
        });
    }

    for (const version of KUBERAY_VERSIONS) {
        it(`the strict ${version} CRD check catches a misspelt field (so the check above is not vacuous)`, function () {
            const objs = manifests(renderedStack("team-a").out);
            const rc = structuredClone(objs.find((o) => o.kind === "RayCluster")!);
            rc.spec.headGroupSpec.template.spec.containers[0].securityContex = {};
            const v = kubeRayValidators(version).RayCluster;
            assert.equal(v(rc), false);
            assert.match(ajvErrors(v), /additional properties/);
        });
    }
});
