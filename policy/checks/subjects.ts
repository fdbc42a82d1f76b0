/**
 * Seed 4: a binding hands a Role to its subjects. Kubernetes' own `system:` identities stand for
 * many callers at once (`system:authenticated` is everyone with a credential, `system:serviceaccounts`
 * every pod), so binding one gives a team's access, port-forward to Ray pods included, to all of them.
 * A ServiceAccount is bound by kind ServiceAccount, never as the `system:serviceaccount:` user.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { isKind } from "../resource";
import { isSystemSubject } from "@ray-on-ack/common/subjects";

export const rbacSubjects: Check = {
    kind: "resource",
    id: POLICY_IDS.rbacSubjects,
    title: "Bindings name people and ServiceAccounts, not system identities",
    seedSection: "4",
    description:
        "seed 4: RoleBindings and ClusterRoleBindings bind no User or Group named system:* (system:authenticated, system:unauthenticated, system:serviceaccounts, system:masters...); ServiceAccounts are bound as kind ServiceAccount.",
    configKeys: [],
    appliesTo: (r) => ["RoleBinding", "ClusterRoleBinding"].some((kind) => isKind(r, "rbac.authorization.k8s.io", kind)),
    validate(r) {
        const findings: Finding[] = [];
        const subjects: unknown[] = Array.isArray(r.props?.subjects) ? r.props.subjects : [];
        subjects.forEach((s: any, i) => {
            if (s?.kind !== "ServiceAccount" && typeof s?.name === "string" && isSystemSubject(s.name)) {
                findings.push(
                    violation(
                        r,
                        `subjects[${i}].name`,
                        `binds the system identity ${s.kind} "${s.name}", which stands for every caller of its kind; bind named people, groups or a ServiceAccount`,
                    ),
                );
            }
        });
        return findings;
    },
};
