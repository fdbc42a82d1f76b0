/**
 * Running a check and sorting its findings into violations and documented exceptions; the pack
 * and the posture report share this, so they cannot disagree about what an exception is.
 */
import { Check, Finding, violation } from "./check";
import { PackConfig } from "./config";
import { PolicyResource, exceptionIds } from "./resource";

export interface EvaluatedFinding extends Finding {
    /** The resource lists this check in its `ray-on-ack.io/policy-exceptions` annotation. */
    exception: boolean;
}

function classify(check: Check, findings: Finding[]): EvaluatedFinding[] {
    return findings.map((f) => ({ ...f, exception: check.exceptions !== false && (f.notice === true || exceptionIds(f.resource).has(check.id)) }));
}

/** An exception stops being one when the pack is configured with `allowExceptions: false`. */
export function isBlocking(f: EvaluatedFinding, config: PackConfig): boolean {
    return f.notice !== true && (!f.exception || !config.allowExceptions);
}

/**
 * A resource that declares an opt-in against a check is reported even where the check finds
 * nothing: a public dashboard behind an ACL passes, yet reviewers must see that it is public.
 */
function declaredOptIns(check: Check, relevant: PolicyResource[], findings: Finding[]): Finding[] {
    if (check.exceptions === false) {
        return [];
    }
    return relevant
        .filter((r) => exceptionIds(r).has(check.id) && !findings.some((f) => f.resource === r))
        .map((r) => violation(r, `metadata.annotations["ray-on-ack.io/policy-exceptions"]`, "declares a documented opt-in that relaxes this check"));
}

export function evaluateCheck(check: Check, resources: PolicyResource[], config: PackConfig): { applicable: boolean; findings: EvaluatedFinding[] } {
    const relevant = resources.filter((r) => check.appliesTo(r));
    if (relevant.length === 0) {
        return { applicable: false, findings: [] };
    }
    const findings = check.kind === "stack" ? check.validate(resources, config) : relevant.flatMap((r) => check.validate(r, config));
    return { applicable: true, findings: classify(check, [...findings, ...declaredOptIns(check, relevant, findings)]) };
}
