/** What the cluster suite expects of the API server's answer to one request. */
import * as assert from "assert";
import { output, type KubectlResult } from "./kube";

/** The request went through (admission and RBAC). */
export function admitted(r: KubectlResult, what: string): void {
    assert.strictEqual(r.code, 0, `${what} was refused: ${output(r)}`);
}

/** The request was refused by ValidatingAdmissionPolicy POLICY (bound by a binding of the same name) with RULE's message. */
export function deniedByPolicy(policy: string, r: KubectlResult, rule: { message: string }, what: string): void {
    const expected = `ValidatingAdmissionPolicy '${policy}' with binding '${policy}' denied request: ${rule.message}`;
    assert.ok(
        r.code !== 0 && output(r).includes(expected),
        `${what}: expected the refusal "${expected}"; got (rc ${r.code}): ${output(r)}`,
    );
}
