/**
 * A problem found after the parse (a rule that depends on the platform's configuration, the
 * tenancy registry or the team's opt-ins), on the path of the key it belongs to, relative to what
 * was parsed: the whole stack config, or one component's args.
 */
export interface Issue {
    readonly path: readonly (string | number)[];
    readonly message: string;
}

/** The issues of a part of the config, moved under its key. */
export const under = (prefix: readonly (string | number)[], issues: readonly Issue[]): Issue[] =>
    issues.map((i) => ({ path: [...prefix, ...i.path], message: i.message }));
