/**
 * GitHub's CODEOWNERS matching, for the tests that check who must approve what. Each pattern is a
 * gitignore pattern, matched with the `ignore` package (what git does: `*`, `/anchored`, `dir/`,
 * `**`, a directory's match covering everything below it); the last matching line decides, and a
 * line with no owners leaves its paths unowned.
 *
 * GitHub departs from gitignore in a few places. The syntax it does not support (`!` negation,
 * `[ ]` ranges, escaping a leading `#`) is refused here, as GitHub skips such a line. And it matches
 * `docs/*` only one level deep, where gitignore matches `docs/a/b` through the directory `docs/a`:
 * such patterns are refused too rather than misjudged, so the file stays within what this models.
 */
import ignore from "ignore";

export interface OwnerRule {
    /** 1-based line in the file, for messages. */
    readonly line: number;
    readonly pattern: string;
    /** Empty: the line unassigns what it matches. */
    readonly owners: readonly string[];
    /** Whether the pattern matches a repository-relative path (a file, `/`-separated). */
    matches(file: string): boolean;
}

/** `@user`, `@org/team`, or an e-mail address. */
const OWNER = /^(@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

function refusal(pattern: string): string | undefined {
    if (pattern.startsWith("!")) {
        return "negation (`!`) does not work in CODEOWNERS";
    }
    if (/[[\]]/.test(pattern)) {
        return "character ranges (`[ ]`) do not work in CODEOWNERS";
    }
    if (pattern.includes("\\")) {
        return "escapes (`\\`) do not work in CODEOWNERS";
    }
    const body = pattern.replace(/\/$/, "");
    const lastSlash = body.lastIndexOf("/");
    const last = body.slice(lastSlash + 1);
    if (lastSlash !== -1 && last !== "**" && /[*?]/.test(last)) {
        return "GitHub matches a wildcard after a directory (`docs/*`) one level deep, gitignore at every depth: name the paths, or use `docs/`";
    }
    return undefined;
}

/** The rules of a CODEOWNERS file, in order; throws on a line GitHub would skip or this cannot model. */
export function parseCodeowners(text: string): OwnerRule[] {
    const rules: OwnerRule[] = [];
    text.split("\n").forEach((raw, i) => {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) {
            return;
        }
        const [pattern, ...rest] = line.split(/\s+/);
        const comment = rest.findIndex((t) => t.startsWith("#"));
        const owners = comment === -1 ? rest : rest.slice(0, comment);
        const why = refusal(pattern);
        if (why !== undefined) {
            throw new Error(`CODEOWNERS line ${i + 1}: ${pattern}: ${why}`);
        }
        for (const owner of owners) {
            if (!OWNER.test(owner)) {
                throw new Error(`CODEOWNERS line ${i + 1}: ${owner} is not an owner (@user, @org/team or an e-mail address)`);
            }
        }
        // Paths are case-sensitive on GitHub; `ignore` folds case unless told not to.
        const matcher = ignore({ ignorecase: false }).add(pattern);
        rules.push({ line: i + 1, pattern, owners, matches: (file) => matcher.ignores(file) });
    });
    return rules;
}

/** The owners of a path: those of the last rule that matches it, or undefined when none does. */
export function ownersOf(rules: readonly OwnerRule[], file: string): readonly string[] | undefined {
    let owners: readonly string[] | undefined;
    for (const rule of rules) {
        if (rule.matches(file)) {
            owners = rule.owners;
        }
    }
    return owners;
}
