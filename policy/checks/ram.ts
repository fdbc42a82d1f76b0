/**
 * Seed 8: Ray pods reach Alibaba Cloud through RRSA, so the RAM role's trust policy is the
 * credential: it must name the cluster's OIDC provider and exactly the ServiceAccounts meant to
 * hold the role (named one by one, all in one namespace), or any pod of the cluster (or of another
 * cluster) can assume the team's role. A team role lists its clusters' head and worker accounts.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { PolicyResource } from "../resource";
import { STS_AUDIENCE } from "@ray-on-ack/common";
import { RRSA_PROVIDER_ARN, issuerProblem, ramStatementProblems, systemPolicyProblem, wholeBucketOf } from "@ray-on-ack/common/ram";

const OIDC_PROVIDER = RRSA_PROVIDER_ARN;
const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function asArray(v: unknown): unknown[] {
    if (v === undefined || v === null) {
        return [];
    }
    return Array.isArray(v) ? v : [v];
}

export type PolicyDocument = { field: string; statements: any[] } | { field: string; invalid: true } | undefined;

/** The JSON document under whichever of the provider's field names is set (the older `document` is deprecated, not gone). */
export function policyDocument(r: PolicyResource, fields: readonly string[]): PolicyDocument {
    const field = fields.find((f) => r.props?.[f] !== undefined && r.props?.[f] !== null);
    if (field === undefined) {
        return undefined;
    }
    const raw = r.props[field];
    try {
        const doc = typeof raw === "string" ? JSON.parse(raw) : raw;
        return { field, statements: asArray(doc?.Statement) };
    } catch {
        return { field, invalid: true };
    }
}

function statementFindings(r: PolicyResource, path: string, st: any): Finding[] {
    const findings: Finding[] = [];
    for (const provider of asArray(st.Principal?.Federated)) {
        if (typeof provider !== "string" || !OIDC_PROVIDER.test(provider)) {
            findings.push(
                violation(
                    r,
                    `${path}.Principal.Federated`,
                    `${JSON.stringify(provider)} is not an ACK RRSA OIDC provider (acs:ram::<account>:oidc-provider/ack-rrsa-<cluster id>)`,
                ),
            );
        }
    }
    const providers = asArray(st.Principal?.Federated);
    if (providers.length > 1) {
        findings.push(
            violation(
                r,
                `${path}.Principal.Federated`,
                `trusts ${providers.length} OIDC providers; an RRSA role trusts only its cluster's`,
            ),
        );
    }
    const condition = st.Condition ?? {};
    if (providers.length === 1 && typeof providers[0] === "string") {
        const why = issuerProblem(providers[0], condition.StringEquals?.["oidc:iss"]);
        if (why) {
            findings.push(violation(r, `${path}.Condition.StringEquals["oidc:iss"]`, why));
        }
    }
    if (condition.StringLike !== undefined) {
        findings.push(
            violation(r, `${path}.Condition.StringLike`, "matches by wildcard; bind oidc:sub with StringEquals to named ServiceAccounts"),
        );
    }
    const equals = condition.StringEquals ?? {};
    const subjects = asArray(equals["oidc:sub"]);
    const subPath = `${path}.Condition.StringEquals["oidc:sub"]`;
    if (subjects.length === 0) {
        findings.push(violation(r, subPath, "is not set, so every ServiceAccount of the cluster can assume the role"));
    } else {
        const bad = subjects.find((s) => typeof s !== "string" || !SERVICE_ACCOUNT_SUBJECT.test(s));
        const namespaces = new Set(subjects.map((s) => String(s).split(":")[2]));
        if (bad !== undefined) {
            findings.push(
                violation(r, subPath, `${JSON.stringify(bad)} is not one ServiceAccount (system:serviceaccount:<namespace>:<name>)`),
            );
        } else if (namespaces.size > 1) {
            findings.push(
                violation(r, subPath, `spans namespaces ${[...namespaces].sort().join(", ")}; a role belongs to one team's namespace`),
            );
        }
    }
    const audiences = asArray(equals["oidc:aud"]);
    if (audiences.length !== 1 || audiences[0] !== STS_AUDIENCE) {
        findings.push(violation(r, `${path}.Condition.StringEquals["oidc:aud"]`, `must be "${STS_AUDIENCE}"`));
    }
    return findings;
}

export const rrsaTrustPolicy: Check = {
    kind: "resource",
    id: POLICY_IDS.rrsaTrustPolicy,
    title: "RRSA roles trust exactly the named ServiceAccounts of one namespace",
    seedSection: "8",
    description:
        "seed 8: a RAM role trusted through OIDC names an ack-rrsa- provider and binds StringEquals oidc:sub to named system:serviceaccount:<namespace>:<name> subjects of one namespace (no wildcard) and oidc:aud to sts.aliyuncs.com; no StringLike.",
    configKeys: [],
    appliesTo: (r) => r.type === "alicloud:ram/role:Role",
    validate(r) {
        const doc = policyDocument(r, ["assumeRolePolicyDocument", "document"]);
        if (doc === undefined) {
            return [];
        }
        if ("invalid" in doc) {
            return [violation(r, doc.field, "is not valid JSON")];
        }
        const allows = doc.statements
            .map((st, i) => ({ st, path: `${doc.field}.Statement[${i}]` }))
            .filter(({ st }) => st?.Effect === "Allow");
        const federated = allows.filter(({ st }) => st?.Principal?.Federated !== undefined);
        if (federated.length === 0) {
            return []; // not an RRSA role (e.g. trusted by a service)
        }
        const providers = new Set(federated.flatMap(({ st }) => asArray(st.Principal.Federated).map(String)));
        return [
            ...federated.flatMap(({ st, path }) => statementFindings(r, path, st)),
            ...(providers.size > 1
                ? [
                      violation(
                          r,
                          doc.field,
                          `trusts several OIDC providers (${[...providers].sort().join(", ")}); an RRSA role trusts only its cluster's`,
                      ),
                  ]
                : []),
            // Anything else the role trusts (an account, a service, "*") can assume what Ray pods hold.
            ...allows
                .filter(({ st }) => st?.Principal === undefined || Object.keys(st.Principal).some((k) => k !== "Federated"))
                .map(({ st, path }) =>
                    violation(
                        r,
                        `${path}.Principal`,
                        `${JSON.stringify(st?.Principal ?? "*")} is trusted next to the cluster's OIDC provider; an RRSA role trusts only that provider`,
                    ),
                ),
        ];
    },
};

export const ramPolicyLeastPrivilege: Check = {
    kind: "resource",
    id: POLICY_IDS.ramPolicyLeastPrivilege,
    title: "RAM policies are scoped",
    seedSection: "8",
    description:
        "seed 8: Allow statements of RAM policies list only allowlisted OSS object actions (no wildcard, no ram:/sts: actions, no NotAction/NotResource) on one bucket or a bucket/prefix/* (common/ram.ts); no AdministratorAccess, *FullAccess or RAM/STS system policy attached to a role. A whole-bucket grant is shown as a notice.",
    configKeys: [],
    appliesTo: (r) => r.type === "alicloud:ram/policy:Policy" || r.type === "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
    validate(r) {
        if (r.type === "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment") {
            const name = String(r.props?.policyName ?? "");
            if (name === "AdministratorAccess") {
                return [violation(r, "policyName", "attaches AdministratorAccess; attach a policy scoped to the team's resources")];
            }
            const why = r.props?.policyType === "Custom" ? undefined : systemPolicyProblem(name);
            return why ? [violation(r, "policyName", why)] : [];
        }
        const doc = policyDocument(r, ["policyDocument", "document"]);
        if (doc === undefined) {
            return [];
        }
        if ("invalid" in doc) {
            return [violation(r, doc.field, "is not valid JSON")];
        }
        return doc.statements.flatMap((st, i) => {
            const path = `${doc.field}.Statement[${i}]`;
            if (st === null || typeof st !== "object") {
                return [violation(r, path, "is not a statement object")];
            }
            const problems = ramStatementProblems(st).map((p) =>
                violation(r, path + p.path.map((x) => (typeof x === "number" ? `[${x}]` : `.${x}`)).join(""), p.message),
            );
            const buckets =
                st.Effect === "Allow"
                    ? asArray(st.Resource)
                          .map(wholeBucketOf)
                          .filter((b): b is string => b !== undefined)
                    : [];
            const notices = buckets.map((b) => ({
                ...violation(
                    r,
                    `${path}.Resource`,
                    `grants every object of bucket ${b} (an rrsa.oss grant with an empty prefix): allowed, shown so that reviewers see it`,
                ),
                notice: true as const,
            }));
            return [...problems, ...notices];
        });
    },
};
