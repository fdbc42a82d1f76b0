/**
 * The names of the components' public arg types, declared on the zod models themselves:
 * `schema.register(argTypes, { id: "WorkerGroup", description })` where the schema is declared.
 * tools/gen/argsTypes.ts turns every schema registered with an id into one plain interface of
 * components/args.ts. A registry of its own (not zod's global one, whose ids would move these
 * shapes into `$defs` wherever else a schema is turned into JSON Schema, the policy pack's config
 * schema among them).
 */
import { z } from "zod";

export interface ArgTypeMeta {
    /** The interface's name, as the component provider's schema and the generated SDKs show it. */
    readonly id?: string;
    /** The interface's doc comment. */
    readonly description?: string;
    /** Why a key of a model is no component arg (a removed key, the platform marker, a value the component takes as an Input). */
    readonly notArg?: string;
}

export const argTypes = z.registry<ArgTypeMeta>();
