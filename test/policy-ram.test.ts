import * as assert from "assert";
import { ramPolicyLeastPrivilege, rrsaTrustPolicy } from "../policy/checks/ram";
import { RRSA_PROVIDER, messages, ramPolicy, ramRole, rolePolicyAttachment, trustDocument } from "./policy-fixtures.test";

const ROLE = "alicloud:ram/role:Role team-a-ray";
const STATEMENT = "assumeRolePolicyDocument.Statement[0]";

describe("policy ray-rrsa-trust-policy (seed 8)", () => {
    it("accepts a trust policy bound to one ServiceAccount through the ack-rrsa provider", () => {
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole()), []);
    });

    it("reads the deprecated document field as well", () => {
        const role = ramRole();
        role.props = { roleName: "team-a-ray", document: role.props.assumeRolePolicyDocument };
        assert.deepStrictEqual(messages(rrsaTrustPolicy, role), []);
        role.props.document = JSON.stringify(trustDocument({ Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com" } } }));
        assert.deepStrictEqual(messages(rrsaTrustPolicy, role), [
            'alicloud:ram/role:Role team-a-ray: document.Statement[0].Condition.StringEquals["oidc:sub"]: is not set, so every ServiceAccount of the cluster can assume the role',
        ]);
    });

    it("ignores roles trusted by a service rather than through OIDC", () => {
        const doc = { Version: "1", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: ["ecs.aliyuncs.com"] } }] };
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
            Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com", "oidc:sub": ["system:serviceaccount:ray-a:x", "system:serviceaccount:ray-a:y"] } },
        });
        assert.deepStrictEqual(messages(rrsaTrustPolicy, ramRole(sameNamespace)), []);
        const several = trustDocument({
            Principal: { Federated: RRSA_PROVIDER },
            Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com", "oidc:sub": ["system:serviceaccount:ray-a:x", "system:serviceaccount:ray-b:y"] } },
        });
        const wildcard = trustDocument({
            Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com", "oidc:sub": "system:serviceaccount:ray-a:*" } },
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
        const admin = ramPolicy([
            { Effect: "Allow", Action: ["oss:GetObject"], Resource: "*" },
            { Effect: "Allow", Action: "*", Resource: ["*"] },
        ]);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, admin), [
            'alicloud:ram/policy:Policy team-a-oss: policyDocument.Statement[1]: allows every action ("*") on every resource ("*")',
        ]);
        assert.deepStrictEqual(messages(ramPolicyLeastPrivilege, rolePolicyAttachment("AdministratorAccess")), [
            "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment team-a-oss: policyName: attaches AdministratorAccess; attach a policy scoped to the team's resources",
        ]);
    });
});
