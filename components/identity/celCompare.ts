/**
 * CEL text that compares an object of an admission request with its old version. Admission hands
 * a custom resource to CEL as a plain map (no schema), so a field is compared by iterating over the
 * keys both versions actually have: a field that no list here names, including one a newer CRD
 * adds, is compared like every other (fail closed). Only what CEL had at Kubernetes 1.30 is used
 * (macros over maps and lists, `has`, `in`, `==`), so the policy compiles wherever
 * ValidatingAdmissionPolicy is GA.
 */

const stringList = (items: readonly string[]) => `[${items.map((i) => `'${i}'`).join(", ")}]`;

/**
 * CEL: maps NEXT and PREV (expressions) hold the same keys with equal values, apart from the keys
 * in EXCEPT, which may differ, appear or disappear. VAR names the comprehension variable (distinct
 * per nesting level).
 */
export function unchangedExcept(next: string, prev: string, except: readonly string[], v: string): string {
    const exempt = except.length === 0 ? "false" : `${v} in ${stringList(except)}`;
    return (
        `${next}.all(${v}, ${exempt} || (${v} in ${prev} && ${next}[${v}] == ${prev}[${v}])) && ` +
        `${prev}.all(${v}, ${exempt} || ${v} in ${next})`
    );
}

/** CEL: `OBJ.a.b...` for the field PATH of OBJ (an identifier), or FALLBACK when a step is missing. */
function fieldOr(obj: string, path: readonly string[], fallback: string): string {
    const steps = path.map((_, i) => `${obj}.${path.slice(0, i + 1).join(".")}`);
    return `(${steps.map((s) => `has(${s})`).join(" && ")} ? ${steps[steps.length - 1]} : ${fallback})`;
}

/** CEL: the map at PATH of OBJ, or an empty map. */
export const mapOrEmpty = (obj: string, ...path: string[]) => fieldOr(obj, path, "{}");

/** CEL: the list at PATH of OBJ, or an empty list. */
export const listOrEmpty = (obj: string, ...path: string[]) => fieldOr(obj, path, "[]");
