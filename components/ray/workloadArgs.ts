/**
 * What a Hardened* component parses from its args besides its own workload: the security opt-ins
 * and the platform's lists it is checked against, with the same rules a stack file's workloads
 * meet (./rules.ts): one validation path, whether a stack file or a program gives the workload.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { platformListsSchema } from "@ray-on-ack/common/platformLists";
import { argsError, parseArgs } from "../core/parseArgs";
import type { GcsStore } from "../componentArgs";
import { gcsStoreProblem } from "./gcsFaultTolerance";
import { isParsed } from "../core/parsed";
import { under } from "../core/issue";
import { securitySchema } from "../images/model";
import { securityRules, workloadRules } from "./rules";
import type { RayClusterConfig, RayJobConfig, RayServiceConfig } from "./model";

export function parseWorkloadArgs<K extends string, S extends z.ZodType<RayClusterConfig | RayJobConfig | RayServiceConfig>>(
    resource: pulumi.Resource,
    name: string,
    key: K,
    schema: S,
    args: { readonly security?: unknown; readonly platformLists?: unknown; readonly gcsStore?: GcsStore } & Record<K, unknown>,
): z.output<S> {
    const workload = parseWorkload(resource, name, key, schema, args);
    // The store is the platform's (TeamEnvironment takes it from the tenancy registry): without the part the backend needs, nothing is built.
    const why = gcsStoreProblem(workload, args.gcsStore);
    if (why !== undefined) {
        throw argsError(resource, name, `${key}.gcsFaultTolerance`, why);
    }
    return workload;
}

function parseWorkload<K extends string, S extends z.ZodType<RayClusterConfig | RayJobConfig | RayServiceConfig>>(
    resource: pulumi.Resource,
    name: string,
    key: K,
    schema: S,
    args: { readonly security?: unknown; readonly platformLists?: unknown } & Record<K, unknown>,
): z.output<S> {
    // Given by TeamEnvironment (or the program) from a model it parsed and checked with the same rules: taken as it is.
    if (isParsed(args[key])) {
        return args[key] as z.output<S>;
    }
    const whole = z.object({
        [key]: schema,
        security: securitySchema.default(securitySchema.parse({})),
        platformLists: platformListsSchema.default(platformListsSchema.parse({})),
    } as { [k in K | "security" | "platformLists"]: z.ZodType });
    const parsed = parseArgs(
        resource,
        name,
        whole,
        { [key]: args[key], security: args.security, platformLists: args.platformLists },
        "",
        (p) => {
            const v = p as Record<string, never>;
            return [
                ...under(["security"], securityRules(v.security, v.platformLists)),
                ...under([key], workloadRules(v[key], v.security, v.platformLists)),
            ];
        },
    );
    return (parsed as Record<K, z.output<S>>)[key];
}
