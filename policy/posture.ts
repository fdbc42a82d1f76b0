/**
 * The posture report: every check run over a stack's resources, with a status reviewers can read
 * in one page. An exception the pack config grants shows up as `exception`, with the resource, the
 * path the grant covers and the reason, never as a silent pass; a violation without a grant is
 * `fail`, whatever the resource's own annotation says.
 */
import { CHECKS } from "./checks";
import { PackConfig, PolicyPackConfigFile, resolvePolicyPackConfigFile } from "./config";
import { EvaluationContext, evaluateCheck, exceptionMessage, isBlocking } from "./evaluate";
import { PolicyResource, describe } from "./resource";
import { isRayResource, rayClusterSpecs } from "./podTemplates";
import { gcsFaultToleranceOf } from "./checks/gcsFaultTolerance";

export type CheckStatus = "pass" | "fail" | "exception" | "not-applicable";

export interface OffendingResource {
    /** How messages name it, e.g. `RayCluster ray-a/demo`. */
    resource: string;
    type: string;
    name: string;
    urn?: string;
    path: string;
    /** The same place with list entries named (`volumes[name=checkpoints]`): what a grant's `path` says to cover this finding. */
    objectPath: string;
    message: string;
    /** Granted by the pack config (or a notice: allowed, shown). */
    exception: boolean;
    /** Allowed and never blocking, shown so that reviewers see it (e.g. a whole-bucket OSS grant). */
    notice?: true;
    /** The grant's reason, for exceptions. */
    reason?: string;
    /** The path the grant names, for exceptions granted for one part of the resource (it equals objectPath). */
    grantPath?: string;
}

export interface CheckResult {
    id: string;
    title: string;
    seedSection: string;
    description: string;
    status: CheckStatus;
    offending: OffendingResource[];
}

export interface PostureReport {
    /** The stack the grants were matched against. */
    stack?: string;
    /** Each policy's settings, as the pack gets them from the same `--policy-pack-config` file. */
    config: Record<string, PackConfig>;
    totals: Record<CheckStatus, number>;
    checks: CheckResult[];
    /** The Ray workloads the checks covered (RayClusters, RayJobs, RayServices), as messages name them. */
    workloads: string[];
    /** Which of them keep their GCS state across head restarts, and where (`none`: a head restart loses the cluster). */
    gcsFaultTolerance: { workload: string; store: string }[];
}

export interface PostureOptions extends EvaluationContext {
    /** A `--policy-pack-config` file's content (platform/policy-pack-config.json for render). */
    policyPackConfig?: PolicyPackConfigFile;
}

export function evaluatePosture(resources: PolicyResource[], options: PostureOptions = {}): PostureReport {
    const configs = resolvePolicyPackConfigFile(
        options.policyPackConfig ?? {},
        CHECKS.map((c) => c.id),
    );
    const context: EvaluationContext = { stack: options.stack };
    const checks = CHECKS.map((check): CheckResult => {
        const { applicable, findings } = evaluateCheck(check, resources, configs.get(check.id)!, context);
        let status: CheckStatus = applicable ? "pass" : "not-applicable";
        if (findings.some(isBlocking)) {
            status = "fail";
        } else if (findings.length > 0) {
            status = "exception";
        }
        const offending = findings.map((f) => ({
            resource: describe(f.resource),
            type: f.resource.type,
            name: f.resource.name,
            ...(f.resource.urn !== undefined ? { urn: f.resource.urn } : {}),
            path: f.path,
            objectPath: f.objectPath,
            message: f.exception ? exceptionMessage(f) : f.message,
            exception: f.exception,
            ...(f.grant ? { reason: f.grant.reason } : {}),
            ...(f.grant?.path !== undefined ? { grantPath: f.grant.path } : {}),
            ...(f.notice ? { notice: true as const } : {}),
        }));
        return { id: check.id, title: check.title, seedSection: check.seedSection, description: check.description, status, offending };
    });
    const totals: Record<CheckStatus, number> = { pass: 0, fail: 0, exception: 0, "not-applicable": 0 };
    for (const c of checks) {
        totals[c.status]++;
    }
    const ray = resources.filter(isRayResource);
    const workloads = ray.map(describe).sort();
    const gcsFaultTolerance = ray
        .flatMap((r) => rayClusterSpecs(r).map((cluster) => ({ workload: describe(r), store: gcsFaultToleranceOf(r, cluster) })))
        .sort((a, b) => a.workload.localeCompare(b.workload));
    return {
        ...(options.stack !== undefined ? { stack: options.stack } : {}),
        config: Object.fromEntries(configs),
        totals,
        checks,
        workloads,
        gcsFaultTolerance,
    };
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

const STATUS_TEXT: Record<CheckStatus, string> = {
    pass: "pass",
    fail: "**FAIL**",
    exception: "exception",
    "not-applicable": "not applicable",
};

/** The seed article, cited by title: readers of a posture report do not have the repository's copy. */
export const SEED_ARTICLE =
    "Alibaba Cloud, *Ray on ACK 最佳实践,保障 AI 数据处理/训练/推理等环境的安全部署* (Ray on ACK best practices: securing AI data processing, training and inference)";

export function postureMarkdown(report: PostureReport): string {
    const t = report.totals;
    const lines = [
        // Reports of several stacks end up side by side (CI artifacts, a reviewer's downloads): each names its own.
        report.stack === undefined ? "# Security posture" : `# Security posture of stack ${report.stack}`,
        "",
        `${report.checks.length} checks: ${t.pass} pass, ${t.fail} fail, ${t.exception} exception, ${t["not-applicable"]} not applicable.`,
        "",
        `Seed: the sections of ${SEED_ARTICLE} each check enforces.`,
        "",
        "| Check | Seed | Status | Offending resources |",
        "|---|---|---|---|",
    ];
    for (const c of report.checks) {
        const resources = [...new Set(c.offending.map((o) => o.resource))].join(", ");
        lines.push(`| \`${c.id}\` ${cell(c.title)} | ${c.seedSection} | ${STATUS_TEXT[c.status]} | ${cell(resources)} |`);
    }
    if ((report.workloads ?? []).length > 0) {
        lines.push("", "## Ray workloads", "", ...report.workloads.map((w) => `- ${w}`));
    }
    if ((report.gcsFaultTolerance ?? []).length > 0) {
        lines.push(
            "",
            "## GCS fault tolerance",
            "",
            "Where each workload's GCS keeps its state across head restarts (`none`: a head restart loses the cluster's actors, jobs and Serve replicas).",
            "",
            ...report.gcsFaultTolerance.map((g) => `- ${g.workload}: ${g.store}`),
        );
    }
    const withFindings = report.checks.filter((c) => c.offending.length > 0);
    if (withFindings.length > 0) {
        lines.push("", "## Findings");
        for (const c of withFindings) {
            lines.push("", `### \`${c.id}\`: ${STATUS_TEXT[c.status]}`, "", c.description, "");
            for (const o of c.offending) {
                lines.push(`- ${o.message}`);
            }
        }
    }
    return `${lines.join("\n")}\n`;
}
