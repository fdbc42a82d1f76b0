import * as pulumi from "@pulumi/pulumi";
import * as ram from "@pulumi/alicloud/ram";
import { ossStatements, ramPolicyDocument, trustPolicyDocument, type OssGrant, type RamStatement, type RrsaProvider } from "./ramPolicies";

export interface RrsaRoleSpec {
    /** RAM role name (also the ServiceAccount annotation value). */
    readonly roleName: string;
    /** ServiceAccounts (in the team namespace) the role trusts, exactly. */
    readonly serviceAccounts: readonly string[];
}

export interface TeamRrsaArgs {
    readonly namespace: string;
    readonly accountId: string;
    readonly provider: pulumi.Input<RrsaProvider>;
    readonly roles: readonly RrsaRoleSpec[];
    /** OSS buckets and prefixes the roles may use. Default none. */
    readonly oss?: readonly OssGrant[];
    /** Extra statements (validated: no `*` action on `*` resource). Default none. */
    readonly extraStatements?: readonly RamStatement[];
}

/** RAM roles for RRSA: each trusts exactly the named ServiceAccounts and gets the team's least-privilege policy. */
export class TeamRrsa extends pulumi.ComponentResource {
    declare readonly roleNames: pulumi.Output<string[]>;

    constructor(name: string, args: TeamRrsaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-on-ack:cloud:TeamRrsa", name, {}, opts);
        const statements = [...ossStatements(args.accountId, args.oss ?? []), ...(args.extraStatements ?? [])];
        const policy =
            statements.length > 0
                ? new ram.Policy(
                      `${name}-policy`,
                      {
                          policyName: `${name}-ray`,
                          policyDocument: ramPolicyDocument(statements),
                          description: `Ray workloads of ${args.namespace} (managed by ray-on-ack)`,
                      },
                      { parent: this },
                  )
                : undefined;
        for (const role of args.roles) {
            const r = new ram.Role(
                `${name}-${role.roleName}`,
                {
                    roleName: role.roleName,
                    assumeRolePolicyDocument: pulumi
                        .output(args.provider)
                        .apply((p) => trustPolicyDocument(p, args.namespace, role.serviceAccounts)),
                    description: `RRSA role for ${role.serviceAccounts.join(", ")} in ${args.namespace} (managed by ray-on-ack)`,
                    maxSessionDuration: 3600,
                },
                { parent: this },
            );
            if (policy) {
                new ram.RolePolicyAttachment(
                    `${name}-${role.roleName}-attachment`,
                    { policyName: policy.policyName, policyType: "Custom", roleName: r.roleName },
                    { parent: this },
                );
            }
        }
        this.roleNames = pulumi.output(args.roles.map((r) => r.roleName));
        this.registerOutputs({ roleNames: this.roleNames });
    }
}
