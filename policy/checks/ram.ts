/**
 * Seed 8: Ray pods reach Alibaba Cloud through RRSA, so the RAM role's trust policy is the
 * credential: it must name the cluster's OIDC provider and exactly the ServiceAccounts meant to
 * hold the role (named one by one, all in one namespace), or any pod of the cluster (or of another
 * cluster) can assume the team's role. A team role lists its clusters' head and worker accounts.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, violation } from "../check";
import { PolicyResource } from "../resource";
import { RamStatement, STS_AUDIENCE, starOnStar } from "../../components/cloud/ramPolicies";

const OIDC_PROVIDER = /^acs:ram::[0-9]+:oidc-provider\/ack-rrsa-[0-9a-z]+$/;
const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function asArray(v: unknown): unknown[] {
    if (v === undefined || v === null) {
        return [];
    }
    return Array.isArray(v) ? v : [v];
}

type PolicyDocument = { field: string; statements: any[] } | { field: string; invalid: true } | undefined;

/** The JSON document under whichever of the provider's field names is set (the older `document` is deprecated, not gone). */
function policyDocument(r: PolicyResource, fields: readonly string[]): PolicyDocument {
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
                violation(r, `${path}.Principal.Federated`, `${JSON.stringify(provider)} is not an ACK RRSA OIDC provider (acs:ram::<account>:oidc-provider/ack-rrsa-<cluster id>)`),
            );
        }
    }
    const condition = st.Condition ?? {};
    if (condition.StringLike !== undefined) {
        findings.push(violation(r, `${path}.Condition.StringLike`, "matches by wildcard; bind oidc:sub with StringEquals to named ServiceAccounts"));
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
            findings.push(violation(r, subPath, `${JSON.stringify(bad)} is not one ServiceAccount (system:serviceaccount:<namespace>:<name>)`));
        } else if (namespaces.size > 1) {
            findings.push(violation(r, subPath, `spans namespaces ${[...namespaces].sort().join(", ")}; a role belongs to one team's namespace`));
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
        'seed 8: a RAM role trusted through OIDC names an ack-rrsa- provider and binds StringEquals oidc:sub to named system:serviceaccount:<namespace>:<name> subjects of one namespace (no wildcard) and oidc:aud to sts.aliyuncs.com; no StringLike.',
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
        return doc.statements.flatMap((st, i) =>
            st?.Effect === "Allow" && st?.Principal?.Federated !== undefined ? statementFindings(r, `${doc.field}.Statement[${i}]`, st) : [],
        );
    },
};

export const ramPolicyLeastPrivilege: Check = {
    kind: "resource",
    id: POLICY_IDS.ramPolicyLeastPrivilege,
    title: "RAM policies are scoped",
    seedSection: "8",
    description: 'seed 8: no RAM policy allows "*" actions on "*" resources, and no role gets the AdministratorAccess system policy.',
    configKeys: [],
    appliesTo: (r) => r.type === "alicloud:ram/policy:Policy" || r.type === "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
    validate(r) {
        if (r.type === "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment") {
            return r.props?.policyName === "AdministratorAccess"
                ? [violation(r, "policyName", "attaches AdministratorAccess; attach a policy scoped to the team's resources")]
                : [];
        }
        const doc = policyDocument(r, ["policyDocument", "document"]);
        if (doc === undefined) {
            return [];
        }
        if ("invalid" in doc) {
            return [violation(r, doc.field, "is not valid JSON")];
        }
        const statements: RamStatement[] = doc.statements.map((st) => (st !== null && typeof st === "object" ? st : {}));
        return starOnStar(statements).map((i) => violation(r, `${doc.field}.Statement[${i}]`, 'allows every action ("*") on every resource ("*")'));
    },
};
