/**
 * Kubernetes RBAC, evaluated over a set of objects (a render, or the resources a policy pack
 * sees): which rules reach an identity (a ServiceAccount, a person and their groups) through which
 * binding, and whether a request is allowed. The semantics are the API server's: a binding's
 * subject names the user or ServiceAccount, or a group it is in (for a ServiceAccount
 * `system:serviceaccounts`, `system:serviceaccounts:<namespace>`, `system:authenticated`); a RoleBinding grants its role's rules in its own namespace, a
 * ClusterRoleBinding everywhere; `*` matches any verb, group or resource; `resourceNames` narrows a
 * rule to those names. Roles the objects do not hold (the platform's, Kubernetes' own) are given
 * by the caller or reported as unknown.
 */

export interface PolicyRule {
    readonly apiGroups?: readonly string[];
    readonly resources?: readonly string[];
    readonly verbs?: readonly string[];
    readonly resourceNames?: readonly string[];
    readonly nonResourceURLs?: readonly string[];
}

export interface ResourceRequest {
    readonly verb: string;
    readonly apiGroup: string;
    /** With its subresource, e.g. `pods/exec`. */
    readonly resource: string;
    readonly name?: string;
    /** Undefined for a cluster-scoped resource. */
    readonly namespace?: string;
}

export interface ServiceAccountRef {
    readonly name: string;
    readonly namespace: string;
}

/** Who asks, as the API server sees it: a user name and its groups. */
export interface Identity {
    readonly username: string;
    readonly groups: readonly string[];
}

/** A ServiceAccount's identity: `system:serviceaccount:<ns>:<name>` in the ServiceAccount groups. */
export function serviceAccountIdentity(sa: ServiceAccountRef): Identity {
    return {
        username: `system:serviceaccount:${sa.namespace}:${sa.name}`,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${sa.namespace}`, "system:authenticated"],
    };
}

/** A rule that reaches a ServiceAccount, where it applies, and the binding and role it comes through. */
export interface GrantedRule {
    readonly rule: PolicyRule;
    /** The namespace a RoleBinding grants it in; undefined: every namespace and the cluster scope. */
    readonly namespace?: string;
    readonly binding: { readonly kind: string; readonly name: string; readonly namespace?: string };
    readonly roleRef: { readonly kind: string; readonly name: string };
}

/** A binding whose role the objects do not hold: its rules cannot be known here. */
export interface UnknownRole {
    readonly binding: { readonly kind: string; readonly name: string; readonly namespace?: string };
    readonly roleRef: { readonly kind: string; readonly name: string };
}

type Obj = { kind?: unknown; apiVersion?: unknown; metadata?: { name?: unknown; namespace?: unknown }; [k: string]: unknown };

const isRbac = (o: Obj, kind: string) => o?.kind === kind && String(o?.apiVersion ?? "").startsWith("rbac.authorization.k8s.io/");
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function matches(values: readonly string[] | undefined, value: string): boolean {
    return (values ?? []).some((v) => v === "*" || v === value);
}

function resourceMatches(resources: readonly string[] | undefined, resource: string): boolean {
    const sub = resource.includes("/") ? resource.slice(resource.indexOf("/")) : undefined;
    return (resources ?? []).some((r) => r === "*" || r === resource || (sub !== undefined && r === `*${sub}`));
}

/** Whether one rule allows the request (namespace aside: that is the binding's). */
export function ruleAllows(rule: PolicyRule, request: ResourceRequest): boolean {
    const named =
        (rule.resourceNames ?? []).length === 0 || (request.name !== undefined && (rule.resourceNames ?? []).includes(request.name));
    return (
        matches(rule.verbs, request.verb) &&
        matches(rule.apiGroups, request.apiGroup) &&
        resourceMatches(rule.resources, request.resource) &&
        named
    );
}

/** Whether a binding's subject is the identity, or a group it belongs to. */
export function subjectMatches(subject: unknown, who: Identity): boolean {
    const s = subject as { kind?: unknown; name?: unknown; namespace?: unknown } | null;
    if (s?.kind === "ServiceAccount") {
        return who.username === `system:serviceaccount:${String(s.namespace)}:${String(s.name)}`;
    }
    if (s?.kind === "User") {
        return s.name === who.username;
    }
    if (s?.kind === "Group") {
        return who.groups.includes(String(s.name));
    }
    return false;
}

/**
 * Every rule the objects give the identity (a ServiceAccount, or a user with its groups), and the
 * bindings whose role they do not hold.
 * @param extraClusterRoles rules of ClusterRoles defined elsewhere (the platform's), by name
 */
export function rulesOf(
    objects: readonly Obj[],
    subject: ServiceAccountRef | Identity,
    extraClusterRoles: Readonly<Record<string, readonly PolicyRule[]>> = {},
): { granted: GrantedRule[]; unknown: UnknownRole[] } {
    const who = "username" in subject ? subject : serviceAccountIdentity(subject);
    const roles = new Map<string, PolicyRule[]>();
    const clusterRoles = new Map<string, PolicyRule[]>(Object.entries(extraClusterRoles).map(([n, r]) => [n, [...r]]));
    for (const o of objects) {
        if (isRbac(o, "Role")) {
            roles.set(`${String(o.metadata?.namespace)}/${String(o.metadata?.name)}`, (o.rules as PolicyRule[]) ?? []);
        } else if (isRbac(o, "ClusterRole")) {
            clusterRoles.set(String(o.metadata?.name), (o.rules as PolicyRule[]) ?? []);
        }
    }
    const granted: GrantedRule[] = [];
    const unknown: UnknownRole[] = [];
    for (const o of objects) {
        const roleBinding = isRbac(o, "RoleBinding");
        if (!roleBinding && !isRbac(o, "ClusterRoleBinding")) {
            continue;
        }
        if (!(Array.isArray(o.subjects) ? o.subjects : []).some((s) => subjectMatches(s, who))) {
            continue;
        }
        const ref = (o.roleRef ?? {}) as { kind?: unknown; name?: unknown };
        const roleRef = { kind: String(ref.kind), name: String(ref.name) };
        const namespace = roleBinding ? String(o.metadata?.namespace) : undefined;
        const binding = { kind: String(o.kind), name: String(o.metadata?.name), ...(namespace === undefined ? {} : { namespace }) };
        if (roleRef.kind === "Role" && !roleBinding) {
            continue; // a ClusterRoleBinding cannot reference a Role: the API server refuses it
        }
        const rules = roleRef.kind === "Role" ? roles.get(`${namespace}/${roleRef.name}`) : clusterRoles.get(roleRef.name);
        if (rules === undefined) {
            unknown.push({ binding, roleRef });
            continue;
        }
        granted.push(...rules.map((rule) => ({ rule, namespace, binding, roleRef })));
    }
    return { granted, unknown };
}

/** Whether the granted rules allow the request (a rule granted in a namespace applies there only). */
export function allows(granted: readonly GrantedRule[], request: ResourceRequest): boolean {
    return granted.some((g) => (g.namespace === undefined || g.namespace === request.namespace) && ruleAllows(g.rule, request));
}

/** Verbs, groups and resources of a rule, as one line (for messages). */
export function describeRule(rule: PolicyRule): string {
    const names = (rule.resourceNames ?? []).length > 0 ? ` [${list(rule.resourceNames).join(", ")}]` : "";
    const urls = (rule.nonResourceURLs ?? []).length > 0 ? ` URLs ${list(rule.nonResourceURLs).join(", ")}` : "";
    return `${list(rule.verbs).join(", ")} on ${list(rule.apiGroups)
        .map((g) => (g === "" ? "core" : g))
        .join(", ")}/${list(rule.resources).join(", ")}${names}${urls}`;
}
