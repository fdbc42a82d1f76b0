import * as assert from "assert";
import { parseImage } from "@ray-on-ack/common";
import { containersOf, podTemplates } from "./podTemplates";
import { describe as describeResource } from "./resource";
import { container, k8s, rayCluster, rayJob } from "../test/fixtures/policy";

function paths(r: ReturnType<typeof k8s>): string[] {
    return podTemplates(r).flatMap((t) => [t.specPath, ...containersOf(t).map((c) => `${c.path}${c.isRay ? " (ray)" : ""}`)]);
}

describe("pod templates", () => {
    it("finds the head, the worker groups and the autoscaler of a RayCluster", () => {
        const rc = rayCluster();
        rc.props.spec.workerGroupSpecs.push({
            groupName: "gpu",
            template: { spec: { containers: [container("ray-worker")], initContainers: [container("wait")] } },
        });
        assert.deepStrictEqual(paths(rc), [
            "spec.headGroupSpec.template.spec",
            "spec.headGroupSpec.template.spec.containers[0] (ray)",
            "spec.autoscalerOptions (ray)",
            "spec.workerGroupSpecs[0].template.spec",
            "spec.workerGroupSpecs[0].template.spec.containers[0] (ray)",
            "spec.workerGroupSpecs[1].template.spec",
            "spec.workerGroupSpecs[1].template.spec.containers[0] (ray)",
            "spec.workerGroupSpecs[1].template.spec.initContainers[0]",
        ]);
    });

    it("has no autoscaler container without in-tree autoscaling", () => {
        const rc = rayCluster();
        rc.props.spec.enableInTreeAutoscaling = false;
        assert.ok(!paths(rc).includes("spec.autoscalerOptions (ray)"));
    });

    it("finds a RayJob's cluster under spec.rayClusterSpec and its submitter", () => {
        assert.deepStrictEqual(paths(rayJob()), [
            "spec.rayClusterSpec.headGroupSpec.template.spec",
            "spec.rayClusterSpec.headGroupSpec.template.spec.containers[0] (ray)",
            "spec.rayClusterSpec.autoscalerOptions (ray)",
            "spec.rayClusterSpec.workerGroupSpecs[0].template.spec",
            "spec.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0] (ray)",
            "spec.submitterPodTemplate.spec",
            "spec.submitterPodTemplate.spec.containers[0]",
        ]);
    });

    it("finds a RayService's cluster under spec.rayClusterConfig", () => {
        const svc = k8s("kubernetes:ray.io/v1:RayService", {
            metadata: { name: "serve", namespace: "ray-a" },
            spec: { rayClusterConfig: rayCluster().props.spec },
        });
        assert.deepStrictEqual(paths(svc)[0], "spec.rayClusterConfig.headGroupSpec.template.spec");
    });

    it("finds plain workload templates", () => {
        const template = { spec: { containers: [container("app")] } };
        const cases: Array<[string, any, string]> = [
            ["kubernetes:core/v1:Pod", { spec: template.spec }, "spec"],
            ["kubernetes:apps/v1:Deployment", { spec: { template } }, "spec.template.spec"],
            ["kubernetes:apps/v1:StatefulSet", { spec: { template } }, "spec.template.spec"],
            ["kubernetes:apps/v1:DaemonSet", { spec: { template } }, "spec.template.spec"],
            ["kubernetes:batch/v1:Job", { spec: { template } }, "spec.template.spec"],
            ["kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template } } } }, "spec.jobTemplate.spec.template.spec"],
        ];
        for (const [type, props, specPath] of cases) {
            assert.deepStrictEqual(
                paths(k8s(type, { metadata: { name: "x", namespace: "ray-a" }, ...props })),
                [specPath, `${specPath}.containers[0]`],
                type,
            );
        }
        assert.deepStrictEqual(podTemplates(k8s("kubernetes:core/v1:Service", { metadata: { name: "x" }, spec: {} })), []);
    });
});

describe("resource names in messages", () => {
    it("names namespaced, cluster-scoped and cloud resources", () => {
        assert.strictEqual(describeResource(rayCluster()), "RayCluster ray-a/demo");
        assert.strictEqual(describeResource(k8s("kubernetes:core/v1:Namespace", { metadata: { name: "ray-a" } })), "Namespace ray-a");
        assert.strictEqual(describeResource(k8s("kubernetes:core/v1:Pod", { metadata: { name: "p" } })), "Pod default/p");
        assert.strictEqual(describeResource({ type: "alicloud:ram/role:Role", name: "r", props: {} }), "alicloud:ram/role:Role r");
    });
});

describe("image references", () => {
    it("resolve the way the container runtime does", () => {
        const cases: Array<[string, string, string | undefined, string | undefined]> = [
            ["rayproject/ray:2.60.0", "docker.io/rayproject/ray:2.60.0", "2.60.0", undefined],
            ["python", "docker.io/library/python", undefined, undefined],
            ["localhost:5000/ray:1", "localhost:5000/ray:1", "1", undefined],
            [
                "registry.cn-hangzhou.aliyuncs.com/ray/ray@sha256:abc",
                "registry.cn-hangzhou.aliyuncs.com/ray/ray@sha256:abc",
                undefined,
                "sha256:abc",
            ],
            [
                "docker.io/rayproject/ray:2.60.0-py311@sha256:abc",
                "docker.io/rayproject/ray:2.60.0-py311@sha256:abc",
                "2.60.0-py311",
                "sha256:abc",
            ],
        ];
        for (const [image, fullName, tag, digest] of cases) {
            const ref = parseImage(image);
            assert.deepStrictEqual([ref.fullName, ref.tag, ref.digest], [fullName, tag, digest], image);
        }
    });
});
