/**
 * ray-volume-mounts (issue 22 section 4): every mount is the builders' own or inside a data root
 * the platform allows; nothing mounts over the image's runtime.
 */
import * as assert from "assert";
import { volumeMounts } from "./volumeMounts";
import { NS, blocking, container, grantFor, k8s, messages, rayCluster, rayJob, throughPack } from "../../test/fixtures/policy";

/** A fixture RayCluster whose worker container also mounts `volume` at `mountPath`. */
function withMount(volume: any, mountPath: string, where: "containers" | "initContainers" = "containers") {
    const r = rayCluster();
    const pod = r.props.spec.workerGroupSpecs[0].template.spec;
    pod.volumes.push(volume);
    if (where === "initContainers") {
        pod.initContainers = [container("init", { volumeMounts: [{ name: volume.name, mountPath }] })];
    } else {
        pod.containers[0].volumeMounts.push({ name: volume.name, mountPath });
    }
    return r;
}

const pvc = (name: string) => ({ name, persistentVolumeClaim: { claimName: name, readOnly: true } });

describe("policy ray-volume-mounts (seed 2)", () => {
    it("passes the builders' own mounts (the autoscaler's token included) and mounts inside the data roots", () => {
        const rc = withMount(pvc("data"), "/mnt/data");
        const head = rc.props.spec.headGroupSpec.template.spec;
        head.volumes.push(
            { name: "ray-tmp", emptyDir: {} },
            { name: "dshm", emptyDir: { medium: "Memory" } },
            { name: "home-cache", emptyDir: {} },
        );
        head.containers[0].volumeMounts.push(
            { name: "ray-tmp", mountPath: "/tmp/ray" },
            { name: "dshm", mountPath: "/dev/shm" },
            { name: "home-cache", mountPath: "/home/ray/.cache" },
        );
        assert.deepStrictEqual(messages(volumeMounts, [rc, rayJob(), withMount(pvc("sets"), "/data/sets/a")]), []);
    });

    it("refuses a mount over the runtime, the system or Ray's directories, naming the volume, the path and the roots", () => {
        const rc = withMount(pvc("site"), "/home/ray/anaconda3/lib/python3.11/site-packages");
        assert.deepStrictEqual(blocking(volumeMounts, rc), [
            'RayCluster ray-a/demo: spec.workerGroupSpecs[0].template.spec.containers[0].volumeMounts[2]: "site" at "/home/ray/anaconda3/lib/python3.11/site-packages" is not inside a data root the platform allows (ray-volume-mounts.allowedMountRoots: /mnt/, /data/): a volume anywhere else can hide or replace what the image runs (container "ray-worker")',
        ]);
        assert.equal(throughPack(volumeMounts, rc).mandatory.length, 1, "mandatory in the pack");
        for (const p of [
            "/usr/bin",
            "/etc/ssl/certs",
            "/tmp/ray/session_latest",
            "/var/run/secrets/kubernetes.io/serviceaccount",
            "/mnt",
            "/mnt/../usr",
            "/mnt/data/",
            "mnt/data",
        ]) {
            assert.equal(blocking(volumeMounts, withMount(pvc("x"), p)).length, 1, p);
        }
        // The platform's roots decide.
        assert.deepStrictEqual(blocking(volumeMounts, withMount(pvc("x"), "/srv/x"), { allowedMountRoots: ["/mnt/", "/data/"] }).length, 1);
        assert.deepStrictEqual(blocking(volumeMounts, withMount(pvc("x"), "/mnt/x"), { allowedMountRoots: ["/data/"] }).length, 1);
    });

    it("takes a builder mount by name, path and source together: a team volume named like one is judged as a team volume", () => {
        // A PVC named tmp at /tmp (the working directory), a PVC named ray-tls over the TLS material.
        const tmp = rayCluster();
        tmp.props.spec.workerGroupSpecs[0].template.spec.volumes[0] = { name: "tmp", persistentVolumeClaim: { claimName: "code" } };
        assert.match(blocking(volumeMounts, tmp).join("\n"), /"tmp" at "\/tmp" is not inside a data root/);
        const tls = rayCluster();
        tls.props.spec.workerGroupSpecs[0].template.spec.volumes[1] = { name: "ray-tls", emptyDir: {} };
        assert.match(blocking(volumeMounts, tls).join("\n"), /"ray-tls" at "\/etc\/ray\/tls" is not inside a data root/);
        // The builders' name at another path.
        assert.match(blocking(volumeMounts, withMount({ name: "dshm", emptyDir: {} }, "/usr/lib")).join("\n"), /"dshm" at "\/usr\/lib"/);
    });

    it("judges init containers, the autoscaler, volume devices and hand-written workloads", () => {
        assert.match(
            blocking(volumeMounts, withMount(pvc("x"), "/opt/conda", "initContainers")).join("\n"),
            /initContainers\[0\]\.volumeMounts\[0\]: "x" at "\/opt\/conda"/,
        );
        const rc = rayCluster();
        rc.props.spec.autoscalerOptions.volumeMounts.push({ name: "ray-tls", mountPath: "/usr/local/bin" });
        assert.match(
            blocking(volumeMounts, rc).join("\n"),
            /spec\.autoscalerOptions\.volumeMounts\[2\]: "ray-tls" at "\/usr\/local\/bin" .*\(container "autoscaler"\)/,
        );
        const dev = rayCluster();
        dev.props.spec.workerGroupSpecs[0].template.spec.containers[0].volumeDevices = [{ name: "disk", devicePath: "/usr/bin/python3" }];
        assert.match(
            blocking(volumeMounts, dev).join("\n"),
            /volumeDevices\[0\]: "disk" at "\/usr\/bin\/python3" is not inside a data root/,
        );
        const cron = k8s("kubernetes:batch/v1:CronJob", {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "nightly", namespace: NS },
            spec: {
                jobTemplate: {
                    spec: {
                        template: {
                            spec: {
                                containers: [container("job", { volumeMounts: [{ name: "cfg", mountPath: "/etc/profile.d" }] })],
                                volumes: [{ name: "cfg", configMap: { name: "cfg" } }],
                            },
                        },
                    },
                },
            },
        });
        assert.match(
            blocking(volumeMounts, cron).join("\n"),
            /^CronJob ray-a\/nightly: spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]\.volumeMounts\[0\]: "cfg" at "\/etc\/profile\.d"/,
        );
    });

    it("takes a grant for one mount's path only", () => {
        const rc = withMount(pvc("cfg"), "/etc/app");
        rc.props.spec.workerGroupSpecs[0].template.spec.containers[0].volumeMounts.push({ name: "cfg", mountPath: "/etc/other" });
        const path = "spec.workerGroupSpecs[groupName=cpu].template.spec.containers[name=ray-worker].volumeMounts[mountPath=/etc/app]";
        const left = blocking(volumeMounts, rc, { grants: [grantFor(rc, "the app's config", "a", path)] });
        assert.deepStrictEqual(left.length, 1);
        assert.match(left[0], /"cfg" at "\/etc\/other"/);
    });
});
