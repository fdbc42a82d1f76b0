/**
 * The seed's password rule for the dashboard's basic auth (section 1.5.3): 8-30 characters,
 * at least three of upper case, lower case, digits and the listed special characters,
 * and not one of the passwords attackers try first.
 */

export const PASSWORD_SPECIALS = "()`~!@#$%^&*_-+=|{}[]:;'<>,.?/";

/** Roots of the passwords that top every leaked-password list; a password built on one is refused. */
const COMMON_ROOTS = [
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "qwerty",
    "admin",
    "welcome",
    "letmein",
    "123456",
    "abc123",
    "iloveyou",
    "dashboard",
    "changeme",
];

export function passwordProblems(password: string, username?: string): string[] {
    const problems: string[] = [];
    if (password.length < 8 || password.length > 30) {
        problems.push(`must be 8-30 characters (it has ${password.length})`);
    }
    const classes =
        [/[A-Z]/, /[a-z]/, /[0-9]/].filter((re) => re.test(password)).length +
        ([...password].some((ch) => PASSWORD_SPECIALS.includes(ch)) ? 1 : 0);
    if (classes < 3) {
        problems.push(
            `must contain at least three of: upper-case letters, lower-case letters, digits, special characters ${PASSWORD_SPECIALS}`,
        );
    }
    const invalid = [...password].filter((ch) => !/[A-Za-z0-9]/.test(ch) && !PASSWORD_SPECIALS.includes(ch));
    if (invalid.length > 0) {
        problems.push("may only contain letters, digits and the listed special characters");
    }
    const folded = password.toLowerCase();
    const root = COMMON_ROOTS.find((r) => folded.includes(r));
    if (root) {
        problems.push(`is too common (it is built on '${root}')`);
    } else if (username && username.length >= 3 && folded.includes(username.toLowerCase())) {
        problems.push("must not contain the user name");
    }
    return problems;
}
