/**
 * A team stack's Alibaba Cloud resources: only the kinds a team stack creates (its RAM role,
 * policies and their attachments, its pod vSwitches, its CLB ACLs), each claiming only what the
 * registry lists for it. Buckets are judged through the RAM policies that grant them: a Ray pod
 * can do whatever its role's policies allow.
 */
import { OSS_READ_ACTIONS, asList } from "@ray-on-ack/common/ram";
import { logPrefixProblem, namespaceProblem, ossProblem, podCidrProblem, ramRoleProblem, vpcProblem } from "@ray-on-ack/common/tenancy";
import { Finding, violation } from "../check";
import { policyDocument } from "../checks/ram";
import { PolicyResource } from "../resource";
import { TeamJudge, TeamRule, refused } from "./judge";

const ROLE = "alicloud:ram/role:Role";
const POLICY = "alicloud:ram/policy:Policy";
const ATTACHMENT = "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment";

/** Name fields of the provider: the current one, then its deprecated predecessor. */
const nameOf = (r: PolicyResource, fields: readonly string[]) =>
    fields.map((f) => r.props?.[f]).find((v) => typeof v === "string") as string | undefined;

function role(r: PolicyResource, j: TeamJudge): Finding[] {
    const findings: Finding[] = [];
    const name = nameOf(r, ["roleName", "name"]);
    if (name === undefined) {
        findings.push(
            violation(
                r,
                "roleName",
                `is not set; a RAM role of stack ${j.stack} has a name its registry entry lists (ray-tenancy.tenants.${j.stack}.ramRoles)`,
            ),
        );
    } else {
        findings.push(...refused(r, r.props?.roleName !== undefined ? "roleName" : "name", ramRoleProblem(j.t, j.stack, name)));
    }
    const doc = policyDocument(r, ["assumeRolePolicyDocument", "document"]);
    if (doc !== undefined && "invalid" in doc) {
        return [...findings, violation(r, doc.field, "is not valid JSON, so the ServiceAccounts it trusts cannot be judged")];
    }
    (doc?.statements ?? []).forEach((st, i) => {
        if (st?.Effect !== "Allow") {
            return;
        }
        // oidc:sub under any operator (StringEquals, StringLike...): each names the ServiceAccounts that may assume the role.
        for (const [op, conditions] of Object.entries<any>(st.Condition ?? {})) {
            for (const [key, values] of Object.entries<any>(conditions ?? {})) {
                if (key.toLowerCase() !== "oidc:sub") {
                    continue;
                }
                const at = `${doc!.field}.Statement[${i}].Condition.${op}["${key}"]`;
                for (const subject of asList(values)) {
                    const ns = /^system:serviceaccount:([^:]*):[^:]+$/.exec(String(subject))?.[1];
                    const problem =
                        ns === undefined
                            ? `is not a ServiceAccount of namespace ${j.tenant.namespace} (system:serviceaccount:${j.tenant.namespace}:<name>)`
                            : namespaceProblem(j.t, j.stack, ns);
                    findings.push(...refused(r, at, problem === undefined ? undefined : `${JSON.stringify(subject)}: ${problem}`));
                }
            }
        }
    });
    return findings;
}

/** Read only when every action of the statement only reads; NotAction writes whatever it leaves out. */
function statementAccess(st: any): "read" | "read-write" {
    const reads = OSS_READ_ACTIONS.map((a) => a.toLowerCase());
    const actions = asList(st.Action).map((a) => String(a).toLowerCase());
    return st.NotAction === undefined && actions.length > 0 && actions.every((a) => reads.includes(a)) ? "read" : "read-write";
}

/** Prefixes a bucket-level statement is limited to by `oss:Prefix` (`etl/*` -> `etl/`); none: the whole bucket. */
function conditionPrefixes(st: any): string[] {
    const prefixes = Object.values<any>(st.Condition ?? {}).flatMap((conditions) =>
        Object.entries<any>(conditions ?? {})
            .filter(([key]) => key.toLowerCase() === "oss:prefix")
            .flatMap(([, values]) => asList(values).map((v) => literalPrefix(String(v)))),
    );
    return prefixes.length > 0 ? prefixes : [""];
}

/** The literal start of a RAM pattern: what a `*` or `?` leaves of it is all that is certain. */
const literalPrefix = (pattern: string) => pattern.split(/[*?]/)[0];

/** An OSS resource of an Allow statement as bucket + prefix claims, or why it is refused outright. */
function ossResourceFindings(r: PolicyResource, at: string, resource: unknown, st: any, j: TeamJudge): Finding[] {
    if (typeof resource !== "string") {
        return [];
    }
    if (resource.trim() === "*") {
        return [violation(r, at, `"*" is every resource of the account, other teams' buckets included; name the team's bucket and prefix`)];
    }
    const parts = resource.split(":");
    if (parts[0] !== "acs" || parts.length < 5) {
        return []; // not an ARN: ray-ram-policy-least-privilege refuses it
    }
    const service = parts[1].toLowerCase();
    if (/[*?]/.test(service)) {
        return [
            violation(
                r,
                at,
                `${resource} names every service, OSS included, so other teams' buckets too; name the team's bucket and prefix`,
            ),
        ];
    }
    if (service !== "oss") {
        return []; // no registry of other services: ray-ram-policy-least-privilege judges their actions
    }
    const relative = parts.slice(4).join(":");
    const slash = relative.indexOf("/");
    const bucket = slash < 0 ? relative : relative.slice(0, slash);
    if (bucket === "" || /[*?]/.test(bucket)) {
        return [violation(r, at, `bucket ${JSON.stringify(bucket)} is a pattern, which covers other teams' buckets; name the bucket`)];
    }
    const prefixes = slash < 0 ? conditionPrefixes(st) : [literalPrefix(relative.slice(slash + 1))];
    const access = statementAccess(st);
    const actions = asList(st.Action).map(String);
    return prefixes.flatMap((prefix) => {
        // The log prefix: the writer's or a reader's policy, nothing else (the shape is the registry's rule).
        const log = st.NotAction === undefined ? logPrefixProblem(j.t, j.stack, bucket, prefix, actions) : undefined;
        if (log !== undefined) {
            return log === "" ? [] : [violation(r, at, log)];
        }
        return refused(r, at, ossProblem(j.t, j.stack, bucket, prefix, access));
    });
}

function policy(r: PolicyResource, j: TeamJudge): Finding[] {
    const doc = policyDocument(r, ["policyDocument", "document"]);
    if (doc === undefined) {
        return [];
    }
    if ("invalid" in doc) {
        return [violation(r, doc.field, "is not valid JSON, so the buckets it grants cannot be judged")];
    }
    return doc.statements.flatMap((st, i) => {
        if (st?.Effect !== "Allow") {
            return []; // a Deny only narrows
        }
        const at = `${doc.field}.Statement[${i}]`;
        if (st.NotResource !== undefined) {
            return [
                violation(
                    r,
                    `${at}.NotResource`,
                    "grants every resource it does not list, other teams' buckets included; list the team's buckets in Resource",
                ),
            ];
        }
        return asList(st.Resource).flatMap((resource, k) =>
            ossResourceFindings(r, Array.isArray(st.Resource) ? `${at}.Resource[${k}]` : `${at}.Resource`, resource, st, j),
        );
    });
}

/** The policy names this stack declares: the only custom policies its roles may be given, since the pack sees what they grant. */
function declaredPolicies(j: TeamJudge): string[] {
    return j.resources.filter((x) => x.type === POLICY).flatMap((x) => nameOf(x, ["policyName", "name"]) ?? []);
}

function attachment(r: PolicyResource, j: TeamJudge): Finding[] {
    const findings: Finding[] = [];
    const roleName = r.props?.roleName;
    if (typeof roleName === "string") {
        findings.push(...refused(r, "roleName", ramRoleProblem(j.t, j.stack, roleName)));
    }
    const name = r.props?.policyName;
    if (r.props?.policyType !== "Custom") {
        findings.push(
            violation(
                r,
                "policyType",
                `attaches the ${r.props?.policyType ?? "unspecified"} policy ${JSON.stringify(name ?? null)}: a system policy grants its service across the account, other teams' buckets included; attach a custom policy this stack declares`,
            ),
        );
    } else if (typeof name === "string" && !declaredPolicies(j).includes(name)) {
        findings.push(
            violation(
                r,
                "policyName",
                `${name} is not a RAM policy this stack declares, so the pack cannot see what it grants (it may be another team's); attach a policy declared next to the role`,
            ),
        );
    }
    return findings;
}

function vSwitch(r: PolicyResource, j: TeamJudge): Finding[] {
    const { cidrBlock, vpcId } = r.props ?? {};
    return [
        ...(typeof cidrBlock === "string" ? refused(r, "cidrBlock", podCidrProblem(j.t, j.stack, cidrBlock)) : []),
        ...(typeof vpcId === "string" ? refused(r, "vpcId", vpcProblem(j.t, j.stack, vpcId)) : []),
    ];
}

/** The cloud resources a team stack creates, each with its rules. */
const TEAM_CLOUD: Record<string, TeamRule> = {
    [ROLE]: role,
    [POLICY]: policy,
    [ATTACHMENT]: attachment,
    "alicloud:vpc/switch:Switch": vSwitch,
    // The ACL of the team's own CLB listener; ray-clb-acl-restricted judges its entries.
    "alicloud:slb/acl:Acl": () => [],
};

export const cloudClaims: TeamRule = (r, j) => {
    if (!r.type.startsWith("alicloud:")) {
        return [];
    }
    const rule = TEAM_CLOUD[r.type];
    return rule
        ? rule(r, j)
        : [
              violation(
                  r,
                  "",
                  `${r.type} is not a cloud resource a team stack creates (its RAM role, policies and their attachments, its pod vSwitches, its CLB ACLs); it belongs to the platform stack`,
              ),
          ];
};
