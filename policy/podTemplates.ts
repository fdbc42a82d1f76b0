/**
 * Every pod template a resource carries, wherever it lives, with the path messages point at.
 * KubeRay nests them (head, worker groups, a RayJob's cluster and submitter) and adds an
 * autoscaler container that only exists as `spec.autoscalerOptions`; checks that walk
 * containers must see it too, or the head pod's sidecar escapes every rule.
 */
import { PolicyResource, isKind } from "./resource";

export type PodRole = "head" | "worker" | "submitter" | "pod";

/** A RayCluster spec: a RayCluster's `spec`, a RayJob's `spec.rayClusterSpec`, a RayService's `spec.rayClusterConfig`. */
export interface RayClusterSpecRef {
    path: string;
    spec: any;
}

export interface PodTemplate {
    /** Path of the pod spec, e.g. `spec.headGroupSpec.template.spec` (`spec` for a Pod). */
    specPath: string;
    spec: any;
    /** Path of the pod's metadata (labels, annotations), e.g. `spec.headGroupSpec.template.metadata` (`metadata` for a Pod). */
    metadataPath: string;
    metadata: any;
    role: PodRole;
    /** The cluster spec a head or worker template belongs to. */
    rayCluster?: RayClusterSpecRef;
}

export interface ContainerRef {
    /** Path of the container, e.g. `spec.workerGroupSpecs[0].template.spec.containers[0]` or `spec.autoscalerOptions`. */
    path: string;
    name: string;
    /** For the autoscaler, `spec.autoscalerOptions`, whose fields are named like a container's. */
    container: any;
    kind: "container" | "initContainer" | "ephemeralContainer" | "autoscaler";
    /** Processes that speak Ray's gRPC: containers[0] of a head or worker pod (KubeRay's Ray container) and the autoscaler. */
    isRay: boolean;
}

const TEMPLATE_WORKLOADS: ReadonlyArray<[string, string]> = [
    ["apps", "Deployment"],
    ["apps", "StatefulSet"],
    ["apps", "DaemonSet"],
    ["apps", "ReplicaSet"],
    ["batch", "Job"],
    ["core", "ReplicationController"],
];

export function isRayResource(r: PolicyResource): boolean {
    return isKind(r, "ray.io", "RayCluster") || isKind(r, "ray.io", "RayJob") || isKind(r, "ray.io", "RayService");
}

export function rayClusterSpecs(r: PolicyResource): RayClusterSpecRef[] {
    const spec = r.props?.spec;
    if (isKind(r, "ray.io", "RayCluster")) {
        return spec ? [{ path: "spec", spec }] : [];
    }
    if (isKind(r, "ray.io", "RayJob")) {
        return spec?.rayClusterSpec ? [{ path: "spec.rayClusterSpec", spec: spec.rayClusterSpec }] : [];
    }
    if (isKind(r, "ray.io", "RayService")) {
        return spec?.rayClusterConfig ? [{ path: "spec.rayClusterConfig", spec: spec.rayClusterConfig }] : [];
    }
    return [];
}

function fromTemplate(path: string, template: any, role: PodRole, rayCluster?: RayClusterSpecRef): PodTemplate[] {
    if (!template) {
        return [];
    }
    return [
        {
            specPath: `${path}.spec`,
            spec: template.spec ?? {},
            metadataPath: `${path}.metadata`,
            metadata: template.metadata ?? {},
            role,
            rayCluster,
        },
    ];
}

export function podTemplates(r: PolicyResource): PodTemplate[] {
    const props = r.props ?? {};
    if (isKind(r, "core", "Pod")) {
        return [{ specPath: "spec", spec: props.spec ?? {}, metadataPath: "metadata", metadata: props.metadata ?? {}, role: "pod" }];
    }
    if (TEMPLATE_WORKLOADS.some(([group, kind]) => isKind(r, group, kind))) {
        return fromTemplate("spec.template", props.spec?.template, "pod");
    }
    if (isKind(r, "batch", "CronJob")) {
        return fromTemplate("spec.jobTemplate.spec.template", props.spec?.jobTemplate?.spec?.template, "pod");
    }
    const templates: PodTemplate[] = [];
    for (const cluster of rayClusterSpecs(r)) {
        templates.push(...fromTemplate(`${cluster.path}.headGroupSpec.template`, cluster.spec.headGroupSpec?.template, "head", cluster));
        const groups: any[] = cluster.spec.workerGroupSpecs ?? [];
        groups.forEach((group, i) => {
            templates.push(...fromTemplate(`${cluster.path}.workerGroupSpecs[${i}].template`, group?.template, "worker", cluster));
        });
    }
    if (isKind(r, "ray.io", "RayJob")) {
        templates.push(...fromTemplate("spec.submitterPodTemplate", props.spec?.submitterPodTemplate, "submitter"));
    }
    return templates;
}

/** The autoscaler sidecar KubeRay adds to the head pod when in-tree autoscaling is on. */
export function autoscalerOf(cluster: RayClusterSpecRef): ContainerRef | undefined {
    if (cluster.spec.enableInTreeAutoscaling !== true) {
        return undefined;
    }
    return {
        path: `${cluster.path}.autoscalerOptions`,
        name: "autoscaler",
        container: cluster.spec.autoscalerOptions ?? {},
        kind: "autoscaler",
        isRay: true,
    };
}

export function containersOf(t: PodTemplate): ContainerRef[] {
    const refs: ContainerRef[] = [];
    const lists = [
        ["containers", "container"],
        ["initContainers", "initContainer"],
        ["ephemeralContainers", "ephemeralContainer"],
    ] as const;
    for (const [field, kind] of lists) {
        const containers: any[] = t.spec[field] ?? [];
        containers.forEach((container, i) => {
            refs.push({
                path: `${t.specPath}.${field}[${i}]`,
                name: container?.name ?? `#${i}`,
                container: container ?? {},
                kind,
                isRay: kind === "container" && i === 0 && (t.role === "head" || t.role === "worker"),
            });
        });
    }
    const autoscaler = t.role === "head" && t.rayCluster ? autoscalerOf(t.rayCluster) : undefined;
    if (autoscaler) {
        refs.push(autoscaler);
    }
    return refs;
}

/** Resources that carry pod templates; the pod-level checks apply to them. */
export function hasPodTemplates(r: PolicyResource): boolean {
    return podTemplates(r).length > 0;
}
