/**
 * One job, one cluster (seed section 9): the RayJob creates its own RayCluster from the
 * same spec builder as a long-lived cluster, submits from a hardened Kubernetes Job and
 * tears the cluster down when the job ends.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { RayJobConfig } from "./model";
import type { RayJobSpec } from "./crds/rayV1";
import { LABELS, names, teamLabels } from "../core/naming";
import { containerSecurityContext, isolatedPodFields, resourceRequirements } from "./podSecurity";
import { podOptionFields } from "./podOptions";
import { rayClusterSpec, type RayClusterSpecInput } from "./rayCluster";

export const SUBMITTER_CONTAINER = "ray-job-submitter";

export function submitterPodLabels(team: string, job: string): Record<string, string> {
    return { ...teamLabels(team), [LABELS.cluster]: job, [LABELS.role]: "submitter" };
}

export function submitterPodTemplate(job: RayJobConfig, team: string, image: string): k8s.types.input.core.v1.PodTemplateSpec {
    // The submitter runs the cluster's image: it needs the same pull secrets, and runs at the cluster's priority.
    const { podFields } = podOptionFields({ imagePullSecrets: job.imagePullSecrets, priorityClassName: job.priorityClassName }, {}, {});
    return {
        metadata: { labels: submitterPodLabels(team, job.name) },
        spec: {
            ...podFields,
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

/**
 * KubeRay names a RayJob's cluster `<job>-<random>`, and by default its head Service after that
 * name, which the head certificate could then only cover with a namespace wildcard. KubeRay 1.6
 * takes the head Service name from `headGroupSpec.headService.metadata.name` when it is set
 * (`GenerateHeadServiceName`), for the workers' GCS address and the submitter's dashboard URL
 * alike, so the job's cluster gets the name `<job>-head-svc`, the one the RayJob controller gives
 * its own Service for the job: that controller finds it with the same selector and leaves it be.
 * Headless and not-ready-published, as KubeRay makes its default head Service.
 */
export function jobHeadService(job: string): k8s.types.input.core.v1.Service {
    return {
        metadata: { name: names.headService(job) },
        spec: { type: "ClusterIP", clusterIP: "None", publishNotReadyAddresses: true },
    };
}

export function rayJobSpec(input: RayJobSpecInput): RayJobSpec {
    const { job } = input;
    const clusterSpec = rayClusterSpec({ ...input, kind: "RayJob", cluster: job });
    const headGroupSpec = { ...clusterSpec.headGroupSpec, headService: jobHeadService(job.name) };
    return {
        entrypoint: job.entrypoint,
        submissionMode: "K8sJobMode",
        shutdownAfterJobFinishes: true,
        ttlSecondsAfterFinished: job.ttlSecondsAfterFinished,
        activeDeadlineSeconds: job.activeDeadlineSeconds,
        backoffLimit: job.backoffLimit,
        submitterConfig: { backoffLimit: job.backoffLimit },
        rayClusterSpec: { ...clusterSpec, headGroupSpec },
        submitterPodTemplate: submitterPodTemplate(job, input.team, input.image),
    };
}
