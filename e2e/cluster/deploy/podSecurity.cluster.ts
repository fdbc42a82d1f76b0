/**
 * PodSecurity "restricted" in the team namespace: KubeRay's pods from our templates are admitted,
 * the same RayCluster without its securityContexts gets no pods (so the admission is owed to our
 * templates, not to a lax namespace), and non-compliant pods are refused.
 */
import * as assert from "assert";
import { env, kubectl, kubectlJson, list, output, rayCluster, waitFor } from "../kube";
import { createPod, deletePod, probePod, RESTRICTED_POD } from "../pods";

const { namespace: NS } = env();
const RC = rayCluster();

describe("deploy", () => {
    it(`KubeRay created head and worker pods of ${RC} and PodSecurity 'restricted' admitted them`, async () => {
        const pods = (type: string) => list("pods", `ray.io/cluster=${RC},ray.io/node-type=${type}`);
        await waitFor(
            120,
            `head and worker pods of ${RC}`,
            async () => (await pods("head")).length > 0 && (await pods("worker")).length > 0,
            async () => {
                // the operator's events say why it made no pods (e.g. a PodSecurity refusal)
                const r = await kubectl([
                    "-n",
                    NS,
                    "get",
                    "events",
                    "--field-selector",
                    `involvedObject.kind=RayCluster,involvedObject.name=${RC}`,
                ]);
                return `head ${(await pods("head")).length}, worker ${(await pods("worker")).length} pods; events:\n${output(r).split("\n").slice(-5).join("\n")}`;
            },
        );
    });

    it(`no pod in ${NS} violates 'restricted' (server dry-run of the label)`, async () => {
        const r = await kubectl([
            "label",
            "--dry-run=server",
            "--overwrite",
            "namespace",
            NS,
            "pod-security.kubernetes.io/enforce=restricted",
        ]);
        assert.strictEqual(r.code, 0, `the server dry-run of the label failed: ${output(r)}`);
        assert.ok(!/violate/i.test(output(r)), `existing pods in ${NS} violate 'restricted': ${output(r)}`);
    });
});

describe("podsecurity", () => {
    const bad = `${RC}-unhardened`;
    after(() => kubectl(["-n", NS, "delete", "raycluster", bad, "--ignore-not-found", "--wait=false"]));

    it("the RayCluster with its securityContexts stripped gets no pods (operator's pods refused)", async () => {
        const rc = await kubectlJson(["-n", NS, "get", "raycluster", RC]);
        const copy = { apiVersion: rc.apiVersion, kind: rc.kind, metadata: { name: bad, namespace: NS }, spec: rc.spec };
        const templates = [copy.spec.headGroupSpec.template, ...(copy.spec.workerGroupSpecs ?? []).map((g: any) => g.template)];
        for (const t of templates) {
            delete t.spec.securityContext;
            for (const c of [...(t.spec.containers ?? []), ...(t.spec.initContainers ?? [])]) delete c.securityContext;
        }
        const applied = await kubectl(["apply", "-f", "-"], { input: JSON.stringify(copy) });
        assert.strictEqual(applied.code, 0, `could not create the unhardened copy of RayCluster ${RC}: ${output(applied)}`);
        // this copy's events only (by uid): a refusal left from an earlier run proves nothing
        const uid = (await kubectlJson(["-n", NS, "get", "raycluster", bad])).metadata.uid;
        const messages = async () => (await list("events")).filter((e) => e.involvedObject?.uid === uid).map((e) => String(e.message));
        await waitFor(
            60,
            `a PodSecurity refusal event for ${bad}`,
            async () => (await messages()).some((m) => m.includes("violates PodSecurity")),
            async () =>
                `events of ${bad}: ${JSON.stringify(await messages())}; pods: ${(await list("pods", `ray.io/cluster=${bad}`)).map((p) => p.metadata.name).join(" ") || "none"}`,
        );
        const admitted = (await list("pods", `ray.io/cluster=${bad}`)).map((p) => p.metadata.name);
        assert.deepStrictEqual(admitted, [], `pods of the unhardened RayCluster ${bad} were admitted`);
    });

    const resources = { cpu: "10m", memory: "16Mi" };
    const nonCompliant: Record<string, object> = {
        plain: probePod("e2e-noncompliant-plain", NS, resources),
        privileged: probePod("e2e-noncompliant-privileged", NS, {
            ...resources,
            podSecurity: RESTRICTED_POD,
            containerSecurity: { privileged: true, allowPrivilegeEscalation: true },
        }),
    };
    for (const [kind, pod] of Object.entries(nonCompliant)) {
        it(`a ${kind} non-compliant pod is rejected by PodSecurity 'restricted'`, async () => {
            const name = `e2e-noncompliant-${kind}`;
            const r = await createPod(pod);
            if (r.code === 0) await deletePod(name, NS);
            assert.ok(
                r.code !== 0 && output(r).includes('violates PodSecurity "restricted'),
                `a ${kind} non-compliant pod was not rejected by PodSecurity: ${output(r)}`,
            );
        });
    }
});
