/**
 * Issue 11: the pack sees everything that produces pods or access. Patches are judged as the kind
 * they patch (see the per-check tests), inline ConfigGroup objects one by one, and what it cannot
 * read (Helm releases and charts, YAML files, kustomize) needs a granted exception.
 */
import * as assert from "assert";
import YAML from "yaml";
import { manifestsVisible } from "./checks/manifests";
import { namespacePsaRestricted } from "./checks/namespaces";
import { podSecurityRestricted } from "./checks/podSecurity";
import { evaluatePosture } from "./posture";
import {
    SELF_EXEMPTION as SELF,
    compliantStack,
    container,
    grantFor,
    k8s,
    podSecurity,
    registered,
    selfExemptedDeployment,
    throughPack,
    throughPackStack,
    withExceptions,
} from "../test/fixtures/policy";

function compliantDeployment(): any {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "ray-a" },
        spec: {
            template: { spec: { automountServiceAccountToken: false, securityContext: podSecurity(), containers: [container("web")] } },
        },
    };
}

const configGroup = (version: "yaml" | "yaml/v2", inputs: object) => k8s(`kubernetes:${version}:ConfigGroup`, inputs, "extras");

describe("inline ConfigGroup objects are judged one by one (issue 11)", () => {
    it("fails the self-exempted privileged Deployment inside a yaml/v2 ConfigGroup's yaml, and inside a v1 group's objs", () => {
        const bad = selfExemptedDeployment().props;
        for (const group of [
            configGroup("yaml/v2", { yaml: YAML.stringify(bad) }),
            configGroup("yaml", { objs: [compliantDeployment(), bad] }),
        ]) {
            const found = throughPack(podSecurityRestricted, withExceptions(group, "ray-pod-security-restricted"));
            assert.deepStrictEqual(found.advisory, []);
            assert.ok(
                found.mandatory.includes(`Deployment ray-a/node-shell: spec.template.spec.hostPID: must not be true${SELF}`),
                found.mandatory.join("\n"),
            );
            assert.ok(
                found.mandatory.every((m) => m.startsWith("Deployment ray-a/node-shell: ")),
                found.mandatory.join("\n"),
            );
        }
    });

    it("passes a group of compliant objects, a List included, and needs no grant for inline objects", () => {
        const list = { apiVersion: "v1", kind: "List", items: [compliantDeployment()] };
        const group = configGroup("yaml/v2", { yaml: [YAML.stringify(compliantDeployment()), YAML.stringify(list)].join("---\n") });
        assert.deepStrictEqual(throughPack(podSecurityRestricted, group), { mandatory: [], advisory: [], notApplicable: false });
        assert.deepStrictEqual(throughPack(manifestsVisible, group), { mandatory: [], advisory: [], notApplicable: false });
    });
});

describe("policy ray-manifests-visible (issue 11)", () => {
    const release = (values: object) =>
        k8s(
            "kubernetes:helm.sh/v3:Release",
            { chart: "oci://registry.example.com/charts/tools", version: "1.2.3", namespace: "ray-a", values },
            "tools",
        );
    const opaque =
        'kubernetes:helm.sh/v3:Release tools: deploys a Helm release rendered by the provider ("oci://registry.example.com/charts/tools") whose objects the pack cannot read; review them and grant an exception in the platform\'s policy pack config, or declare the objects in the stack';

    it("fails a Helm release without a grant, whatever its annotation; a grant turns it into an exception", () => {
        const r = release({ replicaCount: 1 });
        assert.deepStrictEqual(throughPack(manifestsVisible, r).mandatory, [opaque]);
        assert.deepStrictEqual(throughPack(manifestsVisible, r, { grants: [grantFor(r, "platform-reviewed tools chart 1.2.3")] }), {
            mandatory: [],
            advisory: [`exception (granted: platform-reviewed tools chart 1.2.3): ${opaque}`],
            notApplicable: false,
        });
    });

    it("fails values that ask for host access, grant or not", () => {
        const r = release({
            securityContext: { privileged: true, runAsUser: 0 },
            daemon: { hostPID: true, volumes: [{ hostPath: { path: "/" } }] },
        });
        const found = throughPack(manifestsVisible, r, { grants: [grantFor(r)] });
        assert.deepStrictEqual(found.mandatory, [
            "kubernetes:helm.sh/v3:Release tools: values.securityContext.privileged: asks the chart for a privileged container (true); Ray namespaces allow no host access",
            "kubernetes:helm.sh/v3:Release tools: values.securityContext.runAsUser: asks the chart for root (0); Ray namespaces allow no host access",
            "kubernetes:helm.sh/v3:Release tools: values.daemon.hostPID: asks the chart for the host's PID namespace (true); Ray namespaces allow no host access",
            'kubernetes:helm.sh/v3:Release tools: values.daemon.volumes[0].hostPath: asks the chart for a host path ({"path":"/"}); Ray namespaces allow no host access',
        ]);
        assert.strictEqual(found.advisory.length, 1);
    });

    it("reads a Helm Chart's values too", () => {
        const chart = k8s("kubernetes:helm.sh/v4:Chart", { chart: "./charts/tools", values: { agent: { hostNetwork: true } } }, "tools");
        assert.deepStrictEqual(throughPack(manifestsVisible, chart, { grants: [grantFor(chart)] }).mandatory, [
            "kubernetes:helm.sh/v4:Chart tools: values.agent.hostNetwork: asks the chart for the host's network (true); Ray namespaces allow no host access",
        ]);
    });

    it("fails charts, YAML files, file ConfigGroups and kustomize directories", () => {
        const cases: Array<[string, object]> = [
            ["kubernetes:helm.sh/v4:Chart", { chart: "./charts/tools" }],
            ["kubernetes:yaml:ConfigFile", { file: "extra.yaml" }],
            ["kubernetes:yaml/v2:ConfigFile", { file: "extra.yaml" }],
            ["kubernetes:yaml/v2:ConfigGroup", { files: ["a.yaml"] }],
            ["kubernetes:kustomize/v2:Directory", { directory: "./overlay" }],
        ];
        for (const [type, inputs] of cases) {
            const found = throughPack(manifestsVisible, k8s(type, inputs, "extra"));
            assert.strictEqual(found.mandatory.length, 1, type);
            assert.match(
                found.mandatory[0],
                new RegExp(`^${type.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} extra: deploys .* whose objects the pack cannot read`),
            );
        }
    });
});

describe("NamespacePatch cannot relabel a Ray namespace (issue 11)", () => {
    const relabel = (value: string) =>
        withExceptions(
            k8s(
                "kubernetes:core/v1:NamespacePatch",
                {
                    apiVersion: "v1",
                    kind: "Namespace",
                    metadata: { name: "ray-a", labels: { "pod-security.kubernetes.io/enforce": value } },
                },
                "relax",
            ),
            "ray-namespace-psa-restricted",
        );

    it("fails a patch that lowers enforce, listed before or after the Namespace", () => {
        for (const stack of [
            [...compliantStack(), relabel("privileged")],
            [relabel("privileged"), ...compliantStack()],
        ]) {
            assert.deepStrictEqual(throughPackStack(namespacePsaRestricted, stack).mandatory, [
                `NamespacePatch ray-a: metadata.labels["pod-security.kubernetes.io/enforce"]: is "privileged"; a Ray namespace stays "restricted"${SELF}`,
            ]);
        }
    });

    it("passes a patch that keeps it restricted", () => {
        assert.deepStrictEqual(throughPackStack(namespacePsaRestricted, [...compliantStack(), relabel("restricted")]), {
            mandatory: [],
            advisory: [],
        });
        assert.strictEqual(
            evaluatePosture([...compliantStack(), relabel("restricted")], { policyPackConfig: registered() }).totals.fail,
            0,
        );
    });
});
