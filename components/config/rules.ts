/**
 * The rules of a team's whole config that the parse cannot know alone: what the platform allows
 * (common/platformPolicy.ts: its lists a team can only narrow, and the tenancy registry), the
 * team's own opt-ins, and the names of the objects the stack would create. The same function runs
 * for a stack file (config/validate.ts) and for TeamEnvironment's args (stack/teamArgs.ts).
 */
import { metadataKeyProblem } from "@ray-on-ack/common/platformLists";
import type { PlatformPolicy } from "@ray-on-ack/common/platformPolicy";
import { under, type Issue } from "../core/issue";
import { securityRules, workloadRules } from "../workload/rules";
import { objectNameClashes } from "./objectNames";
import { tenancyClaims } from "./tenancy";
import type { TeamConfig } from "./schema";

export interface RuleContext {
    readonly platform: PlatformPolicy;
    /** The Pulumi stack deploying the config: its claims are held against the tenancy registry. Without it, none are (a program without a registry). */
    readonly stack?: string;
}

export function teamRules(config: TeamConfig, ctx: RuleContext): Issue[] {
    const { lists } = ctx.platform;
    const out: Issue[] = under(["security"], securityRules(config.security, lists));
    for (const key of Object.keys(config.labels)) {
        const why = metadataKeyProblem(key, "namespace label", lists.allowedNamespaceLabelKeys);
        if (why !== undefined) {
            out.push({ path: ["labels", key], message: `${JSON.stringify(key)} ${why}` });
        }
    }
    // The team's registries are a narrowing of the platform's (above), so images are held to the team's list.
    config.clusters.forEach((c, i) => out.push(...under(["clusters", i], workloadRules(c, config.security, lists))));
    config.jobs.forEach((j, i) => out.push(...under(["jobs", i], workloadRules(j, config.security, lists))));
    config.services.forEach((s, i) => out.push(...under(["services", i], workloadRules(s, config.security, lists))));
    out.push(...objectNameClashes(config));
    if (ctx.stack !== undefined) {
        out.push(...tenancyClaims(config, ctx.stack, ctx.platform.tenancy));
    }
    return out;
}
