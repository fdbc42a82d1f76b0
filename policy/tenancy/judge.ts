/**
 * What a team stack's resources are judged against: the tenancy registry and the stack's own
 * entry. Each rule file under policy/tenancy/ holds the rules for one class of claim.
 */
import { asList } from "@ray-on-ack/common/ram";
import { LABELS } from "@ray-on-ack/common";
import type { Tenancy, Tenant } from "@ray-on-ack/common/tenancy";
import { Finding, violation } from "../check";
import { PolicyResource } from "../resource";

export interface TeamJudge {
    readonly t: Tenancy;
    readonly stack: string;
    readonly tenant: Tenant;
    /** Every resource of the stack: an attachment is judged by the policies declared next to it. */
    readonly resources: readonly PolicyResource[];
}

/** The findings of one class of claim for one resource of a team stack. */
export type TeamRule = (r: PolicyResource, j: TeamJudge) => Finding[];

/** A predicate's refusal (undefined: allowed) as findings. */
export function refused(r: PolicyResource, path: string, problem: string | undefined): Finding[] {
    return problem === undefined ? [] : [violation(r, path, problem)];
}

export const NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * The values a label selector requires for `key` (matchLabels, `In` expressions; several
 * requirements intersect), or undefined when it leaves the key open.
 */
export function requiredValues(selector: any, key: string): string[] | undefined {
    let values: string[] | undefined;
    const narrow = (vs: string[]) => {
        values = values === undefined ? vs : values.filter((v) => vs.includes(v));
    };
    const labels = selector?.matchLabels ?? {};
    if (typeof labels === "object" && Object.hasOwn(labels, key)) {
        narrow([String(labels[key])]);
    }
    for (const e of asList(selector?.matchExpressions) as any[]) {
        if (e?.key === key && e?.operator === "In") {
            narrow(asList(e.values).map(String));
        }
    }
    return values;
}

/**
 * A namespace selector that selects at most the team's namespace: by name, or by the team label
 * its Namespace carries (no other stack may set that label to this team: see scope.ts).
 */
export function selectsOnlyOwnNamespace(selector: any, tenant: Tenant): boolean {
    const names = requiredValues(selector, NAME_LABEL);
    const teams = requiredValues(selector, LABELS.team);
    return (
        (names !== undefined && names.every((n) => n === tenant.namespace)) ||
        (teams !== undefined && teams.every((x) => x === tenant.team))
    );
}

export function ownNamespaceSelectorProblem(selector: any, j: TeamJudge, subject: string): string | undefined {
    if (selectsOnlyOwnNamespace(selector, j.tenant)) {
        return undefined;
    }
    const what =
        selector === undefined || selector === null
            ? "is not set"
            : `${JSON.stringify(selector)} does not select only namespace ${j.tenant.namespace}`;
    return `${what}, so ${subject} other teams' namespaces too; select ${j.tenant.namespace} by ${NAME_LABEL} (or ${LABELS.team}: ${j.tenant.team})`;
}
