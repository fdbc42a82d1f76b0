import * as assert from "assert";
import { ramPolicyLeastPrivilege, rrsaTrustPolicy } from "./ram";
import { RRSA_PROVIDER, messages, ramPolicy, ramRole, rolePolicyAttachment, trustDocument } from "../../test/fixtures/policy";
import { evaluateCheck, isBlocking } from "../evaluate";
import { resolvePackConfig } from "../config";
import { evaluatePosture, postureMarkdown } from "../posture";
import { RAM_ACTION_ALLOWLIST } from "@ray-on-ack/common/ram";

const POLICY = "alicloud:ram/policy:Policy team-a-oss";
const ATTACHMENT = "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment team-a-oss";
const ALLOWED = RAM_ACTION_ALLOWLIST.join(", ");

const ROLE = "alicloud:ram/role:Role team-a-ray";
const STATEMENT = "assumeRolePolicyDocument.Statement[0]";
const ISSUER = "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c0123456789abcdef";

describe("policy ray-rrsa-trust-policy (seed 8)", () => {
    it("accepts a trust policy bound to one ServiceAccount through the ack-rrsa provider", () => {
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole()), []);
    });

    it("reads the deprecated document field as well", () => {
        const role = ramRole();
        role.props = { roleName: "team-a-ray", document: role.props.assumeRolePolicyDocument };
        assert.deepStrictEqual(messages(rrsaTrustPolicy, role), []);
        role.props.document = JSON.stringify(
            trustDocument({ Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com", "oidc:iss": ISSUER } } }),
        );
        assert.deepStrictEqual(messages(rrsaTrustPolicy, role), [
            'alicloud:ram/role:Role team-a-ray: document.Statement[0].Condition.StringEquals["oidc:sub"]: is not set, so every ServiceAccount of the cluster can assume the role',
        ]);
    });

    it("ignores roles trusted by a service rather than through OIDC", () => {
        const doc = {
            Version: "1",
            Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: ["ecs.aliyuncs.com"] } }],
        };
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole(doc)), []);
    });

    it("refuses a wildcard subject through StringLike, a foreign provider and a wrong audience", () => {
        const doc = trustDocument({
            Principal: { Federated: ["acs:ram::1234567890123456:oidc-provider/corp-idp"] },
            Condition: {
                StringEquals: { "oidc:aud": ["sts.aliyuncs.com", "other"] },
                StringLike: { "oidc:sub": "system:serviceaccount:ray-a:*" },
            },
        });
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole(doc)), [
            `${ROLE}: ${STATEMENT}.Principal.Federated: "acs:ram::1234567890123456:oidc-provider/corp-idp" is not an ACK RRSA OIDC provider (acs:ram::<account>:oidc-provider/ack-rrsa-<cluster id>)`,
            `${ROLE}: ${STATEMENT}.Condition.StringLike: matches by wildcard; bind oidc:sub with StringEquals to named ServiceAccounts`,
            `${ROLE}: ${STATEMENT}.Condition.StringEquals["oidc:sub"]: is not set, so every ServiceAccount of the cluster can assume the role`,
            `${ROLE}: ${STATEMENT}.Condition.StringEquals["oidc:aud"]: must be "sts.aliyuncs.com"`,
        ]);
    });

    it("accepts several named subjects of one namespace, refuses other namespaces and a wildcard in StringEquals", () => {
        const sameNamespace = trustDocument({
            Principal: { Federated: RRSA_PROVIDER },
            Condition: {
                StringEquals: {
                    "oidc:aud": "sts.aliyuncs.com",
                    "oidc:iss": ISSUER,
                    "oidc:sub": ["system:serviceaccount:ray-a:x", "system:serviceaccount:ray-a:y"],
                },
            },
        });
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole(sameNamespace)), []);
        const several = trustDocument({
            Principal: { Federated: RRSA_PROVIDER },
            Condition: {
                StringEquals: {
                    "oidc:aud": "sts.aliyuncs.com",
                    "oidc:iss": ISSUER,
                    "oidc:sub": ["system:serviceaccount:ray-a:x", "system:serviceaccount:ray-b:y"],
                },
            },
        });
        const wildcard = trustDocument({
            Condition: {
                StringEquals: { "oidc:aud": "sts.aliyuncs.com", "oidc:iss": ISSUER, "oidc:sub": "system:serviceaccount:ray-a:*" },
            },
        });
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole(several)), [
            `${ROLE}: ${STATEMENT}.Condition.StringEquals["oidc:sub"]: spans namespaces ray-a, ray-b; a role belongs to one team's namespace`,
        ]);
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole(wildcard)), [
            `${ROLE}: ${STATEMENT}.Condition.StringEquals["oidc:sub"]: "system:serviceaccount:ray-a:*" is not one ServiceAccount (system:serviceaccount:<namespace>:<name>)`,
        ]);
    });

    it("refuses a document that is not JSON", () => {
        const role = ramRole();
        role.props.assumeRolePolicyDocument = "{not json";
        assert.deepStrictEqual(messages(rrsaTrustPolicy, role), [`${ROLE}: assumeRolePolicyDocument: is not valid JSON`]);
    });
});

describe("policy ray-ram-policy-least-privilege (seed 8)", () => {
    it("accepts scoped statements and custom policy attachments", () => {
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, ramPolicy()), []);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, rolePolicyAttachment()), []);
    });

    it('refuses "*" on "*" and AdministratorAccess', () => {
        const admin = ramPolicy([{ Effect: "Allow", Action: "*", Resource: ["*"] }]);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, admin), [
            `${POLICY}: policyDocument.Statement[0].Action: "*" is a wildcard action; name each action (allowed: ${ALLOWED})`,
            `${POLICY}: policyDocument.Statement[0].Resource[0]: "*" is not one OSS bucket or an object path in it (acs:oss:*:<account>:<bucket>/<prefix>/*)`,
        ]);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, rolePolicyAttachment("AdministratorAccess")), [
            "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment team-a-oss: policyName: attaches AdministratorAccess; attach a policy scoped to the team's resources",
        ]);
    });

    it("refuses actions outside the allowlist: service wildcards, RAM/STS administration, other services, NotAction", () => {
        const policy = ramPolicy([
            {
                Effect: "Allow",
                Action: ["oss:*", "ram:CreateUser", "sts:AssumeRole", "ecs:DescribeInstances"],
                Resource: ["acs:oss:*:*:team-a-data/datasets/*"],
            },
            { Effect: "Allow", NotAction: ["oss:DeleteBucket"], Resource: ["acs:oss:*:*:team-a-data/datasets/*"] },
        ]);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, policy), [
            `${POLICY}: policyDocument.Statement[0].Action[0]: "oss:*" is a wildcard action; name each action (allowed: ${ALLOWED})`,
            `${POLICY}: policyDocument.Statement[0].Action[1]: "ram:CreateUser" administers identities (ram); Ray pods run user code and must not (allowed: ${ALLOWED})`,
            `${POLICY}: policyDocument.Statement[0].Action[2]: "sts:AssumeRole" administers identities (sts); Ray pods run user code and must not (allowed: ${ALLOWED})`,
            `${POLICY}: policyDocument.Statement[0].Action[3]: "ecs:DescribeInstances" is not in the RAM action allowlist (allowed: ${ALLOWED})`,
            `${POLICY}: policyDocument.Statement[1].NotAction: an Allow with NotAction grants everything not listed; list what is allowed in Action`,
        ]);
    });

    it("refuses wildcard resources beyond a bucket and prefix; a Deny may be broad", () => {
        const policy = ramPolicy([
            {
                Effect: "Allow",
                Action: ["oss:GetObject"],
                Resource: ["acs:oss:*:*:*", "acs:oss:*:*:team-a-data/data*", "acs:oss:*:*:team-a-data/*/x", "acs:ecs:*:*:*"],
            },
            { Effect: "Deny", Action: "*", Resource: "*" },
            { Effect: "Allow", Action: ["oss:ListObjects"], Resource: ["acs:oss:*:1234:team-a-data"] },
        ]);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, policy), [
            `${POLICY}: policyDocument.Statement[0].Resource[0]: "acs:oss:*:*:*" is not one OSS bucket or an object path in it (acs:oss:*:<account>:<bucket>/<prefix>/*)`,
            `${POLICY}: policyDocument.Statement[0].Resource[1]: "acs:oss:*:*:team-a-data/data*": prefix "data" must end in '/': without it, "data*" also matches "data-other/..."`,
            `${POLICY}: policyDocument.Statement[0].Resource[2]: "acs:oss:*:*:team-a-data/*/x" has a wildcard inside the object path; only a trailing '*' after a prefix is allowed`,
            `${POLICY}: policyDocument.Statement[0].Resource[3]: "acs:ecs:*:*:*" is not one OSS bucket or an object path in it (acs:oss:*:<account>:<bucket>/<prefix>/*)`,
        ]);
    });

    it("shows a whole-bucket grant as a notice (exception), never a failure", () => {
        const policy = ramPolicy([{ Effect: "Allow", Action: ["oss:GetObject"], Resource: ["acs:oss:*:*:team-a-data/*"] }]);
        const { findings } = evaluateCheck(ramPolicyLeastPrivilege, [policy], resolvePackConfig());
        assert.deepStrictEqual(
            findings.map((f) => [f.message, f.exception, isBlocking(f)]),
            [
                [
                    `${POLICY}: policyDocument.Statement[0].Resource: grants every object of bucket team-a-data (an rrsa.oss grant with an empty prefix): allowed, shown so that reviewers see it`,
                    true,
                    false,
                ],
            ],
        );
        // A notice needs no grant.
        const report = evaluatePosture([policy]);
        assert.strictEqual(report.checks.find((c) => c.id === "ray-ram-policy-least-privilege")?.status, "exception");
        assert.match(
            postureMarkdown(report),
            /^- notice: alicloud:ram\/policy:Policy team-a-oss: .*grants every object of bucket team-a-data/m,
        );
    });

    it("refuses *FullAccess and RAM/STS system policies, not custom ones of that name", () => {
        const attach = (policyName: string, policyType: string) => {
            const a = rolePolicyAttachment(policyName);
            a.props.policyType = policyType;
            return a;
        };
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, attach("AliyunOSSFullAccess", "System")), [
            `${ATTACHMENT}: policyName: attaches the system policy AliyunOSSFullAccess, which grants a whole service (or the account); attach a custom policy scoped to the team's buckets`,
        ]);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, attach("AliyunSTSAssumeRoleAccess", "System")), [
            `${ATTACHMENT}: policyName: attaches the system policy AliyunSTSAssumeRoleAccess, which reaches identities (RAM/STS); Ray pods must not`,
        ]);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, attach("AliyunOSSReadOnlyAccess", "System")), []);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, attach("TeamAFullAccess", "Custom")), []);
    });
});

describe("policy ray-rrsa-trust-policy: only the cluster's OIDC provider", () => {
    it("refuses an issuer of another cluster, a second provider and a second principal", () => {
        const otherIssuer = trustDocument({
            Condition: {
                StringEquals: {
                    "oidc:aud": "sts.aliyuncs.com",
                    "oidc:iss": "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/cffff",
                    "oidc:sub": "system:serviceaccount:ray-a:x",
                },
            },
        });
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole(otherIssuer)), [
            `${ROLE}: ${STATEMENT}.Condition.StringEquals["oidc:iss"]: "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/cffff" is not the issuer of cluster c0123456789abcdef, whose provider the statement trusts`,
        ]);
        const doc = trustDocument();
        doc.Statement[0].Principal.Federated.push("acs:ram::1234567890123456:oidc-provider/ack-rrsa-cffff");
        doc.Statement.push({ Action: "sts:AssumeRole", Effect: "Allow", Principal: { RAM: ["acs:ram::1234567890123456:root"] } });
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole(doc)), [
            `${ROLE}: ${STATEMENT}.Principal.Federated: trusts 2 OIDC providers; an RRSA role trusts only its cluster's`,
            `${ROLE}: assumeRolePolicyDocument: trusts several OIDC providers (acs:ram::1234567890123456:oidc-provider/ack-rrsa-c0123456789abcdef, acs:ram::1234567890123456:oidc-provider/ack-rrsa-cffff); an RRSA role trusts only its cluster's`,
            `${ROLE}: assumeRolePolicyDocument.Statement[1].Principal: {"RAM":["acs:ram::1234567890123456:root"]} is trusted next to the cluster's OIDC provider; an RRSA role trusts only that provider`,
        ]);
    });
});
