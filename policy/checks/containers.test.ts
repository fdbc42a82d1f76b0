import * as assert from "assert";
import { noAccessKeys } from "./accessKeys";
import { imageRegistryAllowed, imageTagPinned } from "./images";
import { resourcesRequired } from "./resources";
import { evaluateCheck } from "../evaluate";
import { resolvePackConfig } from "../config";
import { blocking, grantFor, k8s, messages, rayCluster, rayJob, tokenSecret } from "../../test/fixtures/policy";

describe("policy ray-resources-required (seed 7)", () => {
    it("accepts cpu and memory requests and limits on every container", () => {
        assert.deepStrictEqual(messages(resourcesRequired, rayCluster()), []);
        assert.deepStrictEqual(messages(resourcesRequired, rayJob()), []);
    });

    it("refuses missing values, on init containers and the autoscaler too", () => {
        const rc = rayCluster();
        rc.props.spec.headGroupSpec.template.spec.initContainers = [
            { name: "init", image: "rayproject/ray:2.60.0", resources: { limits: { cpu: "1", memory: "" } } },
        ];
        delete rc.props.spec.autoscalerOptions.resources;
        assert.deepStrictEqual(messages(resourcesRequired, rc), [
            'RayCluster ray-a/demo: spec.headGroupSpec.template.spec.initContainers[0].resources: is missing requests.cpu, requests.memory, limits.memory (container "init")',
            'RayCluster ray-a/demo: spec.autoscalerOptions.resources: is missing requests.cpu, requests.memory, limits.cpu, limits.memory (container "autoscaler")',
        ]);
    });
});

describe("policy ray-image-registry-allowed (seed 6)", () => {
    it("accepts images under an allowed registry prefix, Docker Hub short names resolved", () => {
        assert.deepStrictEqual(messages(imageRegistryAllowed, rayCluster()), []);
        const rc = rayCluster();
        rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].image = "registry-vpc.cn-hangzhou.aliyuncs.com/ray/ray:2.60.0";
        assert.deepStrictEqual(
            messages(imageRegistryAllowed, rc, {
                allowedRegistries: ["docker.io/rayproject/", "registry-vpc.cn-hangzhou.aliyuncs.com/ray/"],
            }),
            [],
        );
    });

    it("refuses other registries, the autoscaler's image included", () => {
        const rc = rayCluster();
        rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].image = "quay.io/someone/ray:2.60.0";
        rc.props.spec.autoscalerOptions.image = "python:3.11";
        const allowed = "docker.io/rayproject/";
        assert.deepStrictEqual(messages(imageRegistryAllowed, rc), [
            `RayCluster ray-a/demo: spec.autoscalerOptions.image: "python:3.11" (docker.io/library/python:3.11) is not from an allowed registry: ${allowed} (container "autoscaler")`,
            `RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].image: "quay.io/someone/ray:2.60.0" (quay.io/someone/ray:2.60.0) is not from an allowed registry: ${allowed} (container "ray-worker")`,
        ]);
    });

    it("takes the allowlist from pack config", () => {
        assert.deepStrictEqual(messages(imageRegistryAllowed, rayCluster(), { allowedRegistries: ["registry.example.com/"] }), [
            'RayCluster ray-a/demo: spec.headGroupSpec.template.spec.containers[0].image: "rayproject/ray:2.60.0" (docker.io/rayproject/ray:2.60.0) is not from an allowed registry: registry.example.com/ (container "ray-head")',
            'RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].image: "rayproject/ray:2.60.0" (docker.io/rayproject/ray:2.60.0) is not from an allowed registry: registry.example.com/ (container "ray-worker")',
        ]);
    });
});

describe("policy ray-image-tag-pinned (seed 6)", () => {
    it("accepts version tags and the digests the platform lists with their repository and tag", () => {
        const rc = rayCluster();
        rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].image = `rayproject/ray:2.60.0@sha256:${"a".repeat(64)}`;
        assert.deepStrictEqual(
            messages(imageTagPinned, rc, { allowedDigests: [`docker.io/rayproject/ray:2.60.0@sha256:${"a".repeat(64)}`] }),
            [],
        );
    });

    it("refuses a digest the platform has not listed, whatever the tag beside it says, and no grant helps", () => {
        const digest = `sha256:${"a".repeat(64)}`;
        const listed = { allowedDigests: [`docker.io/rayproject/ray:2.60.0@${digest}`] };
        const withImage = (image: string) => {
            const rc = rayCluster();
            rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].image = image;
            return rc;
        };
        const at = "RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].image";
        // Another digest under the listed tag: an old (vulnerable) build could hide behind "2.60.0".
        const other = `rayproject/ray:2.60.0@sha256:${"b".repeat(64)}`;
        assert.deepStrictEqual(blocking(imageTagPinned, withImage(other), listed), [
            `${at}: "${other}": docker.io/rayproject/ray:2.60.0@sha256:${"b".repeat(64)} is not a digest the platform has verified (ray-image-tag-pinned.allowedDigests: docker.io/rayproject/ray:2.60.0@${digest}): a digest decides what runs whatever the tag says, so the Ray version and tag checks cannot see through it (container "ray-worker")`,
        ]);
        // The listed digest under another tag, without a tag, or from another repository.
        for (const image of [`rayproject/ray:2.61.0@${digest}`, `rayproject/ray@${digest}`, `example/ray:2.60.0@${digest}`]) {
            assert.match(blocking(imageTagPinned, withImage(image), listed).join("\n"), /is not a digest the platform has verified/, image);
        }
        // No list, no digest; and a grant for the container's image path does not replace the list.
        const rc = withImage(other);
        assert.equal(blocking(imageTagPinned, rc).length, 1);
        const [finding] = evaluateCheck(imageTagPinned, [rc], resolvePackConfig()).findings;
        assert.equal(
            finding.objectPath,
            "spec.workerGroupSpecs[groupName=cpu].template.spec.containers[name=ray-worker].image",
            "the grant below names the finding's own path",
        );
        assert.equal(blocking(imageTagPinned, rc, { grants: [grantFor(rc, undefined, undefined, finding.objectPath)] }).length, 1);
    });

    it("refuses latest, said or implied", () => {
        const rc = rayCluster();
        rc.props.spec.headGroupSpec.template.spec.containers[0].image = "rayproject/ray:latest";
        rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].image = "registry.cn-hangzhou.aliyuncs.com/ray/ray";
        assert.deepStrictEqual(messages(imageTagPinned, rc), [
            'RayCluster ray-a/demo: spec.headGroupSpec.template.spec.containers[0].image: "rayproject/ray:latest" uses the latest tag; pin a version tag or digest (container "ray-head")',
            'RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].image: "registry.cn-hangzhou.aliyuncs.com/ray/ray" has no tag, which means latest; pin a version tag or digest (container "ray-worker")',
        ]);
    });

    it("refuses tag-only images when the pack requires digests", () => {
        const job = rayJob();
        job.props.spec.rayClusterSpec = undefined;
        assert.deepStrictEqual(messages(imageTagPinned, job, { requireDigest: true }), [
            'RayJob ray-a/nightly: spec.submitterPodTemplate.spec.containers[0].image: "rayproject/ray:2.60.0" is not pinned by digest (pack config requireDigest) (container "ray-job-submitter")',
        ]);
    });
});

describe("policy ray-no-access-keys (seed 8)", () => {
    it("accepts env without access keys and a token Secret", () => {
        assert.deepStrictEqual(messages(noAccessKeys, rayCluster()), []);
        assert.deepStrictEqual(messages(noAccessKeys, tokenSecret()), []);
    });

    it("refuses access key names and LTAI values in env, without repeating the value", () => {
        const rc = rayCluster();
        rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].env.push(
            { name: "ALIBABA_CLOUD_ACCESS_KEY_SECRET", valueFrom: { secretKeyRef: { name: "ak", key: "secret" } } },
            { name: "OSS_CREDENTIALS", value: "LTAI5tAbCdEfGhIjKlMnOp:whatever" },
        );
        const found = messages(noAccessKeys, rc);
        assert.deepStrictEqual(found, [
            'RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].env[4]: ALIBABA_CLOUD_ACCESS_KEY_SECRET names an access key; use RRSA instead of AK/SK (container "ray-worker")',
            'RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].env[5].value: holds what looks like an AccessKey id; use RRSA instead of AK/SK (container "ray-worker")',
        ]);
        assert.ok(!found.join("\n").includes("LTAI5t"));
    });

    it("refuses access keys stored in Secrets (base64) and ConfigMaps", () => {
        const secret = tokenSecret();
        secret.props.data.credentials = Buffer.from("id=LTAI5tAbCdEfGhIjKlMnOp").toString("base64");
        secret.props.stringData = { ACCESS_KEY_ID: "x" };
        const cm = k8s("kubernetes:core/v1:ConfigMap", {
            metadata: { name: "oss", namespace: "ray-a" },
            data: { endpoint: "oss-cn-hangzhou-internal.aliyuncs.com", ak: "x" },
        });
        assert.deepStrictEqual(messages(noAccessKeys, secret), [
            'Secret ray-a/demo-ray-token: data["credentials"]: holds what looks like an AccessKey id; use RRSA instead of AK/SK',
            'Secret ray-a/demo-ray-token: stringData["ACCESS_KEY_ID"]: names an access key; use RRSA instead of AK/SK',
        ]);
        assert.deepStrictEqual(messages(noAccessKeys, cm), [
            'ConfigMap ray-a/oss: data["ak"]: names an access key; use RRSA instead of AK/SK',
        ]);
    });
});
