/**
 * Team configs for the benchmarks: team-a as the renderer reads it, and generated teams for the
 * scale run. Generated teams start from team-a's stack file so they carry a realistic network,
 * access and TLS-client setup, and differ only in name, pod CIDR and clusters.
 */
import type { TeamConfig } from "../../components/config/model";
import { validateStackConfig } from "../../components/config/validate";
import type { PkiRequest } from "../../components/providers/pki";
import { readStackConfig } from "../../program/stackFile";

export const CLUSTERS_PER_TEAM = 3;
export const GROUPS_PER_CLUSTER = 3;

function validated(raw: Record<string, string>, what: string, secretKeys: readonly string[] = []): TeamConfig {
    const r = validateStackConfig(raw, secretKeys);
    if (!r.ok || r.value.kind !== "team") {
        throw new Error(`${what} does not validate: ${JSON.stringify(r.ok ? r.value.kind : r.issues)}`);
    }
    return r.value.config;
}

export function stackTeamConfig(stack: string): TeamConfig {
    // An empty env: secrets get stand-ins, as in `npm run render` without RAY_ON_ACK_SECRET_*.
    const file = readStackConfig(stack, {});
    return validated(file.config, `stack ${stack}`, file.secretKeys);
}

/** Team `i` (0-based): its own /24 (10.<i+1>.0.0/24) so no two teams share an address. */
export function generatedTeamRaw(i: number): Record<string, string> {
    if (i < 0 || i > 253) {
        throw new Error(`team index ${i} out of range: the generator hands out 10.<1..254>.0.0/24`);
    }
    const raw = { ...readStackConfig("team-a", {}).config };
    const team = `bench-${String(i).padStart(3, "0")}`;
    const clusters = Array.from({ length: CLUSTERS_PER_TEAM }, (_, c) => ({
        name: `rc${c}`,
        head: { cpu: "2", memory: "8Gi" },
        autoscaling: { enabled: c === 0 },
        workerGroups: Array.from({ length: GROUPS_PER_CLUSTER }, (_, g) => ({
            name: `wg${g}`,
            cpu: "4",
            memory: "16Gi",
            replicas: 1,
            minReplicas: 1,
            maxReplicas: 4,
        })),
    }));
    raw["ray-on-ack:team"] = team;
    raw["ray-on-ack:podCidrs"] = JSON.stringify([`10.${i + 1}.0.0/24`]);
    raw["ray-on-ack:clusters"] = JSON.stringify(clusters);
    // team-a's Ray Client user, on the first generated cluster (client certificates are per cluster).
    raw["ray-on-ack:tls"] = JSON.stringify({ clients: [{ name: "alice", clusters: ["rc0"] }] });
    return raw;
}

export function generatedTeam(i: number): TeamConfig {
    return validated(generatedTeamRaw(i), `generated team ${i}`);
}

/** RSA keys a team's PKI requests generate: per cluster its CA, head and worker, and one per client. */
export function keysIn(reqs: readonly PkiRequest[]): number {
    return reqs.reduce((sum, req) => sum + 3 + req.clients.length, 0);
}
