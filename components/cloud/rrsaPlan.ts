/**
 * Which RAM roles a team's stack gets for RRSA and which workload's ServiceAccounts each trusts:
 * one team role, plus a role per cluster that asks for its own (`rrsa.dedicatedRole`), or none
 * when the team brings its own role (`rrsa.existingRoleName`).
 */
import { names } from "../core/naming";
import type { RrsaRoleSpec } from "./teamRrsa";

interface RrsaSettings {
    readonly team: string;
    readonly cloud?: unknown;
    readonly rrsa: {
        readonly enabled: boolean;
        readonly existingRoleName?: string;
        readonly oss: readonly unknown[];
        readonly extraStatements: readonly unknown[];
    };
}

interface RrsaWorkload {
    readonly name: string;
    /** A RayCluster's or RayService's `rrsa`; a RayJob has none (it shares the team role). */
    readonly shape: object;
}

/** The team role's name, and a dedicated role's. */
export const ramRoleNames = {
    team: (team: string): string => `ray-${team}`,
    dedicated: (team: string, workload: string): string => `ray-${team}-${workload}`,
};

/** The writer role of the team's log shipping, when the stack creates it (docs/design.md "Logs that outlive the pod"). */
export const logsRoleName = (team: string): string => `ray-${team}-logs`;

/** RRSA is wired when the stack names its cluster, allows it, and has something to grant (or brings its own role). */
export function rrsaWanted(config: RrsaSettings): boolean {
    const grants = config.rrsa.oss.length + config.rrsa.extraStatements.length > 0 || config.rrsa.existingRoleName !== undefined;
    return config.cloud !== undefined && config.rrsa.enabled && grants;
}

/** The team's RAM roles are created here (not brought along), so the cluster's RRSA provider must be looked up. */
export function needsRrsaProvider(config: RrsaSettings): boolean {
    return rrsaWanted(config) && config.rrsa.existingRoleName === undefined;
}

/** The roles to create and the role each workload's ServiceAccounts are annotated with. */
export function rrsaRolePlan(
    config: RrsaSettings,
    workloads: readonly RrsaWorkload[],
): { roles: RrsaRoleSpec[]; roleOf: Record<string, string> } {
    const roleOf: Record<string, string> = {};
    const trusted = new Map<string, string[]>();
    for (const w of workloads) {
        const dedicated = "rrsa" in w.shape && (w.shape as { rrsa: { dedicatedRole: boolean } }).rrsa.dedicatedRole;
        const role =
            config.rrsa.existingRoleName ?? (dedicated ? ramRoleNames.dedicated(config.team, w.name) : ramRoleNames.team(config.team));
        roleOf[w.name] = role;
        trusted.set(role, [...(trusted.get(role) ?? []), names.serviceAccount(w.name, "head"), names.serviceAccount(w.name, "worker")]);
    }
    const roles = config.rrsa.existingRoleName ? [] : [...trusted].map(([roleName, serviceAccounts]) => ({ roleName, serviceAccounts }));
    return { roles, roleOf };
}
