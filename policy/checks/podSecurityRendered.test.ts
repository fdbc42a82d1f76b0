/**
 * Pod Security Standards `restricted` on every rendered pod template: head, workers, the
 * autoscaler sidecar and the RayJob submitter (the check the policy pack enforces; the e2e
 * harness has a real API server's PodSecurity admission judge the pods KubeRay creates).
 */
import { strict as assert } from "assert";
import { podSecurityRestricted, readOnlyRootFilesystem } from "./podSecurity";
import { containersOf, isRayResource, podTemplates } from "../podTemplates";
import { resolvePackConfig } from "../config";
import { asResource, resourceFindings } from "../../test/helpers/policy";
import { manifests, renderedStack } from "../../test/helpers/render";

describe("Pod Security Standards restricted on every pod template", () => {
    for (const stack of ["team-a", "team-b"]) {
        it(`${stack}: every template and container passes, the autoscaler and submitter included`, () => {
            const rays = manifests(renderedStack(stack).out).map(asResource).filter(isRayResource);
            const config = resolvePackConfig({});
            const templates = rays.flatMap(podTemplates);
            const containers = templates.flatMap(containersOf).map((c) => c.name);
            assert.ok(containers.includes("ray-head") && containers.includes("ray-worker"));
            if (stack === "team-a") assert.ok(containers.includes("autoscaler"), `autoscaler among ${containers}`);
            if (stack === "team-b") assert.ok(containers.includes("ray-job-submitter"));
            if (stack === "team-b")
                assert.ok(
                    rays.some((r) => r.props.kind === "RayService"),
                    "team-b's RayService is among the checked",
                );
            for (const r of rays) {
                assert.deepEqual(resourceFindings(podSecurityRestricted, r, config), []);
                assert.deepEqual(resourceFindings(readOnlyRootFilesystem, r, config), []);
            }
        });
    }

    it("the same check refuses a privileged container and a missing seccomp profile (so the pass above means something)", () => {
        const rc = asResource(structuredClone(manifests(renderedStack("team-a").out).find((o) => o.kind === "RayCluster")!));
        const head = rc.props.spec.headGroupSpec.template.spec;
        head.containers[0].securityContext.privileged = true;
        delete head.securityContext.seccompProfile;
        delete head.containers[0].securityContext.seccompProfile;
        const findings = resourceFindings(podSecurityRestricted, rc, resolvePackConfig({}));
        const messages = findings.map((f) => f.message).join("\n");
        assert.match(messages, /privileged/);
        assert.match(messages, /seccomp/i);
    });
});
