/**
 * Seed 5: every pod template meets the Kubernetes Pod Security Standard `restricted`, runs with a
 * read-only root filesystem, and mounts no host path at all.
 * Checking templates here, and not only at admission, catches the violation at preview time
 * with the path to fix, and covers the autoscaler sidecar KubeRay builds from autoscalerOptions.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { PolicyResource, isKind } from "../resource";
import { ContainerRef, PodTemplate, containersOf, podTemplates } from "../podTemplates";

const hasTemplates = (r: PolicyResource): boolean => podTemplates(r).length > 0;

const SECCOMP_ALLOWED = ["RuntimeDefault", "Localhost"];
const APPARMOR_ALLOWED = ["RuntimeDefault", "Localhost"];
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
/**
 * The volume types restricted allows, plus hostPath: ray-hostpath-restricted owns that one, so a
 * mount is reported once, by the policy that says how to fix it.
 */
const VOLUME_TYPES = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
    "hostPath",
];

/** SELinux and AppArmor settings are allowed at pod and container level alike. */
function labelFindings(r: PolicyResource, sc: any, scPath: string, who: string): Finding[] {
    const findings: Finding[] = [];
    const se = sc.seLinuxOptions;
    if (se) {
        if (se.type !== undefined && !SELINUX_TYPES.includes(se.type)) {
            findings.push(
                violation(
                    r,
                    `${scPath}.seLinuxOptions.type`,
                    `is ${JSON.stringify(se.type)}; only container_t, container_init_t, container_kvm_t or container_engine_t${who}`,
                ),
            );
        }
        for (const field of ["user", "role"]) {
            if (se[field] !== undefined && se[field] !== "") {
                findings.push(violation(r, `${scPath}.seLinuxOptions.${field}`, `must not be set${who}`));
            }
        }
    }
    const appArmor = sc.appArmorProfile?.type;
    if (appArmor !== undefined && !APPARMOR_ALLOWED.includes(appArmor)) {
        findings.push(
            violation(r, `${scPath}.appArmorProfile.type`, `is ${JSON.stringify(appArmor)}; must be RuntimeDefault or Localhost${who}`),
        );
    }
    return findings;
}

function podFindings(r: PolicyResource, t: PodTemplate): Finding[] {
    const findings: Finding[] = [];
    const pod = t.spec;
    const psc = pod.securityContext ?? {};
    const scPath = `${t.specPath}.securityContext`;
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (pod[field] === true) {
            findings.push(violation(r, `${t.specPath}.${field}`, "must not be true"));
        }
    }
    if (pod.shareProcessNamespace === true) {
        // Not part of Pod Security restricted, but the same kind of wall: a shared PID namespace
        // shows every container the others' processes, /proc/<pid>/environ (the Ray token) and root filesystems.
        findings.push(
            violation(
                r,
                `${t.specPath}.shareProcessNamespace`,
                "must not be true; containers would see each other's processes, environment and files",
            ),
        );
    }
    if (psc.runAsUser === 0) {
        findings.push(violation(r, `${scPath}.runAsUser`, "is 0 (root)"));
    }
    const seccomp = psc.seccompProfile?.type;
    if (seccomp !== undefined && !SECCOMP_ALLOWED.includes(seccomp)) {
        findings.push(violation(r, `${scPath}.seccompProfile.type`, `is ${JSON.stringify(seccomp)}; must be RuntimeDefault or Localhost`));
    }
    const sysctls: any[] = psc.sysctls ?? [];
    sysctls.forEach((s, i) => {
        if (!SAFE_SYSCTLS.includes(s?.name)) {
            findings.push(violation(r, `${scPath}.sysctls[${i}]`, `${JSON.stringify(s?.name)} is not a safe sysctl`));
        }
    });
    findings.push(...labelFindings(r, psc, scPath, ""));
    const volumes: any[] = pod.volumes ?? [];
    volumes.forEach((v, i) => {
        const type = Object.keys(v ?? {}).find((k) => k !== "name");
        if (type !== undefined && !VOLUME_TYPES.includes(type)) {
            findings.push(
                violation(
                    r,
                    `${t.specPath}.volumes[${i}]`,
                    `${JSON.stringify(v.name)} is a ${type} volume, which Pod Security restricted forbids`,
                ),
            );
        }
    });
    return findings;
}

function containerFindings(r: PolicyResource, t: PodTemplate, c: ContainerRef): Finding[] {
    const findings: Finding[] = [];
    const psc = t.spec.securityContext ?? {};
    const sc = c.container.securityContext ?? {};
    const scPath = `${c.path}.securityContext`;
    const who = ` (container "${c.name}")`;
    if (sc.privileged === true) {
        findings.push(violation(r, `${scPath}.privileged`, `must not be true${who}`));
    }
    if (sc.allowPrivilegeEscalation !== false) {
        findings.push(violation(r, `${scPath}.allowPrivilegeEscalation`, `must be false${who}`));
    }
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) {
        findings.push(violation(r, `${scPath}.runAsNonRoot`, `must be true, on the container or the pod${who}`));
    }
    if (sc.runAsUser === 0) {
        findings.push(violation(r, `${scPath}.runAsUser`, `is 0 (root)${who}`));
    }
    const seccomp = sc.seccompProfile?.type;
    if (seccomp !== undefined && !SECCOMP_ALLOWED.includes(seccomp)) {
        findings.push(
            violation(r, `${scPath}.seccompProfile.type`, `is ${JSON.stringify(seccomp)}; must be RuntimeDefault or Localhost${who}`),
        );
    } else if (seccomp === undefined && psc.seccompProfile?.type === undefined) {
        findings.push(
            violation(
                r,
                `${scPath}.seccompProfile.type`,
                `is not set on the container or the pod; must be RuntimeDefault or Localhost${who}`,
            ),
        );
    }
    const drop: unknown[] = sc.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) {
        findings.push(violation(r, `${scPath}.capabilities.drop`, `must include ALL${who}`));
    }
    const added = ((sc.capabilities?.add ?? []) as unknown[]).filter((cap) => cap !== "NET_BIND_SERVICE");
    if (added.length > 0) {
        findings.push(violation(r, `${scPath}.capabilities.add`, `adds ${added.join(", ")}; only NET_BIND_SERVICE may be added${who}`));
    }
    if (sc.procMount !== undefined && sc.procMount !== "Default") {
        findings.push(violation(r, `${scPath}.procMount`, `is ${JSON.stringify(sc.procMount)}; must be Default${who}`));
    }
    findings.push(...labelFindings(r, sc, scPath, who));
    const ports: any[] = c.container.ports ?? [];
    ports.forEach((p, i) => {
        if (p?.hostPort !== undefined && p.hostPort !== 0) {
            findings.push(violation(r, `${c.path}.ports[${i}].hostPort`, `must not be set${who}`));
        }
    });
    return findings;
}

export const podSecurityRestricted: Check = {
    kind: "resource",
    id: POLICY_IDS.podSecurityRestricted,
    title: "Pods meet Pod Security restricted",
    seedSection: "5",
    description:
        "seed 5: every pod template (Ray head, workers, submitter, autoscaler sidecar and any other workload, patches included) meets Pod Security restricted: non-root, no privilege escalation, capabilities drop ALL, seccomp RuntimeDefault, no privileged, host namespaces or hostPorts; and shareProcessNamespace is off.",
    configKeys: [],
    appliesTo: hasTemplates,
    validate(r) {
        const findings = podTemplates(r).flatMap((t) => [
            ...podFindings(r, t),
            ...containersOf(t).flatMap((c) => containerFindings(r, t, c)),
        ]);
        return [...findings, ...defaultSubmitterFindings(r)];
    },
};

/**
 * Without a submitterPodTemplate KubeRay builds the K8sJobMode submitter pod itself, with no
 * securityContext: admission in a restricted namespace rejects it and the job never starts.
 */
function defaultSubmitterFindings(r: PolicyResource): Finding[] {
    const spec = r.props?.spec ?? {};
    const k8sJobMode = spec.submissionMode === undefined || spec.submissionMode === "K8sJobMode";
    if (!isKind(r, "ray.io", "RayJob") || !k8sJobMode || spec.submitterPodTemplate !== undefined) {
        return [];
    }
    return [
        violation(
            r,
            "spec.submitterPodTemplate",
            "is not set; KubeRay's default submitter pod has no securityContext, so Pod Security restricted rejects it",
        ),
    ];
}

export const readOnlyRootFilesystem: Check = {
    kind: "resource",
    id: POLICY_IDS.readOnlyRootFilesystem,
    title: "Containers have a read-only root filesystem",
    seedSection: "5",
    description:
        "seed 5: every container, init and sidecar ones included, sets securityContext.readOnlyRootFilesystem: true; writable paths are emptyDirs.",
    configKeys: [],
    appliesTo: hasTemplates,
    validate(r) {
        return podTemplates(r).flatMap((t) =>
            containersOf(t)
                .filter((c) => c.container.securityContext?.readOnlyRootFilesystem !== true)
                .map((c) =>
                    violation(
                        r,
                        `${c.path}.securityContext.readOnlyRootFilesystem`,
                        `must be true (container "${c.name}"); give writable paths an emptyDir`,
                    ),
                ),
        );
    },
};

/**
 * No hostPath volume, whatever the path and mode: Pod Security `baseline` forbids them as well as
 * `restricted`, so no namespace of ours admits one, and data comes through PVC/CSI volumes.
 */
export const hostPathRestricted: Check = {
    kind: "resource",
    id: POLICY_IDS.hostPathRestricted,
    title: "no hostPath volumes",
    seedSection: "5",
    description: "seed 5: no pod template has a hostPath volume (read-only data comes through PersistentVolumeClaim or CSI volumes).",
    configKeys: [],
    appliesTo: hasTemplates,
    validate(r) {
        const findings: Finding[] = [];
        for (const t of podTemplates(r)) {
            const volumes: any[] = t.spec.volumes ?? [];
            volumes.forEach((v, i) => {
                if (v?.hostPath) {
                    findings.push(
                        violation(
                            r,
                            `${t.specPath}.volumes[${i}].hostPath`,
                            `${JSON.stringify(String(v.hostPath.path))}: no hostPath is allowed; use a read-only PersistentVolumeClaim or CSI volume`,
                        ),
                    );
                }
            });
        }
        return findings;
    },
};
