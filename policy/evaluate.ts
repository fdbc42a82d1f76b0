/**
 * Running a check and sorting its findings into violations and granted exceptions; the pack
 * and the posture report share this, so they cannot disagree about what an exception is.
 * An exception exists only where the pack's configuration grants it (policy x stack x
 * resource x object path, policy/grantPaths.ts): a resource cannot exempt itself, whatever its
 * annotation says, and a grant for one part of a resource covers no other.
 */
import { ANNOTATIONS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "./check";
import { Grant, PackConfig } from "./config";
import { expandResources } from "./expand";
import { grantNeedsPath, objectPathOf } from "./grantPaths";
import { EvaluationContext, PolicyResource, exceptionIds, identity, stackOf } from "./resource";

export type { EvaluationContext } from "./resource";

export interface EvaluatedFinding extends Finding {
    /** The part of the resource the finding is about, name-keyed: what a grant's `path` must say to cover it. */
    objectPath: string;
    /** The pack config grants this resource an exception to the check. */
    exception: boolean;
    grant?: Grant;
}

/** The grants of `config` for resource `r` in the stack being judged, whatever their paths. */
export function grantsFor(r: PolicyResource, config: PackConfig, context: EvaluationContext = {}): Grant[] {
    const stack = stackOf(r, context);
    if (stack === undefined) {
        return [];
    }
    const id = identity(r);
    return config.grants.filter((g) => g.stack === stack && g.kind === id.kind && g.namespace === id.namespace && g.name === id.name);
}

/**
 * The grant covering a finding at `objectPath` of `r`: one naming exactly that path, or, where the
 * policy takes grants for whole resources, one naming none. Under a policy that judges parts, a
 * path-less grant covers nothing (the config refuses it; this holds even if a caller skipped that).
 */
export function grantFor(
    r: PolicyResource,
    config: PackConfig,
    context: EvaluationContext = {},
    objectPath = "",
    policy?: string,
): Grant | undefined {
    const grants = grantsFor(r, config, context);
    return grants.find((g) => g.path === objectPath) ?? (grantNeedsPath(policy) ? undefined : grants.find((g) => g.path === undefined));
}

export function isBlocking(f: EvaluatedFinding): boolean {
    return !f.exception;
}

const SELF_EXEMPTION = `; the ${ANNOTATIONS.policyExceptions} annotation only explains an exception the platform's policy pack config grants, and none is granted`;

function classify(check: Check, findings: Finding[], config: PackConfig, context: EvaluationContext): EvaluatedFinding[] {
    return findings.map((f) => {
        const objectPath = f.objectPath ?? objectPathOf(f.resource.props, f.path);
        if (f.notice === true) {
            return { ...f, objectPath, exception: true };
        }
        const grantable = check.exceptions !== false && f.grantable !== false;
        const grant = grantable ? grantFor(f.resource, config, context, objectPath, check.id) : undefined;
        if (grant) {
            return { ...f, objectPath, exception: true, grant };
        }
        // Say why the annotation did not help, so that nobody mistakes it for a way out.
        const claimed = exceptionIds(f.resource).has(check.id);
        return { ...f, objectPath, message: claimed ? `${f.message}${SELF_EXEMPTION}` : f.message, exception: false };
    });
}

/**
 * A granted exception is reported even where the check finds nothing at its path: a public
 * dashboard behind an ACL passes, yet reviewers must see that it is public by permission, and a
 * grant for a volume that is read-only again must show until the platform removes it.
 */
function grantedOptIns(
    check: Check,
    relevant: PolicyResource[],
    findings: Finding[],
    config: PackConfig,
    context: EvaluationContext,
): Finding[] {
    if (check.exceptions === false) {
        return [];
    }
    return relevant.flatMap((r) =>
        grantsFor(r, config, context)
            .filter((g) => g.path !== undefined || !grantNeedsPath(check.id))
            .filter((g) =>
                g.path === undefined
                    ? !findings.some((f) => f.resource === r)
                    : !findings.some((f) => f.resource === r && (f.objectPath ?? objectPathOf(r.props, f.path)) === g.path),
            )
            .map((g) => ({
                ...violation(
                    r,
                    g.path ?? "",
                    `holds an exception to ${check.id} granted in the policy pack config${g.path === undefined ? "" : ", and nothing is found there"}`,
                ),
                objectPath: g.path ?? "",
            })),
    );
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
    const findings =
        check.kind === "stack" ? check.validate(all, config, context) : relevant.flatMap((r) => check.validate(r, config, context));
    return {
        applicable: true,
        findings: classify(check, [...findings, ...grantedOptIns(check, relevant, findings, config, context)], config, context),
    };
}

/** How a granted exception (or a notice) reads in the pack's advisory and the posture report: a grant with a path says which part it covers. */
export function exceptionMessage(f: EvaluatedFinding): string {
    if (f.notice) {
        return `notice: ${f.message}`;
    }
    const at = f.grant?.path === undefined ? "" : ` at ${f.grant.path}`;
    return `exception (granted${at}: ${f.grant?.reason ?? ""}): ${f.message}`;
}
