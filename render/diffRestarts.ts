/**
 * Which workloads' pods a change restarts, for render:diff's summary. A reviewer reading
 * "~ RayCluster ray-team-a/training" cannot tell a replicas change (pods stay) from an env or
 * image change (every pod is recreated: RayClusters carry `upgradeStrategy: Recreate`), and
 * the certificate fingerprint annotation that restarts pods is masked in the diff because
 * every render issues new certificates. So:
 * - a change inside a pod template (or a Ray group's rayStartParams, which become the Ray
 *   container's command) restarts that workload's pods;
 * - a certificate that says something new (a SAN, a usage, a lifetime: a pod-CIDR change
 *   re-issues them all) restarts the pods whose template carries the TLS fingerprint and
 *   that use it: the CA, or the workload's own `<name>-head`/`<name>-worker` (`<name>/...`).
 */
import YAML from "yaml";
import { ANNOTATIONS } from "../components/core/naming";
import type { Change, Entry } from "./diffEntries";

/** Kinds whose pods are created from a template in their spec. */
const WORKLOAD_KINDS = new Set([
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "RayCluster",
    "RayJob",
    "RayService",
]);

/** Path segments under which a change reaches the pods. */
const POD_SHAPING = new Set(["template", "submitterPodTemplate", "rayStartParams"]);

/** How many changed fields a restart line names before "+N more". */
const SHOWN_PATHS = 3;

type Path = (string | number)[];

function format(path: Path): string {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** The paths of the leaves that differ between two JSON-like values (a list of another length: the list). */
export function changedPaths(a: unknown, b: unknown, path: Path = []): Path[] {
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
        return a.flatMap((x, i) => changedPaths(x, b[i], [...path, i]));
    }
    const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
    if (isMap(a) && isMap(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
        return keys.flatMap((k) => changedPaths(a[k], b[k], [...path, k]));
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

function kindAndName(key: string): { kind: string; name: string } {
    const [kind, where] = key.split(" ");
    return { kind, name: where.split("/").pop() ?? where };
}

/** Certificates (by their render file name) a workload's pods use: the CA and its own. */
function usesCertificate(workload: string, cert: string): boolean {
    if (/(^|\/)clients?[-/]/.test(cert)) {
        return false; // a Ray Client user's certificate: the pods do not hold it
    }
    return cert === "ca" || cert.startsWith(`${workload}-`) || cert.startsWith(`${workload}/`);
}

function carriesTlsFingerprint(o: unknown): boolean {
    return JSON.stringify(o).includes(`"${ANNOTATIONS.tlsFingerprint}"`);
}

/** One line per workload whose pods restart: `pods of <kind>/<name> restart: <why>`. */
export function podRestarts(after: readonly Entry[], changes: readonly Change[]): string[] {
    const certs = changes.filter((c) => c.kind === "~" && c.section === "certificate").map((c) => c.key.replace(/^Certificate /, ""));
    const lines: string[] = [];
    for (const e of after.filter((x) => x.section === "kubernetes")) {
        const { kind, name } = kindAndName(e.key);
        if (!WORKLOAD_KINDS.has(kind)) {
            continue;
        }
        const now = YAML.parse(e.text);
        const why: string[] = [];
        const change = changes.find((c) => c.kind === "~" && c.section === "kubernetes" && c.key === e.key);
        if (change) {
            const paths = changedPaths(YAML.parse(change.before), now).filter((p) =>
                kind === "Pod" ? p[0] === "spec" : p.some((s) => POD_SHAPING.has(String(s))),
            );
            if (paths.length > 0) {
                const more = paths.length > SHOWN_PATHS ? ` (+${paths.length - SHOWN_PATHS} more)` : "";
                why.push(`pod template changed: ${paths.slice(0, SHOWN_PATHS).map(format).join(", ")}${more}`);
            }
        }
        const used = certs.filter((c) => usesCertificate(name, c));
        if (used.length > 0 && carriesTlsFingerprint(now)) {
            why.push(
                `TLS certificates re-issued with new content, so the ${ANNOTATIONS.tlsFingerprint} annotation changes (${used.join(", ")})`,
            );
        }
        if (why.length > 0) {
            lines.push(`pods of ${kind}/${name} restart: ${why.join("; ")}`);
        }
    }
    return lines;
}
