/**
 * Grants name one part of a resource (issue 22 section 3): object paths that name list entries
 * by their names, grants that cover exactly the findings at their path, and the policies that
 * refuse a grant for a whole resource.
 */
import * as assert from "assert";
import { CHECKS } from "./checks";
import { resolvePackConfig, resolvePolicyPackConfigFile } from "./config";
import { evaluateCheck } from "./evaluate";
import { GRANT_PATH_REQUIRED, grantPathProblem, objectPathOf } from "./grantPaths";
import { evaluatePosture } from "./posture";
import { container, grantFor, k8s, rayCluster, rayJob, selfExemptedDeployment, NS } from "../test/fixtures/policy";

describe("object paths", () => {
    it("names worker groups by groupName, containers and volumes by name, mounts by mountPath, tolerations by key", () => {
        const rc = rayCluster();
        const worker = rc.props.spec.workerGroupSpecs[0].template.spec;
        worker.tolerations = [{ key: "dedicated", operator: "Exists" }];
        assert.strictEqual(
            objectPathOf(rc.props, "spec.workerGroupSpecs[0].template.spec.containers[0].volumeMounts[1]"),
            "spec.workerGroupSpecs[groupName=cpu].template.spec.containers[name=ray-worker].volumeMounts[mountPath=/etc/ray/tls]",
        );
        assert.strictEqual(
            objectPathOf(rc.props, "spec.workerGroupSpecs[0].template.spec.volumes[1]"),
            "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=ray-tls]",
        );
        assert.strictEqual(
            objectPathOf(rc.props, "spec.workerGroupSpecs[0].template.spec.tolerations[0]"),
            "spec.workerGroupSpecs[groupName=cpu].template.spec.tolerations[key=dedicated]",
        );
        assert.strictEqual(
            objectPathOf(rc.props, 'spec.headGroupSpec.template.metadata.labels["ray-on-ack.io/cluster"]'),
            'spec.headGroupSpec.template.metadata.labels["ray-on-ack.io/cluster"]',
        );
        assert.strictEqual(
            objectPathOf(rc.props, "spec.autoscalerOptions.volumeMounts[0]"),
            "spec.autoscalerOptions.volumeMounts[mountPath=/var/run/secrets/kubernetes.io/serviceaccount]",
        );
        // Already an object path: unchanged.
        assert.strictEqual(
            objectPathOf(rc.props, "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=ray-tls]"),
            "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=ray-tls]",
        );
    });

    it("keeps the index where an entry has no name, shares it with a sibling, or has one that cannot stand unquoted", () => {
        const rc = rayCluster();
        const groups = rc.props.spec.workerGroupSpecs;
        groups.push(structuredClone(groups[0]));
        assert.strictEqual(
            objectPathOf(rc.props, "spec.workerGroupSpecs[1].template"),
            "spec.workerGroupSpecs[1].template",
            "two groups named cpu: neither is named",
        );
        groups[1].groupName = "a]b";
        assert.strictEqual(objectPathOf(rc.props, "spec.workerGroupSpecs[1].template"), "spec.workerGroupSpecs[1].template");
        delete groups[1].groupName;
        assert.strictEqual(objectPathOf(rc.props, "spec.workerGroupSpecs[1].template"), "spec.workerGroupSpecs[1].template");
        assert.strictEqual(objectPathOf(rc.props, "spec.workerGroupSpecs[0].template"), "spec.workerGroupSpecs[groupName=cpu].template");
        // Text that is no path at all is kept as it is.
        assert.strictEqual(objectPathOf(rc.props, "entryLists"), "entryLists");
        assert.strictEqual(objectPathOf(rc.props, ""), "");
    });

    it("accepts object paths as grant paths and refuses anything else", () => {
        for (const ok of [
            "spec.rayVersion",
            "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=checkpoints]",
            'spec.template.metadata.annotations["sidecar.istio.io/inject"]',
            "spec.ingress[0].from[1]",
        ]) {
            assert.strictEqual(grantPathProblem(ok), undefined, ok);
        }
        for (const bad of [
            "",
            ".spec",
            "spec..volumes",
            "spec.volumes[name=]",
            "spec.volumes[*]",
            "spec volumes",
            "spec.volumes[name=a]b",
        ]) {
            assert.match(grantPathProblem(bad) ?? "", /is not an object path/, bad);
        }
    });
});

/** A stack that breaks most checks inside pod templates, of Ray and hand-written workloads. */
function brokenTemplates() {
    const rc = rayCluster("broken");
    const head = rc.props.spec.headGroupSpec.template;
    head.metadata.labels["ray.io/node-type"] = "head";
    head.metadata.annotations = { "sidecar.istio.io/inject": "true" };
    head.spec.automountServiceAccountToken = true;
    head.spec.priorityClassName = "system-node-critical";
    head.spec.containers[0].image = "rayproject/ray:2.40.0";
    head.spec.containers[0].env = [
        { name: "RAY_AUTH_MODE", value: "disabled" },
        { name: "ALIBABA_CLOUD_ACCESS_KEY_ID", value: "x" },
    ];
    delete head.spec.containers[0].resources;
    head.spec.volumes.push({ name: "ckpt", persistentVolumeClaim: { claimName: "ckpt" } });
    head.spec.containers[0].volumeMounts.push({ name: "ckpt", mountPath: "/usr/lib/ckpt" });
    head.spec.serviceAccountName = "default";
    const cron = k8s("kubernetes:batch/v1:CronJob", {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "nightly", namespace: NS },
        spec: { jobTemplate: { spec: { template: { spec: { containers: [container("app", { image: "nginx" })] } } } } },
    });
    return [rc, rayJob(), selfExemptedDeployment(), cron];
}

describe("grants for parts of a resource", () => {
    it("every policy whose findings can lie inside a pod template takes only grants that name a path", () => {
        const insideTemplates = new Set<string>();
        for (const check of CHECKS) {
            for (const f of evaluateCheck(check, brokenTemplates(), resolvePackConfig()).findings) {
                if (/(^|\.)template\.|^spec\.(containers|initContainers|volumes)|autoscalerOptions|submitterPodTemplate/.test(f.path)) {
                    insideTemplates.add(check.id);
                }
            }
        }
        // Not vacuous: the broken stack reaches the policies that judge pod templates.
        for (const id of [
            "ray-pod-security-restricted",
            "ray-volume-read-only",
            "ray-pod-metadata",
            "ray-volume-mounts",
            "ray-pod-controllers",
            "ray-image-tag-pinned",
            "ray-token-auth-required",
        ]) {
            assert.ok(insideTemplates.has(id), id);
        }
        const missing = [...insideTemplates].filter((id) => !GRANT_PATH_REQUIRED.has(id));
        assert.deepStrictEqual(missing, [], "these judge parts of pod templates but would take a grant for the whole resource");
        for (const id of GRANT_PATH_REQUIRED) {
            assert.ok(
                CHECKS.some((c) => c.id === id),
                `${id} is a policy`,
            );
        }
    });

    it("refuses a path-less grant under each of them, naming the policy and what to write", () => {
        const rc = rayCluster();
        for (const id of GRANT_PATH_REQUIRED) {
            assert.throws(
                () =>
                    resolvePolicyPackConfigFile(
                        { [id]: { grants: [grantFor(rc)] } },
                        CHECKS.map((c) => c.id),
                    ),
                new RegExp(`grants\\[0\\]: ${id} judges parts of a resource .*"path".*\\(policy ${id}\\)$`),
                id,
            );
        }
    });

    it("covers exactly the finding at its path: a second container of the same pod is not covered", () => {
        const rc = rayCluster();
        const worker = rc.props.spec.workerGroupSpecs[0].template.spec;
        worker.containers[0].securityContext.privileged = true;
        worker.containers.push(container("sidecar", { securityContext: { ...worker.containers[0].securityContext, privileged: true } }));
        const path = "spec.workerGroupSpecs[groupName=cpu].template.spec.containers[name=ray-worker].securityContext.privileged";
        const report = evaluatePosture([rc], {
            policyPackConfig: { "ray-pod-security-restricted": { grants: [grantFor(rc, "GPU driver probe", "a", path)] } },
        });
        const offending = report.checks.find((c) => c.id === "ray-pod-security-restricted")!.offending;
        assert.deepStrictEqual(
            offending.map((o) => [o.objectPath, o.exception, o.grantPath]),
            [
                [path, true, path],
                [
                    "spec.workerGroupSpecs[groupName=cpu].template.spec.containers[name=sidecar].securityContext.privileged",
                    false,
                    undefined,
                ],
            ],
        );
        assert.strictEqual(report.checks.find((c) => c.id === "ray-pod-security-restricted")!.status, "fail");
    });

    it("shows a path grant whose part is gone, so that a stale permission never hides", () => {
        const rc = rayCluster();
        const path = "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=checkpoints]";
        const report = evaluatePosture([rc], {
            policyPackConfig: { "ray-volume-read-only": { grants: [grantFor(rc, "checkpoints", "a", path)] } },
        });
        const check = report.checks.find((c) => c.id === "ray-volume-read-only")!;
        assert.strictEqual(check.status, "exception");
        assert.deepStrictEqual(
            check.offending.map((o) => o.message),
            [
                `exception (granted at ${path}: checkpoints): RayCluster ray-a/demo: ${path}: holds an exception to ray-volume-read-only granted in the policy pack config, and nothing is found there`,
            ],
        );
    });
});
