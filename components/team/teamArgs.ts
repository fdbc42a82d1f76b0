/**
 * TeamEnvironment's boundary: its public args parsed once with the team model (config/model.ts)
 * and the rules that need the platform's policy (config/rules.ts), exactly as a stack file is
 * (config/validate.ts). A model that a parse already produced (the program's validated stack
 * config) is taken as it is (core/parsed.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { platformListsSchema, type PlatformLists } from "@ray-on-ack/common/platformLists";
import { EMPTY_TENANCY, tenancySchema, type Tenancy } from "@ray-on-ack/common/tenancy";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { teamConfigSchema, type TeamConfig } from "../config/model";
import { passwordUsers, teamRules } from "../config/rules";
import { passwordProblems } from "../exposure/password";
import { gcsRedisPasswordProblems } from "../gcs/model";
import { usesGcsRedis } from "../config/gcsRules";
import { argsError, parseArgs } from "../core/parseArgs";
import { isParsed, markTeamParsed } from "../core/parsed";
import type { PlatformPolicy, TeamEnvironmentSettings } from "../args";
import type { RrsaProvider } from "../componentArgs";

/**
 * A team's settings (TeamEnvironmentSettings: the team stack's config keys, generated from the
 * config schema), plus what the program brings along (the password as an Input, the RRSA
 * provider, the cloud checks, the platform's policy). Defaults are the secure ones.
 */
export interface TeamEnvironmentArgs extends TeamEnvironmentSettings {
    /**
     * The dashboard basic-auth password, required by clusters exposed through an Ingress. Held as
     * a secret. A plain value is checked with the other args; an Output when it resolves.
     * @default none
     */
    dashboardPassword?: pulumi.Input<string>;
    /**
     * The password of the team's Redis (the tenancy registry's `gcsRedis`), required by workloads
     * with `gcsFaultTolerance` on backend redis. Held as a secret, in the Secret `ray-gcs-redis`. A
     * plain value is checked with the other args; an Output when it resolves.
     * @default none
     */
    gcsRedisPassword?: pulumi.Input<string>;
    /**
     * The cluster's RRSA OIDC provider (`rrsaProviderFor`). With it (and `cloud` plus OSS grants or
     * extra statements) the team gets RAM roles bound to its Ray ServiceAccounts. @default none: no RRSA
     */
    rrsaProvider?: pulumi.Input<RrsaProvider>;
    /** Check existing pod vSwitches' CIDRs against `podCidrs` through the Alibaba Cloud API. @default false */
    verifyVSwitches?: boolean;
    /** Check a bring-your-own CLB ACL's entries through the Alibaba Cloud API. @default false */
    verifyAcl?: boolean;
    /** What the platform allows, and the tenancy registry (the stack program reads both from platform/policy-pack-config.json). @default the secure defaults, no registry */
    platformPolicy?: PlatformPolicy;
}

export type TeamSettings = Omit<
    TeamEnvironmentArgs,
    "dashboardPassword" | "gcsRedisPassword" | "rrsaProvider" | "verifyVSwitches" | "verifyAcl" | "platformPolicy"
>;

/** The platform arg: its lists, and the tenancy registry when the program has one. */
const platformArgSchema = platformListsSchema
    .extend({
        tenancy: tenancySchema
            .optional()
            .describe("With it, the stack (pulumi.getStack()) may claim only what its entry lists. Default none: no tenancy checks."),
    })
    .register(argTypes, {
        id: "PlatformPolicy",
        description:
            "What the platform gives a team environment to be checked against: its lists, and the registry of what each stack owns.",
    });

/** A password arg: given or not, its text when known now, and as the secret to hand on. */
interface SecretArg {
    readonly input: pulumi.Input<string> | undefined;
    readonly given: { given: boolean; value?: string };
}

const secretArg = (input: pulumi.Input<string> | undefined): SecretArg => ({
    input,
    given: { given: input !== undefined, value: typeof input === "string" ? input : undefined },
});

/** The password to hand on, held as a secret; one that resolves later is checked against `problems` when it does. */
function checkedSecret(
    resource: pulumi.Resource,
    name: string,
    key: string,
    arg: SecretArg,
    problems: (value: string) => string[],
): pulumi.Output<string> | undefined {
    if (arg.input === undefined || typeof arg.input === "string") {
        return arg.input === undefined ? undefined : pulumi.secret(arg.input);
    }
    const checked = pulumi.output(arg.input).apply((value) => {
        const found = problems(value);
        if (found.length > 0) {
            throw argsError(resource, name, key, [...new Set(found)].join("; "));
        }
        return value;
    });
    return pulumi.secret(checked);
}

/**
 * @returns the model, the platform's lists and registry (with the stack it was judged for), and the
 *   passwords to hand on (secrets; one that resolves later is checked against the same rule when it
 *   does, failing the deployment if it breaks it).
 */
export function parseTeamArgs(
    resource: pulumi.Resource,
    name: string,
    settings: TeamSettings,
    password: pulumi.Input<string> | undefined,
    platformArg: unknown = {},
    gcsRedisPassword?: pulumi.Input<string>,
): {
    config: TeamConfig;
    lists: PlatformLists;
    tenancy: Tenancy;
    stack?: string;
    password?: pulumi.Output<string>;
    gcsRedisPassword?: pulumi.Output<string>;
} {
    const { tenancy, ...lists } = parseArgs(resource, name, platformArgSchema, platformArg ?? {}, "platformPolicy.");
    const dashboard = secretArg(password);
    const redis = secretArg(gcsRedisPassword);
    // With a registry, the stack deploying the environment may claim only what its entry lists.
    const stack = tenancy ? pulumi.getStack() : undefined;
    const ctx = {
        platform: { lists, tenancy: tenancy ?? EMPTY_TENANCY },
        stack,
        password: dashboard.given,
        gcsRedisPassword: redis.given,
    };
    const config = isParsed(settings)
        ? (settings as unknown as TeamConfig)
        : markTeamParsed(parseArgs(resource, name, teamConfigSchema, settings, "", (c) => teamRules(c, ctx)));
    const users = passwordUsers(config).map((u) => u.username);
    return {
        config,
        lists,
        tenancy: tenancy ?? EMPTY_TENANCY,
        stack,
        password: checkedSecret(resource, name, "dashboardPassword", dashboard, (v) => users.flatMap((u) => passwordProblems(v, u))),
        gcsRedisPassword: checkedSecret(resource, name, "gcsRedisPassword", redis, (v) =>
            usesGcsRedis(config) ? gcsRedisPasswordProblems(v) : [],
        ),
    };
}

/**
 * A team config the program validated (config/validate.ts: marked as parsed), as TeamEnvironment's
 * args: the same object, not a copy, so the component takes it without parsing it again. The model
 * is the args' shape with every default filled in; where it is wider (one RAM action as a string),
 * the components take both forms.
 */
export function parsedTeamArgs(config: TeamConfig): TeamSettings {
    if (!isParsed(config)) {
        throw new Error("parsedTeamArgs: the config did not come from validateStackConfig");
    }
    return config as unknown as TeamSettings;
}
