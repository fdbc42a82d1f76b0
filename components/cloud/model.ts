/** The RRSA config fragment: the ACK cluster and account, the team's RAM role and grants, a cluster's own role. */
import { z } from "zod";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { RRSA_PROVIDER_ARN, issuerProblem, ossPrefixProblem, ramStatementProblems } from "@ray-on-ack/common/ram";
import { refuseWith } from "../core/addressRules";
import { removedKey } from "../core/removed";

/** A RayCluster's or RayService's `rrsa`. */
export const clusterRrsaSchema = z
    .strictObject({
        dedicatedRole: z
            .boolean()
            .default(false)
            .describe("Give this RayCluster its own RAM role (default: the team role is shared by all clusters of the team)."),
    })
    .register(argTypes, { id: "ClusterRrsa", description: "A RayCluster's own RRSA settings." });

export const rrsaTeamSchema = z
    .strictObject({
        enabled: z
            .boolean()
            .default(true)
            .describe("Give RRSA roles to the Ray pods. Default true; only takes effect with `cloud` and at least one grant."),
        existingRoleName: z
            .string()
            .optional()
            .describe("Bring-your-own role: annotate the ServiceAccounts with this role name instead of creating one."),
        oss: z
            .array(
                z
                    .strictObject({
                        bucket: z
                            .string()
                            .regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "must be an OSS bucket name")
                            .describe("The OSS bucket."),
                        prefix: z
                            .string()
                            .superRefine(refuseWith(ossPrefixProblem))
                            .default("")
                            .describe("Object prefix, ending in '/'. Empty: the whole bucket (allowed, and shown in the posture report)."),
                        access: z
                            .enum(["read", "read-write"])
                            .default("read")
                            .describe("`read` (get and list) or `read-write` (also put and delete)."),
                    })
                    .register(argTypes, { id: "OssGrant", description: "An OSS grant to the team's RAM role." }),
            )
            .default([])
            .describe("OSS grants of the team role: `{bucket, prefix, access}`."),
        extraStatements: z
            .array(
                z
                    .strictObject({
                        Effect: z.enum(["Allow", "Deny"]).describe("`Allow` or `Deny`."),
                        Action: z
                            .union([z.string(), z.array(z.string())])
                            .describe("OSS object actions only (`oss:GetObject`, ...; the allowlist is in common/ram.ts)."),
                        Resource: z
                            .union([z.string(), z.array(z.string())])
                            .describe("OSS object ARNs of a bucket or prefix (`acs:oss:*:*:<bucket>/<prefix>*`); never `*`."),
                        Condition: z.record(z.string(), z.unknown()).optional().describe("A RAM policy condition, as written in RAM."),
                    })
                    .register(argTypes, {
                        id: "RamStatement",
                        description: "An extra RAM policy statement: OSS object actions on a bucket and prefix only.",
                    }),
            )
            .default([])
            .superRefine((statements, c) => {
                statements.forEach((st, i) => {
                    for (const p of ramStatementProblems(st)) {
                        c.addIssue({ code: "custom", path: [i, ...p.path], message: p.message });
                    }
                });
            })
            .describe(
                'Extra RAM policy statements: OSS object actions on a bucket and prefix only (common/ram.ts, docs/design.md "RRSA").',
            ),
    })
    .register(argTypes, { id: "Rrsa", description: "RRSA: RAM roles for the Ray pods." });

export const cloudSchema = z
    .strictObject({
        clusterId: z.string().min(1).describe("ACK cluster id."),
        accountId: z
            .string()
            .regex(/^[0-9]+$/, "must be the numeric account id")
            .describe("Alibaba Cloud account id (for ARNs)."),
        region: z.string().min(1).describe("The cluster's region, e.g. `cn-hangzhou`."),
        kubeconfigSource: removedKey(
            "was removed: the kubeconfig comes from the cluster (alicloud.cs.getClusterCredential), never from a stack file's `kubeconfig`, whose exec plugin would run with the deploy's credentials",
        ).describe("Removed: the kubeconfig is read from the cluster (`alicloud.cs.getClusterCredential`)."),
        rrsaIssuerUrl: z
            .string()
            .url()
            .optional()
            .describe("RRSA OIDC issuer URL and provider ARN, when they cannot be read from the cluster (bring-your-own)."),
        rrsaProviderArn: z
            .string()
            .optional()
            .describe(
                "Bring-your-own RRSA OIDC provider ARN; must be this cluster's (`acs:ram::<account>:oidc-provider/ack-rrsa-<clusterId>`), given with `rrsaIssuerUrl`.",
            ),
    })
    .superRefine((cloud, c) => {
        // Bring-your-own RRSA details must be this cluster's: another cluster's provider would trust its ServiceAccounts.
        if (cloud.rrsaProviderArn !== undefined) {
            const cluster = RRSA_PROVIDER_ARN.exec(cloud.rrsaProviderArn)?.[1];
            if (cluster !== cloud.clusterId.toLowerCase()) {
                c.addIssue({
                    code: "custom",
                    path: ["rrsaProviderArn"],
                    message: `must be this cluster's RRSA provider, acs:ram::<account>:oidc-provider/ack-rrsa-${cloud.clusterId}`,
                });
            } else if (cloud.rrsaIssuerUrl !== undefined) {
                const why = issuerProblem(cloud.rrsaProviderArn, cloud.rrsaIssuerUrl);
                if (why) {
                    c.addIssue({ code: "custom", path: ["rrsaIssuerUrl"], message: why });
                }
            }
        }
        if ((cloud.rrsaIssuerUrl === undefined) !== (cloud.rrsaProviderArn === undefined)) {
            c.addIssue({
                code: "custom",
                path: [cloud.rrsaIssuerUrl === undefined ? "rrsaIssuerUrl" : "rrsaProviderArn"],
                message: "give rrsaIssuerUrl and rrsaProviderArn together",
            });
        }
    })
    .register(argTypes, {
        id: "Cloud",
        description: "The ACK cluster. (Where the program's kubeconfig comes from is the program's concern, not a component's.)",
    });

export type CloudConfig = z.infer<typeof cloudSchema>;
export type RrsaTeamConfig = z.infer<typeof rrsaTeamSchema>;
