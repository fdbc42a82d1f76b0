/**
 * ray-pod-controllers (issue 22 section 4): options that hand a team's pods to another controller
 * need a platform grant for their one path.
 */
import * as assert from "assert";
import { podControllers } from "./podControllers";
import { podMetadata } from "./podMetadata";
import {
    NS,
    asPatch,
    blocking,
    container,
    grantFor,
    k8s,
    messages,
    namespace,
    rayCluster,
    rayJob,
    throughPack,
} from "../../test/fixtures/policy";

const worker = (r: ReturnType<typeof rayCluster>) => r.props.spec.workerGroupSpecs[0].template;
const GRANT = `it needs a grant for this path in platform/policy-pack-config.json (ray-pod-controllers)`;

describe("policy ray-pod-controllers (seed 2)", () => {
    it("passes the compliant templates and namespace", () => {
        assert.deepStrictEqual(messages(podControllers, [rayCluster(), rayJob(), namespace()]), []);
    });

    it("refuses ACK's HistoryServer annotation, the builders' opt-in included, unless granted for that template", () => {
        const rc = rayCluster();
        for (const t of [rc.props.spec.headGroupSpec.template, worker(rc)]) {
            t.metadata.annotations = { "ray.alibabacloud.com/enable-historyserver": "true" };
        }
        const head = 'spec.headGroupSpec.template.metadata.annotations["ray.alibabacloud.com/enable-historyserver"]';
        assert.deepStrictEqual(blocking(podControllers, rc), [
            `RayCluster ray-a/demo: ${head}: "ray.alibabacloud.com/enable-historyserver" hands the pod to ACK's Ray HistoryServer: it replaces the pod's ServiceAccount and postStart hook with its own; ${GRANT}`,
            `RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.metadata.annotations["ray.alibabacloud.com/enable-historyserver"]: "ray.alibabacloud.com/enable-historyserver" hands the pod to ACK's Ray HistoryServer: it replaces the pod's ServiceAccount and postStart hook with its own; ${GRANT}`,
        ]);
        assert.equal(throughPack(podControllers, rc).mandatory.length, 2, "mandatory in the pack");
        // Granted for the head only: the workers' stays refused.
        const left = blocking(podControllers, rc, { grants: [grantFor(rc, "history for the head", "a", head)] });
        assert.equal(left.length, 1);
        assert.match(left[0], /workerGroupSpecs\[0\]/);
        assert.match(
            throughPack(podControllers, rc, { grants: [grantFor(rc, "history for the head", "a", head)] }).advisory[0],
            new RegExp(`^exception \\(granted at ${head.replace(/[.[\]"()]/g, "\\$&")}: history for the head\\)`),
        );
    });

    it("refuses ECI and ACS virtual nodes: labels, annotations, node selection, tolerations and a ResourcePolicy", () => {
        const cases: [string, (r: ReturnType<typeof rayCluster>) => void, RegExp][] = [
            [
                "eci label",
                (r) => (worker(r).metadata.labels["alibabacloud.com/eci"] = "true"),
                /labels\["alibabacloud\.com\/eci"\]: .* hands the pod to Alibaba Cloud virtual nodes \(ECI, ACS\)/,
            ],
            [
                "old eci label",
                (r) => (worker(r).metadata.labels.eci = "true"),
                /labels\["eci"\]: "eci" hands the pod to Alibaba Cloud virtual nodes/,
            ],
            ["acs label", (r) => (worker(r).metadata.labels["alibabacloud.com/acs"] = "true"), /labels\["alibabacloud\.com\/acs"\]/],
            [
                "eci annotation",
                (r) => (worker(r).metadata.annotations = { "k8s.aliyun.com/eci-with-eip": "true" }),
                /annotations\["k8s\.aliyun\.com\/eci-with-eip"\]: .* virtual nodes/,
            ],
            [
                "nodeSelector",
                (r) => (worker(r).spec.nodeSelector = { type: "virtual-kubelet" }),
                /nodeSelector\["type"\]: nodeSelector type: "virtual-kubelet" hands the pod to Alibaba Cloud virtual nodes/,
            ],
            [
                "affinity",
                (r) =>
                    (worker(r).spec.affinity = {
                        nodeAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [
                                {
                                    weight: 1,
                                    preference: { matchExpressions: [{ key: "type", operator: "In", values: ["virtual-kubelet"] }] },
                                },
                            ],
                        },
                    }),
                /preferredDuringSchedulingIgnoredDuringExecution\[0\]\.preference\.matchExpressions\[0\]: node affinity on "type" hands the pod to Alibaba Cloud virtual nodes/,
            ],
            [
                "toleration",
                (r) => (worker(r).spec.tolerations = [{ key: "virtual-kubelet.io/provider", operator: "Exists" }]),
                /tolerations\[0\]: a toleration of "virtual-kubelet\.io\/provider" hands the pod/,
            ],
            [
                "vnode toleration",
                (r) => (worker(r).spec.tolerations = [{ key: "k8s.aliyun.com/vnode", operator: "Exists" }]),
                /tolerations\[0\]: a toleration of "k8s\.aliyun\.com\/vnode"/,
            ],
            [
                "nodeName",
                (r) => (worker(r).spec.nodeName = "virtual-kubelet-cn-hangzhou-k"),
                /nodeName: nodeName "virtual-kubelet-cn-hangzhou-k" hands the pod to a named node: nodeName skips the scheduler and every taint/,
            ],
        ];
        for (const [what, change, rule] of cases) {
            const rc = rayCluster();
            change(rc);
            const found = blocking(podControllers, rc);
            assert.equal(found.length, 1, `${what}: ${found.join("\n")}`);
            assert.match(found[0], rule, what);
        }
        // Avoiding virtual nodes is fine.
        const away = rayCluster();
        worker(away).spec.affinity = {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: "type", operator: "NotIn", values: ["virtual-kubelet"] }] }],
                },
            },
        };
        assert.deepStrictEqual(blocking(podControllers, away), []);
        const policy = k8s("kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy", {
            apiVersion: "scheduling.alibabacloud.com/v1alpha1",
            kind: "ResourcePolicy",
            metadata: { name: "spill", namespace: NS },
            spec: { units: [{ resource: "eci" }] },
        });
        assert.deepStrictEqual(blocking(podControllers, policy), [
            `ResourcePolicy ray-a/spill: spec: a ResourcePolicy hands the pod to Alibaba Cloud virtual nodes (ECI, ACS): the pod runs as an Elastic Container Instance or ACS instance outside the team's node pools, with settings (vSwitch, security group, public IP) the pack does not judge; ${GRANT}`,
        ]);
    });

    it("refuses sidecar injection, extra networks, another scheduler and another runtime, on pods and namespaces", () => {
        const rc = rayCluster();
        worker(rc).metadata.labels["sidecar.istio.io/inject"] = "true";
        worker(rc).metadata.annotations = {
            "k8s.v1.cni.cncf.io/networks": "macvlan-conf",
            "k8s.aliyun.com/pod-networks": '{"podNetworks":[{"vSwitchOptions":["vsw-other-team"],"interface":"eth0"}]}',
            "v1.multus-cni.io/default-network": "other",
        };
        worker(rc).spec.schedulerName = "volcano";
        worker(rc).spec.runtimeClassName = "runc";
        const found = blocking(podControllers, rc).join("\n");
        for (const rule of [
            /labels\["sidecar\.istio\.io\/inject"\]: .* hands the pod to service mesh \(Istio, ASM\) sidecar injection/,
            /annotations\["k8s\.v1\.cni\.cncf\.io\/networks"\]: .* hands the pod to Multus extra networks/,
            /annotations\["v1\.multus-cni\.io\/default-network"\]: .* Multus/,
            /annotations\["k8s\.aliyun\.com\/pod-networks"\]: .* hands the pod to Terway pod networking/,
            /schedulerName: schedulerName "volcano" hands the pod to another scheduler/,
            /runtimeClassName: runtimeClassName "runc" hands the pod to another container runtime/,
        ]) {
            assert.match(found, rule);
        }
        const ns = namespace();
        ns.props.metadata.labels["istio-injection"] = "enabled";
        ns.props.metadata.labels["istio.io/rev"] = "asm-1-22";
        ns.props.metadata.labels["alibabacloud.com/eci"] = "true";
        assert.deepStrictEqual(
            blocking(podControllers, ns).map((m) => m.replace(/: .*/, "")),
            ["Namespace ray-a", "Namespace ray-a", "Namespace ray-a"],
        );
        assert.match(
            blocking(podControllers, ns).join("\n"),
            /metadata\.labels\["istio-injection"\]: "istio-injection" hands the pod to service mesh/,
        );
        // The default scheduler, named explicitly, is no hand-off.
        const plain = rayCluster();
        worker(plain).spec.schedulerName = "default-scheduler";
        assert.deepStrictEqual(blocking(podControllers, plain), []);
    });

    it("matches look-alike keys in any case, and a grant for the real key does not cover the look-alike", () => {
        const rc = rayCluster();
        worker(rc).metadata.annotations = { "sidecar.istio.io/inject": "true", "Sidecar.Istio.io/inject": "true" };
        worker(rc).spec.tolerations = [{ key: "Virtual-Kubelet.io/provider", operator: "Exists" }];
        const real = 'spec.workerGroupSpecs[groupName=cpu].template.metadata.annotations["sidecar.istio.io/inject"]';
        const left = blocking(podControllers, rc, { grants: [grantFor(rc, "mesh reviewed", "a", real)] });
        assert.equal(left.length, 2, left.join("\n"));
        assert.match(left[0], /annotations\["Sidecar\.Istio\.io\/inject"\]/);
        assert.match(left[1], /a toleration of "Virtual-Kubelet\.io\/provider"/);
        // Reported once, here: ray-pod-metadata leaves controller keys to this policy.
        assert.deepStrictEqual(blocking(podMetadata, rc), []);
    });

    it("judges hand-written workloads, CronJob templates, patches and ConfigGroup objects", () => {
        const deployment = k8s("kubernetes:apps/v1:Deployment", {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "web", namespace: NS },
            spec: { template: { metadata: { labels: { "alibabacloud.com/eci": "true" } }, spec: { containers: [container("web")] } } },
        });
        assert.match(
            blocking(podControllers, deployment).join("\n"),
            /^Deployment ray-a\/web: spec\.template\.metadata\.labels\["alibabacloud\.com\/eci"\]/,
        );
        assert.match(blocking(podControllers, asPatch(deployment)).join("\n"), /^DeploymentPatch ray-a\/web: /);
        const cron = k8s("kubernetes:batch/v1:CronJob", {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "nightly", namespace: NS },
            spec: {
                jobTemplate: {
                    spec: {
                        template: {
                            metadata: { annotations: { "k8s.aliyun.com/pod-networks-request": "[]" } },
                            spec: {
                                containers: [container("job")],
                                tolerations: [{ key: "virtual-kubelet.io/provider", operator: "Exists" }],
                            },
                        },
                    },
                },
            },
        });
        assert.equal(blocking(podControllers, cron).length, 2);
        const group = k8s(
            "kubernetes:yaml/v2:ConfigGroup",
            {
                yaml: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ${NS}\nspec:\n  nodeName: cn-hangzhou.192.168.0.10\n  containers: []\n`,
            },
            "extras",
        );
        assert.match(blocking(podControllers, group).join("\n"), /^Pod ray-a\/p: spec\.nodeName: nodeName "cn-hangzhou\.192\.168\.0\.10"/);
    });
});
