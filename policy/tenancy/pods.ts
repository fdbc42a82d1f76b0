/**
 * What a team's pods claim, in every pod template of every workload kind (Ray's and hand-written
 * ones, policy/podTemplates.ts): OSS and NAS volumes inside the team's registered buckets and
 * directories, CSI roles of its own, and no other team's dedicated node pools.
 */
import { NAS_CSI_DRIVER, OSS_CSI_DRIVER, RRSA_ROLE_ANNOTATION } from "@ray-on-ack/common";
import { Placement, nasProblem, nodePoolProblems, ossProblem, ramRoleProblem } from "@ray-on-ack/common/tenancy";
import { asList } from "@ray-on-ack/common/ram";
import { Finding, violation } from "../check";
import { PodTemplate, containersOf, podTemplates } from "../podTemplates";
import { PolicyResource, isKind } from "../resource";
import { TeamJudge, TeamRule, refused } from "./judge";

/** An OSS volume's `path` as an object prefix (`/public` -> `public/`), or why it cannot be one. */
export function ossPrefixOfPath(path: unknown): { prefix: string } | { problem: string } {
    const text = path === undefined || path === null ? "" : String(path);
    const segments = text.split("/").filter((s) => s !== "");
    if (segments.some((s) => s === "." || s === "..")) {
        return { problem: `path ${JSON.stringify(text)} has a "." or ".." segment; name the directory as it is` };
    }
    return { prefix: segments.length === 0 ? "" : `${segments.join("/")}/` };
}

/** Written through unless the volume or every container's mount of it is read-only. */
function writable(t: PodTemplate, volume: any): boolean {
    if (volume?.csi?.readOnly === true) {
        return false;
    }
    return containersOf(t).some((c) =>
        (asList(c.container.volumeMounts) as any[]).some((m) => m?.name === volume?.name && m?.readOnly !== true),
    );
}

function ossVolume(r: PolicyResource, t: PodTemplate, volume: any, at: string, j: TeamJudge): Finding[] {
    const attrs = volume.csi.volumeAttributes ?? {};
    const findings: Finding[] = [];
    const prefix = ossPrefixOfPath(attrs.path);
    if (typeof attrs.bucket !== "string" || attrs.bucket === "") {
        findings.push(
            violation(r, `${at}.csi.volumeAttributes.bucket`, "is not set; an OSS volume names a bucket registered to the stack"),
        );
    } else if ("problem" in prefix) {
        findings.push(violation(r, `${at}.csi.volumeAttributes.path`, prefix.problem));
    } else {
        const access = writable(t, volume) ? "read-write" : "read";
        findings.push(...refused(r, `${at}.csi.volumeAttributes`, ossProblem(j.t, j.stack, attrs.bucket, prefix.prefix, access)));
    }
    if (attrs.roleName !== undefined) {
        findings.push(...refused(r, `${at}.csi.volumeAttributes.roleName`, ramRoleProblem(j.t, j.stack, String(attrs.roleName))));
    }
    return findings;
}

function volumeFindings(r: PolicyResource, t: PodTemplate, j: TeamJudge): Finding[] {
    return (asList(t.spec.volumes) as any[]).flatMap((volume, i) => {
        const at = `${t.specPath}.volumes[${i}]`;
        if (volume?.csi?.driver === OSS_CSI_DRIVER) {
            return ossVolume(r, t, volume, at, j);
        }
        if (volume?.csi?.driver === NAS_CSI_DRIVER) {
            const attrs = volume.csi.volumeAttributes ?? {};
            return refused(
                r,
                `${at}.csi.volumeAttributes`,
                nasProblem(j.t, j.stack, String(attrs.server ?? ""), String(attrs.path ?? "/")),
            );
        }
        if (volume?.nfs) {
            // A NAS file system is an NFS server: mounted directly, it is the same claim.
            return refused(r, `${at}.nfs`, nasProblem(j.t, j.stack, String(volume.nfs.server ?? ""), String(volume.nfs.path ?? "/")));
        }
        return [];
    });
}

const SELECTING_OPERATORS = ["In", "Exists", "Gt", "Lt"];

/** The node labels a template asks for and the taints it tolerates, each with its path. */
export function placementOf(t: PodTemplate): Placement {
    const labels: Placement["labels"][number][] = Object.entries(t.spec.nodeSelector ?? {}).map(([key, value]) => ({
        key,
        values: [String(value)],
        at: `${t.specPath}.nodeSelector["${key}"]`,
    }));
    const node = t.spec.affinity?.nodeAffinity ?? {};
    const terms: [string, any][] = [
        ...(asList(node.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms) as any[]).map((term, i): [string, any] => [
            `${t.specPath}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`,
            term,
        ]),
        // A preference is a claim too: on an untainted pool it is where the pods go.
        ...(asList(node.preferredDuringSchedulingIgnoredDuringExecution) as any[]).map((p, i): [string, any] => [
            `${t.specPath}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`,
            p?.preference,
        ]),
    ];
    for (const [at, term] of terms) {
        (asList(term?.matchExpressions) as any[]).forEach((e, k) => {
            if (typeof e?.key === "string" && SELECTING_OPERATORS.includes(e?.operator)) {
                labels.push({ key: e.key, values: asList(e.values).map(String), operator: e.operator, at: `${at}.matchExpressions[${k}]` });
            }
        });
    }
    const tolerations = (asList(t.spec.tolerations) as any[]).map((tol, k) => ({
        key: tol?.key,
        operator: tol?.operator,
        value: tol?.value,
        effect: tol?.effect,
        at: `${t.specPath}.tolerations[${k}]`,
    }));
    return { labels, tolerations };
}

function placementFindings(r: PolicyResource, t: PodTemplate, j: TeamJudge): Finding[] {
    const findings = nodePoolProblems(j.t, j.stack, placementOf(t)).map((p) => violation(r, p.at, p.message));
    if (t.spec.nodeName !== undefined) {
        findings.push(
            violation(
                r,
                `${t.specPath}.nodeName`,
                `pins the pod to node ${JSON.stringify(t.spec.nodeName)} past the scheduler, so no taint of a dedicated node pool keeps it out; select nodes by label`,
            ),
        );
    }
    return findings;
}

const NODE_SELECTOR_ANNOTATION = "scheduler.alpha.kubernetes.io/node-selector";
const DEFAULT_TOLERATIONS_ANNOTATION = "scheduler.alpha.kubernetes.io/defaultTolerations";

/**
 * A Namespace's scheduler annotations give every pod in it a node selector (PodNodeSelector) and
 * tolerations (PodTolerationRestriction): a claim on node pools for all the namespace's pods.
 */
function namespacePlacement(r: PolicyResource, j: TeamJudge): Finding[] {
    const annotations = r.props?.metadata?.annotations ?? {};
    const at = (key: string) => `metadata.annotations["${key}"]`;
    const labels = String(annotations[NODE_SELECTOR_ANNOTATION] ?? "")
        .split(",")
        .filter((pair) => pair.includes("="))
        .map((pair) => {
            const [key, value] = pair.split("=", 2).map((x) => x.trim());
            return { key, values: [value], at: at(NODE_SELECTOR_ANNOTATION) };
        });
    let tolerations: any[] = [];
    const raw = annotations[DEFAULT_TOLERATIONS_ANNOTATION];
    if (raw !== undefined) {
        try {
            tolerations = asList(JSON.parse(String(raw))) as any[];
        } catch {
            return [
                violation(
                    r,
                    at(DEFAULT_TOLERATIONS_ANNOTATION),
                    "is not valid JSON, so the tolerations it gives every pod cannot be judged",
                ),
            ];
        }
    }
    const placement = {
        labels,
        tolerations: tolerations.map((tol) => ({
            key: tol?.key,
            operator: tol?.operator,
            value: tol?.value,
            effect: tol?.effect,
            at: at(DEFAULT_TOLERATIONS_ANNOTATION),
        })),
    };
    return nodePoolProblems(j.t, j.stack, placement).map((p) => violation(r, p.at, p.message));
}

export const podClaims: TeamRule = (r, j) => {
    if (isKind(r, "core", "Namespace")) {
        return namespacePlacement(r, j);
    }
    if (isKind(r, "core", "PersistentVolumeClaim") && r.props?.spec?.volumeName !== undefined) {
        // PersistentVolumes are the platform's, made for some team: naming one binds it if nobody has.
        return [
            violation(
                r,
                "spec.volumeName",
                `binds PersistentVolume ${JSON.stringify(r.props.spec.volumeName)} by name; a PersistentVolume is the platform's, made for one team, and the platform binds it (claimRef)`,
            ),
        ];
    }
    return podTemplates(r).flatMap((t) => [...volumeFindings(r, t, j), ...placementFindings(r, t, j)]);
};

/** ACK's pod identity webhook hands the role the ServiceAccount names to its pods. */
export const serviceAccountRole: TeamRule = (r, j) => {
    const role = isKind(r, "core", "ServiceAccount") ? r.props?.metadata?.annotations?.[RRSA_ROLE_ANNOTATION] : undefined;
    return role === undefined
        ? []
        : refused(r, `metadata.annotations["${RRSA_ROLE_ANNOTATION}"]`, ramRoleProblem(j.t, j.stack, String(role)));
};
