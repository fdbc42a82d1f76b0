import * as assert from "assert";
import { MIN_KUBERAY_VERSION } from "@ray-on-ack/common";
import { jobCleanup } from "./jobs";
import { kuberayVersion, rayVersionMinimum, tlsRequired, tokenAuthRequired } from "./ray";
import {
    SELF_EXEMPTION as SELF,
    asPatch,
    kuberayAddon,
    messages,
    rayCluster,
    rayJob,
    throughPack,
    withExceptions,
} from "../../test/fixtures/policy";
import type { PolicyResource } from "../resource";

describe("policy ray-tls-required (seed 1.1)", () => {
    it("accepts RAY_USE_TLS=1 and the three RAY_TLS_* paths on every Ray container", () => {
        assert.deepStrictEqual(messages(tlsRequired, rayCluster()), []);
        assert.deepStrictEqual(messages(tlsRequired, rayJob()), []);
    });

    it("accepts RAY_USE_TLS=true", () => {
        const rc = rayCluster();
        rc.props.spec.headGroupSpec.template.spec.containers[0].env[0].value = "True";
        assert.deepStrictEqual(messages(tlsRequired, rc), []);
    });

    it("refuses TLS off or incomplete on the head, a worker or the autoscaler", () => {
        const rc = rayCluster();
        rc.props.spec.headGroupSpec.template.spec.containers[0].env[0].value = "0";
        rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].env = [{ name: "RAY_USE_TLS", value: "1" }];
        rc.props.spec.autoscalerOptions.env = [];
        const tail = "Ray gRPC must run with RAY_USE_TLS=1 and the certificate, key and CA of the mounted TLS Secret";
        assert.deepStrictEqual(messages(tlsRequired, rc), [
            `RayCluster ray-a/demo: spec.headGroupSpec.template.spec.containers[0].env: RAY_USE_TLS is "0"; ${tail} (container "ray-head")`,
            `RayCluster ray-a/demo: spec.autoscalerOptions.env: RAY_USE_TLS is not set; RAY_TLS_SERVER_CERT, RAY_TLS_SERVER_KEY, RAY_TLS_CA_CERT are not set; ${tail} (container "autoscaler")`,
            `RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].env: RAY_TLS_SERVER_CERT, RAY_TLS_SERVER_KEY, RAY_TLS_CA_CERT are not set; ${tail} (container "ray-worker")`,
        ]);
    });

    it("only looks at the Ray container (containers[0]), not sidecars or the submitter", () => {
        const job = rayJob();
        job.props.spec.rayClusterSpec.headGroupSpec.template.spec.containers.push({ name: "log-shipper", image: "rayproject/ray:2.60.0" });
        assert.deepStrictEqual(messages(tlsRequired, job), []);
    });
});

describe("policy ray-tls-required: the effective environment (issue 11)", () => {
    const tail = "Ray gRPC must run with RAY_USE_TLS=1 and the certificate, key and CA of the mounted TLS Secret";
    const headEnv = (rc: PolicyResource) => rc.props.spec.headGroupSpec.template.spec.containers[0].env as any[];

    it("fails a CA outside the TLS Secret, a later RAY_USE_TLS=0, valueFrom paths and envFrom, annotation or not, in a RayClusterPatch too", () => {
        const rc = withExceptions(rayCluster(), "ray-tls-required");
        headEnv(rc).push({ name: "RAY_TLS_CA_CERT", value: "/etc/ssl/certs/ca-certificates.crt" }, { name: "RAY_USE_TLS", value: "0" });
        const worker = rc.props.spec.workerGroupSpecs[0].template.spec.containers[0];
        worker.env[1] = { name: "RAY_TLS_SERVER_CERT", valueFrom: { configMapKeyRef: { name: "paths", key: "cert" } } };
        worker.envFrom = [{ configMapRef: { name: "ray-settings" } }];
        // A path under the mount of a writable emptyDir is no better than the system bundle.
        rc.props.spec.autoscalerOptions.env[2] = { name: "RAY_TLS_SERVER_KEY", value: "/tmp/tls.key" };
        const expected = (kind: string) => [
            `${kind} ray-a/demo: spec.headGroupSpec.template.spec.containers[0].env: RAY_USE_TLS is "0"; RAY_TLS_CA_CERT is "/etc/ssl/certs/ca-certificates.crt", which is not inside a mounted Secret (the cluster's TLS Secret at /etc/ray/tls); ${tail} (container "ray-head")${SELF}`,
            `${kind} ray-a/demo: spec.autoscalerOptions.env: RAY_TLS_SERVER_KEY is "/tmp/tls.key", which is not inside a mounted Secret (the cluster's TLS Secret at /etc/ray/tls); ${tail} (container "autoscaler")${SELF}`,
            `${kind} ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].env: envFrom is set, which can supply RAY_* variables the pack cannot see; set the Ray container's environment with env only; RAY_TLS_SERVER_CERT is not a literal path; ${tail} (container "ray-worker")${SELF}`,
        ];
        assert.deepStrictEqual(throughPack(tlsRequired, rc).mandatory, expected("RayCluster"));
        assert.deepStrictEqual(throughPack(tlsRequired, asPatch(rc)).mandatory, expected("RayClusterPatch"));
    });

    it("passes the builders' environment, and a duplicate that repeats the right value", () => {
        const rc = rayCluster();
        headEnv(rc).push({ name: "RAY_TLS_CA_CERT", value: "/etc/ray/tls/ca.crt" });
        assert.deepStrictEqual(throughPack(tlsRequired, rc), { mandatory: [], advisory: [], notApplicable: false });
        assert.deepStrictEqual(throughPack(tlsRequired, asPatch(rayJob())).mandatory, []);
    });
});

describe("policy ray-token-auth-required: no container overrides the token (issue 11)", () => {
    it("fails RAY_AUTH_MODE other than token and a literal RAY_AUTH_TOKEN, on any container of the cluster or job, annotation or not", () => {
        const job = withExceptions(rayJob(), "ray-token-auth-required");
        const spec = job.props.spec;
        spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].env.push({ name: "RAY_AUTH_MODE", value: "disabled" });
        spec.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0].env.push({ name: "RAY_AUTH_TOKEN", value: "hunter2" });
        spec.submitterPodTemplate.spec.containers[0].env = [
            { name: "RAY_AUTH_MODE", valueFrom: { configMapKeyRef: { name: "m", key: "mode" } } },
        ];
        const expected = (kind: string) => [
            `${kind} ray-a/nightly: spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].env: RAY_AUTH_MODE is "disabled"; leave it to KubeRay or set "token" (container "ray-head")${SELF}`,
            `${kind} ray-a/nightly: spec.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0].env: RAY_AUTH_TOKEN is a literal value, readable by anyone who can read this resource; leave it to KubeRay (spec.authOptions) (container "ray-worker")${SELF}`,
            `${kind} ray-a/nightly: spec.submitterPodTemplate.spec.containers[0].env: RAY_AUTH_MODE is not a literal value; leave it to KubeRay or set "token" (container "ray-job-submitter")${SELF}`,
        ];
        assert.deepStrictEqual(throughPack(tokenAuthRequired, job).mandatory, expected("RayJob"));
        assert.deepStrictEqual(throughPack(tokenAuthRequired, asPatch(job)).mandatory, expected("RayJobPatch"));
    });

    it("passes RAY_AUTH_MODE=token and a token from a Secret", () => {
        const rc = rayCluster();
        rc.props.spec.headGroupSpec.template.spec.containers[0].env.push(
            { name: "RAY_AUTH_MODE", value: "token" },
            { name: "RAY_AUTH_TOKEN", valueFrom: { secretKeyRef: { name: "demo-ray-token", key: "auth_token" } } },
        );
        assert.deepStrictEqual(throughPack(tokenAuthRequired, rc), { mandatory: [], advisory: [], notApplicable: false });
    });
});

describe("policy ray-token-auth-required (seed 1.3, 1.5)", () => {
    it("accepts authOptions.mode token", () => {
        assert.deepStrictEqual(messages(tokenAuthRequired, rayCluster()), []);
    });

    it("refuses a cluster without token auth", () => {
        const rc = rayCluster();
        rc.props.spec.authOptions = { mode: "disabled" };
        const job = rayJob();
        delete job.props.spec.rayClusterSpec.authOptions;
        assert.deepStrictEqual(messages(tokenAuthRequired, rc), [
            'RayCluster ray-a/demo: spec.authOptions.mode: is "disabled"; must be "token"',
        ]);
        assert.deepStrictEqual(messages(tokenAuthRequired, job), [
            'RayJob ray-a/nightly: spec.rayClusterSpec.authOptions.mode: is not set; must be "token"',
        ]);
    });
});

describe("policy ray-version-minimum (seed 1.5, 6)", () => {
    it("accepts Ray 2.54 and later, and tags that carry no version", () => {
        const rc = rayCluster();
        rc.props.spec.rayVersion = "2.54.0";
        rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].image = "rayproject/ray:2.54.1-py311-gpu";
        rc.props.spec.headGroupSpec.template.spec.containers[0].image = "registry.cn-hangzhou.aliyuncs.com/team/ray:nightly";
        assert.deepStrictEqual(messages(rayVersionMinimum, rc), []);
    });

    it("refuses an older rayVersion and an older Ray image", () => {
        const rc = rayCluster();
        rc.props.spec.rayVersion = "2.9.0";
        rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].image = "rayproject/ray:2.53.0-py311";
        const cves = "Ray below 2.54.0 has known dashboard remote-code-execution CVEs";
        assert.deepStrictEqual(messages(rayVersionMinimum, rc), [
            `RayCluster ray-a/demo: spec.rayVersion: is "2.9.0"; ${cves}`,
            `RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].image: "rayproject/ray:2.53.0-py311" is Ray 2.53.0; ${cves} (container "ray-worker")`,
        ]);
    });

    it("refuses a cluster that does not say its Ray version", () => {
        const job = rayJob();
        delete job.props.spec.rayClusterSpec.rayVersion;
        assert.deepStrictEqual(messages(rayVersionMinimum, job), [
            "RayJob ray-a/nightly: spec.rayClusterSpec.rayVersion: is not set; must be 2.54.0 or later",
        ]);
    });
});

describe("policy ray-kuberay-version (seed 1.3, 1.5)", () => {
    it(`accepts KubeRay ${MIN_KUBERAY_VERSION} and later, and an unpinned add-on`, () => {
        assert.equal(MIN_KUBERAY_VERSION, "1.6.0", "authOptions.secretName, which the package sets, first appears in KubeRay 1.6.0");
        assert.deepStrictEqual(messages(kuberayVersion, kuberayAddon(MIN_KUBERAY_VERSION)), []);
        assert.deepStrictEqual(messages(kuberayVersion, kuberayAddon()), []);
        assert.deepStrictEqual(messages(kuberayVersion, kuberayAddon("")), []);
    });

    it("refuses an older KubeRay, the former floor 1.5.1 included", () => {
        for (const old of ["1.4.2", "1.5.1"]) {
            assert.deepStrictEqual(messages(kuberayVersion, kuberayAddon(old)), [
                `alicloud:cs/kubernetesAddon:KubernetesAddon kuberay: version: is "${old}"; KubeRay below ${MIN_KUBERAY_VERSION} reads no spec.authOptions.secretName, so it cannot enforce the clusters' Ray token authentication`,
            ]);
        }
    });
});

describe("policy ray-job-cleanup (seed 9, 1.6)", () => {
    it("accepts a RayJob with its own cluster that is torn down", () => {
        assert.deepStrictEqual(messages(jobCleanup, rayJob()), []);
        const job = rayJob();
        delete job.props.spec.submissionMode; // the CRD default is K8sJobMode
        assert.deepStrictEqual(messages(jobCleanup, job), []);
    });

    it("refuses a RayJob that keeps its cluster or can run forever", () => {
        const job = rayJob();
        job.props.spec.submissionMode = "HTTPMode";
        job.props.spec.shutdownAfterJobFinishes = false;
        delete job.props.spec.ttlSecondsAfterFinished;
        delete job.props.spec.activeDeadlineSeconds;
        assert.deepStrictEqual(messages(jobCleanup, job), [
            'RayJob ray-a/nightly: spec.submissionMode: is "HTTPMode"; must be K8sJobMode',
            "RayJob ray-a/nightly: spec.shutdownAfterJobFinishes: must be true, so the job's cluster is deleted when it finishes",
            "RayJob ray-a/nightly: spec.ttlSecondsAfterFinished: is not set; state how long the finished cluster is kept",
            "RayJob ray-a/nightly: spec.activeDeadlineSeconds: must be a positive number of seconds, so a stuck job cannot hold its cluster forever",
        ]);
    });

    it("refuses a RayJob submitted to a shared cluster", () => {
        const job = rayJob();
        delete job.props.spec.rayClusterSpec;
        job.props.spec.clusterSelector = { "ray.io/cluster": "demo" };
        assert.deepStrictEqual(messages(jobCleanup, job), [
            "RayJob ray-a/nightly: spec.clusterSelector: submits to a shared long-lived cluster; give the job its own spec.rayClusterSpec",
        ]);
    });
});
