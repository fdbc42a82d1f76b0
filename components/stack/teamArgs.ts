/** TeamEnvironment's boundary: its public args parsed with the team stack schema. */
import * as pulumi from "@pulumi/pulumi";
import { platformListsSchema } from "@ray-on-ack/common/platformLists";
import { tenancySchema } from "@ray-on-ack/common/tenancy";
import { argTypes } from "@ray-on-ack/common/argTypes";
import { teamConfigSchema, type TeamConfig } from "../config/schema";
import { teamRules } from "../config/rules";
import { passwordProblems } from "../exposure/password";
import { argsError, parseArgs } from "../core/parseArgs";
import type { TeamEnvironmentArgs } from "./teamEnvironment";

type TeamSettings = Omit<TeamEnvironmentArgs, "dashboardPassword" | "rrsaProvider" | "verifyVSwitches" | "verifyAcl" | "platformPolicy">;

/** The platform arg: its lists, and the tenancy registry when the program has one. */
const platformArgSchema = platformListsSchema
    .extend({ tenancy: tenancySchema.optional().describe("With it, the stack (pulumi.getStack()) may claim only what its entry lists. Default none: no tenancy checks.") })
    .register(argTypes, { id: "PlatformPolicy", description: "What the platform gives a team environment to be checked against: its lists, and the registry of what each stack owns." });

/** Stand-ins for a password that resolves later, for the parse only: one of them passes the rule for any user name. */
const PLACEHOLDERS = ["Qz7#Rw4!Tx9@", "Mk3$Vb8%Nc2^"];

/** The basic-auth user names of every exposure that takes the password (ingress and gateway, clusters and services), as given. */
const ingressUsers = (settings: TeamSettings) =>
    [...(settings.clusters ?? []), ...(settings.services ?? [])].flatMap((c) => ((c.exposure?.mode === "ingress" || c.exposure?.mode === "gateway") && c.exposure.username ? [c.exposure.username] : []));

/**
 * @returns the validated config, and the password to hand on (a secret; one that resolves later is
 *   checked against the same rule when it does, failing the deployment if it breaks it).
 */
export function parseTeamArgs(
    resource: pulumi.Resource,
    name: string,
    settings: TeamSettings,
    password: pulumi.Input<string> | undefined,
    platformArg: unknown = {},
): { config: TeamConfig; password?: pulumi.Output<string> } {
    const { tenancy, ...lists } = parseArgs(resource, name, platformArgSchema, platformArg, "platformPolicy.");
    // With a registry, the stack deploying the environment may claim only what its entry lists.
    const rules = (config: TeamConfig) => teamRules(config, { platform: { lists, tenancy: tenancy ?? tenancySchema.parse({}) }, stack: tenancy ? pulumi.getStack() : undefined });
    const schema = teamConfigSchema;
    if (password === undefined || typeof password === "string") {
        const config = parseArgs(resource, name, schema, { ...settings, dashboardPassword: password }, "", rules);
        return { config, password: password === undefined ? undefined : pulumi.secret(password) };
    }
    const users = ingressUsers(settings);
    const placeholder = PLACEHOLDERS.find((p) => users.every((u) => passwordProblems(p, u).length === 0)) ?? PLACEHOLDERS[1];
    const config = parseArgs(resource, name, schema, { ...settings, dashboardPassword: placeholder }, "", rules);
    const checked = pulumi.output(password).apply((value) => {
        const problems = users.flatMap((u) => passwordProblems(value, u));
        if (problems.length > 0) {
            throw argsError(resource, name, "dashboardPassword", [...new Set(problems)].join("; "));
        }
        return value;
    });
    return { config, password: pulumi.secret(checked) };
}

/**
 * A validated team stack config (validateStackConfig) as TeamEnvironment's args: the keys that
 * only the program reads (`kubeconfig`, `cloud.kubeconfigSource`, the platform marker) left out,
 * and the password handed over as given (the component holds it as a secret).
 */
export function teamEnvironmentArgs(config: TeamConfig): TeamEnvironmentArgs {
    const { platform, kubeconfig, cloud, rrsa, ...rest } = config;
    void platform;
    void kubeconfig;
    // RAM accepts one action or resource as a string; the public args always take lists.
    const list = (v: string | string[]) => (typeof v === "string" ? [v] : v);
    const settings = { ...rest, rrsa: { ...rrsa, extraStatements: rrsa.extraStatements.map((st) => ({ ...st, Action: list(st.Action), Resource: list(st.Resource) })) } };
    if (cloud === undefined) {
        return settings;
    }
    const { kubeconfigSource, ...cloudArgs } = cloud;
    void kubeconfigSource;
    return { ...settings, cloud: cloudArgs };
}
