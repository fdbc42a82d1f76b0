/**
 * Evaluates a ValidatingAdmissionPolicy against one admission request, the way the API server
 * does: the resource rules and match conditions decide whether it applies, the variables are
 * computed in order, and the first validation that is false denies the request with its message
 * (an evaluation error denies too: the policies fail closed). The expressions run in a CEL
 * interpreter (@marcbachmann/cel-js), on objects as admission hands a custom resource to CEL: plain
 * maps, no schema. The pack's autoscaler-scope check (checks/autoscaler.ts) judges a stack's
 * policies with it, and the components' tests their own; what the interpreter cannot show (how the
 * API server fills `request`, CEL's cost limits) the e2e cluster suite shows on a real API server.
 */
import { Environment } from "@marcbachmann/cel-js";

export interface AdmissionRequest {
    /** `system:serviceaccount:<ns>:<name>` or a user name */
    username: string;
    /** The user info's extra: a pod-bound token's `authentication.kubernetes.io/pod-name` (none: left out, as the API server does) */
    extra?: Record<string, string[]>;
    namespace: string;
    operation: "CREATE" | "UPDATE" | "DELETE";
    group: string;
    /** the API version the client used (default v1) */
    version?: string;
    resource: string;
    subResource?: string;
    object: Record<string, any>;
    oldObject?: Record<string, any>;
}

export type AdmissionResult = { matched: false } | { matched: true; allowed: true } | { matched: true; allowed: false; message: string };

const env = new Environment({ unlistedVariablesAreDyn: true });

function matches(policy: Record<string, any>, req: AdmissionRequest): boolean {
    const full = req.subResource === undefined ? req.resource : `${req.resource}/${req.subResource}`;
    return (policy.spec.matchConstraints.resourceRules as any[]).some(
        (r) => r.apiGroups.includes(req.group) && r.operations.includes(req.operation) && r.resources.includes(full),
    );
}

export function admit(policy: Record<string, any>, req: AdmissionRequest): AdmissionResult {
    if (!matches(policy, req)) return { matched: false };
    const request: Record<string, any> = {
        namespace: req.namespace,
        operation: req.operation,
        // the API server leaves an empty extra out of `request`, so has() is false
        userInfo: { username: req.username, ...(req.extra === undefined ? {} : { extra: req.extra }) },
        resource: { group: req.group, version: req.version ?? "v1", resource: req.resource },
        requestResource: { group: req.group, version: req.version ?? "v1", resource: req.resource },
        // the API server leaves an empty subResource out of `request`, so has() is false
        ...(req.subResource === undefined ? {} : { subResource: req.subResource }),
    };
    const variables: Record<string, unknown> = {};
    const ctx = { request, object: req.object, oldObject: req.oldObject ?? null, variables };
    for (const c of policy.spec.matchConditions ?? []) {
        if (env.evaluate(c.expression, ctx) !== true) return { matched: false };
    }
    for (const v of policy.spec.variables ?? []) variables[v.name] = env.evaluate(v.expression, ctx);
    for (const v of policy.spec.validations) {
        let ok: unknown;
        try {
            ok = env.evaluate(v.expression, ctx);
        } catch (e) {
            return { matched: true, allowed: false, message: `evaluation error: ${(e as Error).message}` };
        }
        if (ok !== true) return { matched: true, allowed: false, message: v.message };
    }
    return { matched: true, allowed: true };
}
