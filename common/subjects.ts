/**
 * People the team's Role is bound to (`access.users`, `access.groups`), and the subjects the policy
 * pack accepts in RoleBindings. Kubernetes reserves the `system:` prefix for identities it makes
 * itself: `system:authenticated` is every identity of the cluster, `system:serviceaccounts` every
 * pod, `system:anonymous` nobody at all. Binding one of them hands the team's access (port-forward
 * to Ray pods, which bypasses the NetworkPolicies) to the whole cluster.
 */

export const SYSTEM_SUBJECT_PREFIX = "system:";

/** The identity Kubernetes reserves for itself (case-insensitively, so a look-alike is refused too). */
export function isSystemSubject(name: string): boolean {
    return name.toLowerCase().startsWith(SYSTEM_SUBJECT_PREFIX);
}

/** Names as ACK's authenticators hand them over: RAM user ids and names, group names, OIDC `prefix:name`. */
export const SUBJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._@:+=/-]*$/;
export const SUBJECT_MAX_LENGTH = 128;

/** Why a user or group name is refused, or undefined. */
export function subjectNameProblem(name: string): string | undefined {
    if (isSystemSubject(name)) {
        return `"${name}" is a Kubernetes system identity (system:*); binding it gives the team's access to every identity it stands for`;
    }
    if (name.length === 0 || name.length > SUBJECT_MAX_LENGTH) {
        return `"${name}" must be 1-${SUBJECT_MAX_LENGTH} characters`;
    }
    if (!SUBJECT_NAME.test(name)) {
        return `"${name}" must start with a letter or digit and hold only letters, digits and . _ @ : + = / -`;
    }
    return undefined;
}
