/**
 * How a dynamic provider answers under Pulumi's mock runtime, where providers never run: each
 * provider module exports one, built from its own `create`, so the renderer's and the tests'
 * state is what `pulumi up` would store (a mock written elsewhere drifts from the provider).
 */
import type * as pulumi from "@pulumi/pulumi";

export interface DynamicMockAnswer {
    /** Which provider, for messages. */
    readonly name: string;
    /**
     * The input keys this provider's resources carry: a `pulumi-nodejs:dynamic:Resource`
     * registration is this provider's when its defined inputs are exactly these (output
     * placeholders, registered as undefined, do not count).
     */
    readonly inputKeys: readonly string[];
    /** Those of `inputKeys` a resource may leave out (RayPki's `workload`, set for RayServices only). */
    readonly optionalInputKeys?: readonly string[];
    /** The state `create` stores for these inputs. */
    state(inputs: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Whether a dynamic resource's inputs are those of this provider. */
export function answers(answer: DynamicMockAnswer, inputs: Record<string, unknown>): boolean {
    const given = Object.keys(inputs).filter((k) => inputs[k] !== undefined);
    const optional = answer.optionalInputKeys ?? [];
    const required = answer.inputKeys.filter((k) => !optional.includes(k));
    return required.every((k) => given.includes(k)) && given.every((k) => answer.inputKeys.includes(k));
}

export function mockAnswerFrom(
    name: string,
    inputKeys: readonly string[],
    provider: pulumi.dynamic.ResourceProvider,
    optionalInputKeys: readonly string[] = [],
): DynamicMockAnswer {
    return {
        name,
        inputKeys,
        optionalInputKeys,
        async state(inputs) {
            const checked = provider.check ? ((await provider.check({}, inputs)).inputs ?? inputs) : inputs;
            return (await provider.create!(checked)).outs ?? {};
        },
    };
}
