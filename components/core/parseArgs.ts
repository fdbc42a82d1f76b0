/**
 * The component boundary: public args (components/args.ts, what a user writes) are parsed with
 * the config schema into the validated shapes the internals use. A refusal is a ResourceError
 * naming the component, with one `<key>: <why>` line per problem, the keys as the user wrote them.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { PROJECT, issuesOf } from "./issueWording";

/** The component's type name, as errors name it (`TeamEnvironment team-a`). */
function componentLabel(resource: pulumi.Resource, name: string): string {
    return `${resource.constructor.name} ${name}`;
}

/** Parses `input` with `schema`, or throws a ResourceError listing every problem with its key. */
export function parseArgs<S extends z.ZodType>(resource: pulumi.Resource, name: string, schema: S, input: unknown, keyPrefix = ""): z.output<S> {
    const result = schema.safeParse(input, { reportInput: true });
    if (result.success) {
        return result.data;
    }
    const lines = issuesOf(result.error, schema).map((i) => `error: ${keyPrefix}${i.key.slice(PROJECT.length + 1)}: ${i.message}`);
    throw new pulumi.ResourceError(`${componentLabel(resource, name)}: invalid args\n${lines.join("\n")}`, resource, true);
}

/** A refusal found after the parse (a value that only resolves later, a missing input). */
export function argsError(resource: pulumi.Resource, name: string, key: string, why: string): pulumi.ResourceError {
    return new pulumi.ResourceError(`${componentLabel(resource, name)}: invalid args\nerror: ${key}: ${why}`, resource, true);
}
