/**
 * One job, one cluster (seed section 9): the RayJob creates its own RayCluster from the
 * same spec builder as a long-lived cluster, submits from a hardened Kubernetes Job and
 * tears the cluster down when the job ends.
 */
import type { RayJobConfig } from "../config/schema";
import { LABELS, names, teamLabels } from "../naming";
import { containerSecurityContext, isolatedPodFields, resourceRequirements } from "./podSecurity";
import { rayClusterSpec, type RayClusterSpecInput } from "./rayCluster";

export const SUBMITTER_CONTAINER = "ray-job-submitter";

export function submitterPodLabels(team: string, job: string): Record<string, string> {
    return { ...teamLabels(team), [LABELS.cluster]: job, [LABELS.role]: "submitter" };
}

export function submitterPodTemplate(job: RayJobConfig, team: string, image: string): Record<string, unknown> {
    return {
        metadata: { labels: submitterPodLabels(team, job.name) },
        spec: {
            ...isolatedPodFields(names.serviceAccount(job.name, "submitter")),
            restartPolicy: "Never",
            containers: [
                {
                    // KubeRay fills in the `ray job submit` command; everything else is ours.
                    name: SUBMITTER_CONTAINER,
                    image,
                    imagePullPolicy: "IfNotPresent",
                    resources: resourceRequirements(job.submitter.cpu, job.submitter.memory),
                    securityContext: containerSecurityContext(),
                    volumeMounts: [
                        { name: "tmp", mountPath: "/tmp" },
                        { name: "home-cache", mountPath: "/home/ray/.cache" },
                    ],
                },
            ],
            volumes: [
                { name: "tmp", emptyDir: {} },
                { name: "home-cache", emptyDir: {} },
            ],
        },
    };
}

export interface RayJobSpecInput extends Omit<RayClusterSpecInput, "kind" | "cluster"> {
    readonly job: RayJobConfig;
}

export function rayJobSpec(input: RayJobSpecInput): Record<string, unknown> {
    const { job } = input;
    return {
        entrypoint: job.entrypoint,
        submissionMode: "K8sJobMode",
        shutdownAfterJobFinishes: true,
        ttlSecondsAfterFinished: job.ttlSecondsAfterFinished,
        activeDeadlineSeconds: job.activeDeadlineSeconds,
        backoffLimit: job.backoffLimit,
        submitterConfig: { backoffLimit: job.backoffLimit },
        rayClusterSpec: rayClusterSpec({ ...input, kind: "RayJob", cluster: job }),
        submitterPodTemplate: submitterPodTemplate(job, input.team, input.image),
    };
}
