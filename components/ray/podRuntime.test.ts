/**
 * What a Ray container finds at start-up (docs/configuration.md "Pod runtime"): a writable working
 * directory, the object store on /dev/shm, a bounded /tmp/ray, caches off the read-only
 * home, the CUDA image on GPU groups, autoscaler v2, no preStop, and Recreate on rotation.
 */
import { strict as assert } from "assert";
import { rayClusterSpec } from "./rayCluster";
import { placeObjectStore } from "./objectStore";
import { parseQuantity } from "../core/quantities";
import { MIN_KUBERAY_VERSION, type RayClusterConfig } from "../config/model";
import { MIN_KUBERAY_VERSION as COMMON_MIN_KUBERAY_VERSION } from "@ray-on-ack/common";
import { validateStackConfig } from "../config/validate";
import { minimalTeam } from "../../test/helpers/configs";

const GiB = 2 ** 30;

function clusterOf(clusterOverrides: Record<string, unknown>, teamOverrides: Record<string, unknown> = {}): RayClusterConfig {
    const r = validateStackConfig(minimalTeam({ clusters: [{ name: "c1", ...clusterOverrides }], ...teamOverrides }));
    if (!r.ok || r.value.kind !== "team") {
        throw new Error(JSON.stringify(r));
    }
    return r.value.config.clusters[0];
}

function issuesOf(clusterOverrides: Record<string, unknown>): string[] {
    const r = validateStackConfig(minimalTeam({ clusters: [{ name: "c1", ...clusterOverrides }] }));
    return r.ok ? [] : r.issues.map((i) => `${i.key}: ${i.message}`);
}

function spec(cluster: RayClusterConfig, kind: "RayCluster" | "RayJob" = "RayCluster"): Record<string, any> {
    return rayClusterSpec({
        kind,
        cluster,
        team: "team-x",
        namespace: "ray-team-x",
        image: "docker.io/rayproject/ray:2.60.0",
        tlsFingerprint: "f",
        tokenFingerprint: "t",
        kubeRayVersion: "1.6.2",
    });
}

const groups = (extra: Record<string, unknown>[] = []) => [{ name: "cpu", cpu: "8", memory: "16Gi" }, ...extra];
const templates = (s: Record<string, any>) => [s.headGroupSpec.template, ...s.workerGroupSpecs.map((g: any) => g.template)];
const volume = (t: Record<string, any>, name: string) => t.spec.volumes.find((v: any) => v.name === name);

describe("pod runtime", () => {
    it("starts every Ray container in a writable working directory backed by an emptyDir", () => {
        for (const t of templates(spec(clusterOf({ workerGroups: groups() })))) {
            const c = t.spec.containers[0];
            assert.equal(c.workingDir, "/tmp");
            const mount = c.volumeMounts.find((m: any) => m.mountPath === c.workingDir);
            assert.ok(mount && !mount.readOnly && volume(t, mount.name).emptyDir, "workingDir is a writable emptyDir mount");
            assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        }
    });

    it("sizes /dev/shm from Ray's default object store and passes object-store-memory explicitly", () => {
        const s = spec(clusterOf({ workerGroups: groups() }));
        const worker = s.workerGroupSpecs[0];
        const store = Number(worker.rayStartParams["object-store-memory"]);
        assert.equal(store, Math.floor(16 * GiB * 0.3));
        const shm = parseQuantity(volume(worker.template, "dshm").emptyDir.sizeLimit)!;
        assert.equal(volume(worker.template, "dshm").emptyDir.medium, "Memory");
        assert.ok(shm >= store, `shm ${shm} must hold the object store ${store}`);
        // the head too (8Gi default memory)
        const head = s.headGroupSpec;
        assert.ok(parseQuantity(volume(head.template, "dshm").emptyDir.sizeLimit)! >= Number(head.rayStartParams["object-store-memory"]));
    });

    it("caps the object store at Ray's 10 GB and still fits it in /dev/shm", () => {
        const p = placeObjectStore("256Gi");
        assert.equal(p.objectStoreBytes, 10 * 1000 ** 3);
        assert.ok(parseQuantity(p.shmSize)! >= p.objectStoreBytes);
    });

    it("shrinks the object store to fit an explicit shmSize", () => {
        const s = spec(clusterOf({ workerGroups: groups([{ name: "gpu", cpu: "8", memory: "48Gi", gpu: 1, shmSize: "8Gi" }]) }));
        const g = s.workerGroupSpecs[1];
        assert.equal(volume(g.template, "dshm").emptyDir.sizeLimit, "8Gi");
        const store = Number(g.rayStartParams["object-store-memory"]);
        assert.ok(store <= 8 * GiB * 0.9 && store > 7 * GiB, `object store ${store} fits 8Gi with headroom`);
    });

    it("refuses a shmSize above the memory limit, and an object store below Ray's minimum", () => {
        assert.ok(
            issuesOf({ workerGroups: [{ name: "cpu", cpu: "1", memory: "2Gi", shmSize: "4Gi" }] }).some((i) =>
                /workerGroups\[0\]\.shmSize: 4Gi is larger than memory 2Gi/.test(i),
            ),
        );
        assert.ok(
            issuesOf({ workerGroups: [{ name: "cpu", cpu: "1", memory: "2Gi", shmSize: "64Mi" }] }).some((i) =>
                /workerGroups\[0\]\.shmSize: .*at least 75Mi/.test(i),
            ),
        );
        assert.ok(issuesOf({ head: { memory: "128Mi" }, workerGroups: groups() }).some((i) => /head\.memory: .*at least 75Mi/.test(i)));
    });

    it("bounds /tmp/ray with a sizeLimit (default 10Gi, configurable)", () => {
        const s = spec(clusterOf({ workerGroups: groups([{ name: "big", cpu: "1", memory: "4Gi", rayTmpSize: "50Gi" }]) }));
        assert.equal(volume(s.headGroupSpec.template, "ray-tmp").emptyDir.sizeLimit, "10Gi");
        assert.equal(volume(s.workerGroupSpecs[1].template, "ray-tmp").emptyDir.sizeLimit, "50Gi");
    });

    it("points every cache a Ray job's libraries use into the writable ~/.cache", () => {
        for (const t of templates(spec(clusterOf({ workerGroups: groups() })))) {
            const c = t.spec.containers[0];
            const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
            const writable = c.volumeMounts.filter((m: any) => !m.readOnly && volume(t, m.name).emptyDir).map((m: any) => m.mountPath);
            for (const name of [
                "XDG_CACHE_HOME",
                "XDG_CONFIG_HOME",
                "TRITON_CACHE_DIR",
                "CONDA_PKGS_DIRS",
                "CUDA_CACHE_PATH",
                "MPLCONFIGDIR",
            ]) {
                assert.ok(env[name], `${name} is set`);
                assert.ok(
                    writable.some((dir: string) => env[name] === dir || env[name].startsWith(`${dir}/`)),
                    `${name}=${env[name]} is under a writable mount`,
                );
            }
        }
    });

    it("gives GPU groups the CUDA (-gpu) image, and a group its own image when it asks", () => {
        const s = spec(
            clusterOf({
                workerGroups: groups([
                    { name: "gpu", cpu: "8", memory: "48Gi", gpu: 1 },
                    { name: "custom", cpu: "1", memory: "4Gi", image: { tag: "2.60.0-py311" } },
                ]),
            }),
        );
        assert.equal(s.headGroupSpec.template.spec.containers[0].image, "docker.io/rayproject/ray:2.60.0");
        assert.equal(s.workerGroupSpecs[0].template.spec.containers[0].image, "docker.io/rayproject/ray:2.60.0");
        assert.equal(s.workerGroupSpecs[1].template.spec.containers[0].image, "docker.io/rayproject/ray:2.60.0-gpu");
        assert.equal(s.workerGroupSpecs[2].template.spec.containers[0].image, "docker.io/rayproject/ray:2.60.0-py311");
    });

    it("requires a GPU group's own pinned image when the cluster pins a digest, and applies the image rules to group images", () => {
        const digest = `sha256:${"a".repeat(64)}`;
        const gpu = { name: "gpu", cpu: "8", memory: "48Gi", gpu: 1 };
        assert.ok(
            issuesOf({ image: { digest }, workerGroups: groups([gpu]) }).some((i) =>
                /workerGroups\[1\]\.image\.digest: is required: the cluster pins its image by digest/.test(i),
            ),
        );
        // Each pinned image must be one the platform has verified (ray-image-tag-pinned.allowedDigests).
        assert.deepEqual(
            issuesOf({ image: { digest }, workerGroups: groups([{ ...gpu, image: { digest: `sha256:${"b".repeat(64)}` } }]) }).filter(
                (i) => !/is not a digest the platform has verified/.test(i),
            ),
            [],
        );
        assert.ok(
            issuesOf({ workerGroups: groups([{ ...gpu, image: { tag: "latest" } }]) }).some((i) =>
                /workerGroups\[1\]\.image\.tag: the tag 'latest' is refused/.test(i),
            ),
        );
        assert.ok(
            issuesOf({ workerGroups: groups([{ ...gpu, image: { repository: "docker.io/evil/ray" } }]) }).some((i) =>
                /workerGroups\[1\]\.image\.repository: .*allowedRegistries/.test(i),
            ),
        );
    });

    it("pins autoscaler v2 and drops the preStop ray stop", () => {
        const s = spec(
            clusterOf({ workerGroups: groups(), autoscaling: { enabled: true } }, { network: { apiServerCidrs: ["10.0.0.1/32"] } }),
        );
        assert.equal(s.autoscalerOptions.version, "v2");
        for (const t of templates(s)) {
            assert.equal(t.spec.containers[0].lifecycle, undefined);
        }
    });

    it("gives the autoscaler a pending-worker idle timeout, so a starting worker cannot stand in for the running minReplicas one", () => {
        const env = (idle?: number) => {
            const autoscaling = idle === undefined ? { enabled: true } : { enabled: true, idleTimeoutSeconds: idle };
            const s = spec(clusterOf({ workerGroups: groups(), autoscaling }, { network: { apiServerCidrs: ["10.0.0.1/32"] } }));
            return s.autoscalerOptions.env.find((e: any) => e.name === "RAY_AUTOSCALER_PENDING_NODE_IDLE_TIMEOUT_S")?.value;
        };
        // half the idle timeout: the unneeded pending worker times out before the idle running one
        assert.equal(env(), "30");
        assert.equal(env(30), "15");
        assert.equal(env(1), "1");
        // the TLS variables stay
        const s = spec(
            clusterOf({ workerGroups: groups(), autoscaling: { enabled: true } }, { network: { apiServerCidrs: ["10.0.0.1/32"] } }),
        );
        assert.ok(s.autoscalerOptions.env.some((e: any) => e.name === "RAY_USE_TLS" && e.value === "1"));
    });

    it("sets upgradeStrategy Recreate on every RayCluster, KubeRay 1.6 included, and refuses older operators", () => {
        const cluster = clusterOf({ workerGroups: groups() });
        assert.deepEqual(spec(cluster).upgradeStrategy, { type: "Recreate" });
        assert.equal(spec(cluster, "RayJob").upgradeStrategy, undefined);
        assert.equal(MIN_KUBERAY_VERSION, COMMON_MIN_KUBERAY_VERSION, "the config's floor is the pack's (common/versions.ts)");
        assert.ok(validateStackConfig(minimalTeam({ kubeRayVersion: MIN_KUBERAY_VERSION })).ok, "the floor itself");
        const r = validateStackConfig(minimalTeam({ kubeRayVersion: "1.5.1" }));
        assert.ok(
            !r.ok &&
                r.issues.some((i) => i.key === "ray-on-ack:kubeRayVersion" && i.message.startsWith(`must be >= ${MIN_KUBERAY_VERSION}: `)),
            JSON.stringify(r),
        );
    });
});
