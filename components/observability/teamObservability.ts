/**
 * A team's metrics and logs objects (docs/design.md "Metrics", "Logs that outlive the pod"): the
 * PodMonitor the platform's Prometheus reads, the log shipper's script, and, when the stack creates
 * them (with `cloud`), the writer role the shipper assumes (put objects under the team's prefix,
 * nothing else) and the read policy the platform attaches to the team's people (get and list under
 * the prefix, nothing else).
 */
import * as pulumi from "@pulumi/pulumi";
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as ram from "@pulumi/alicloud/ram";
import { TeamRrsa } from "../cloud/teamRrsa";
import { ramPolicyDocument, type RamStatement, type RrsaProvider } from "../cloud/ramPolicies";
import { rayPodMonitor } from "./podMonitor";
import { logShipperConfigMap } from "./logShipping";

export interface TeamObservabilityArgs {
    readonly team: string;
    readonly namespace: string;
    /** The platform names a monitoring namespace: the team gets its PodMonitor. */
    readonly metrics: boolean;
    readonly logs?: {
        readonly bucket: string;
        readonly prefix: string;
        /** Create the writer role (trusting exactly these ServiceAccounts) and the read policy. */
        readonly createRole?: { readonly roleName: string; readonly serviceAccounts: readonly string[]; readonly accountId: string };
    };
    /** The cluster's RRSA OIDC provider: needed when the roles are created here. */
    readonly provider?: pulumi.Input<RrsaProvider>;
}

/** The writer role's policy: put objects under the prefix, and nothing else (no read, no list, no delete). */
export function logWriterStatements(accountId: string, bucket: string, prefix: string): RamStatement[] {
    return [{ Effect: "Allow", Action: ["oss:PutObject"], Resource: [`acs:oss:*:${accountId}:${bucket}/${prefix}*`] }];
}

/** The read policy: get objects under the prefix, list only with the prefix as a condition. */
export function logReaderStatements(accountId: string, bucket: string, prefix: string): RamStatement[] {
    return [
        { Effect: "Allow", Action: ["oss:GetObject", "oss:GetObjectMeta"], Resource: [`acs:oss:*:${accountId}:${bucket}/${prefix}*`] },
        {
            Effect: "Allow",
            Action: ["oss:ListObjects"],
            Resource: [`acs:oss:*:${accountId}:${bucket}`],
            Condition: { StringLike: { "oss:Prefix": [`${prefix}*`] } },
        },
    ];
}

export class TeamObservability extends pulumi.ComponentResource {
    /** The read policy's name (attach it to the team's people), when this stack created it. */
    declare readonly logReadPolicy: pulumi.Output<string | undefined>;

    constructor(name: string, args: TeamObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:observability:TeamObservability", name, {}, opts);
        if (args.metrics) {
            const pm = rayPodMonitor(args.team, args.namespace);
            new apiextensions.CustomResource(`${name}-${pm.metadata.name}`, { ...pm }, { parent: this });
        }
        let readPolicy: ram.Policy | undefined;
        if (args.logs) {
            const cm = logShipperConfigMap(args.team, args.namespace);
            new corev1.ConfigMap(`${name}-${cm.metadata.name}`, cm, { parent: this });
            const create = args.logs.createRole;
            if (create) {
                if (!args.provider) {
                    throw new Error(`${name}: the cluster's RRSA OIDC provider is needed to create the log writer role ${create.roleName}`);
                }
                new TeamRrsa(
                    `${name}-logs`,
                    {
                        namespace: args.namespace,
                        accountId: create.accountId,
                        provider: args.provider,
                        roles: [{ roleName: create.roleName, serviceAccounts: create.serviceAccounts }],
                        extraStatements: logWriterStatements(create.accountId, args.logs.bucket, args.logs.prefix),
                    },
                    { parent: this },
                );
                readPolicy = new ram.Policy(
                    `${name}-logs-read`,
                    {
                        policyName: `${create.roleName}-read`,
                        policyDocument: ramPolicyDocument(logReaderStatements(create.accountId, args.logs.bucket, args.logs.prefix)),
                        description: `Read the Ray logs of ${args.namespace} under oss://${args.logs.bucket}/${args.logs.prefix} (managed by ray-on-ack)`,
                    },
                    { parent: this },
                );
            }
        }
        this.logReadPolicy = readPolicy ? readPolicy.policyName : pulumi.output(undefined);
        this.registerOutputs({ logReadPolicy: this.logReadPolicy });
    }
}
