/**
 * The programs in examples/ compose the components differently from the stack program; they are
 * type-checked with the rest (tsconfig.json includes examples/) and rendered here under mocks.
 */
import * as assert from "assert";
import * as path from "path";
import { runProgram, type ProgramRun } from "../render/mockRuntime";

const kube = (run: ProgramRun, kind: string) =>
    run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind).map((r) => r.inputs);

describe("examples/two-teams", () => {
    let run: ProgramRun;
    before(async function () {
        this.timeout(300_000);
        run = await runProgram("two-teams", {}, [], { podCidrs: [] }, path.join(__dirname, "..", "examples", "two-teams", "index.ts"));
    });

    it("gives each team its own namespace, and each workload lands in its team's", () => {
        assert.deepStrictEqual(run.outputs.namespaces.value, ["ray-vision", "ray-nlp"]);
        assert.deepStrictEqual(
            kube(run, "Namespace")
                .map((n) => n.metadata.name)
                .sort(),
            ["ray-nlp", "ray-vision"],
        );
        assert.deepStrictEqual(
            kube(run, "RayCluster").map((c) => `${c.metadata.namespace}/${c.metadata.name}`),
            ["ray-vision/train"],
        );
        assert.deepStrictEqual(
            kube(run, "RayJob").map((j) => `${j.metadata.namespace}/${j.metadata.name}`),
            ["ray-nlp/eval"],
        );
    });

    it("applies each team's own settings and the secure defaults to the other", () => {
        const quota = (ns: string) => kube(run, "ResourceQuota").find((q) => q.metadata.namespace === ns)?.spec.hard ?? {};
        assert.strictEqual(quota("ray-vision")["limits.cpu"] ?? quota("ray-vision")["requests.cpu"], "32");
        assert.strictEqual(quota("ray-nlp")["limits.cpu"] ?? quota("ray-nlp")["requests.cpu"], "64");
        assert.strictEqual(kube(run, "RayJob")[0].spec.activeDeadlineSeconds, 7200);
    });

    it("keeps the teams apart: each team's objects are labelled for it and in its namespace, each cluster has its own CA", () => {
        const namespaced = run.resources
            .filter((r) => r.type.startsWith("kubernetes:") && r.inputs.metadata?.namespace)
            .map((r) => r.inputs);
        assert.ok(namespaced.length > 20);
        for (const o of namespaced) {
            assert.strictEqual(
                o.metadata.labels?.["ray-on-ack.io/team"],
                o.metadata.namespace.replace(/^ray-/, ""),
                `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
            );
        }
        const cas = [run.outputs.clusters.value as any, run.outputs.jobs.value as any].flatMap((byTeam) =>
            Object.values(byTeam).flatMap((w: any) => Object.values(w).map((x: any) => x.caCertificate)),
        );
        assert.strictEqual(cas.length, 2);
        assert.notStrictEqual(cas[0], cas[1]);
        assert.deepStrictEqual(Object.keys((run.outputs.clusters.value as any).vision.train.tlsClients), ["carol"]);
    });
});
