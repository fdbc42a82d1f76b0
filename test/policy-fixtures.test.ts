/**
 * Hand-written fixtures for the policy tests: one team stack that passes every check. Each test
 * takes a fresh copy and breaks exactly one thing. The file is a test module too, so that the
 * claim "this stack is compliant" is itself checked.
 */
import * as assert from "assert";
import { Check } from "../policy/check";
import { Grant, PackConfig, resolvePackConfig } from "../policy/config";
import { evaluateCheck } from "../policy/evaluate";
import { toPolicy } from "../policy/policies";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePosture } from "../policy/posture";
import { PolicyResource, identity } from "../policy/resource";
import { ANNOTATIONS, LABELS, POLICY_IDS, TLS_MOUNT } from "@ray-on-ack/common";

export const NS = "ray-a";
export const RAY_IMAGE = "rayproject/ray:2.60.0";

/** What a message says when its resource's annotation claims an exception nobody granted. */
export const SELF_EXEMPTION =
    "; the ray-on-ack.io/policy-exceptions annotation only explains an exception the platform's policy pack config grants, and none is granted";

/** The stack the fixtures' URNs name. */
export const STACK = "a";

export function k8s(type: string, props: any, name?: string): PolicyResource {
    return { type, name: name ?? props.metadata?.name ?? "unnamed", urn: `urn:pulumi:${STACK}::ray-on-ack::${type}::${name ?? props.metadata?.name}`, props };
}

/** The grant an exception for `r` needs in the pack config (under the policy's key). */
export function grantFor(r: PolicyResource, reason = "reviewed by the platform team", stack = STACK): Grant {
    return { stack, ...identity(r), reason };
}

/** Messages a check reports for one resource (resource checks) or a stack (stack checks). */
export function messages(check: Check, resources: PolicyResource | PolicyResource[], config: Partial<PackConfig> = {}): string[] {
    const list = Array.isArray(resources) ? resources : [resources];
    return evaluateCheck(check, list, resolvePackConfig(config)).findings.map((f) => f.message);
}

/** Messages of the findings that fail the check: those the config's grants do not cover. */
export function blocking(check: Check, resources: PolicyResource | PolicyResource[], config: Partial<PackConfig> = {}): string[] {
    const list = Array.isArray(resources) ? resources : [resources];
    return evaluateCheck(check, list, resolvePackConfig(config))
        .findings.filter((f) => !f.exception)
        .map((f) => f.message);
}

/**
 * Runs one resource through the real pack adapter (toPolicy: what run-policy-pack serves) and
 * sorts what it reports: mandatory messages fail `pulumi preview`, advisory ones are granted.
 */
export function throughPack(check: Check, resource: PolicyResource, config: object = {}): { mandatory: string[]; advisory: string[]; notApplicable: boolean } {
    const out = { mandatory: [] as string[], advisory: [] as string[], notApplicable: false };
    const args: any = {
        ...resource,
        getConfig: () => config,
        notApplicable: () => {
            out.notApplicable = true;
            throw new Error("not applicable");
        },
    };
    const report = (v: unknown) => {
        if (typeof v === "string") {
            out.mandatory.push(v);
        } else {
            out.advisory.push((v as { message: string }).message);
        }
    };
    const policy = toPolicy(check) as ResourceValidationPolicy;
    try {
        (policy.validateResource as (a: any, r: (v: unknown) => void) => void)(args, report);
    } catch (e) {
        if (!out.notApplicable) {
            throw e;
        }
    }
    return out;
}

/** Runs a stack check through the real pack adapter over `resources`; returns the mandatory and advisory messages. */
export function throughPackStack(check: Check, resources: PolicyResource[], config: object = {}): { mandatory: string[]; advisory: string[] } {
    const out = { mandatory: [] as string[], advisory: [] as string[] };
    const policy = toPolicy(check) as StackValidationPolicy;
    const report = (v: unknown) => (typeof v === "string" ? out.mandatory.push(v) : out.advisory.push((v as { message: string }).message));
    (policy.validateStack as (a: any, r: (v: unknown) => void) => void)({ resources, getConfig: () => config, notApplicable: () => undefined }, report);
    return out;
}

/** `r` as a server-side-apply patch of the same object (`kubernetes:apps/v1:DeploymentPatch`, ...). */
export function asPatch(r: PolicyResource): PolicyResource {
    return { ...r, type: `${r.type}Patch`, urn: r.urn?.replace(r.type, `${r.type}Patch`) };
}

export function withExceptions(r: PolicyResource, ids: string): PolicyResource {
    r.props.metadata = { ...(r.props.metadata ?? {}), annotations: { ...(r.props.metadata?.annotations ?? {}), [ANNOTATIONS.policyExceptions]: ids } };
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
/**
 * What a team with write access to its stack would try: a privileged, hostPID Deployment that
 * mounts the node's root filesystem, annotated with every policy id to exempt itself.
 */
export function selfExemptedDeployment(kind: "Deployment" | "DeploymentPatch" = "Deployment"): PolicyResource {
    return k8s(`kubernetes:apps/v1:${kind}`, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "node-shell", namespace: NS, annotations: { [ANNOTATIONS.policyExceptions]: Object.values(POLICY_IDS).join(",") } },
        spec: {
            selector: { matchLabels: { app: "node-shell" } },
            template: {
                metadata: { labels: { app: "node-shell" } },
                spec: {
                    hostPID: true,
                    containers: [container("shell", { securityContext: { privileged: true }, volumeMounts: [{ name: "host", mountPath: "/host" }] })],
                    volumes: [{ name: "host", hostPath: { path: "/" } }],
                },
            },
        },
    });
}

/** The dashboard through the platform's Gateway: an HTTPRoute pinned to its HTTPS listener, and Envoy Gateway's SecurityPolicy on it. */
export function httpRoute(name = "demo-dashboard"): PolicyResource {
    return k8s("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name, namespace: NS },
        spec: {
            parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "shared", namespace: "gateways", sectionName: "https" }],
            hostnames: ["ray.example.com"],
            rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ group: "", kind: "Service", name: "demo-head-svc", port: 8265 }] }],
        },
    });
}

export function securityPolicy(route = "demo-dashboard"): PolicyResource {
    return k8s("kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy", {
        apiVersion: "gateway.envoyproxy.io/v1alpha1",
        kind: "SecurityPolicy",
        metadata: { name: `${route}-auth`, namespace: NS },
        spec: {
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: route }],
            basicAuth: { users: { name: "demo-dashboard-basic-auth" } },
            authorization: { defaultAction: "Deny", rules: [{ name: "office", action: "Allow", principal: { clientCIDRs: ["203.0.113.0/24"] } }] },
        },
    });
}

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
        ingress(),
        httpRoute(),
        securityPolicy(),
        tokenSecret(),
        ramRole(),
        ramPolicy(),
        rolePolicyAttachment(),
        slbAcl(),
        kuberayAddon(),
        // Objects declared inline are judged one by one; nothing here needs a grant.
        k8s("kubernetes:yaml/v2:ConfigGroup", { objs: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: NS }, data: { level: "info" } }] }, "extras"),
    ];
}

describe("policy fixtures", () => {
    it("the compliant stack passes every check, and every check applies to it (the CLB listener check once a granted public dashboard joins it)", () => {
        const notPassing = (report: ReturnType<typeof evaluatePosture>) =>
            report.checks.filter((c) => c.status !== "pass").map((c) => [c.id, c.status, c.offending.map((o) => o.message)]);
        // Nothing in it is exposed: a LoadBalancer needs a grant, so the listener check has nothing to look at.
        assert.deepStrictEqual(notPassing(evaluatePosture(compliantStack())), [[POLICY_IDS.clbHttpsListener, "not-applicable", []]]);
        const lb = loadBalancer();
        const granted = evaluatePosture([...compliantStack(), lb], { policyPackConfig: { [POLICY_IDS.serviceNotPublic]: { grants: [grantFor(lb, "public by design")] } } });
        assert.deepStrictEqual(notPassing(granted), [
            [
                POLICY_IDS.serviceNotPublic,
                "exception",
                ["exception (granted: public by design): Service ray-a/demo-dashboard-public: spec.type: is LoadBalancer, which exposes the Service beyond the cluster; that needs an exception granted in the platform's policy pack config"],
            ],
        ]);
    });
});
