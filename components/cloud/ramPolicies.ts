/**
 * RAM documents for RRSA (seed section 8), as pure functions so that tests can compare
 * the exact JSON. The trust policy names every ServiceAccount it trusts, with
 * StringEquals: no wildcard, no StringLike, no other namespace.
 */

export interface RrsaProvider {
    /** `acs:ram::<accountId>:oidc-provider/ack-rrsa-<clusterId>` */
    readonly providerArn: string;
    /** The cluster's OIDC issuer URL. */
    readonly issuerUrl: string;
}

import { STS_AUDIENCE } from "@ray-on-ack/common";

export { STS_AUDIENCE };

export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
    return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

export function trustPolicyDocument(provider: RrsaProvider, namespace: string, serviceAccounts: readonly string[]): string {
    if (serviceAccounts.length === 0) {
        throw new Error("a RAM role for RRSA must trust at least one ServiceAccount");
    }
    const subjects = [...serviceAccounts].sort().map((sa) => serviceAccountSubject(namespace, sa));
    return JSON.stringify({
        Version: "1",
        Statement: [
            {
                Action: "sts:AssumeRole",
                Effect: "Allow",
                Principal: { Federated: [provider.providerArn] },
                Condition: {
                    StringEquals: {
                        "oidc:aud": STS_AUDIENCE,
                        "oidc:iss": provider.issuerUrl,
                        "oidc:sub": subjects.length === 1 ? subjects[0] : subjects,
                    },
                },
            },
        ],
    });
}

export interface OssGrant {
    readonly bucket: string;
    readonly prefix: string;
    readonly access: "read" | "read-write";
}

export interface RamStatement {
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    readonly Resource: string | string[];
    readonly Condition?: Record<string, unknown>;
}

const OSS_READ = ["oss:GetObject", "oss:GetObjectMeta"];
const OSS_WRITE = ["oss:PutObject", "oss:DeleteObject", "oss:AbortMultipartUpload", "oss:ListParts"];

/** Object access under the prefix only; listing only with the prefix as a condition. */
export function ossStatements(accountId: string, grants: readonly OssGrant[]): RamStatement[] {
    return grants.flatMap((g) => [
        {
            Effect: "Allow" as const,
            Action: g.access === "read" ? OSS_READ : [...OSS_READ, ...OSS_WRITE],
            Resource: [`acs:oss:*:${accountId}:${g.bucket}/${g.prefix}*`],
        },
        {
            Effect: "Allow" as const,
            Action: ["oss:ListObjects"],
            Resource: [`acs:oss:*:${accountId}:${g.bucket}`],
            Condition: { StringLike: { "oss:Prefix": [`${g.prefix}*`] } },
        },
    ]);
}

export function ramPolicyDocument(statements: readonly RamStatement[]): string {
    if (statements.length === 0) {
        throw new Error("a RAM policy needs at least one statement");
    }
    return JSON.stringify({ Version: "1", Statement: statements });
}
