/**
 * The configuration reference (docs/configuration.md), generated from the zod schemas (`npm run docs:config`), so
 * that the documentation cannot drift from what the config accepts. Each key's row comes from its
 * schema: the type, the default (`.default()`), the constraints zod records (length, range, pattern,
 * minimum items) and its description (`.describe()` or `.meta({ description })`). Rules a refinement
 * enforces are invisible to zod's introspection, so the description states them. A key without a
 * description is reported by path (`undocumentedKeys`) and fails tools/gen/configReference.test.ts.
 *
 * Reads zod 4's `_zod.def` (the same structure `z.toJSONSchema` walks); `z.toJSONSchema` itself
 * drops the defaults of transformed values such as quantities, which is most of them here.
 */
import { z } from "zod";

type Schema = z.core.$ZodType;

export interface ReferenceRow {
    /** `clusters[].head.cpu`. */
    readonly path: string;
    /** Under a discriminated union: the option the key belongs to, e.g. `mode: ingress`. */
    readonly when?: string;
    readonly type: string;
    /** `required`, `-` (optional, no default) or the default value as YAML-ish text. */
    readonly default: string;
    readonly constraints: string;
    readonly description: string | undefined;
}

const def = (s: Schema): any => (s as any)._zod.def;
const descriptionOf = (s: Schema): string | undefined => z.globalRegistry.get(s)?.description;

interface Unwrapped {
    readonly inner: Schema;
    readonly optional: boolean;
    readonly defaultValue?: { value: unknown };
    readonly description?: string;
    readonly removed: boolean;
}

/** Peels optional/default/pipe/readonly layers, keeping the outermost description and default. */
function unwrap(schema: Schema): Unwrapped {
    let s = schema;
    let optional = false;
    let defaultValue: { value: unknown } | undefined;
    let description: string | undefined;
    let removed = false;
    for (;;) {
        description ??= descriptionOf(s);
        const d = def(s);
        if (d.type === "optional" || d.type === "nullable" || d.type === "readonly" || d.type === "nonoptional" || d.type === "catch") {
            optional ||= d.type === "optional";
            s = d.innerType;
        } else if (d.type === "default" || d.type === "prefault") {
            defaultValue ??= { value: typeof d.defaultValue === "function" ? d.defaultValue() : d.defaultValue };
            optional = true;
            s = d.innerType;
        } else if (d.type === "pipe") {
            const inType = def(d.in).type;
            const outType = def(d.out).type;
            // A removed key: unknown, refused, transformed away. A custom guard piped into a shape: the shape.
            if (inType === "unknown" && outType === "transform") {
                removed = true;
                s = d.in;
                break;
            }
            s =
                outType === "transform" || inType === "custom" || inType === "unknown" || inType === "any"
                    ? outType === "transform"
                        ? d.in
                        : d.out
                    : d.in;
        } else {
            break;
        }
    }
    return { inner: s, optional, defaultValue, description, removed };
}

function yamlish(value: unknown): string {
    if (typeof value === "string") {
        return /^[-\w./]+$/.test(value) && value !== "" ? value : JSON.stringify(value);
    }
    if (Array.isArray(value)) {
        return `[${value.map(yamlish).join(", ")}]`;
    }
    if (value !== null && typeof value === "object") {
        return `{${Object.entries(value)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k}: ${yamlish(v)}`)
            .join(", ")}}`;
    }
    return String(value);
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function typeOf(s: Schema): string {
    const d = def(s);
    switch (d.type) {
        case "string":
            return d.format ? `string (${d.format})` : "string";
        case "number":
            return checksOf(s).some((c) => c.check === "number_format" && /int/.test(c.format)) || /int/.test(d.format ?? "")
                ? "integer"
                : "number";
        case "boolean":
            return "boolean";
        case "literal":
            return (d.values as unknown[]).map((v) => code(yamlish(v))).join(" \\| ");
        case "enum":
            return Object.values(d.entries as Record<string, string>)
                .map((v) => code(String(v)))
                .join(" \\| ");
        case "union":
            // A Kubernetes quantity is written as a string or a number (`500m`, `2`, `4Gi`).
            if ((d.options as Schema[]).map((o) => def(o).type).join() === "string,number") return "quantity";
            return d.discriminator
                ? "object, by `" + d.discriminator + "`"
                : (d.options as Schema[]).map((o) => typeOf(unwrap(o).inner)).join(" \\| ");
        case "array":
            return `list of ${typeOf(unwrap(d.element).inner)}`;
        case "record":
            return `map of ${typeOf(unwrap(d.valueType).inner)}`;
        case "object":
            return "object";
        case "custom":
        case "unknown":
        case "any":
            return "any";
        default:
            return d.type;
    }
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** The checks zod records on a schema (`.min()`, `.max()`, `.regex()`, `.int()`...); refinements are `custom`. */
const checksOf = (s: Schema): any[] => ((def(s).checks ?? []) as Schema[]).map((c) => def(c));

function constraintsOf(s: Schema): string {
    const d = def(s);
    const out: string[] = [];
    const noun = d.type === "string" ? "character" : d.type === "array" ? "item" : "";
    const count = (n: number) => `${n}${noun ? ` ${noun}${n === 1 ? "" : "s"}` : ""}`;
    for (const c of checksOf(s)) {
        if (c.check === "min_length" && c.minimum > 0) out.push(`at least ${count(c.minimum)}`);
        else if (c.check === "max_length") out.push(`at most ${count(c.maximum)}`);
        else if (c.check === "length_equals") out.push(`exactly ${count(c.length)}`);
        else if (c.check === "string_format" && c.format === "regex") out.push(`matches ${code(c.pattern.source)}`);
        else if (c.check === "string_format") out.push(`a ${c.format}`);
        else if (c.check === "greater_than" && Math.abs(c.value) < SAFE) out.push(`${c.inclusive ? ">=" : ">"} ${c.value}`);
        else if (c.check === "less_than" && Math.abs(c.value) < SAFE) out.push(`${c.inclusive ? "<=" : "<"} ${c.value}`);
    }
    if (d.type === "array") {
        const inner = constraintsOf(unwrap(d.element).inner);
        if (inner) out.push(`each: ${inner}`);
    } else if (d.type === "record") {
        const inner = constraintsOf(unwrap(d.valueType).inner);
        if (inner) out.push(`each value: ${inner}`);
    }
    return out.join("; ");
}

/** The object shapes below a schema: its own, a list's or a map's elements', a discriminated union's options'. */
function children(s: Schema, path: string, when: string | undefined): { schema: Schema; path: string; when?: string; tag?: string }[] {
    const d = def(s);
    if (d.type === "object") {
        return [{ schema: s, path, when }];
    }
    if (d.type === "array") {
        return children(unwrap(d.element).inner, `${path}[]`, when);
    }
    if (d.type === "record") {
        return children(unwrap(d.valueType).inner, `${path}.<name>`, when);
    }
    if (d.type === "union" && d.discriminator) {
        return (d.options as Schema[]).map((o) => {
            const inner = unwrap(o).inner;
            const tag = unwrap(def(inner).shape[d.discriminator]).inner;
            return { schema: inner, path, when: `${d.discriminator}: ${(def(tag).values as unknown[]).join(", ")}`, tag: d.discriminator };
        });
    }
    return [];
}

/** An object's default is its keys' defaults (listed on their rows); anything else is shown. */
function defaultText(u: Unwrapped): string {
    if (u.defaultValue === undefined) {
        return u.optional ? "-" : "required";
    }
    return def(u.inner).type === "object" ? "its keys' defaults" : code(yamlish(u.defaultValue.value));
}

/** One row per key, depth first, in declaration order. `prefix` is the path of `schema` itself. */
export function referenceRows(schema: Schema, prefix = "", when?: string): ReferenceRow[] {
    const rows: ReferenceRow[] = [];
    for (const { schema: obj, path, when: w, tag } of children(unwrap(schema).inner, prefix, when)) {
        for (const [key, field] of Object.entries(def(obj).shape as Record<string, Schema>)) {
            if (key === tag) {
                continue; // a discriminated option's tag is its rows' `when`, not a key of its own
            }
            const u = unwrap(field);
            const keyPath = path === "" ? key : `${path}.${key}`;
            rows.push({
                path: keyPath,
                ...(w !== undefined ? { when: w } : {}),
                type: u.removed ? "removed" : typeOf(u.inner),
                default: u.removed ? "refused" : defaultText(u),
                constraints: u.removed ? "" : constraintsOf(u.inner),
                description: u.description,
            });
            if (!u.removed) {
                rows.push(...referenceRows(u.inner, keyPath, w));
            }
        }
    }
    return rows;
}

/** Paths of keys without a description. */
export function undocumentedKeys(rows: readonly ReferenceRow[]): string[] {
    return rows.filter((r) => !r.description?.trim()).map((r) => (r.when ? `${r.path} (${r.when})` : r.path));
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n+/g, " ");

export function referenceTable(rows: readonly ReferenceRow[]): string {
    const lines = ["| key | type | default | constraints | meaning |", "|---|---|---|---|---|"];
    for (const r of rows) {
        // typeOf already escapes its own separators; the other cells are escaped here.
        lines.push(
            `| ${code(r.path)}${r.when ? ` (${code(r.when)})` : ""} | ${r.type} | ${cell(r.default)} | ${cell(r.constraints)} | ${cell(r.description ?? "")} |`,
        );
    }
    return lines.join("\n");
}

/** Lists of Ray workloads, documented in one table since they share most keys. */
const WORKLOAD_LISTS = ["clusters", "jobs", "services"];

function workloadTable(rows: readonly ReferenceRow[]): string {
    const lists = WORKLOAD_LISTS.filter((l) => rows.some((r) => r.path === l));
    // Same relative key, same content: one row, with the lists that have it.
    const merged = new Map<string, { row: ReferenceRow; in: string[] }>();
    for (const r of rows) {
        const list = lists.find((l) => r.path.startsWith(`${l}[].`));
        if (list === undefined) {
            continue;
        }
        const rel = { ...r, path: r.path.slice(list.length + 3) };
        const id = JSON.stringify(rel);
        const entry = merged.get(id) ?? { row: rel, in: [] };
        entry.in.push(list);
        merged.set(id, entry);
    }
    const lines = [`| key | in | type | default | constraints | meaning |`, "|---|---|---|---|---|---|"];
    for (const { row: r, in: where } of merged.values()) {
        lines.push(
            `| ${code(r.path)}${r.when ? ` (${code(r.when)})` : ""} | ${where.length === lists.length ? "all" : where.map((l) => code(l)).join(", ")} | ${r.type} | ${cell(r.default)} | ${cell(r.constraints)} | ${cell(r.description ?? "")} |`,
        );
    }
    return lines.join("\n");
}

/** The configuration reference: team stack keys, the workload keys, platform stack keys. */
export function configReferenceMarkdown(team: Schema, platform: Schema): string {
    const teamRows = referenceRows(team);
    const isWorkloadKey = (r: ReferenceRow) => WORKLOAD_LISTS.some((l) => r.path.startsWith(`${l}[].`));
    return [
        "## Team stacks",
        "",
        referenceTable(teamRows.filter((r) => !isWorkloadKey(r))),
        "",
        "## Ray workloads",
        "",
        `The keys of each entry of ${WORKLOAD_LISTS.filter((l) => teamRows.some((r) => r.path === l))
            .map((l) => code(`${l}[]`))
            .join(", ")} ("in" says which lists have the key; "all": every one).`,
        "",
        workloadTable(teamRows),
        "",
        "## Platform stack",
        "",
        referenceTable(referenceRows(platform)),
        "",
    ].join("\n");
}

/** The document that holds the reference, between the markers below (repository-relative). */
export const REFERENCE_FILE = "docs/configuration.md";

export const REFERENCE_BEGIN =
    "<!-- config-reference:begin (generated by npm run docs:config from components/config/model.ts; do not edit) -->";
export const REFERENCE_END = "<!-- config-reference:end -->";

/** `doc` with the text between the markers replaced by `reference`; throws without both markers. */
export function withReference(doc: string, reference: string): string {
    const begin = doc.indexOf(REFERENCE_BEGIN);
    const end = doc.indexOf(REFERENCE_END);
    if (begin === -1 || end === -1 || end < begin) {
        throw new Error(`${REFERENCE_FILE} has no "${REFERENCE_BEGIN}" ... "${REFERENCE_END}" section`);
    }
    return `${doc.slice(0, begin + REFERENCE_BEGIN.length)}\n\n${reference}\n${doc.slice(end)}`;
}
