/**
 * Seed 9 (and 1.6): one job, one cluster. A RayJob brings its own RayCluster, submits from a
 * Kubernetes Job rather than through a dashboard someone else can reach, tears the cluster down
 * when it finishes, and cannot run (and hold its quota) forever.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { isKind } from "../resource";

export const jobCleanup: Check = {
    kind: "resource",
    id: POLICY_IDS.jobCleanup,
    title: "RayJobs run on their own cluster and shut it down",
    seedSection: "9, 1.6",
    description:
        "seed 9, 1.6: a RayJob defines its own rayClusterSpec (no clusterSelector), uses submissionMode K8sJobMode, sets shutdownAfterJobFinishes: true, ttlSecondsAfterFinished and activeDeadlineSeconds.",
    configKeys: [],
    appliesTo: (r) => isKind(r, "ray.io", "RayJob"),
    validate(r) {
        const findings: Finding[] = [];
        const spec = r.props?.spec ?? {};
        if (spec.clusterSelector !== undefined && Object.keys(spec.clusterSelector).length > 0) {
            findings.push(
                violation(r, "spec.clusterSelector", "submits to a shared long-lived cluster; give the job its own spec.rayClusterSpec"),
            );
        } else if (spec.rayClusterSpec === undefined) {
            findings.push(violation(r, "spec.rayClusterSpec", "is not set; the job needs its own cluster"));
        }
        // The CRD defaults submissionMode to K8sJobMode, so leaving it out is the same choice.
        if (spec.submissionMode !== undefined && spec.submissionMode !== "K8sJobMode") {
            findings.push(violation(r, "spec.submissionMode", `is ${JSON.stringify(spec.submissionMode)}; must be K8sJobMode`));
        }
        if (spec.shutdownAfterJobFinishes !== true) {
            findings.push(violation(r, "spec.shutdownAfterJobFinishes", "must be true, so the job's cluster is deleted when it finishes"));
        }
        if (typeof spec.ttlSecondsAfterFinished !== "number") {
            findings.push(violation(r, "spec.ttlSecondsAfterFinished", "is not set; state how long the finished cluster is kept"));
        }
        if (typeof spec.activeDeadlineSeconds !== "number" || spec.activeDeadlineSeconds <= 0) {
            findings.push(
                violation(
                    r,
                    "spec.activeDeadlineSeconds",
                    "must be a positive number of seconds, so a stuck job cannot hold its cluster forever",
                ),
            );
        }
        return findings;
    },
};
