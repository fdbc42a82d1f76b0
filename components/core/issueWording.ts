/**
 * Turns zod's issues into messages a new user can act on: "is required" rather than
 * `Invalid input`, the value given and the pattern it missed, the nearest known key for a
 * typo, and what a dotted key written literally in a stack file means.
 */
import { z } from "zod";

/** Values longer than this are shown cut, so that one bad entry does not flood the terminal. */
const MAX_SHOWN = 80;

/** The value as the user wrote it (JSON-quoted), or undefined when it should not be echoed. */
export function shown(value: unknown): string | undefined {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        return undefined;
    }
    const text = JSON.stringify(value);
    return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 4)}..."` : text;
}

/** Edit distance (insertions, deletions, substitutions, and swaps of neighbours: `clsuters`). */
export function editDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/** The known key closest to `key`, if it is close enough to be a typo (a third of its length, at least 1). */
export function nearest(key: string, known: readonly string[]): string | undefined {
    let best: { key: string; distance: number } | undefined;
    for (const k of known) {
        const distance = k.toLowerCase() === key.toLowerCase() ? 0.5 : editDistance(key, k);
        if (!best || distance < best.distance) {
            best = { key: k, distance };
        }
    }
    return best && best.distance <= Math.max(1, Math.floor(key.length / 3)) ? best.key : undefined;
}

type AnySchema = z.core.$ZodType;

/** The schemas a value at `path` may be checked against (several below a union). */
function schemasAt(schema: AnySchema, path: readonly PropertyKey[]): AnySchema[] {
    // zod's definitions are typed per schema kind; walking any kind reads them untyped.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const def = schema._zod.def as unknown as Record<string, any>;
    switch (def.type) {
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "readonly":
        case "catch":
        case "nonoptional":
            return schemasAt(def.innerType, path);
        case "pipe":
            return schemasAt(def.in, path);
        case "lazy":
            return schemasAt(def.getter(), path);
        case "union":
            return (def.options as AnySchema[]).flatMap((o) => schemasAt(o, path));
        case "intersection":
            return [...schemasAt(def.left, path), ...schemasAt(def.right, path)];
    }
    if (path.length === 0) {
        return [schema];
    }
    const [head, ...rest] = path;
    if (def.type === "object" && typeof head === "string" && def.shape[head]) {
        return schemasAt(def.shape[head], rest);
    }
    if (def.type === "array" && typeof head === "number") {
        return schemasAt(def.element, rest);
    }
    if (def.type === "record") {
        return schemasAt(def.valueType, rest);
    }
    return [];
}

/** The keys an object at `path` of `schema` accepts (all options' keys below a union). */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
    const keys = new Set<string>();
    for (const s of schemasAt(schema, path)) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as in schemasAt
        const def = s._zod.def as unknown as Record<string, any>;
        if (def.type === "object") {
            Object.keys(def.shape).forEach((k) => keys.add(k));
        }
    }
    return [...keys];
}

/**
 * Why `key` (unknown where it stands) is refused, and what was probably meant.
 * @param keyAt how a key beside it reads in a stack file, e.g. `podNetwork` → `ray-on-ack:podNetwork`.
 */
export function unknownKeyMessage(key: string, known: readonly string[], keyAt: (k: string) => string): string {
    const [first] = key.split(".");
    if (key.includes(".") && known.includes(first)) {
        // `ray-on-ack:podNetwork.vSwitchIds:` in a stack file is one key with a dot in its name.
        return (
            `unknown key: a dot in a stack file key does not nest; put ${key.slice(first.length + 1)} inside ${keyAt(first)}, ` +
            `or set it with: pulumi config set --path '${keyAt(key)}' <value>`
        );
    }
    const guess = nearest(key, known);
    return guess ? `unknown key: did you mean ${keyAt(guess)}?` : `unknown key (known here: ${[...known].sort().join(", ")})`;
}

function kindOf(expected: string): string {
    return expected === "array" ? "a list" : expected === "object" ? "a map" : `a ${expected}`;
}

function typeOf(value: unknown): string {
    return Array.isArray(value) ? "a list" : value === null ? "null" : typeof value === "object" ? "a map" : `a ${typeof value}`;
}

/** zod's message, reworded where zod's own says too little; `echo` false keeps the value out (secrets). */
export function issueMessage(issue: z.core.$ZodIssue, echo: boolean): string {
    const value = (issue as { input?: unknown }).input;
    const input = echo ? shown(value) : undefined;
    // A schema's own wording (`.string({ error })`) already says why; zod's default starts "Invalid input".
    if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
        // zod says `Invalid input: expected string, received undefined` for a missing key.
        return value === undefined
            ? `is required (${kindOf(issue.expected)})`
            : `must be ${kindOf(issue.expected)}, got ${typeOf(value)}${input ? ` ${input}` : ""}`;
    }
    // A union of types (a quantity is a string or a number) says only "Invalid input": name the kinds.
    if (issue.code === "invalid_union" && issue.message.startsWith("Invalid input")) {
        const kinds = issue.errors.map(
            (branch) => branch.find((i) => i.code === "invalid_type" && i.path.length === 0) as z.core.$ZodIssueInvalidType | undefined,
        );
        if (kinds.every((k) => k !== undefined)) {
            const expected = [...new Set(kinds.map((k) => kindOf(k!.expected)))].join(" or ");
            return value === undefined
                ? `is required (${expected})`
                : `must be ${expected}, got ${typeOf(value)}${input ? ` ${input}` : ""}`;
        }
    }
    if (issue.code === "invalid_format" && issue.format === "regex" && "pattern" in issue && issue.pattern) {
        const pattern = String(issue.pattern).replace(/^\/(.*)\/[a-z]*$/, "$1");
        return `${issue.message}: ${input ?? "the value"} does not match ${pattern}`;
    }
    if (input !== undefined && !issue.message.includes(String(value))) {
        return `${issue.message} (got ${input})`;
    }
    return issue.message;
}

export const PROJECT = "ray-on-ack";

export interface ConfigIssue {
    /** The config key, with the path inside structured values. */
    readonly key: string;
    readonly message: string;
}

/** Keys whose value is a credential: the stack file must hold them encrypted (`secure:`), never in plain text. */
export const SECRET_KEYS: readonly string[] = ["dashboardPassword", "gcsRedisPassword"];

/** Keys whose value is never echoed in a message: the secrets, and the removed `kubeconfig` (refused, but it may still hold credentials). */
export const UNECHOED_KEYS: readonly string[] = [...SECRET_KEYS, "kubeconfig"];

export function keyOf(path: readonly PropertyKey[]): string {
    let key = `${PROJECT}:${String(path[0] ?? "")}`;
    for (const part of path.slice(1)) {
        key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    }
    return key;
}

/**
 * @param schema the schema that raised `error`: unknown keys are answered with the nearest key it knows.
 *   Parse with `{ reportInput: true }` so that messages can show the value given.
 */
export function issuesOf(error: z.ZodError, schema?: z.core.$ZodType): ConfigIssue[] {
    const out: ConfigIssue[] = [];
    for (const issue of error.issues) {
        // Secrets are never echoed back, even when refused.
        const echo = !UNECHOED_KEYS.includes(String(issue.path[0]));
        if (issue.code === "unrecognized_keys") {
            const known = schema ? knownKeysAt(schema, issue.path) : [];
            for (const k of issue.keys) {
                const keyAt = (name: string) => keyOf([...issue.path, name]);
                out.push({ key: keyAt(k), message: known.length > 0 ? unknownKeyMessage(k, known, keyAt) : "unknown key" });
            }
        } else if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
            out.push({ key: keyOf(issue.path), message: "mode must be one of private, loadbalancer, ingress, gateway" });
        } else {
            out.push({ key: keyOf(issue.path), message: issueMessage(issue, echo) });
        }
    }
    return out;
}
