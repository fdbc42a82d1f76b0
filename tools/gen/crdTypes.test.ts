/**
 * The ray.io/v1 spec types in components/ray/crds/rayV1.ts are generated from the KubeRay CRDs
 * (tools/gen/crdTypes.ts, json-schema-to-typescript). The committed file must be what the
 * generator writes today; ../shared is required (CI has it): without it this fails, never skips.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CRD_DIR, KUBERAY_VERSION, OUTPUT, generateCrdTypes } from "./crdTypes";

function requireCrds(version: string): void {
    const dir = path.join(CRD_DIR, version);
    assert.ok(
        fs.existsSync(dir),
        `${dir} is missing: the KubeRay CRDs come from ../shared beside the repo (CI has it); this test cannot run without them`,
    );
}

describe("generated KubeRay spec types (npm run gen:crds)", function () {
    let current: Promise<string> | undefined;
    // Generation takes about 2 s: once for the tests that read today's output.
    const generated = () => (current ??= generateCrdTypes());

    it(`components/ray/crds/rayV1.ts is what the generator writes from the ${KUBERAY_VERSION} CRDs (stale: run npm run gen:crds)`, async () => {
        requireCrds(KUBERAY_VERSION);
        assert.ok((await generated()) === fs.readFileSync(OUTPUT, "utf8"), `${path.basename(OUTPUT)} is stale: run npm run gen:crds`);
    });

    it("is small and closed: core types are @pulumi/kubernetes references, no open index signatures", async () => {
        requireCrds(KUBERAY_VERSION);
        const text = await generated();
        assert.ok(text.split("\n").length < 400, `${text.split("\n").length} lines: an inlined Kubernetes schema slipped through`);
        for (const ref of [
            "core.v1.PodTemplateSpec",
            "core.v1.Service",
            "core.v1.EnvVar[]",
            "core.v1.ResourceRequirements",
            "core.v1.SecurityContext",
        ]) {
            assert.ok(text.includes(`k8s.types.input.${ref}`), ref);
        }
        assert.doesNotMatch(text, /\[k: string\]: unknown/, "an object left open");
        assert.doesNotMatch(text, /\bcontainers\?:/, "a pod spec inlined");
        // RayJob/RayService embed the RayCluster spec: one shared type, not three copies.
        assert.match(text, /rayClusterSpec\?: RayClusterSpec;/);
        assert.match(text, /rayClusterConfig: RayClusterSpec;/);
    });

    it("a same-named field of another shape keeps its own type (RayJob metadata, a worker group's resources map)", async () => {
        requireCrds(KUBERAY_VERSION);
        const text = await generated();
        const job = text.slice(text.indexOf("export interface RayJobSpec"));
        assert.match(job, /\n {4}metadata\?: \{\n {8}\[k: string\]: string;/);
        const worker = text.slice(text.indexOf("export interface WorkerGroupSpec"));
        assert.match(worker, /\n {4}resources\?: \{\n {8}\[k: string\]: string;/);
    });

    it("the next KubeRay version (v1.7.0) still generates: the rewrites hold across versions", async () => {
        requireCrds("v1.7.0");
        const text = await generateCrdTypes(CRD_DIR, "v1.7.0");
        assert.match(text, /export interface RayClusterSpec/);
        assert.doesNotMatch(text, /\[k: string\]: unknown/);
    });
});
