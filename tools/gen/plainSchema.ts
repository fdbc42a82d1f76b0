/**
 * Turns the JSON Schema of one arg model (zod's `io: "input"` view, tools/gen/argsTypes.ts) into
 * the shape json-schema-to-typescript prints as a plain interface the component provider host can
 * describe: no unions, every object a named interface, doc comments that say what the types no
 * longer can. The rules:
 * - a discriminated union (`exposure`) is one interface: its discriminator a string, every other
 *   key optional, its comment naming the options (`mode: ingress`) it belongs to;
 * - a quantity (string or number) is a string; one value or a list of them (a RAM `Action`) is the
 *   list; scalars or a map (a `rayStartParams` value) are `any`;
 * - an enum or literal is its base type, the allowed values in the comment;
 * - a record is `{ [k: string]: T }`, an unknown value `any`;
 * - `$ref` (another arg model) is that interface, by name;
 * - a key marked `notArg` is left out, and a key that accepts anything without the mark is refused.
 * Anything else throws, naming the key: a new shape needs a rule here, not a silent `any`.
 */
type Json = Record<string, any>;

/** Keys that annotate a node without constraining it: a node with only these accepts any value. */
const ANNOTATIONS = new Set(["description", "default", "notArg", "title", "examples", "deprecated"]);
const acceptsAnything = (node: Json) => Object.keys(node).every((k) => ANNOTATIONS.has(k));
const text = (value: unknown) => JSON.stringify(value);

/** The values an enum, a literal or a union of literals allows, or undefined. */
function allowedValues(node: Json): unknown[] | undefined {
    if (Array.isArray(node.enum)) return node.enum;
    if (node.const !== undefined) return [node.const];
    const options: Json[] | undefined = node.anyOf ?? node.oneOf;
    const values = options?.map(allowedValues);
    return values?.every((v) => v !== undefined) ? values.flat() : undefined;
}

function union(options: Json[], at: string): Json {
    const distinct = [...new Map(options.map((o) => [text(o), o])).values()];
    if (distinct.length === 1) {
        return distinct[0];
    }
    const types = distinct
        .map((o) => o.type)
        .sort()
        .join();
    if (types === "number,string") {
        return { type: "string" }; // a Kubernetes quantity: `500m`, `2`, `4Gi`
    }
    const list = distinct.find((o) => o.type === "array");
    if (distinct.length === 2 && list && distinct.some((o) => o !== list && text(o) === text(list.items))) {
        return list; // one value or a list of them: the list holds both
    }
    if (distinct.some((o) => o.type === "object") && distinct.every((o) => o.type !== "array" && o.tsType === undefined)) {
        return { tsType: "any" }; // scalars or a map: no plain type holds both
    }
    throw new Error(
        `${at}: a union the component provider host cannot describe (${distinct.map(text).join(" | ")}): add a rule to tools/gen/plainSchema.ts`,
    );
}

/** The printable type of a node (no comment): `ids` are the arg models' names. */
export function plainType(node: Json, at: string, ids: ReadonlySet<string>): Json {
    if (node.$ref !== undefined) {
        if (!ids.has(node.$ref)) {
            throw new Error(`${at}: refers to ${node.$ref}, which is no registered arg type`);
        }
        return { tsType: node.$ref };
    }
    const options: Json[] | undefined = node.anyOf ?? node.oneOf;
    if (options) {
        return union(
            options.map((o, i) => plainType(o, `${at}|${i}`, ids)),
            at,
        );
    }
    if (Array.isArray(node.type)) {
        return union(
            node.type.map((t: string) => plainType({ type: t }, at, ids)),
            at,
        );
    }
    switch (node.type ?? (node.const === undefined ? undefined : typeof node.const)) {
        case "string":
        case "boolean":
            return { type: node.type ?? typeof node.const };
        case "number":
        case "integer":
            return { type: "number" };
        case "array":
            return { type: "array", items: plainType(node.items ?? {}, `${at}[]`, ids) };
        case "object":
            if (node.properties) {
                throw new Error(`${at}: an object without a name: register its schema in argTypes with an id (common/argTypes.ts)`);
            }
            return { type: "object", additionalProperties: plainType(node.additionalProperties ?? {}, `${at}{}`, ids) };
        case undefined:
            if (acceptsAnything(node)) {
                return { tsType: "any" };
            }
    }
    throw new Error(`${at}: no plain type for ${text(node)}: add a rule to tools/gen/plainSchema.ts`);
}

/** A key's comment: its description, the values it allows, its default. */
function comment(node: Json): string | undefined {
    const values = allowedValues(node);
    const lines = [
        node.description,
        values && values.length > 1 ? `One of: ${values.map((v) => `\`${v}\``).join(", ")}.` : undefined,
        node.default === undefined ? undefined : `@default ${text(node.default)}`,
    ];
    return lines.filter((l) => l !== undefined).join("\n") || undefined;
}

const sameDefault = (nodes: Json[]) => new Set(nodes.map((n) => text(n.default))).size === 1;

/**
 * A discriminated union's options as one object: the discriminator allows every option's value,
 * and each other key says which options it belongs to (and where it is required).
 */
function mergedOptions(options: Json[], at: string): Json {
    const keys = [...new Set(options.flatMap((o) => Object.keys(o.properties ?? {})))];
    const discriminator = keys.find((k) => options.every((o) => o.properties?.[k]?.const !== undefined));
    if (discriminator === undefined || options.some((o) => o.type !== "object")) {
        throw new Error(`${at}: a union of objects without a discriminator: the component provider host needs one interface`);
    }
    const label = (o: Json) => `\`${discriminator}: ${o.properties[discriminator].const}\``;
    const properties: Json = { [discriminator]: { type: "string", enum: options.map((o) => o.properties[discriminator].const) } };
    for (const key of keys.filter((k) => k !== discriminator)) {
        const holders = options.filter((o) => o.properties?.[key] !== undefined);
        const nodes = holders.map((o) => o.properties[key]);
        if (new Set(nodes.map((n) => text({ ...n, description: undefined, default: undefined }))).size > 1 || !sameDefault(nodes)) {
            throw new Error(`${at}.${key}: differs between ${holders.map(label).join(" and ")}: one interface cannot hold both`);
        }
        const byDescription = new Map<string, Json[]>();
        holders.forEach((o) =>
            byDescription.set(o.properties[key].description ?? "", [...(byDescription.get(o.properties[key].description ?? "") ?? []), o]),
        );
        const required = holders.filter((o) => (o.required ?? []).includes(key));
        const description = [
            ...[...byDescription].map(([d, os]) => `With ${os.map(label).join(" or ")}${d ? `: ${d}` : "."}`),
            ...(required.length > 0 ? [`Required with ${required.map(label).join(" and ")}.`] : []),
        ].join("\n");
        properties[key] = { ...nodes[0], description };
    }
    const required = options.every((o) => (o.required ?? []).includes(discriminator)) ? [discriminator] : [];
    return { type: "object", properties, required, additionalProperties: false };
}

/**
 * The interface `id` as json-schema-to-typescript takes it, from its model's JSON Schema. `docs` are
 * the interfaces' comments: a key of another interface's type without a description of its own
 * (zod drops one equal to the type's) gets the type's.
 */
export function plainInterface(id: string, schema: Json, docs: ReadonlyMap<string, string | undefined>): Json {
    const ids = new Set(docs.keys());
    const options: Json[] | undefined = schema.oneOf ?? schema.anyOf;
    const object = options ? mergedOptions(options, id) : schema;
    if (object.type !== "object" || object.properties === undefined) {
        throw new Error(`${id}: not an object: only object models (or unions of them) become interfaces`);
    }
    const properties: Json = {};
    const required: string[] = [];
    for (const [key, node] of Object.entries<Json>(object.properties)) {
        if (node.notArg !== undefined) {
            continue;
        }
        if (acceptsAnything(node)) {
            throw new Error(`${id}.${key}: accepts any value: give it a type, or register it in argTypes with notArg (a removed key)`);
        }
        const described = node.description === undefined && node.$ref !== undefined ? { ...node, description: docs.get(node.$ref) } : node;
        properties[key] = { ...plainType(node, `${id}.${key}`, ids), description: comment(described) };
        if ((object.required ?? []).includes(key)) {
            required.push(key);
        }
    }
    return { type: "object", description: schema.description, properties, required, additionalProperties: false };
}
