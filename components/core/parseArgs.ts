/**
 * The component boundary: public args (components/args.ts, what a user writes) are parsed with
 * the config schema into the validated shapes the internals use. A refusal is a ResourceError
 * naming the component, with one `<key>: <why>` line per problem, the keys as the user wrote them.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { PROJECT, issuesOf, keyOf } from "./issueWording";
import type { Issue } from "./issue";

/** The component's type name, as errors name it (`TeamEnvironment team-a`). */
function componentLabel(resource: pulumi.Resource, name: string): string {
    return `${resource.constructor.name} ${name}`;
}

/**
 * Parses `input` with `schema`, then applies `rules` (what the parse alone cannot know: the
 * platform's lists, the team's opt-ins), or throws a ResourceError listing every problem with its key.
 */
export function parseArgs<S extends z.ZodType>(
    resource: pulumi.Resource,
    name: string,
    schema: S,
    input: unknown,
    keyPrefix = "",
    rules: (parsed: z.output<S>) => readonly Issue[] = () => [],
): z.output<S> {
    const result = schema.safeParse(input, { reportInput: true });
    const problems = result.success
        ? rules(result.data).map((i) => ({ key: keyOf(i.path), message: i.message }))
        : issuesOf(result.error, schema);
    if (result.success && problems.length === 0) {
        return result.data;
    }
    const lines = problems.map((i) => `error: ${keyPrefix}${i.key.slice(PROJECT.length + 1)}: ${i.message}`);
    throw new pulumi.ResourceError(`${componentLabel(resource, name)}: invalid args\n${lines.join("\n")}`, resource, true);
}

/** A refusal found after the parse (a value that only resolves later, a missing input). */
export function argsError(resource: pulumi.Resource, name: string, key: string, why: string): pulumi.ResourceError {
    return new pulumi.ResourceError(`${componentLabel(resource, name)}: invalid args\nerror: ${key}: ${why}`, resource, true);
}
