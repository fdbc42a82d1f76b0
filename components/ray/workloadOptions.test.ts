/**
 * Workload options (issue 14 section 2): each option reaches the pod templates, each breach of a
 * protection is refused with the key, the value and the rule, and the pack fails a writable
 * volume, a system priority class or control-plane placement unless granted.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { validateStackConfig, type ConfigIssue } from "../config/validate";
import type { TeamConfig } from "../config/model";
import { rayClusterSpec } from "./rayCluster";
import { resourceQuotaObject } from "../namespace/namespace";
import { submitterPodTemplate } from "./rayJob";
import { DEFAULT_PLATFORM_LISTS, metadataKeyProblem, mountPathProblem, mountRootProblem } from "@ray-on-ack/common/platformLists";
import { podScheduling, volumeReadOnly } from "../../policy/checks/workloadOptions";
import { resolvePackConfig, resolvePolicyPackConfigFile } from "../../policy/config";
import { CHECKS } from "../../policy/checks";
import { blocking, container, grantFor, k8s, messages, rayCluster, rayJob, throughPack } from "../../test/fixtures/policy";
import { minimalTeam } from "../../test/helpers/configs";
import { DEFAULT_PLATFORM_POLICY } from "@ray-on-ack/common/platformPolicy";
import { ROOT, manifests, renderedStack, runRender } from "../../test/helpers/render";
import { KUBERAY_CRDS, ajvErrors, kubeRayValidators, requireSharedData } from "../../test/helpers/schemas";

const GROUP = { name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 2 };

function withCluster(
    cluster: Record<string, unknown>,
    group: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
): Record<string, string> {
    return minimalTeam({ clusters: [{ name: "c1", workerGroups: [{ ...GROUP, ...group }], ...cluster }], ...extra });
}

/** A platform that lets teams set the label and annotation keys these tests use (its allowlists are the platform's to write). */
const PLATFORM = {
    ...DEFAULT_PLATFORM_POLICY,
    lists: { ...DEFAULT_PLATFORM_POLICY.lists, allowedPodLabelKeys: ["app", "tier", "a"], allowedPodAnnotationKeys: ["example.com/"] },
};

function accepted(raw: Record<string, string>): TeamConfig {
    const r = validateStackConfig(raw, [], { platform: PLATFORM });
    assert.ok(r.ok, `refused: ${JSON.stringify(!r.ok && r.issues)}`);
    assert.equal(r.value.kind, "team");
    return r.value.config as TeamConfig;
}

function issues(raw: Record<string, string>): ConfigIssue[] {
    const r = validateStackConfig(raw);
    assert.equal(r.ok, false, "config should be refused");
    return r.ok ? [] : r.issues;
}

function messageOf(raw: Record<string, string>, key: string): string {
    const list = issues(raw);
    const hit = list.find((i) => i.key === key);
    assert.ok(hit, `no issue on ${key}, got:\n${list.map((i) => `${i.key}: ${i.message}`).join("\n")}`);
    return hit.message;
}

function spec(config: TeamConfig): any {
    return rayClusterSpec({
        kind: "RayCluster",
        cluster: config.clusters[0],
        team: config.team,
        namespace: "ray-team-x",
        image: "docker.io/rayproject/ray:2.60.0",
        tlsFingerprint: "f",
        tokenFingerprint: "t",
        kubeRayVersion: "1.6.2",
    });
}

const K = "ray-on-ack:clusters[0]";

describe("workload options: the pod templates", () => {
    it("puts image pull secrets, labels, annotations and the priority class on every pod; group values are added", () => {
        const s = spec(
            accepted(
                withCluster(
                    {
                        imagePullSecrets: ["acr-team-x"],
                        labels: { app: "etl" },
                        annotations: { "example.com/owner": "data" },
                        priorityClassName: "team-x",
                    },
                    { labels: { tier: "gpu" }, priorityClassName: "team-x-high" },
                ),
            ),
        );
        const head = s.headGroupSpec.template;
        const worker = s.workerGroupSpecs[0].template;
        for (const t of [head, worker]) {
            assert.deepEqual(t.spec.imagePullSecrets, [{ name: "acr-team-x" }]);
            assert.equal(t.metadata.labels.app, "etl");
            assert.equal(t.metadata.labels["ray-on-ack.io/cluster"], "c1", "our labels stay");
            assert.equal(t.metadata.annotations["example.com/owner"], "data");
            assert.equal(t.metadata.annotations["ray-on-ack.io/tls-fingerprint"], "f");
        }
        assert.equal(head.spec.priorityClassName, "team-x");
        assert.equal(worker.spec.priorityClassName, "team-x-high", "the group's priority class overrides the cluster's");
        assert.equal(worker.metadata.labels.tier, "gpu");
        assert.equal(head.metadata.labels.tier, undefined);
    });

    it("gives a RayJob's submitter the cluster's pull secrets and priority class (it runs the same image), nothing else", () => {
        const r = validateStackConfig(
            minimalTeam({
                clusters: [],
                jobs: [
                    {
                        name: "j1",
                        entrypoint: "python x.py",
                        imagePullSecrets: ["acr"],
                        priorityClassName: "batch",
                        labels: { a: "b" },
                        workerGroups: [GROUP],
                    },
                ],
            }),
            [],
            { platform: PLATFORM },
        );
        assert.ok(r.ok && r.value.kind === "team", JSON.stringify(!r.ok && r.issues));
        const t: any = submitterPodTemplate(r.value.config.jobs[0], "team-x", "img");
        assert.deepEqual(t.spec.imagePullSecrets, [{ name: "acr" }]);
        assert.equal(t.spec.priorityClassName, "batch");
        assert.equal(t.metadata.labels.a, undefined);
        assert.equal(t.spec.automountServiceAccountToken, false, "our isolation fields still win");
    });

    it("mounts PVC and CSI volumes read-only by default, at the source and the mount; readOnly: false makes one writable", () => {
        const s = spec(
            accepted(
                withCluster(
                    {
                        volumes: [
                            {
                                name: "ref",
                                mountPath: "/mnt/ref",
                                csi: {
                                    driver: "ossplugin.csi.alibabacloud.com",
                                    volumeAttributes: { bucket: "b", url: "oss-cn-hangzhou-internal.aliyuncs.com", authType: "rrsa" },
                                },
                            },
                        ],
                    },
                    { volumes: [{ name: "ckpt", mountPath: "/mnt/ckpt", readOnly: false, persistentVolumeClaim: { claimName: "ckpt" } }] },
                ),
            ),
        );
        const head = s.headGroupSpec.template.spec;
        const worker = s.workerGroupSpecs[0].template.spec;
        assert.deepEqual(head.volumes.find((v: any) => v.name === "ref").csi, {
            driver: "ossplugin.csi.alibabacloud.com",
            readOnly: true,
            volumeAttributes: { bucket: "b", url: "oss-cn-hangzhou-internal.aliyuncs.com", authType: "rrsa" },
        });
        assert.deepEqual(
            head.containers[0].volumeMounts.find((m: any) => m.name === "ref"),
            { name: "ref", mountPath: "/mnt/ref", readOnly: true },
        );
        assert.equal(
            head.volumes.find((v: any) => v.name === "ckpt"),
            undefined,
            "group volumes stay in their group",
        );
        assert.deepEqual(
            worker.volumes.find((v: any) => v.name === "ckpt"),
            { name: "ckpt", persistentVolumeClaim: { claimName: "ckpt", readOnly: false } },
        );
        assert.deepEqual(
            worker.containers[0].volumeMounts.find((m: any) => m.name === "ckpt"),
            { name: "ckpt", mountPath: "/mnt/ckpt", readOnly: false },
        );
        assert.ok(
            worker.volumes.some((v: any) => v.name === "ref"),
            "cluster volumes reach every group",
        );
    });

    it("sets affinity and topology spread per group; a constraint without a selector spreads the group's own pods", () => {
        const affinity = {
            podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                    { weight: 1, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { a: "b" } } } },
                ],
            },
        };
        const s = spec(
            accepted(
                withCluster(
                    { head: { affinity } },
                    { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone" }] },
                ),
            ),
        );
        assert.deepEqual(s.headGroupSpec.template.spec.affinity, affinity);
        assert.deepEqual(s.workerGroupSpecs[0].template.spec.topologySpreadConstraints, [
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: s.workerGroupSpecs[0].template.metadata.labels },
            },
        ]);
    });

    it("adds allowlisted rayStartParams under ours; resources as the quoted JSON KubeRay passes to ray start", () => {
        const s = spec(
            accepted(
                withCluster(
                    { head: { rayStartParams: { "num-gpus": 0 } } },
                    { rayStartParams: { "num-cpus": "3", memory: 1000000, resources: { accelerator_a10: 1 } } },
                ),
            ),
        );
        assert.deepEqual(s.workerGroupSpecs[0].rayStartParams, {
            "num-cpus": "3",
            memory: "1000000",
            resources: '"{\\"accelerator_a10\\":1}"',
            "object-store-memory": s.workerGroupSpecs[0].rayStartParams["object-store-memory"],
        });
        assert.equal(s.headGroupSpec.rayStartParams["num-gpus"], "0");
        assert.equal(s.headGroupSpec.rayStartParams["dashboard-host"], "0.0.0.0");
    });

    it("requests ACK shared GPUs as limits equal to requests, on the CUDA image, and the quota caps them", () => {
        const config = accepted(
            withCluster(
                {},
                { sharedGpu: { "aliyun.com/gpu-mem": 8, "aliyun.com/gpu-core.percentage": 50 } },
                { quota: { gpuMemory: "16", gpuCorePercentage: "100" } },
            ),
        );
        const c = spec(config).workerGroupSpecs[0].template.spec.containers[0];
        assert.equal(c.resources.limits["aliyun.com/gpu-mem"], "8");
        assert.deepEqual(c.resources.requests, c.resources.limits);
        assert.match(c.image, /:2\.60\.0-gpu$/);
        const hard = (resourceQuotaObject({ team: "team-x", namespace: "ray-team-x", quota: config.quota, loadBalancers: 0 }) as any).spec
            .hard;
        assert.equal(hard["requests.aliyun.com/gpu-mem"], "16");
        assert.equal(hard["requests.aliyun.com/gpu-core.percentage"], "100");
        const byDefault = (
            resourceQuotaObject({
                team: "team-x",
                namespace: "ray-team-x",
                quota: accepted(withCluster({})).quota,
                loadBalancers: 0,
            }) as any
        ).spec.hard;
        assert.equal(byDefault["requests.aliyun.com/gpu-mem"], "0", "no shared GPU unless the quota grants it");
    });
});

describe("workload options: refusals name the key, the value and the rule", () => {
    it("refuses reserved pod label and annotation keys, and every key outside the platform's allowlist", () => {
        assert.match(
            messageOf(withCluster({ labels: { "ray.io/node-type": "head" } }), `${K}.labels.ray.io/node-type`),
            /^"ray\.io\/node-type" is reserved: KubeRay/,
        );
        assert.match(
            messageOf(withCluster({}, { labels: { "ray-on-ack.io/team": "other" } }), `${K}.workerGroups[0].labels.ray-on-ack.io/team`),
            /is reserved: ray-on-ack sets these/,
        );
        assert.match(
            messageOf(
                withCluster({ annotations: { "container.apparmor.security.beta.kubernetes.io/ray-head": "unconfined" } }),
                `${K}.annotations.container.apparmor.security.beta.kubernetes.io/ray-head`,
            ),
            /is reserved: seccomp and AppArmor/,
        );
        assert.match(
            messageOf(
                withCluster({ annotations: { "pod-identity.alibabacloud.com/role-name": "admin" } }),
                `${K}.annotations.pod-identity.alibabacloud.com/role-name`,
            ),
            /pod identity webhook \(RRSA\)/,
        );
        assert.match(
            messageOf(
                withCluster({ labels: { "pod-security.kubernetes.io/enforce": "privileged" } }),
                `${K}.labels.pod-security.kubernetes.io/enforce`,
            ),
            /is reserved: Kubernetes reserves kubernetes\.io/,
        );
        assert.match(
            messageOf(withCluster({ annotations: { "seccomp.example.com/profile": "x" } }), `${K}.annotations.seccomp.example.com/profile`),
            /seccomp/,
        );
        // Keys a denylist of reserved domains missed: a CNI's extra interfaces, sidecar injection, ARMS's agent, a queue.
        for (const [where, key] of [
            ["annotations", "k8s.v1.cni.cncf.io/networks"],
            ["annotations", "sidecar.istio.io/inject"],
            ["labels", "armsPilotAutoEnable"],
            ["labels", "kueue.x-k8s.io/queue-name"],
            ["annotations", "k8s.aliyun.com/pod-networks"],
        ] as const) {
            const m = messageOf(withCluster({ [where]: { [key]: "x" } }), `${K}.${where}.${key}`);
            assert.match(
                m,
                new RegExp(
                    `is not a pod ${where === "labels" ? "label" : "annotation"} key the platform allows \\(ray-pod-metadata\\.allowedPod`,
                ),
                key,
            );
        }
        assert.match(
            messageOf(withCluster({ labels: { "app.kubernetes.io/name": "has space" } }), `${K}.labels.app.kubernetes.io/name`),
            /value "has space" must be a label value/,
        );
        assert.equal(metadataKeyProblem("example.com/team", "pod label", ["example.com/"]), undefined);
        assert.match(
            metadataKeyProblem("example.com/team", "pod label", DEFAULT_PLATFORM_LISTS.allowedPodLabelKeys) ?? "",
            /not a pod label key the platform allows/,
        );
        // A domain entry admits that domain's keys, never a subdomain's.
        assert.match(metadataKeyProblem("sub.example.com/team", "pod label", ["example.com/"]) ?? "", /not a pod label key/);
    });

    it("mounts volumes only inside the platform's data roots: never over Ray's, the TLS, the system's or the image runtime's directories", () => {
        const vol = (mountPath: string) => withCluster({ volumes: [{ name: "d", mountPath, persistentVolumeClaim: { claimName: "d" } }] });
        for (const [p, rule] of [
            ["/", /is not inside a data root the platform allows \(ray-volume-mounts\.allowedMountRoots: \/mnt\/, \/data\/\)/],
            ["/tmp/ray", /not inside a data root/],
            ["/dev/shm", /not inside a data root/],
            ["/etc/ray/tls", /not inside a data root/],
            ["/home/ray/anaconda3", /not inside a data root/],
            ["/opt/ray-venv", /not inside a data root/],
            ["/home/ray/data", /not inside a data root/],
            ["/mnt", /not inside a data root/],
            ["/mnt/../etc", /normalised/],
            ["/mnt/data/", /normalised/],
            ["mnt/data", /absolute/],
        ] as const) {
            const m = messageOf(vol(p), `${K}.volumes[0].mountPath`);
            assert.match(m, rule, p);
            assert.ok(m.includes(JSON.stringify(p)), `echoes ${p}: ${m}`);
        }
        assert.equal(mountPathProblem("/mnt/data", DEFAULT_PLATFORM_LISTS.allowedMountRoots), undefined);
        assert.equal(mountPathProblem("/data/sets/a", DEFAULT_PLATFORM_LISTS.allowedMountRoots), undefined);
        // No platform list can open the image's runtime or Ray's own directories as a data root.
        for (const root of ["/home/", "/home/ray/", "/opt/", "/tmp/", "/etc/ray/", "/", "/usr/local/"]) {
            assert.match(mountRootProblem(root) ?? "", /is on, inside or above|must be a normalised absolute directory/, root);
        }
        assert.equal(mountRootProblem("/datasets/"), undefined);
    });

    it("refuses hostPath, a volume without exactly one source, other CSI drivers, inline AccessKeys and our volume names", () => {
        assert.match(
            messageOf(
                withCluster({ volumes: [{ name: "h", mountPath: "/mnt/h", hostPath: { path: "/data" } }] }),
                `${K}.volumes[0].hostPath`,
            ),
            /not possible: Pod Security restricted forbids hostPath/,
        );
        assert.match(messageOf(withCluster({ volumes: [{ name: "n", mountPath: "/mnt/n" }] }), `${K}.volumes[0]`), /exactly one source/);
        assert.match(
            messageOf(
                withCluster({ volumes: [{ name: "c", mountPath: "/mnt/c", csi: { driver: "diskplugin.csi.alibabacloud.com" } }] }),
                `${K}.volumes[0].csi.driver`,
            ),
            /must be one of ossplugin.*\(got "diskplugin\.csi\.alibabacloud\.com"\)/,
        );
        assert.match(
            messageOf(
                withCluster({
                    volumes: [
                        {
                            name: "o",
                            mountPath: "/mnt/o",
                            csi: {
                                driver: "ossplugin.csi.alibabacloud.com",
                                volumeAttributes: { akId: "LTAI5tAbCdEfGhIjKlMnOp", bucket: "b" },
                            },
                        },
                    ],
                }),
                `${K}.volumes[0].csi.volumeAttributes.akId`,
            ),
            /AccessKey attribute: reference a Secret with nodePublishSecretRef, or use RRSA/,
        );
        assert.match(
            messageOf(
                withCluster({ volumes: [{ name: "ray-tls", mountPath: "/mnt/t", persistentVolumeClaim: { claimName: "x" } }] }),
                `${K}.volumes[0].name`,
            ),
            /ray-on-ack's own volumes/,
        );
        assert.match(
            messageOf(
                withCluster(
                    { volumes: [{ name: "a", mountPath: "/mnt/a", persistentVolumeClaim: { claimName: "a" } }] },
                    { volumes: [{ name: "a", mountPath: "/mnt/b", persistentVolumeClaim: { claimName: "b" } }] },
                ),
                `${K}.workerGroups[0].volumes[0].name`,
            ),
            /also a cluster-wide volume/,
        );
        assert.match(
            messageOf(withCluster({ imagePullSecrets: ["ACR_Secret"] }), `${K}.imagePullSecrets[0]`),
            /DNS-1123 subdomain.*"ACR_Secret"/,
        );
    });

    it("refuses system priority classes and affinities that select control-plane nodes", () => {
        assert.match(
            messageOf(withCluster({ priorityClassName: "system-node-critical" }), `${K}.priorityClassName`),
            /^"system-node-critical" must not be a system-\* priority class/,
        );
        const cp = {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists" }] }],
                },
            },
        };
        assert.match(
            messageOf(
                withCluster({}, { affinity: cp }),
                `${K}.workerGroups[0].affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]`,
            ),
            /control-plane/,
        );
        const away = {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] }],
                },
            },
        };
        accepted(withCluster({}, { affinity: away }));
    });

    it("refuses rayStartParams outside the allowlist, object-store-memory, num-cpus on the head, and values that are not plain numbers", () => {
        for (const key of ["port", "node-ip-address", "dashboard-host", "block", "ray-client-server-port", "include-dashboard"]) {
            assert.match(
                messageOf(withCluster({}, { rayStartParams: { [key]: "1" } }), `${K}.workerGroups[0].rayStartParams.${key}`),
                new RegExp(`^"${key}" is not allowed \\(allowed: num-cpus, num-gpus, memory, resources\\)`),
            );
        }
        assert.match(
            messageOf(
                withCluster({}, { rayStartParams: { "object-store-memory": "1" } }),
                `${K}.workerGroups[0].rayStartParams.object-store-memory`,
            ),
            /computed by ray-on-ack to fit \/dev\/shm; set shmSize/,
        );
        assert.match(
            messageOf(withCluster({ head: { rayStartParams: { "num-cpus": "4" } } }), `${K}.head.rayStartParams.num-cpus`),
            /head\.numCpus/,
        );
        assert.match(
            messageOf(withCluster({}, { rayStartParams: { "num-gpus": "1; curl x" } }), `${K}.workerGroups[0].rayStartParams.num-gpus`),
            /"1; curl x" must be a whole number/,
        );
        assert.match(
            messageOf(withCluster({}, { rayStartParams: { resources: { "a'b": 1 } } }), `${K}.workerGroups[0].rayStartParams.resources`),
            /invalid entries/,
        );
    });

    it("refuses unknown GPU resources, too large a core percentage and whole plus shared GPUs", () => {
        assert.match(
            messageOf(withCluster({}, { sharedGpu: { "amd.com/gpu": 1 } }), `${K}.workerGroups[0].sharedGpu.amd.com/gpu`),
            /"amd\.com\/gpu" is not a shared-GPU resource \(aliyun\.com\/gpu-mem, aliyun\.com\/gpu-core\.percentage\)/,
        );
        assert.match(
            messageOf(
                withCluster({}, { sharedGpu: { "aliyun.com/gpu-core.percentage": 150 } }),
                `${K}.workerGroups[0].sharedGpu.aliyun.com/gpu-core.percentage`,
            ),
            /150 must be at most 100/,
        );
        assert.match(
            messageOf(withCluster({}, { gpu: 1, sharedGpu: { "aliyun.com/gpu-mem": 4 } }), `${K}.workerGroups[0].sharedGpu`),
            /either gpu .* or sharedGpu/,
        );
    });

    it("prints the refusal as error: <key>: <why> and exits 2 without writing anything", function () {
        this.timeout(120_000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opts-"));
        try {
            const stack = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.team-b.yaml"), "utf8"));
            stack.config["ray-on-ack:clusters"][0].volumes[0].mountPath = "/tmp/ray";
            fs.mkdirSync(path.join(dir, "stacks"));
            fs.writeFileSync(path.join(dir, "stacks", "Pulumi.team-b.yaml"), YAML.stringify(stack));
            const r = runRender(["--stack", "team-b", "--stacks-dir", path.join(dir, "stacks")]);
            assert.equal(r.status, 2, r.stderr);
            assert.match(
                r.stderr,
                /error: ray-on-ack:clusters\[0\]\.volumes\[0\]\.mountPath: "\/tmp\/ray" is not inside a data root the platform allows/,
            );
            assert.equal(fs.existsSync(r.out), false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

/** A fixture RayCluster whose worker pods carry `volume` mounted as `mountReadOnly`. */
function clusterWithVolume(volume: any, mountReadOnly: boolean): any {
    const r = rayCluster("demo");
    const pod = r.props.spec.workerGroupSpecs[0].template.spec;
    pod.volumes.push(volume);
    pod.containers[0].volumeMounts.push({ name: volume.name, mountPath: "/mnt/v", readOnly: mountReadOnly });
    return r;
}

/** Renders team-b with the platform's pack config minus one policy's settings (its grants, its allowed classes). */
function renderTeamBWithout(policyId: string): ReturnType<typeof runRender> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opts-pack-"));
    try {
        const config = JSON.parse(fs.readFileSync(path.join(ROOT, "platform", "policy-pack-config.json"), "utf8"));
        assert.ok(policyId in config, `platform/policy-pack-config.json has settings for ${policyId}`);
        delete config[policyId];
        const file = path.join(dir, "pack.json");
        fs.writeFileSync(file, JSON.stringify(config));
        return runRender(["--stack", "team-b", "--policy-pack-config", file]);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The grant for the fixture's writable `ckpt` volume of worker group `cpu`, and nothing else. */
const CKPT = "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=ckpt]";

describe("workload options: the policy pack", () => {
    it("fails a writable PVC unless the platform grants that volume, and passes a read-only one", () => {
        const rw = clusterWithVolume({ name: "ckpt", persistentVolumeClaim: { claimName: "ckpt" } }, false);
        const [m] = blocking(volumeReadOnly, rw);
        assert.match(
            m,
            /RayCluster ray-a\/demo: spec\.workerGroupSpecs\[0\]\.template\.spec\.volumes\[\d+\]: "ckpt" mounts PersistentVolumeClaim "ckpt" writable/,
        );
        assert.equal(throughPack(volumeReadOnly, rw).mandatory.length, 1, "mandatory in the pack");
        const granted = { grants: [grantFor(rw, "checkpoints", undefined, CKPT)] };
        assert.deepEqual(blocking(volumeReadOnly, rw, granted), [], "granted: an exception, not a failure");
        assert.deepEqual(
            throughPack(volumeReadOnly, rw, granted).advisory.map((a) => a.replace(/\): .*/, ")")),
            [`exception (granted at ${CKPT}: checkpoints)`],
            "the advisory names the path it covers",
        );
        assert.equal(messages(volumeReadOnly, rw, granted).length, 1, "still shown in the posture report");
        const ro = clusterWithVolume({ name: "ref", persistentVolumeClaim: { claimName: "ref", readOnly: true } }, true);
        assert.deepEqual(messages(volumeReadOnly, ro), []);
        const sourceOnly = clusterWithVolume({ name: "ref", persistentVolumeClaim: { claimName: "ref", readOnly: true } }, false);
        assert.equal(blocking(volumeReadOnly, sourceOnly).length, 1, "a writable mount of a read-only source is reported too");
    });

    it("a grant for one writable volume covers no second writable volume of the same RayCluster, in another group, the head or the same group", () => {
        const granted = (r: ReturnType<typeof clusterWithVolume>) => ({ grants: [grantFor(r, "checkpoints", undefined, CKPT)] });
        const addWritable = (r: any, template: any, name: string) => {
            template.spec.volumes.push({ name, persistentVolumeClaim: { claimName: name } });
            template.spec.containers[0].volumeMounts.push({ name, mountPath: `/mnt/${name}` });
            return r;
        };
        const withGroup = (r: any) => {
            r.props.spec.workerGroupSpecs.push({ ...structuredClone(r.props.spec.workerGroupSpecs[0]), groupName: "gpu" });
            return r;
        };
        const base = () => clusterWithVolume({ name: "ckpt", persistentVolumeClaim: { claimName: "ckpt" } }, false);
        const cases: [string, any, RegExp][] = [
            ["another group's volume", withGroup(base()), /spec\.workerGroupSpecs\[1\]\.template\.spec\.volumes\[\d+\]: "ckpt" mounts/],
            [
                "the head's volume",
                (() => {
                    const r = base();
                    return addWritable(r, r.props.spec.headGroupSpec.template, "scratch");
                })(),
                /spec\.headGroupSpec\.template\.spec\.volumes\[\d+\]: "scratch" mounts/,
            ],
            [
                "a second volume of the group",
                (() => {
                    const r = base();
                    return addWritable(r, r.props.spec.workerGroupSpecs[0].template, "scratch");
                })(),
                /spec\.workerGroupSpecs\[0\]\.template\.spec\.volumes\[\d+\]: "scratch" mounts/,
            ],
        ];
        for (const [what, r, rule] of cases) {
            const left = blocking(volumeReadOnly, r, granted(r));
            assert.equal(left.length, 1, `${what}: ${left.join("\n")}`);
            assert.match(left[0], rule, what);
        }
        // Reordering the lists moves indexes, never the grant.
        const reordered = withGroup(base());
        reordered.props.spec.workerGroupSpecs.reverse();
        reordered.props.spec.workerGroupSpecs[1].template.spec.volumes.reverse();
        assert.equal(blocking(volumeReadOnly, reordered, granted(reordered)).length, 1, "only the gpu group's volume, now at index 0");
        assert.match(blocking(volumeReadOnly, reordered, granted(reordered))[0], /spec\.workerGroupSpecs\[0\]\.template/);
    });

    it("refuses a path-less grant for a policy that judges parts of a resource, naming the policy and what to write", () => {
        const rw = clusterWithVolume({ name: "ckpt", persistentVolumeClaim: { claimName: "ckpt" } }, false);
        assert.throws(
            () =>
                resolvePolicyPackConfigFile(
                    { "ray-volume-read-only": { grants: [grantFor(rw)] } },
                    CHECKS.map((c) => c.id),
                ),
            /invalid policy pack config: grants\[0\]: ray-volume-read-only judges parts of a resource \(a container, a volume, a label or setting of one pod template\), so a grant must name the part with "path", the finding's objectPath in posture\.json, e\.g\. "path": "spec\.workerGroupSpecs\[groupName=cpu\]\.template\.spec\.volumes\[name=checkpoints\]"/,
        );
        assert.throws(
            () =>
                resolvePolicyPackConfigFile(
                    { "ray-pod-controllers": { grants: [grantFor(rw)] } },
                    CHECKS.map((c) => c.id),
                ),
            /grants\[0\]: ray-pod-controllers judges parts/,
        );
        assert.throws(
            () =>
                resolvePolicyPackConfigFile(
                    { "ray-volume-read-only": { grants: [grantFor(rw, "x", "a", "spec..volumes")] } },
                    CHECKS.map((c) => c.id),
                ),
            /grants\[0\]\.path: "spec\.\.volumes" is not an object path/,
        );
        // A Service is its own unit: its grant needs no path.
        assert.doesNotThrow(() =>
            resolvePolicyPackConfigFile(
                { "ray-service-not-public": { grants: [grantFor(rw)] } },
                CHECKS.map((c) => c.id),
            ),
        );
    });

    it("fails inline AccessKeys and other CSI drivers whatever the grants", () => {
        const ak = clusterWithVolume(
            { name: "o", csi: { driver: "ossplugin.csi.alibabacloud.com", readOnly: true, volumeAttributes: { akSecret: "x" } } },
            true,
        );
        const at = (name: string, rest: string) => `spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=${name}]${rest}`;
        assert.match(
            blocking(volumeReadOnly, ak, { grants: [grantFor(ak, "x", "a", at("o", ".csi.volumeAttributes.akSecret"))] }).join("\n"),
            /volumeAttributes\.akSecret: is an inline AccessKey/,
        );
        const disk = clusterWithVolume({ name: "d", csi: { driver: "diskplugin.csi.alibabacloud.com", readOnly: true } }, true);
        assert.match(
            blocking(volumeReadOnly, disk, { grants: [grantFor(disk, "x", "a", at("d", ".csi.driver"))] }).join("\n"),
            /"diskplugin\.csi\.alibabacloud\.com" is not one of/,
        );
    });

    it("fails system priority classes and control-plane placement", () => {
        const r = rayCluster("demo");
        const pod = r.props.spec.workerGroupSpecs[0].template.spec;
        pod.priorityClassName = "system-cluster-critical";
        pod.affinity = {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: "node-role.kubernetes.io/master", operator: "Exists" }] }],
                },
            },
        };
        pod.tolerations = [{ operator: "Exists" }];
        const found = blocking(podScheduling, r).join("\n");
        assert.match(found, /priorityClassName: "system-cluster-critical" must not be a system-\* priority class/);
        assert.match(
            found,
            /affinity\.nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution\.nodeSelectorTerms\[0\]\.matchExpressions\[0\]: selects control-plane nodes/,
        );
        assert.match(found, /tolerations\[0\]: tolerates the control-plane taints/);
        assert.deepEqual(messages(podScheduling, rayCluster("demo")), []);
        const job = rayJob("nightly");
        job.props.spec.submitterPodTemplate.spec.priorityClassName = "system-node-critical";
        assert.match(
            blocking(podScheduling, job).join("\n"),
            /spec\.submitterPodTemplate\.spec\.priorityClassName: "system-node-critical"/,
        );
    });

    it("applies the same pod rules to hand-written workloads: Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet and Pod", () => {
        const spec = () => ({
            priorityClassName: "system-cluster-critical",
            tolerations: [{ operator: "Exists" }],
            nodeSelector: { "node-role.kubernetes.io/control-plane": "" },
            containers: [container("app")],
            volumes: [{ name: "o", csi: { driver: "ossplugin.csi.alibabacloud.com", readOnly: true, volumeAttributes: { akId: "x" } } }],
        });
        const template = () => ({ metadata: { labels: { "app.kubernetes.io/name": "app" } }, spec: spec() });
        const cases: [string, any, string][] = [
            ["kubernetes:apps/v1:Deployment", { spec: { template: template() } }, "spec.template.spec"],
            ["kubernetes:apps/v1:StatefulSet", { spec: { template: template() } }, "spec.template.spec"],
            ["kubernetes:apps/v1:DaemonSet", { spec: { template: template() } }, "spec.template.spec"],
            ["kubernetes:apps/v1:ReplicaSet", { spec: { template: template() } }, "spec.template.spec"],
            ["kubernetes:batch/v1:Job", { spec: { template: template() } }, "spec.template.spec"],
            [
                "kubernetes:batch/v1:CronJob",
                { spec: { jobTemplate: { spec: { template: template() } } } },
                "spec.jobTemplate.spec.template.spec",
            ],
            ["kubernetes:core/v1:Pod", { spec: spec() }, "spec"],
            ["kubernetes:apps/v1:DeploymentPatch", { spec: { template: template() } }, "spec.template.spec"],
        ];
        for (const [type, props, at] of cases) {
            const r = k8s(type, { metadata: { name: "app", namespace: "ray-a" }, ...props });
            const scheduling = blocking(podScheduling, r).join("\n");
            for (const rule of [
                `${at}.priorityClassName: "system-cluster-critical" must not be a system-* priority class`,
                `${at}.tolerations[0]: tolerates the control-plane taints`,
                `${at}.nodeSelector: selects control-plane nodes`,
            ]) {
                assert.ok(scheduling.includes(rule), `${type}: ${rule}\n${scheduling}`);
            }
            assert.match(
                blocking(volumeReadOnly, r).join("\n"),
                new RegExp(`${at.replace(/\./g, "\\.")}\\.volumes\\[0\\]\\.csi\\.volumeAttributes\\.akId: is an inline AccessKey`),
                type,
            );
        }
        // A writable PVC of a hand-written workload needs the platform's grant for that volume too.
        const db = k8s("kubernetes:apps/v1:StatefulSet", {
            metadata: { name: "db", namespace: "ray-a" },
            spec: {
                template: {
                    spec: {
                        containers: [container("db", { volumeMounts: [{ name: "data", mountPath: "/data/db" }] })],
                        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "shared" } }],
                    },
                },
            },
        });
        assert.match(
            blocking(volumeReadOnly, db).join("\n"),
            /StatefulSet ray-a\/db: spec\.template\.spec\.volumes\[0\]: "data" mounts PersistentVolumeClaim "shared" writable/,
        );
        assert.deepEqual(
            blocking(volumeReadOnly, db, { grants: [grantFor(db, "its own store", "a", "spec.template.spec.volumes[name=data]")] }),
            [],
        );
    });

    it("allows only the priority classes the platform lists in the pack config", () => {
        const r = rayCluster("demo");
        r.props.spec.headGroupSpec.template.spec.priorityClassName = "team-x-high";
        const [m] = blocking(podScheduling, r);
        assert.match(
            m,
            /headGroupSpec\.template\.spec\.priorityClassName: "team-x-high" is not a priority class the platform allows \(pack config ray-pod-scheduling\.allowedPriorityClasses: none\)/,
        );
        assert.equal(throughPack(podScheduling, r).mandatory.length, 1, "mandatory in the pack");
        assert.deepEqual(blocking(podScheduling, r, { allowedPriorityClasses: ["team-x-high"] }), [], "listed by the platform: allowed");
        assert.match(
            messages(podScheduling, r, { allowedPriorityClasses: ["team-x-high"] }).join("\n"),
            /"team-x-high" is allowed by the platform/,
            "and shown",
        );
        assert.equal(blocking(podScheduling, r, { allowedPriorityClasses: ["team-x"] }).length, 1, "another class listed: still refused");
        // A platform grant for this one pod's priorityClassName covers it too (posture shows it as an exception).
        assert.deepEqual(
            blocking(podScheduling, r, {
                grants: [grantFor(r, undefined, undefined, "spec.headGroupSpec.template.spec.priorityClassName")],
            }),
            [],
        );
    });

    it("refuses a system-* class in allowedPriorityClasses and keeps refusing it in pods whatever the grants", () => {
        assert.throws(
            () => resolvePackConfig({ allowedPriorityClasses: ["system-cluster-critical"] }),
            /allowedPriorityClasses\[0\]: "system-cluster-critical" must not be a system-\* priority class/,
        );
        assert.throws(
            () => resolvePackConfig({ allowedPriorityClasses: "team-b-batch" as never }),
            /allowedPriorityClasses must be an array of class names or \{stack, name, reason\} objects/,
        );
        const r = rayCluster("demo");
        r.props.spec.workerGroupSpecs[0].template.spec.priorityClassName = "system-node-critical";
        assert.equal(
            blocking(podScheduling, r, {
                grants: [grantFor(r, undefined, undefined, "spec.workerGroupSpecs[groupName=cpu].template.spec.priorityClassName")],
            }).length,
            1,
            "a grant cannot cover a system class",
        );
    });

    it("render exits 3 when team-b's priority class is removed from the pack's allowedPriorityClasses", function () {
        this.timeout(120_000);
        const r = renderTeamBWithout("ray-pod-scheduling");
        assert.equal(r.status, 3, r.stderr);
        assert.match(r.stderr, /ray-pod-scheduling/);
    });

    it("team-b's rendered example: every option present, the writable volume granted and shown in posture", function () {
        this.timeout(120_000);
        const r = renderedStack("team-b");
        const cluster = manifests(r.out).find((o) => o.kind === "RayCluster" && o.metadata.name === "analytics")!;
        const [cpu, inference] = cluster.spec.workerGroupSpecs;
        assert.deepEqual(cpu.template.spec.imagePullSecrets, [{ name: "acr-team-b" }]);
        assert.ok(
            cpu.template.spec.volumes.some((v: any) => v.csi?.driver === "ossplugin.csi.alibabacloud.com" && v.csi.readOnly === true),
        );
        assert.ok(cpu.template.spec.topologySpreadConstraints);
        assert.equal(inference.template.spec.containers[0].resources.limits["aliyun.com/gpu-mem"], "8");
        assert.ok(cluster.spec.headGroupSpec.template.spec.affinity);
        const posture = JSON.parse(fs.readFileSync(path.join(r.out, "posture.json"), "utf8"));
        const check = posture.checks.find((c: any) => c.id === "ray-volume-read-only");
        assert.equal(check.status, "exception");
        assert.match(check.offending[0].message, /"checkpoints" mounts PersistentVolumeClaim "analytics-checkpoints" writable/);
        // The grant covers that one volume of the cpu group, and says so.
        const volume = "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=checkpoints]";
        assert.deepEqual(
            check.offending.map((o: any) => [o.objectPath, o.grantPath]),
            [[volume, volume]],
        );
        assert.ok(
            fs.readFileSync(path.join(r.out, "posture.md"), "utf8").includes(`- exception (granted at ${volume}: `),
            "posture.md shows the grant against its path",
        );
        const scheduling = posture.checks.find((c: any) => c.id === "ray-pod-scheduling");
        assert.equal(scheduling.status, "exception", "an allowed priority class is shown, not hidden");
        assert.match(
            scheduling.offending.map((o: any) => o.message).join("\n"),
            /priorityClassName: "team-b-batch" is allowed by the platform for stack team-b only \(pack config ray-pod-scheduling\.allowedPriorityClasses\): team-b's nightly analytics batch/,
        );
    });

    for (const version of ["v1.6.2", "v1.7.0"]) {
        it(`team-b's RayCluster and RayJob with the workload options pass the KubeRay ${version} CRDs (strict)`, function () {
            this.timeout(120_000);
            requireSharedData(this, path.join(KUBERAY_CRDS, version, "ray.io_rayclusters.yaml"));
            const validators = kubeRayValidators(version);
            const rays = manifests(renderedStack("team-b").out).filter((o) => o.kind === "RayCluster" || o.kind === "RayJob");
            assert.equal(rays.length, 2);
            for (const o of rays) {
                assert.ok(validators[o.kind](o), `${o.kind}/${o.metadata.name}: ${ajvErrors(validators[o.kind])}`);
            }
            // Not vacuous: a misspelt option field is caught.
            const broken = structuredClone(rays.find((o) => o.kind === "RayCluster")!);
            broken.spec.workerGroupSpecs[0].template.spec.topologySpreadConstraint = [];
            assert.equal(validators.RayCluster(broken), false);
        });
    }

    it("render exits 3 when the writable volume's grant is removed from the pack config", function () {
        this.timeout(120_000);
        const r = renderTeamBWithout("ray-volume-read-only");
        assert.equal(r.status, 3, r.stderr);
        assert.match(r.stderr, /ray-volume-read-only/);
    });
});
