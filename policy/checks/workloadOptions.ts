/**
 * The workload options (issue 14 section 2) where they could weaken something: data volumes are
 * read-only unless the platform grants a writable one, come from ACK's OSS/NAS CSI drivers or a
 * PVC without inline AccessKeys, and pods never run at system priority or on control-plane
 * nodes. The config refuses the same at render time (common/podOptions.ts); this catches a
 * template that reaches the cluster some other way. Every pod template is judged, Ray's and a
 * hand-written Deployment's, StatefulSet's, DaemonSet's, Job's, CronJob's, ReplicaSet's or Pod's
 * alike: a rule that held for Ray pods only would be undone by a Deployment next to them.
 */
import {
    ALLOWED_CSI_DRIVERS,
    CONTROL_PLANE_LABELS,
    CSI_ACCESS_KEY_ATTRIBUTES,
    POLICY_IDS,
    controlPlaneAffinityPaths,
    priorityClassProblem,
} from "@ray-on-ack/common";
import { Check, Finding, ungrantable, violation } from "../check";
import { AllowedPriorityClass, StackPriorityClass } from "../config";
import { PolicyResource, stackOf } from "../resource";
import { PodTemplate, containersOf, podTemplates } from "../podTemplates";

const hasTemplates = (r: PolicyResource): boolean => podTemplates(r).length > 0;

function volumeFindings(r: PolicyResource, t: PodTemplate): Finding[] {
    const findings: Finding[] = [];
    const volumes: any[] = t.spec.volumes ?? [];
    volumes.forEach((v, i) => {
        const source = v?.persistentVolumeClaim ?? v?.csi;
        if (source === undefined) {
            return;
        }
        const at = `${t.specPath}.volumes[${i}]`;
        if (v.csi !== undefined) {
            if (!ALLOWED_CSI_DRIVERS.includes(v.csi.driver)) {
                findings.push(
                    ungrantable(
                        violation(r, `${at}.csi.driver`, `${JSON.stringify(v.csi.driver)} is not one of ${ALLOWED_CSI_DRIVERS.join(", ")}`),
                    ),
                );
            }
            for (const key of Object.keys(v.csi.volumeAttributes ?? {}).filter((k) => CSI_ACCESS_KEY_ATTRIBUTES.includes(k))) {
                findings.push(
                    ungrantable(
                        violation(r, `${at}.csi.volumeAttributes.${key}`, "is an inline AccessKey; use nodePublishSecretRef or RRSA"),
                    ),
                );
            }
        }
        // Every mount of the volume must be read-only too: a writable mount of a read-only source is refused by the kubelet, but say it here.
        const writableMounts = containersOf(t).filter((c) =>
            ((c.container.volumeMounts ?? []) as any[]).some((m) => m?.name === v.name && m.readOnly !== true),
        );
        if (source.readOnly !== true || writableMounts.length > 0) {
            const what = v.persistentVolumeClaim
                ? `PersistentVolumeClaim ${JSON.stringify(v.persistentVolumeClaim.claimName)}`
                : `CSI volume (${v.csi.driver})`;
            findings.push(
                violation(
                    r,
                    at,
                    `${JSON.stringify(v.name)} mounts ${what} writable; the pod's code could change or delete the data (opt-in: readOnly: false, granted for this volume's path in platform/policy-pack-config.json)`,
                ),
            );
        }
    });
    return findings;
}

export const volumeReadOnly: Check = {
    kind: "resource",
    id: POLICY_IDS.volumeReadOnly,
    title: "Data volumes are read-only",
    seedSection: "5",
    description:
        "seed 5: PersistentVolumeClaim and CSI volumes of every pod template (Ray's and hand-written workloads') are read-only at the source and at every mount unless the platform grants that one volume; CSI volumes come from ACK's OSS or NAS driver and carry no inline AccessKeys.",
    configKeys: [],
    appliesTo: hasTemplates,
    validate: (r) => podTemplates(r).flatMap((t) => volumeFindings(r, t)),
};

const ALLOWED_KEY = `pack config ${POLICY_IDS.podScheduling}.allowedPriorityClasses`;

/** The allowed classes as the platform wrote them: platform-wide names and per-stack entries. */
function allowedFor(name: string, allowed: readonly AllowedPriorityClass[]): { platformWide: boolean; stacks: StackPriorityClass[] } {
    return {
        platformWide: allowed.some((c) => c === name),
        stacks: allowed.filter((c): c is StackPriorityClass => typeof c !== "string" && c.name === name),
    };
}

/** The class names `stack` may use, for the refusal message. */
function namesFor(stack: string | undefined, allowed: readonly AllowedPriorityClass[]): string[] {
    return [...new Set(allowed.flatMap((c) => (typeof c === "string" ? [c] : stack !== undefined && c.stack === stack ? [c.name] : [])))];
}

function priorityClassFinding(
    r: PolicyResource,
    t: PodTemplate,
    allowed: readonly AllowedPriorityClass[],
    stack: string | undefined,
): Finding | undefined {
    const name: unknown = t.spec.priorityClassName;
    if (name === undefined) {
        return undefined;
    }
    const at = `${t.specPath}.priorityClassName`;
    const why = typeof name === "string" ? priorityClassProblem(name) : "must be a string";
    if (why !== undefined) {
        return ungrantable(violation(r, at, `${JSON.stringify(name)} ${why}`));
    }
    const quoted = JSON.stringify(name);
    const { platformWide, stacks } = allowedFor(name as string, allowed);
    // Allowed, and still a weaker setting than the default class: the posture report shows it.
    if (platformWide) {
        return { ...violation(r, at, `${quoted} is allowed by the platform to every stack (${ALLOWED_KEY})`), notice: true };
    }
    // Per-stack: judged against the stack being checked, never against what the stack file claims (it names the class, not who may use it).
    const granted = stack === undefined ? undefined : stacks.find((c) => c.stack === stack);
    if (granted !== undefined) {
        return {
            ...violation(r, at, `${quoted} is allowed by the platform for stack ${stack} only (${ALLOWED_KEY}): ${granted.reason}`),
            notice: true,
        };
    }
    if (stacks.length > 0) {
        const owners = [...new Set(stacks.map((c) => c.stack))].join(", ");
        const judged = stack === undefined ? "the stack being judged is unknown, so no per-stack entry applies" : `this is stack ${stack}`;
        return violation(
            r,
            at,
            `${quoted} is allowed only for stack ${owners} (${ALLOWED_KEY}); ${judged}: a class granted to another team would let these pods preempt other teams'`,
        );
    }
    // Any other class may outrank other teams' pods: only the classes the platform lists are allowed.
    const listed = namesFor(stack, allowed);
    return violation(
        r,
        at,
        `${quoted} is not a priority class the platform allows (${ALLOWED_KEY}: ${listed.length > 0 ? listed.join(", ") : "none"}); a higher class would let these pods preempt other teams'`,
    );
}

function schedulingFindings(
    r: PolicyResource,
    t: PodTemplate,
    allowedPriorityClasses: readonly AllowedPriorityClass[],
    stack: string | undefined,
): Finding[] {
    const findings: Finding[] = [];
    const pod = t.spec;
    const priority = priorityClassFinding(r, t, allowedPriorityClasses, stack);
    if (priority !== undefined) {
        findings.push(priority);
    }
    for (const key of Object.keys(pod.nodeSelector ?? {}).filter((k) => CONTROL_PLANE_LABELS.includes(k))) {
        findings.push(violation(r, `${t.specPath}.nodeSelector`, `selects control-plane nodes (${key}); team pods run user code`));
    }
    for (const p of controlPlaneAffinityPaths(pod.affinity)) {
        findings.push(violation(r, `${t.specPath}.affinity.${p}`, "selects control-plane nodes; team pods run user code"));
    }
    ((pod.tolerations ?? []) as any[]).forEach((tol, i) => {
        if (tol?.key === undefined || tol.key === "" || CONTROL_PLANE_LABELS.includes(tol.key)) {
            findings.push(
                violation(
                    r,
                    `${t.specPath}.tolerations[${i}]`,
                    "tolerates the control-plane taints (a toleration without a key tolerates every taint); team pods run user code",
                ),
            );
        }
    });
    return findings;
}

export const podScheduling: Check = {
    kind: "resource",
    id: POLICY_IDS.podScheduling,
    title: "Pods stay off control-plane nodes and use only allowed priority classes",
    seedSection: "5",
    description:
        "seed 5: every pod template (Ray head, worker and RayJob submitter, and any hand-written workload) neither selects nor tolerates control-plane nodes (nodeSelector, node affinity, tolerations), uses no system-* priority class, and names only the priority classes the pack's allowedPriorityClasses allows every stack or the stack being judged.",
    configKeys: ["allowedPriorityClasses"],
    appliesTo: hasTemplates,
    validate: (r, config, context) =>
        podTemplates(r).flatMap((t) => schedulingFindings(r, t, config.allowedPriorityClasses, stackOf(r, context))),
};
