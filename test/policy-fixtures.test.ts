/**
 * Hand-written fixtures for the policy tests: one team stack that passes every check. Each test
 * takes a fresh copy and breaks exactly one thing. The file is a test module too, so that the
 * claim "this stack is compliant" is itself checked.
 */
import * as assert from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { Check } from "../policy/check";
import { PackConfig, resolvePackConfig } from "../policy/config";
import { evaluateCheck } from "../policy/evaluate";
import { evaluatePosture } from "../policy/posture";
import { PolicyResource } from "../policy/resource";
import { ANNOTATIONS, LABELS, TLS_MOUNT } from "../components/naming";

export const NS = "ray-a";
export const RAY_IMAGE = "rayproject/ray:2.60.0";

export function k8s(type: string, props: any, name?: string): PolicyResource {
    return { type, name: name ?? props.metadata?.name ?? "unnamed", urn: `urn:pulumi:a::ray-on-ack::${type}::${name ?? props.metadata?.name}`, props };
}

/** Messages a check reports for one resource (resource checks) or a stack (stack checks). */
export function messages(check: Check, resources: PolicyResource | PolicyResource[], config: Partial<PackConfig> = {}): string[] {
    const list = Array.isArray(resources) ? resources : [resources];
    return evaluateCheck(check, list, resolvePackConfig(config)).findings.map((f) => f.message);
}

/** Runs a resource policy as the engine would: its validateResource with config and a notApplicable that stops it. */
export function runResourcePolicy(policy: ResourceValidationPolicy, resource: PolicyResource, config: object = {}): { reported: unknown[]; notApplicable: boolean } {
    const reported: unknown[] = [];
    let notApplicable = false;
    const args: any = {
        ...resource,
        getConfig: () => config,
        notApplicable: () => {
            notApplicable = true;
            throw new Error("not applicable");
        },
    };
    try {
        (policy.validateResource as (a: any, r: (...v: unknown[]) => void) => void)(args, (...v) => reported.push(v));
    } catch (e) {
        if (!notApplicable) {
            throw e;
        }
    }
    return { reported, notApplicable };
}

export function withExceptions(r: PolicyResource, ids: string): PolicyResource {
    r.props.metadata.annotations = { ...(r.props.metadata.annotations ?? {}), [ANNOTATIONS.policyExceptions]: ids };
    return r;
}

export const restrictedContainerSecurity = () => ({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
});

export const podSecurity = () => ({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 100, seccompProfile: { type: "RuntimeDefault" } });

const resources = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });

export const tlsEnv = () => [
    { name: "RAY_USE_TLS", value: "1" },
    { name: "RAY_TLS_SERVER_CERT", value: TLS_MOUNT.cert },
    { name: "RAY_TLS_SERVER_KEY", value: TLS_MOUNT.key },
    { name: "RAY_TLS_CA_CERT", value: TLS_MOUNT.ca },
];

export function container(name: string, extra: any = {}): any {
    return {
        name,
        image: RAY_IMAGE,
        resources: resources("1", "2Gi"),
        securityContext: restrictedContainerSecurity(),
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        ...extra,
    };
}

function rayContainer(name: string): any {
    return container(name, {
        env: tlsEnv(),
        volumeMounts: [
            { name: "tmp", mountPath: "/tmp" },
            { name: "ray-tls", mountPath: TLS_MOUNT.dir, readOnly: true },
        ],
    });
}

function rayPodTemplate(cluster: string, role: "head" | "worker", extraVolumes: any[] = []): any {
    return {
        metadata: { labels: { [LABELS.cluster]: cluster } },
        spec: {
            serviceAccountName: `${cluster}-ray-${role}`,
            automountServiceAccountToken: false,
            securityContext: podSecurity(),
            containers: [rayContainer(`ray-${role}`)],
            volumes: [{ name: "tmp", emptyDir: {} }, { name: "ray-tls", secret: { secretName: `${cluster}-ray-tls-${role}` } }, ...extraVolumes],
        },
    };
}

/** A RayCluster spec with in-tree autoscaling: the head pod carries a projected API token that only the autoscaler mounts. */
export function rayClusterSpec(cluster: string): any {
    const tokenVolume = {
        name: "autoscaler-token",
        projected: { sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3600 } }, { configMap: { name: "kube-root-ca.crt" } }] },
    };
    return {
        rayVersion: "2.60.0",
        enableInTreeAutoscaling: true,
        authOptions: { mode: "token", secretName: `${cluster}-ray-token` },
        autoscalerOptions: {
            resources: resources("500m", "512Mi"),
            securityContext: restrictedContainerSecurity(),
            env: tlsEnv(),
            volumeMounts: [
                { name: "autoscaler-token", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true },
                { name: "ray-tls", mountPath: TLS_MOUNT.dir, readOnly: true },
            ],
        },
        headGroupSpec: { serviceType: "ClusterIP", rayStartParams: { "num-cpus": "0" }, template: rayPodTemplate(cluster, "head", [tokenVolume]) },
        workerGroupSpecs: [{ groupName: "cpu", replicas: 1, minReplicas: 0, maxReplicas: 4, rayStartParams: {}, template: rayPodTemplate(cluster, "worker") }],
    };
}

export function rayCluster(name = "demo"): PolicyResource {
    return k8s("kubernetes:ray.io/v1:RayCluster", {
        apiVersion: "ray.io/v1",
        kind: "RayCluster",
        metadata: { name, namespace: NS },
        spec: rayClusterSpec(name),
    });
}

export function rayJob(name = "nightly"): PolicyResource {
    const clusterSpec = rayClusterSpec(name);
    return k8s("kubernetes:ray.io/v1:RayJob", {
        apiVersion: "ray.io/v1",
        kind: "RayJob",
        metadata: { name, namespace: NS },
        spec: {
            entrypoint: "python /home/ray/app/main.py",
            submissionMode: "K8sJobMode",
            shutdownAfterJobFinishes: true,
            ttlSecondsAfterFinished: 300,
            activeDeadlineSeconds: 86400,
            rayClusterSpec: clusterSpec,
            submitterPodTemplate: {
                spec: {
                    serviceAccountName: `${name}-ray-submitter`,
                    automountServiceAccountToken: false,
                    restartPolicy: "Never",
                    securityContext: podSecurity(),
                    containers: [container("ray-job-submitter")],
                    volumes: [{ name: "tmp", emptyDir: {} }],
                },
            },
        },
    });
}

export function namespace(name = NS): PolicyResource {
    return k8s("kubernetes:core/v1:Namespace", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
            name,
            labels: {
                [LABELS.team]: "a",
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
                "pod-security.kubernetes.io/warn": "restricted",
            },
        },
    });
}

export function defaultDeny(ns = NS): PolicyResource {
    return k8s(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "default-deny", namespace: ns },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        `${ns}-default-deny`,
    );
}

export function quota(ns = NS): PolicyResource[] {
    return [
        k8s("kubernetes:core/v1:ResourceQuota", {
            apiVersion: "v1",
            kind: "ResourceQuota",
            metadata: { name: "ray-quota", namespace: ns },
            spec: { hard: { "requests.cpu": "64", "limits.cpu": "64", "requests.memory": "256Gi", "limits.memory": "256Gi" } },
        }),
        k8s("kubernetes:core/v1:LimitRange", {
            apiVersion: "v1",
            kind: "LimitRange",
            metadata: { name: "ray-limits", namespace: ns },
            spec: { limits: [{ type: "Container", default: { cpu: "1", memory: "1Gi" }, defaultRequest: { cpu: "100m", memory: "256Mi" } }] },
        }),
    ];
}

export function serviceAccount(name: string): PolicyResource {
    return k8s("kubernetes:core/v1:ServiceAccount", {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name, namespace: NS },
        automountServiceAccountToken: false,
    });
}

export function autoscalerRole(): PolicyResource {
    return k8s("kubernetes:rbac.authorization.k8s.io/v1:Role", {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "demo", namespace: NS },
        rules: [
            { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "patch"] },
            { apiGroups: ["ray.io"], resources: ["rayclusters"], verbs: ["get", "patch"] },
        ],
    });
}

export function roleBinding(): PolicyResource {
    return k8s("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "demo", namespace: NS },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "demo" },
        subjects: [{ kind: "ServiceAccount", name: "demo-ray-head", namespace: NS }],
    });
}

export function headService(): PolicyResource {
    return k8s("kubernetes:core/v1:Service", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "demo-metrics", namespace: NS },
        spec: { type: "ClusterIP", ports: [{ port: 8080 }] },
    });
}

export function loadBalancer(): PolicyResource {
    const clb = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";
    return k8s("kubernetes:core/v1:Service", {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
            name: "demo-dashboard-public",
            namespace: NS,
            annotations: {
                [`${clb}address-type`]: "intranet",
                [`${clb}acl-status`]: "on",
                [`${clb}acl-id`]: "acl-123",
                [`${clb}acl-type`]: "white",
                [`${clb}protocol-port`]: "https:443",
                [`${clb}cert-id`]: "12345678-cn-hangzhou",
            },
        },
        spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", ports: [{ port: 443, targetPort: 8265 }] },
    });
}

export function ingress(): PolicyResource {
    return k8s("kubernetes:networking.k8s.io/v1:Ingress", {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: {
            name: "demo-dashboard",
            namespace: NS,
            annotations: {
                "nginx.ingress.kubernetes.io/auth-type": "basic",
                "nginx.ingress.kubernetes.io/auth-secret": "demo-dashboard-basic-auth",
            },
        },
        spec: {
            ingressClassName: "nginx",
            tls: [{ hosts: ["ray.example.com"], secretName: "ray-example-tls" }],
            rules: [{ host: "ray.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "demo-head-svc", port: { number: 8265 } } } }] } }],
        },
    });
}

export function tokenSecret(): PolicyResource {
    return k8s("kubernetes:core/v1:Secret", {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "demo-ray-token", namespace: NS },
        data: { auth_token: Buffer.from("0123456789abcdef").toString("base64") },
    });
}

export const RRSA_PROVIDER = "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c0123456789abcdef";

export function trustDocument(overrides: any = {}): any {
    return {
        Version: "1",
        Statement: [
            {
                Action: "sts:AssumeRole",
                Effect: "Allow",
                Principal: { Federated: [RRSA_PROVIDER] },
                Condition: {
                    StringEquals: {
                        "oidc:aud": "sts.aliyuncs.com",
                        "oidc:iss": "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c0123456789abcdef",
                        "oidc:sub": `system:serviceaccount:${NS}:demo-ray-worker`,
                    },
                },
                ...overrides,
            },
        ],
    };
}

export function ramRole(doc: any = trustDocument()): PolicyResource {
    return { type: "alicloud:ram/role:Role", name: "team-a-ray", urn: "urn:pulumi:a::ray-on-ack::alicloud:ram/role:Role::team-a-ray", props: { roleName: "team-a-ray", assumeRolePolicyDocument: JSON.stringify(doc) } };
}

export function ramPolicy(statements: any[] = [{ Effect: "Allow", Action: ["oss:GetObject"], Resource: ["acs:oss:*:*:team-a-data/datasets/*"] }]): PolicyResource {
    return { type: "alicloud:ram/policy:Policy", name: "team-a-oss", props: { policyName: "team-a-oss", policyDocument: JSON.stringify({ Version: "1", Statement: statements }) } };
}

export function rolePolicyAttachment(policyName = "team-a-oss"): PolicyResource {
    return { type: "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment", name: "team-a-oss", props: { roleName: "team-a-ray", policyName, policyType: "Custom" } };
}

export function slbAcl(entry = "203.0.113.0/24"): PolicyResource {
    return { type: "alicloud:slb/acl:Acl", name: "demo-dashboard", props: { name: "demo-dashboard", entryLists: [{ entry, comment: "office" }] } };
}

export function kuberayAddon(version = "1.6.2"): PolicyResource {
    return { type: "alicloud:cs/kubernetesAddon:KubernetesAddon", name: "kuberay", props: { clusterId: "c0123456789abcdef", name: "ack-kuberay-operator", version } };
}

/** A team stack in which every check applies and passes. */
export function compliantStack(): PolicyResource[] {
    return [
        namespace(),
        defaultDeny(),
        ...quota(),
        ...["demo-ray-head", "demo-ray-worker", "nightly-ray-head", "nightly-ray-worker", "nightly-ray-submitter"].map(serviceAccount),
        autoscalerRole(),
        roleBinding(),
        rayCluster(),
        rayJob(),
        headService(),
        loadBalancer(),
        ingress(),
        tokenSecret(),
        ramRole(),
        ramPolicy(),
        rolePolicyAttachment(),
        slbAcl(),
        kuberayAddon(),
    ];
}

describe("policy fixtures", () => {
    it("the compliant stack passes every check, and every check applies to it", () => {
        const report = evaluatePosture(compliantStack());
        const notPassing = report.checks.filter((c) => c.status !== "pass").map((c) => [c.id, c.status, c.offending.map((o) => o.message)]);
        assert.deepStrictEqual(notPassing, []);
    });
});
