/**
 * The posture report: every check run over a stack's resources, with a status reviewers can read
 * in one page. A documented opt-in (the `ray-on-ack.io/policy-exceptions` annotation) shows up as
 * `exception`, with the resource, never as a silent pass.
 */
import { CHECKS } from "./checks";
import { PackConfig, resolvePackConfig } from "./config";
import { evaluateCheck, isBlocking } from "./evaluate";
import { PolicyResource, describe } from "./resource";

export type CheckStatus = "pass" | "fail" | "exception" | "not-applicable";

export interface OffendingResource {
    /** How messages name it, e.g. `RayCluster ray-a/demo`. */
    resource: string;
    type: string;
    name: string;
    urn?: string;
    path: string;
    message: string;
    /** Listed in the resource's policy-exceptions annotation (or a notice: allowed, shown). */
    exception: boolean;
    /** Allowed and never blocking, shown so that reviewers see it (e.g. a whole-bucket OSS grant). */
    notice?: true;
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
    config: PackConfig;
    totals: Record<CheckStatus, number>;
    checks: CheckResult[];
}

export function evaluatePosture(resources: PolicyResource[], config: Partial<PackConfig> = {}): PostureReport {
    const resolved = resolvePackConfig(config);
    const checks = CHECKS.map((check): CheckResult => {
        const { applicable, findings } = evaluateCheck(check, resources, resolved);
        let status: CheckStatus = applicable ? "pass" : "not-applicable";
        if (findings.some((f) => isBlocking(f, resolved))) {
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
            message: f.message,
            exception: f.exception,
            ...(f.notice ? { notice: true as const } : {}),
        }));
        return { id: check.id, title: check.title, seedSection: check.seedSection, description: check.description, status, offending };
    });
    const totals: Record<CheckStatus, number> = { pass: 0, fail: 0, exception: 0, "not-applicable": 0 };
    for (const c of checks) {
        totals[c.status]++;
    }
    return { config: resolved, totals, checks };
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

export function postureMarkdown(report: PostureReport): string {
    const t = report.totals;
    const lines = [
        "# Security posture",
        "",
        `${report.checks.length} checks: ${t.pass} pass, ${t.fail} fail, ${t.exception} exception, ${t["not-applicable"]} not applicable.`,
        "",
        "| Check | Seed | Status | Offending resources |",
        "|---|---|---|---|",
    ];
    for (const c of report.checks) {
        const resources = [...new Set(c.offending.map((o) => o.resource))].join(", ");
        lines.push(`| \`${c.id}\` ${cell(c.title)} | ${c.seedSection} | ${STATUS_TEXT[c.status]} | ${cell(resources)} |`);
    }
    const withFindings = report.checks.filter((c) => c.offending.length > 0);
    if (withFindings.length > 0) {
        lines.push("", "## Findings");
        for (const c of withFindings) {
            lines.push("", `### \`${c.id}\`: ${STATUS_TEXT[c.status]}`, "", c.description, "");
            for (const o of c.offending) {
                lines.push(`- ${o.notice ? "notice: " : o.exception ? "exception (ray-on-ack.io/policy-exceptions): " : ""}${o.message}`);
            }
        }
    }
    return `${lines.join("\n")}\n`;
}
