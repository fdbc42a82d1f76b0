/**
 * Seed 1.1, 1.3, 1.5: Ray itself has to refuse strangers. Mutual TLS protects the gRPC traffic
 * between head, workers and the autoscaler; token authentication covers GCS, the dashboard/Jobs
 * API and Ray Client; and Ray below 2.54 has known dashboard remote-code-execution CVEs.
 */
import * as semver from "semver";
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { MIN_KUBERAY_VERSION, MIN_RAY_VERSION } from "@ray-on-ack/common";
import { parseImage } from "@ray-on-ack/common";
import { PolicyResource } from "../resource";
import { containersOf, podTemplates, rayClusterSpecs } from "../pod-templates";

const TLS_FILES = ["RAY_TLS_SERVER_CERT", "RAY_TLS_SERVER_KEY", "RAY_TLS_CA_CERT"];
/** Ray parses its boolean settings this way (`1` or `true`, any case). */
const TRUE_VALUES = ["1", "true"];

const hasRayCluster = (r: PolicyResource): boolean => rayClusterSpecs(r).length > 0;

export const tlsRequired: Check = {
    kind: "resource",
    id: POLICY_IDS.tlsRequired,
    title: "Ray mutual TLS on",
    seedSection: "1.1",
    description:
        "seed 1.1: the Ray container of the head and of every worker group, and the autoscaler sidecar, set RAY_USE_TLS=1 and RAY_TLS_SERVER_CERT, RAY_TLS_SERVER_KEY and RAY_TLS_CA_CERT.",
    configKeys: [],
    appliesTo: hasRayCluster,
    validate(r) {
        const findings: Finding[] = [];
        for (const t of podTemplates(r).filter((t) => t.rayCluster !== undefined)) {
            for (const c of containersOf(t).filter((c) => c.isRay)) {
                const env = new Map<string, any>(((c.container.env ?? []) as any[]).map((e) => [e?.name, e]));
                const problems: string[] = [];
                const useTls = env.get("RAY_USE_TLS")?.value;
                if (useTls === undefined) {
                    problems.push("RAY_USE_TLS is not set");
                } else if (!TRUE_VALUES.includes(String(useTls).toLowerCase())) {
                    problems.push(`RAY_USE_TLS is ${JSON.stringify(useTls)}`);
                }
                const missing = TLS_FILES.filter((name) => {
                    const e = env.get(name);
                    return !((typeof e?.value === "string" && e.value !== "") || e?.valueFrom !== undefined);
                });
                if (missing.length > 0) {
                    problems.push(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set`);
                }
                if (problems.length > 0) {
                    findings.push(
                        violation(r, `${c.path}.env`, `${problems.join("; ")}; Ray gRPC must run with RAY_USE_TLS=1 and its certificate, key and CA (container "${c.name}")`),
                    );
                }
            }
        }
        return findings;
    },
};

export const tokenAuthRequired: Check = {
    kind: "resource",
    id: POLICY_IDS.tokenAuthRequired,
    title: "Ray token authentication on",
    seedSection: "1.3, 1.5",
    description: "seed 1.3, 1.5: every RayCluster (and RayJob cluster) sets spec.authOptions.mode: token, so GCS, the dashboard/Jobs API and Ray Client require the cluster's token.",
    configKeys: [],
    appliesTo: hasRayCluster,
    validate(r) {
        return rayClusterSpecs(r)
            .filter((cluster) => cluster.spec.authOptions?.mode !== "token")
            .map((cluster) => {
                const mode = cluster.spec.authOptions?.mode;
                const found = mode === undefined ? "is not set" : `is ${JSON.stringify(mode)}`;
                return violation(r, `${cluster.path}.authOptions.mode`, `${found}; must be "token"`);
            });
    },
};

/** The leading `major.minor[.patch]` of a Ray image tag such as `2.54.0-py311-gpu`; other tags say nothing about the version. */
function tagVersion(tag: string | undefined): semver.SemVer | undefined {
    const m = tag === undefined ? null : /^v?(\d+\.\d+(?:\.\d+)?)(?![\d.])/.exec(tag);
    return m ? (semver.coerce(m[1]) ?? undefined) : undefined;
}

export const rayVersionMinimum: Check = {
    kind: "resource",
    id: POLICY_IDS.rayVersionMinimum,
    title: `Ray ${MIN_RAY_VERSION} or later`,
    seedSection: "1.5, 6",
    description: `seed 1.5, 6: spec.rayVersion and the Ray images' version tags are at least ${MIN_RAY_VERSION}; older Ray has known dashboard remote-code-execution CVEs.`,
    configKeys: [],
    appliesTo: hasRayCluster,
    validate(r) {
        const findings: Finding[] = [];
        const tooOld = `Ray below ${MIN_RAY_VERSION} has known dashboard remote-code-execution CVEs`;
        for (const cluster of rayClusterSpecs(r)) {
            const path = `${cluster.path}.rayVersion`;
            const declared = cluster.spec.rayVersion;
            const version = declared === undefined ? null : semver.coerce(String(declared));
            if (declared === undefined) {
                findings.push(violation(r, path, `is not set; must be ${MIN_RAY_VERSION} or later`));
            } else if (version === null) {
                findings.push(violation(r, path, `${JSON.stringify(declared)} is not a Ray version`));
            } else if (semver.lt(version, MIN_RAY_VERSION)) {
                findings.push(violation(r, path, `is ${JSON.stringify(declared)}; ${tooOld}`));
            }
        }
        for (const t of podTemplates(r).filter((t) => t.rayCluster !== undefined)) {
            for (const c of containersOf(t).filter((c) => c.isRay && typeof c.container.image === "string")) {
                const version = tagVersion(parseImage(c.container.image).tag);
                if (version && semver.lt(version, MIN_RAY_VERSION)) {
                    findings.push(violation(r, `${c.path}.image`, `${JSON.stringify(c.container.image)} is Ray ${version.version}; ${tooOld} (container "${c.name}")`));
                }
            }
        }
        return findings;
    },
};

export const kuberayVersion: Check = {
    kind: "resource",
    id: POLICY_IDS.kuberayVersion,
    title: `KubeRay ${MIN_KUBERAY_VERSION} or later`,
    seedSection: "1.3, 1.5",
    description: `seed 1.3, 1.5: a KubeRay operator add-on with a pinned version runs ${MIN_KUBERAY_VERSION} or later, the first release that wires Ray token authentication (spec.authOptions).`,
    configKeys: [],
    appliesTo: (r) => r.type === "alicloud:cs/kubernetesAddon:KubernetesAddon" && /kuberay/i.test(String(r.props?.name ?? "")),
    validate(r) {
        const declared = r.props?.version;
        if (declared === undefined || declared === null || declared === "") {
            return []; // unpinned: ACK installs its current release
        }
        const version = semver.coerce(String(declared));
        if (version === null || semver.lt(version, MIN_KUBERAY_VERSION)) {
            return [violation(r, "version", `is ${JSON.stringify(declared)}; KubeRay below ${MIN_KUBERAY_VERSION} cannot enforce Ray token authentication`)];
        }
        return [];
    },
};
