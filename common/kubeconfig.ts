/**
 * Kubeconfigs handed to a Kubernetes provider: whatever their source (the cluster lookup, the
 * environment of `pulumi`), a user whose credential runs a command or a plugin (`exec`,
 * `auth-provider`) is refused, since it would run inside `pulumi preview`/`up` with the deploy's
 * credentials. The program and the library share this; it loads `yaml` on first use only.
 */
/**
 * Why a kubeconfig may not be handed to a provider: a user whose credential runs something
 * (`exec`, `auth-provider`). Kubeconfigs that do not parse are refused too: the provider would
 * read them some other way.
 */
export function kubeconfigProblems(text: string, source: string): string[] {
    // Loaded on first use: a stack without `cloud` reads no kubeconfig here.
    const { parse }: typeof import("yaml") = require("yaml");
    let doc: unknown;
    try {
        doc = parse(text, { uniqueKeys: true, merge: false });
    } catch (e) {
        return [`${source}: is not a kubeconfig: ${(e as Error).message.split("\n")[0]}`];
    }
    const users = (doc as { users?: unknown } | null)?.users;
    return (Array.isArray(users) ? users : []).flatMap((u: { name?: unknown; user?: Record<string, unknown> }) =>
        ["exec", "auth-provider"]
            .filter((k) => u?.user?.[k] !== undefined && u.user[k] !== null)
            .map(
                (k) =>
                    `${source}: user ${JSON.stringify(u?.name ?? "")} authenticates with ${k}, which runs a command or plugin inside pulumi with the deploy's credentials; use a client certificate or token credential`,
            ),
    );
}
