/** Rendered objects as the policy checks see them, and a check's validate without a silent fallback. */
import type { Check, Finding, ResourceCheck } from "../../policy/check";
import type { PackConfig } from "../../policy/config";
import type { PolicyResource } from "../../policy/resource";

/** A rendered Kubernetes object as the pack presents it (`kubernetes:<group>/<version>:<Kind>`). */
export function asResource(o: Record<string, any>): PolicyResource {
    const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["core", o.apiVersion];
    return { type: `kubernetes:${group}/${version}:${o.kind}`, name: o.metadata.name, props: o };
}

/**
 * The findings of a per-resource check. A check that is not per-resource is a test bug, not
 * "no findings": falling back to `[]` would let an assertion of "no violations" pass on nothing.
 */
export function resourceFindings(check: Check, r: PolicyResource, config: PackConfig): Finding[] {
    if (check.kind !== "resource") {
        throw new Error(`${check.id} is a ${check.kind} check, not a per-resource one`);
    }
    return (check as ResourceCheck).validate(r, config);
}
