// Toolchain smoke test for the e2e harness: a namespace labelled for Pod Security Admission
// and a ConfigMap in it, created through the real engine and Kubernetes provider.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

const config = new pulumi.Config();
const kubeconfig = config.require("kubeconfig");
const provider = new k8s.Provider("e2e", { kubeconfig, enableServerSideApply: true });

const ns = new k8s.core.v1.Namespace(
    "smoke",
    {
        metadata: {
            name: "e2e-smoke",
            labels: { "pod-security.kubernetes.io/enforce": "restricted" },
        },
    },
    { provider },
);

const cm = new k8s.core.v1.ConfigMap(
    "smoke",
    {
        metadata: { name: "e2e-smoke", namespace: ns.metadata.name },
        data: { hello: "ray-on-ack" },
    },
    { provider },
);

export const namespace = ns.metadata.name;
export const configMap = cm.metadata.name;
