/**
 * Running a check and sorting its findings into violations and granted exceptions; the pack
 * and the posture report share this, so they cannot disagree about what an exception is.
 * An exception exists only where the pack's configuration grants it (policy x stack x
 * resource): a resource cannot exempt itself, whatever its annotation says.
 */
import { ANNOTATIONS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "./check";
import { Grant, PackConfig } from "./config";
import { expandResources } from "./expand";
import { EvaluationContext, PolicyResource, exceptionIds, identity, stackOf } from "./resource";

export type { EvaluationContext } from "./resource";

export interface EvaluatedFinding extends Finding {
    /** The pack config grants this resource an exception to the check. */
    exception: boolean;
    grant?: Grant;
}

export function grantFor(r: PolicyResource, config: PackConfig, context: EvaluationContext = {}): Grant | undefined {
    const stack = stackOf(r, context);
    if (stack === undefined) {
        return undefined;
    }
    const id = identity(r);
    return config.grants.find((g) => g.stack === stack && g.kind === id.kind && g.namespace === id.namespace && g.name === id.name);
}

export function isBlocking(f: EvaluatedFinding): boolean {
    return !f.exception;
}

const SELF_EXEMPTION = `; the ${ANNOTATIONS.policyExceptions} annotation only explains an exception the platform's policy pack config grants, and none is granted`;

function classify(check: Check, findings: Finding[], config: PackConfig, context: EvaluationContext): EvaluatedFinding[] {
    return findings.map((f) => {
        if (f.notice === true) {
            return { ...f, exception: true };
        }
        const grantable = check.exceptions !== false && f.grantable !== false;
        const grant = grantable ? grantFor(f.resource, config, context) : undefined;
        if (grant) {
            return { ...f, exception: true, grant };
        }
        // Say why the annotation did not help, so that nobody mistakes it for a way out.
        const claimed = exceptionIds(f.resource).has(check.id);
        return { ...f, message: claimed ? `${f.message}${SELF_EXEMPTION}` : f.message, exception: false };
    });
}

/**
 * A granted exception is reported even where the check finds nothing: a public dashboard behind
 * an ACL passes, yet reviewers must see that it is public by permission.
 */
function grantedOptIns(check: Check, relevant: PolicyResource[], findings: Finding[], config: PackConfig, context: EvaluationContext): Finding[] {
    if (check.exceptions === false) {
        return [];
    }
    return relevant
        .filter((r) => grantFor(r, config, context) !== undefined && !findings.some((f) => f.resource === r))
        .map((r) => violation(r, "", `holds an exception to ${check.id} granted in the policy pack config`));
}

export function evaluateCheck(
    check: Check,
    resources: PolicyResource[],
    config: PackConfig,
    context: EvaluationContext = {},
): { applicable: boolean; findings: EvaluatedFinding[] } {
    const all = expandResources(resources);
    const relevant = all.filter((r) => check.appliesTo(r));
    if (relevant.length === 0) {
        return { applicable: false, findings: [] };
    }
    const findings = check.kind === "stack" ? check.validate(all, config, context) : relevant.flatMap((r) => check.validate(r, config, context));
    return { applicable: true, findings: classify(check, [...findings, ...grantedOptIns(check, relevant, findings, config, context)], config, context) };
}

/** How a granted exception (or a notice) reads in the pack's advisory and the posture report. */
export function exceptionMessage(f: EvaluatedFinding): string {
    return f.notice ? `notice: ${f.message}` : `exception (granted: ${f.grant?.reason ?? ""}): ${f.message}`;
}
