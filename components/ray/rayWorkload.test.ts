/**
 * One workload builder (issue 13 section 4): rayWorkloadSpec() gives a RayCluster's, a RayJob's and a
 * RayService's spec by kind, the very objects their own builders give, the image resolved from
 * the workload when none is given; the three Hardened components use it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { rayClusterSchema, rayJobSchema, rayServiceSchema } from "../config/model";
import { resolveImage } from "../images/image";
import { rayClusterSpec } from "./rayCluster";
import { rayJobSpec } from "./rayJob";
import { rayServiceSpec } from "./rayService";
import { rayWorkloadSpec } from "./rayWorkload";

const GROUP = { name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 2 };
const common = { team: "team-a", namespace: "ray-team-a", tlsFingerprint: "tls-fp", tokenFingerprint: "token-fp", kubeRayVersion: "1.6.2" };

describe("rayWorkloadSpec: one builder for RayCluster, RayJob and RayService", () => {
    const cluster = rayClusterSchema.parse({ name: "rc", workerGroups: [GROUP], autoscaling: { enabled: true } });
    const job = rayJobSchema.parse({ name: "job", workerGroups: [GROUP], entrypoint: "python main.py" });
    const service = rayServiceSchema.parse({
        name: "svc",
        workerGroups: [GROUP],
        serveConfig: { applications: [{ name: "a", import_path: "m:app", route_prefix: "/a" }] },
    });
    const image = (w: { image: { repository?: string; tag?: string; digest?: string }; rayVersion: string }) =>
        resolveImage(w.image, w.rayVersion).reference;

    it("gives each kind the spec of its own builder, with the workload's image", () => {
        assert.deepEqual(
            rayWorkloadSpec({ ...common, kind: "RayCluster", workload: cluster }),
            rayClusterSpec({ ...common, kind: "RayCluster", cluster, image: image(cluster) }),
        );
        assert.deepEqual(rayWorkloadSpec({ ...common, kind: "RayJob", workload: job }), rayJobSpec({ ...common, job, image: image(job) }));
        assert.deepEqual(
            rayWorkloadSpec({ ...common, kind: "RayService", workload: service }),
            rayServiceSpec({ ...common, service, image: image(service) }),
        );
    });

    it("keeps what differs by kind: a RayCluster's Recreate, a RayJob's submitter, a RayService's Serve config", () => {
        const rc = rayWorkloadSpec({ ...common, kind: "RayCluster", workload: cluster });
        const rj = rayWorkloadSpec({ ...common, kind: "RayJob", workload: job });
        const rs = rayWorkloadSpec({
            ...common,
            kind: "RayService",
            workload: service,
            image: "registry.example/ray/ray:2.60.0",
        }) as unknown as Record<string, any>;
        assert.deepEqual(rc.upgradeStrategy, { type: "Recreate" });
        assert.equal(rj.submissionMode, "K8sJobMode");
        assert.ok(rj.submitterPodTemplate);
        assert.equal(typeof rs.serveConfigV2, "string");
        assert.equal(
            rs.rayClusterConfig.headGroupSpec.template.spec.containers[0].image,
            "registry.example/ray/ray:2.60.0",
            "an image given wins",
        );
    });

    it("is what HardenedRayCluster, HardenedRayJob and HardenedRayService build their spec with", () => {
        for (const file of ["hardenedRayCluster.ts", "hardenedRayJob.ts", "hardenedRayService.ts"]) {
            const text = fs.readFileSync(path.join(__dirname, file), "utf8");
            assert.match(text, /rayWorkloadSpec\(\{/, file);
            assert.doesNotMatch(text, /\bray(Cluster|Job|Service)Spec\(/, file);
        }
    });
});
