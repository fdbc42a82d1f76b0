/**
 * ray-pod-metadata (issue 22 section 4): pod template and Namespace keys on the platform's
 * allowlists, the builders' own keys only where the builders write them.
 */
import * as assert from "assert";
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

/** A hand-written Deployment whose pods carry `labels` and `annotations`. */
function deployment(labels: Record<string, string> = { "app.kubernetes.io/name": "web" }, annotations: Record<string, string> = {}) {
    return k8s("kubernetes:apps/v1:Deployment", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: NS },
        spec: {
            selector: { matchLabels: labels },
            template: { metadata: { labels, annotations }, spec: { containers: [container("web")] } },
        },
    });
}

describe("policy ray-pod-metadata (seed 2)", () => {
    it("passes the builders' keys on Ray templates and a Namespace, and allowlisted keys anywhere", () => {
        const rc = rayCluster();
        for (const t of [rc.props.spec.headGroupSpec.template, rc.props.spec.workerGroupSpecs[0].template]) {
            t.metadata.labels = {
                ...t.metadata.labels,
                "app.kubernetes.io/managed-by": "ray-on-ack",
                "ray-on-ack.io/team": "a",
                "app.kubernetes.io/part-of": "etl",
            };
            t.metadata.annotations = {
                "ray-on-ack.io/tls-fingerprint": "f",
                "ray-on-ack.io/token-fingerprint": "t",
                "pod-identity.alibabacloud.com/only-containers": "ray-head,ray-worker",
            };
        }
        rc.props.spec.headGroupSpec.template.metadata.labels["ray-on-ack.io/role"] = "head";
        const ns = namespace();
        ns.props.metadata.labels["pod-identity.alibabacloud.com/injection"] = "on";
        ns.props.metadata.labels["kubernetes.io/metadata.name"] = NS;
        assert.deepStrictEqual(messages(podMetadata, [rc, rayJob(), ns, deployment()]), []);
    });

    it("refuses keys outside the allowlists on pods and namespaces, reserved domains whatever the list says", () => {
        const d = deployment({ "app.kubernetes.io/name": "web", tier: "gpu" }, { "example.com/owner": "data" });
        assert.deepStrictEqual(blocking(podMetadata, d), [
            'Deployment ray-a/web: spec.template.metadata.labels["tier"]: "tier" is not a pod label key the platform allows (ray-pod-metadata.allowedPodLabelKeys: app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/version, app.kubernetes.io/component, app.kubernetes.io/part-of): controllers act on keys of many domains (CNI, service mesh, queues, serverless nodes, agents), so the platform lists the ones teams may set',
            'Deployment ray-a/web: spec.template.metadata.annotations["example.com/owner"]: "example.com/owner" is not a pod annotation key the platform allows (ray-pod-metadata.allowedPodAnnotationKeys: none): controllers act on keys of many domains (CNI, service mesh, queues, serverless nodes, agents), so the platform lists the ones teams may set',
        ]);
        assert.equal(throughPack(podMetadata, d).mandatory.length, 2, "mandatory in the pack");
        assert.deepStrictEqual(
            blocking(podMetadata, d, {
                allowedPodLabelKeys: ["app.kubernetes.io/name", "tier"],
                allowedPodAnnotationKeys: ["example.com/"],
            }),
            [],
            "the platform's lists allow them",
        );
        const ns = namespace();
        ns.props.metadata.labels["team-cost"] = "x";
        ns.props.metadata.annotations = { "scheduler.alpha.kubernetes.io/defaultTolerations": '[{"operator":"Exists"}]' };
        assert.deepStrictEqual(blocking(podMetadata, ns), [
            'Namespace ray-a: metadata.labels["team-cost"]: "team-cost" is not a namespace label key the platform allows (ray-pod-metadata.allowedNamespaceLabelKeys: none): controllers act on keys of many domains (CNI, service mesh, queues, serverless nodes, agents), so the platform lists the ones teams may set',
            'Namespace ray-a: metadata.annotations["scheduler.alpha.kubernetes.io/defaultTolerations"]: "scheduler.alpha.kubernetes.io/defaultTolerations" is reserved: Kubernetes reserves kubernetes.io/ (Pod Security, AppArmor, managed-by); only the app.kubernetes.io/ recommended labels are open',
        ]);
    });

    it("refuses the builders' keys on hand-written workloads: a Deployment cannot pass for a Ray head", () => {
        const spoof = {
            "ray-on-ack.io/cluster": "demo",
            "ray-on-ack.io/role": "head",
            "ray-on-ack.io/team": "a",
            "ray.io/cluster": "demo",
            "ray.io/node-type": "head",
        };
        const found = blocking(podMetadata, deployment(spoof, { "ray-on-ack.io/tls-fingerprint": "f" }));
        assert.strictEqual(found.length, 6, found.join("\n"));
        assert.match(found.join("\n"), /labels\["ray-on-ack\.io\/role"\]: "ray-on-ack\.io\/role" is reserved: ray-on-ack sets these/);
        assert.match(found.join("\n"), /labels\["ray\.io\/node-type"\]: "ray\.io\/node-type" is reserved: KubeRay reads and sets ray\.io/);
        // On a Ray template KubeRay's own labels are refused too: KubeRay adds them to the pods, never to a template.
        const rc = rayCluster();
        rc.props.spec.workerGroupSpecs[0].template.metadata.labels["ray.io/node-type"] = "head";
        assert.match(
            blocking(podMetadata, rc).join("\n"),
            /workerGroupSpecs\[0\]\.template\.metadata\.labels\["ray\.io\/node-type"\]: "ray\.io\/node-type" is reserved/,
        );
    });

    it("refuses a Ray template labelled as another cluster or role", () => {
        const rc = rayCluster();
        rc.props.spec.workerGroupSpecs[0].template.metadata.labels["ray-on-ack.io/cluster"] = "other";
        rc.props.spec.workerGroupSpecs[0].template.metadata.labels["ray-on-ack.io/role"] = "head";
        assert.deepStrictEqual(blocking(podMetadata, rc), [
            'RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.metadata.labels["ray-on-ack.io/cluster"]: "ray-on-ack.io/cluster" is "other"; ray-on-ack sets it to "demo" on this pod template (the NetworkPolicies select on it)',
            'RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.metadata.labels["ray-on-ack.io/role"]: "ray-on-ack.io/role" is "head"; ray-on-ack sets it to "worker" on this pod template (the NetworkPolicies select on it)',
        ]);
    });

    it("refuses look-alikes of allowed and builder keys", () => {
        const d = deployment({ "App.kubernetes.io/name": "web", "app.kubernetes.io/Name": "web", "Ray-On-Ack.io/team": "a" });
        const found = blocking(podMetadata, d);
        assert.strictEqual(found.length, 3, found.join("\n"));
        assert.match(found[0], /"App\.kubernetes\.io\/name" is reserved/);
        assert.match(found[1], /"app\.kubernetes\.io\/Name" is reserved/);
        assert.match(found[2], /"Ray-On-Ack\.io\/team" is reserved: ray-on-ack sets these/);
        // A domain entry admits that domain's keys, never a look-alike domain's.
        assert.equal(blocking(podMetadata, deployment({ "Example.com/team": "a" }), { allowedPodLabelKeys: ["example.com/"] }).length, 1);
    });

    it("judges CronJob templates, patches and ConfigGroup objects", () => {
        const cron = k8s("kubernetes:batch/v1:CronJob", {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "nightly", namespace: NS },
            spec: {
                jobTemplate: {
                    spec: {
                        template: { metadata: { labels: { "kueue.x-k8s.io/queue-name": "q" } }, spec: { containers: [container("job")] } },
                    },
                },
            },
        });
        assert.match(
            blocking(podMetadata, cron).join("\n"),
            /spec\.jobTemplate\.spec\.template\.metadata\.labels\["kueue\.x-k8s\.io\/queue-name"\]: .* is not a pod label key/,
        );
        assert.match(
            blocking(podMetadata, asPatch(deployment({ armsPilotAutoEnable: "on" }))).join("\n"),
            /^DeploymentPatch ray-a\/web: .*"armsPilotAutoEnable" is not a pod label key/,
        );
        const group = k8s(
            "kubernetes:yaml/v2:ConfigGroup",
            { objs: [deployment({ "app.kubernetes.io/name": "web", "ray-on-ack.io/role": "head" }).props] },
            "extras",
        );
        assert.match(
            blocking(podMetadata, group).join("\n"),
            /Deployment ray-a\/web: spec\.template\.metadata\.labels\["ray-on-ack\.io\/role"\]: .* is reserved/,
        );
    });

    it("leaves controller keys to ray-pod-controllers: one finding, by the policy whose grant allows it", () => {
        assert.deepStrictEqual(
            blocking(
                podMetadata,
                deployment(
                    { "app.kubernetes.io/name": "web", "alibabacloud.com/eci": "true" },
                    { "sidecar.istio.io/inject": "true", "Sidecar.Istio.io/inject": "true" },
                ),
            ),
            [],
        );
        const ns = namespace();
        ns.props.metadata.labels["istio-injection"] = "enabled";
        assert.deepStrictEqual(blocking(podMetadata, ns), []);
    });

    it("takes a grant for one key's path only, and refuses one without a path", () => {
        const d = deployment({ "app.kubernetes.io/name": "web", tier: "gpu", zone: "a" });
        const granted = { grants: [grantFor(d, "reviewed", "a", 'spec.template.metadata.labels["tier"]')] };
        assert.deepStrictEqual(blocking(podMetadata, d, granted).length, 1);
        assert.match(blocking(podMetadata, d, granted)[0], /"zone" is not a pod label key/);
        assert.throws(() => blocking(podMetadata, d, { grants: [grantFor(d)] }), /ray-pod-metadata judges parts of a resource/);
    });
});
