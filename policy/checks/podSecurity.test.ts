import * as assert from "assert";
import { hostPathRestricted, podSecurityRestricted, readOnlyRootFilesystem } from "./podSecurity";
import {
    SELF_EXEMPTION as SELF,
    asPatch,
    container,
    k8s,
    messages,
    podSecurity,
    rayCluster,
    rayJob,
    selfExemptedDeployment,
    throughPack,
    withExceptions,
} from "../../test/fixtures/policy";

function deployment(spec: any): ReturnType<typeof k8s> {
    return k8s("kubernetes:apps/v1:Deployment", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "ray-a" },
        spec: {
            template: {
                metadata: {},
                spec: { automountServiceAccountToken: false, securityContext: podSecurity(), containers: [container("web")], ...spec },
            },
        },
    });
}

describe("policy ray-pod-security-restricted (seed 5)", () => {
    it("accepts restricted pods, the autoscaler sidecar and the RayJob submitter included", () => {
        assert.deepStrictEqual(messages(podSecurityRestricted, rayCluster()), []);
        assert.deepStrictEqual(messages(podSecurityRestricted, rayJob()), []);
        assert.deepStrictEqual(messages(podSecurityRestricted, deployment({})), []);
    });

    it("refuses a privileged, root, escalating container with extra capabilities", () => {
        const d = deployment({});
        const c = d.props.spec.template.spec.containers[0];
        c.securityContext = {
            privileged: true,
            runAsNonRoot: false,
            runAsUser: 0,
            capabilities: { add: ["SYS_ADMIN", "NET_BIND_SERVICE"] },
            seccompProfile: { type: "Unconfined" },
            procMount: "Unmasked",
        };
        c.ports = [{ containerPort: 8265, hostPort: 8265 }];
        const p = "Deployment ray-a/web: spec.template.spec.containers[0]";
        assert.deepStrictEqual(messages(podSecurityRestricted, d), [
            `${p}.securityContext.privileged: must not be true (container "web")`,
            `${p}.securityContext.allowPrivilegeEscalation: must be false (container "web")`,
            `${p}.securityContext.runAsNonRoot: must be true, on the container or the pod (container "web")`,
            `${p}.securityContext.runAsUser: is 0 (root) (container "web")`,
            `${p}.securityContext.seccompProfile.type: is "Unconfined"; must be RuntimeDefault or Localhost (container "web")`,
            `${p}.securityContext.capabilities.drop: must include ALL (container "web")`,
            `${p}.securityContext.capabilities.add: adds SYS_ADMIN; only NET_BIND_SERVICE may be added (container "web")`,
            `${p}.securityContext.procMount: is "Unmasked"; must be Default (container "web")`,
            `${p}.ports[0].hostPort: must not be set (container "web")`,
        ]);
    });

    it("takes runAsNonRoot and seccomp from the pod when the container leaves them out", () => {
        const d = deployment({});
        const sc = d.props.spec.template.spec.containers[0].securityContext;
        delete sc.runAsNonRoot;
        delete sc.seccompProfile;
        assert.deepStrictEqual(messages(podSecurityRestricted, d), []);
        d.props.spec.template.spec.securityContext = {};
        assert.deepStrictEqual(messages(podSecurityRestricted, d), [
            'Deployment ray-a/web: spec.template.spec.containers[0].securityContext.runAsNonRoot: must be true, on the container or the pod (container "web")',
            'Deployment ray-a/web: spec.template.spec.containers[0].securityContext.seccompProfile.type: is not set on the container or the pod; must be RuntimeDefault or Localhost (container "web")',
        ]);
    });

    it("refuses host namespaces, unsafe sysctls, SELinux/AppArmor overrides and forbidden volume types", () => {
        const d = deployment({
            hostNetwork: true,
            hostPID: true,
            hostIPC: true,
            securityContext: {
                ...podSecurity(),
                runAsUser: 0,
                sysctls: [
                    { name: "net.ipv4.tcp_syncookies", value: "1" },
                    { name: "kernel.msgmax", value: "65536" },
                ],
                seLinuxOptions: { type: "spc_t", user: "root" },
                appArmorProfile: { type: "Unconfined" },
            },
            volumes: [
                { name: "tmp", emptyDir: {} },
                { name: "nfs", nfs: { server: "10.0.0.2", path: "/export" } },
            ],
        });
        const p = "Deployment ray-a/web: spec.template.spec";
        assert.deepStrictEqual(messages(podSecurityRestricted, d), [
            `${p}.hostNetwork: must not be true`,
            `${p}.hostPID: must not be true`,
            `${p}.hostIPC: must not be true`,
            `${p}.securityContext.runAsUser: is 0 (root)`,
            `${p}.securityContext.sysctls[1]: "kernel.msgmax" is not a safe sysctl`,
            `${p}.securityContext.seLinuxOptions.type: is "spc_t"; only container_t, container_init_t, container_kvm_t or container_engine_t`,
            `${p}.securityContext.seLinuxOptions.user: must not be set`,
            `${p}.securityContext.appArmorProfile.type: is "Unconfined"; must be RuntimeDefault or Localhost`,
            `${p}.volumes[1]: "nfs" is a nfs volume, which Pod Security restricted forbids`,
        ]);
    });

    it("checks init containers and the autoscaler sidecar built from spec.autoscalerOptions", () => {
        const rc = rayCluster();
        rc.props.spec.headGroupSpec.template.spec.initContainers = [
            container("init", { securityContext: { ...container("x").securityContext, allowPrivilegeEscalation: true } }),
        ];
        delete rc.props.spec.autoscalerOptions.securityContext;
        assert.deepStrictEqual(messages(podSecurityRestricted, rc), [
            'RayCluster ray-a/demo: spec.headGroupSpec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation: must be false (container "init")',
            'RayCluster ray-a/demo: spec.autoscalerOptions.securityContext.allowPrivilegeEscalation: must be false (container "autoscaler")',
            'RayCluster ray-a/demo: spec.autoscalerOptions.securityContext.capabilities.drop: must include ALL (container "autoscaler")',
        ]);
    });

    it("refuses a K8sJobMode RayJob that leaves KubeRay to build the submitter pod", () => {
        const job = rayJob();
        delete job.props.spec.submitterPodTemplate;
        assert.deepStrictEqual(messages(podSecurityRestricted, job), [
            "RayJob ray-a/nightly: spec.submitterPodTemplate: is not set; KubeRay's default submitter pod has no securityContext, so Pod Security restricted rejects it",
        ]);
    });
});

describe("policy ray-readonly-root-filesystem (seed 5)", () => {
    it("accepts read-only root filesystems everywhere", () => {
        assert.deepStrictEqual(messages(readOnlyRootFilesystem, rayCluster()), []);
    });

    it("refuses a writable root filesystem, for a worker and the RayJob submitter", () => {
        const job = rayJob();
        job.props.spec.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
        delete job.props.spec.submitterPodTemplate.spec.containers[0].securityContext.readOnlyRootFilesystem;
        assert.deepStrictEqual(messages(readOnlyRootFilesystem, job), [
            'RayJob ray-a/nightly: spec.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0].securityContext.readOnlyRootFilesystem: must be true (container "ray-worker"); give writable paths an emptyDir',
            'RayJob ray-a/nightly: spec.submitterPodTemplate.spec.containers[0].securityContext.readOnlyRootFilesystem: must be true (container "ray-job-submitter"); give writable paths an emptyDir',
        ]);
    });
});

describe("policy ray-hostpath-restricted (seed 5)", () => {
    function withHostPath(hostPath: string, readOnly: boolean | undefined): ReturnType<typeof rayCluster> {
        const rc = rayCluster();
        const worker = rc.props.spec.workerGroupSpecs[0].template.spec;
        worker.volumes.push({ name: "models", hostPath: { path: hostPath, type: "Directory" } });
        worker.containers[0].volumeMounts.push({ name: "models", mountPath: "/models", ...(readOnly === undefined ? {} : { readOnly }) });
        return rc;
    }

    it("accepts pod templates without hostPath volumes", () => {
        assert.deepStrictEqual(messages(hostPathRestricted, rayCluster()), []);
    });

    it("refuses any hostPath, even read-only under a path once allowed (the opt-in was removed)", () => {
        assert.deepStrictEqual(messages(hostPathRestricted, withHostPath("/mnt/models/llama", true)), [
            'RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.volumes[2].hostPath: "/mnt/models/llama": no hostPath is allowed; use a read-only PersistentVolumeClaim or CSI volume',
        ]);
        assert.equal(messages(hostPathRestricted, withHostPath("/", undefined)).length, 1);
    });
});

describe("pod checks see patches and ignore self-exemptions (issue 11)", () => {
    it("fails the privileged, hostPID, hostPath / Deployment annotated with every policy id, and its DeploymentPatch", () => {
        for (const kind of ["Deployment", "DeploymentPatch"] as const) {
            const d = selfExemptedDeployment(kind);
            const pss = throughPack(podSecurityRestricted, d);
            assert.deepStrictEqual(pss.advisory, []);
            assert.ok(
                pss.mandatory.includes(`${kind} ray-a/node-shell: spec.template.spec.hostPID: must not be true${SELF}`),
                pss.mandatory.join("\n"),
            );
            assert.ok(
                pss.mandatory.includes(
                    `${kind} ray-a/node-shell: spec.template.spec.containers[0].securityContext.privileged: must not be true (container "shell")${SELF}`,
                ),
                pss.mandatory.join("\n"),
            );
            assert.deepStrictEqual(throughPack(hostPathRestricted, d).mandatory, [
                `${kind} ray-a/node-shell: spec.template.spec.volumes[0].hostPath: "/": no hostPath is allowed; use a read-only PersistentVolumeClaim or CSI volume${SELF}`,
            ]);
        }
    });

    it("fails shareProcessNamespace, in a Deployment and in a PodPatch; passes it off", () => {
        const shared = withExceptions(deployment({ shareProcessNamespace: true }), "ray-pod-security-restricted");
        const problem =
            "spec.template.spec.shareProcessNamespace: must not be true; containers would see each other's processes, environment and files";
        assert.deepStrictEqual(throughPack(podSecurityRestricted, shared).mandatory, [`Deployment ray-a/web: ${problem}${SELF}`]);
        const pod = k8s("kubernetes:core/v1:PodPatch", {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "debug", namespace: "ray-a" },
            spec: { shareProcessNamespace: true, securityContext: podSecurity(), containers: [container("debug")] },
        });
        assert.deepStrictEqual(throughPack(podSecurityRestricted, pod).mandatory, [
            "PodPatch ray-a/debug: spec.shareProcessNamespace: must not be true; containers would see each other's processes, environment and files",
        ]);
        assert.deepStrictEqual(throughPack(podSecurityRestricted, deployment({ shareProcessNamespace: false })), {
            mandatory: [],
            advisory: [],
            notApplicable: false,
        });
        assert.deepStrictEqual(throughPack(podSecurityRestricted, asPatch(deployment({}))).mandatory, []);
    });
});
