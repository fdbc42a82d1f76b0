/**
 * The rules of a team's whole config that the parse cannot know alone: what the platform allows
 * (common/platformPolicy.ts: its lists a team can only narrow, and the tenancy registry), the
 * team's own opt-ins, and the names of the objects the stack would create. The same function runs
 * for a stack file (config/validate.ts) and for TeamEnvironment's args (team/teamArgs.ts).
 */
import { metadataKeyProblem } from "@ray-on-ack/common/platformLists";
import type { PlatformPolicy } from "@ray-on-ack/common/platformPolicy";
import { under, type Issue } from "../core/issue";
import { parseQuantity } from "../core/quantities";
import { passwordProblems } from "../exposure/password";
import { securityRules, workloadRules } from "../ray/rules";
import { objectNameClashes } from "./objectNames";
import { tenancyClaims } from "./tenancy";
import { gcsRules } from "./gcsRules";
import type { TeamConfig } from "./model";
import { DEFAULT_SECURITY, securitySchema } from "../images/model";
import { namespaceLabels } from "../namespace/model";
import { FOOTPRINT_RESOURCES, footprintTotals, formatAmount, serviceFootprint } from "../ray/footprint";

/** The basic-auth password as the rules can see it: given or not, and its text when it is known now (an Output's is checked when it resolves). */
export interface PasswordGiven {
    readonly given: boolean;
    readonly value?: string;
}

export interface RuleContext {
    readonly platform: PlatformPolicy;
    /** Default: the config's own `dashboardPassword` (a stack file's secret config). */
    readonly password?: PasswordGiven;
    /** Default: the config's own `gcsRedisPassword` (a stack file's secret config). */
    readonly gcsRedisPassword?: PasswordGiven;
    /** The Pulumi stack deploying the config: its claims are held against the tenancy registry. Without it, none are (a program without a registry). */
    readonly stack?: string;
}

const namespaceLabelRules = (labels: Record<string, string>, lists: PlatformPolicy["lists"]): Issue[] =>
    Object.keys(labels).flatMap((key) => {
        const why = metadataKeyProblem(key, "namespace label", lists.allowedNamespaceLabelKeys);
        return why === undefined ? [] : [{ path: ["labels", key], message: `${JSON.stringify(key)} ${why}` }];
    });

export function teamRules(config: TeamConfig, ctx: RuleContext): Issue[] {
    const { lists } = ctx.platform;
    const out: Issue[] = [...under(["security"], securityRules(config.security, lists)), ...namespaceLabelRules(config.labels, lists)];
    // The team's registries are a narrowing of the platform's (above), so images are held to the team's list.
    config.clusters.forEach((c, i) => out.push(...under(["clusters", i], workloadRules(c, config.security, lists))));
    config.jobs.forEach((j, i) => out.push(...under(["jobs", i], workloadRules(j, config.security, lists))));
    config.services.forEach((s, i) => out.push(...under(["services", i], workloadRules(s, config.security, lists))));
    out.push(...objectNameClashes(config));
    out.push(...serviceQuotaRules(config));
    out.push(...passwordRules(config, ctx.password ?? { given: config.dashboardPassword !== undefined, value: config.dashboardPassword }));
    out.push(
        ...gcsRules(
            config,
            ctx.platform.tenancy,
            ctx.stack,
            ctx.gcsRedisPassword ?? { given: config.gcsRedisPassword !== undefined, value: config.gcsRedisPassword },
        ),
    );
    if (ctx.stack !== undefined) {
        out.push(...tenancyClaims(config, ctx.stack, ctx.platform.tenancy));
    }
    return out;
}

/**
 * When the whole config does not parse, the rules of the parts that can be read (the security
 * section, the namespace labels, each workload's fields), so that a refused image or label and a
 * bad CIDR are reported in the same run. What needs the whole config (names, tenancy) waits for the parse.
 */
export function partialTeamRules(values: Record<string, unknown>, platform: PlatformPolicy): Issue[] {
    const { lists } = platform;
    const security = securitySchema.safeParse(values.security ?? {});
    const sec = security.success ? security.data : DEFAULT_SECURITY;
    const labels = namespaceLabels.safeParse(values.labels ?? {});
    const out: Issue[] = [
        ...(security.success ? under(["security"], securityRules(sec, lists)) : []),
        ...(labels.success ? namespaceLabelRules(labels.data, lists) : []),
    ];
    for (const key of ["clusters", "jobs", "services"]) {
        const list = values[key];
        (Array.isArray(list) ? list : []).forEach((item, i) => out.push(...under([key, i], workloadRules(item, sec, lists))));
    }
    return out;
}

/**
 * An autoscaling RayService must fit the namespace's quota at its most (ray/footprint.ts: its
 * active generation at maxReplicas beside a pending one at replicas), or the ResourceQuota refuses
 * the pods its autoscaler asks for. The key refused is the maxReplicas that asks for most of it.
 */
function serviceQuotaRules(config: TeamConfig): Issue[] {
    return config.services.flatMap((s, i) => {
        if (!s.autoscaling.enabled) return [];
        const terms = serviceFootprint(s);
        const total = footprintTotals(terms);
        return FOOTPRINT_RESOURCES.flatMap((r) => {
            const quota = parseQuantity(String(config.quota[r.quotaKey])) ?? 0;
            if (total[r.quotaKey] <= quota) return [];
            const used = terms.filter((t) => t.per[r.quotaKey] > 0);
            const top = [...used]
                .filter((t) => t.group !== undefined)
                .sort((x, y) => y.per[r.quotaKey] * y.count - x.per[r.quotaKey] * x.count)[0];
            const path = top?.group !== undefined ? ["services", i, "workerGroups", top.group, "maxReplicas"] : ["services", i, "head"];
            const value = top?.group !== undefined ? `${s.workerGroups[top.group].maxReplicas}: ` : "";
            const sum = used.map((t) => `${t.what} ${t.count} × ${formatAmount(r.quotaKey, t.per[r.quotaKey])}`).join(" + ");
            return [
                {
                    path,
                    message: `${value}at its most the service asks for ${formatAmount(r.quotaKey, total[r.quotaKey])} ${r.what} (${sum}: the active generation at maxReplicas, and the one KubeRay starts beside it on a change, at replicas), more than quota.${r.quotaKey} ${config.quota[r.quotaKey]}: lower maxReplicas or raise the quota`,
                },
            ];
        });
    });
}

/**
 * The exposures that take the basic-auth password (every ingress; a gateway that names a
 * `username`, the fallback to single sign-on), of clusters and services, with their keys.
 */
export function passwordUsers(config: Pick<TeamConfig, "clusters" | "services">): { at: string; mode: string; username: string }[] {
    return [
        ...config.clusters.map((k, i) => ({ k, at: `clusters[${i}]` })),
        ...config.services.map((k, i) => ({ k, at: `services[${i}]` })),
    ].flatMap(({ k, at }) =>
        (k.exposure.mode === "ingress" || k.exposure.mode === "gateway") && k.exposure.username !== undefined
            ? [{ at, mode: k.exposure.mode, username: k.exposure.username }]
            : [],
    );
}

/** Each exposure that takes the password needs one, and one that meets the seed's rule for its user name. */
function passwordRules(config: TeamConfig, password: PasswordGiven): Issue[] {
    return passwordUsers(config).flatMap(({ at, mode, username }) => {
        if (!password.given) {
            return [
                {
                    path: ["dashboardPassword"],
                    message: `is required (as a secret: pulumi config set --secret dashboardPassword) by ${at}.exposure.mode ${mode}`,
                },
            ];
        }
        return password.value === undefined
            ? []
            : passwordProblems(password.value, username).map((message) => ({ path: ["dashboardPassword"], message }));
    });
}
