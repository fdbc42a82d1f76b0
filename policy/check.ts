/**
 * What a check is. Each one is pure: the same findings for the same resources, whether the
 * Pulumi policy engine, the renderer's posture report or a unit test runs it.
 */
import { PackConfig } from "./config";
import type { PolicyId } from "@ray-on-ack/common";
import { EvaluationContext, PolicyResource, describe } from "./resource";

export interface Finding {
    /** False for the part of a check no grant can waive (a public Service still needs its ACL). */
    grantable?: boolean;
    /** The resource that has to change (or carry the exception annotation). */
    resource: PolicyResource;
    /** Dotted path inside the resource's props, e.g. `spec.workerGroupSpecs[0].template.spec.containers[0].image`. */
    path: string;
    /**
     * The same place named by its entries' names (policy/grantPaths.ts), what a grant's `path`
     * says. Computed from `path` when a check leaves it out; set only where `path` is no props path.
     */
    objectPath?: string;
    /** `<resource>: <path>: <problem>`, complete enough to act on without the report around it. */
    message: string;
    /** Allowed but worth seeing (e.g. a whole-bucket OSS grant): reported as an exception, never blocking. */
    notice?: true;
}

interface CheckInfo {
    /** Policy name in the pack and the id listed in the `ray-on-ack.io/policy-exceptions` annotation. */
    id: PolicyId;
    title: string;
    /** Sections of the seed article (or DESIGN.md) the check enforces, e.g. "1.3, 1.5". */
    seedSection: string;
    /** Starts with "seed <section>:"; shown by `pulumi preview` with every violation. */
    description: string;
    /** The pack settings the check reads besides `grants`; they make up its config schema. */
    configKeys: readonly (keyof PackConfig)[];
    /** Resources the check looks at; none in the stack means `not-applicable` in the posture report. */
    appliesTo(r: PolicyResource): boolean;
    /** `false`: no exception ever relaxes this check (what it forbids has no legitimate use). Default: exceptions apply. */
    exceptions?: false;
}

export interface ResourceCheck extends CheckInfo {
    kind: "resource";
    /** `context` says the stack where the resource's URN does not (see stackOf). */
    validate(r: PolicyResource, config: PackConfig, context?: EvaluationContext): Finding[];
}

/** Checks that need the whole stack, e.g. "every Ray namespace has a default-deny NetworkPolicy". */
export interface StackCheck extends CheckInfo {
    kind: "stack";
    validate(resources: PolicyResource[], config: PackConfig, context?: EvaluationContext): Finding[];
}

export type Check = ResourceCheck | StackCheck;

export function violation(resource: PolicyResource, path: string, problem: string): Finding {
    const where = path === "" ? "" : ` ${path}:`;
    return { resource, path, message: `${describe(resource)}:${where} ${problem}` };
}

export function ungrantable(f: Finding): Finding {
    return { ...f, grantable: false };
}
