/**
 * RAM rules shared by the stack config (`rrsa.extraStatements`) and the policy pack (every RAM
 * policy, attachment and RRSA role). Ray pods run user code, so whatever their role allows, any job
 * can do: statements name OSS object actions on a bucket and prefix, nothing else. The allowlist is
 * short on purpose; docs/design.md "RRSA" says why each entry is there.
 */

/**
 * Object-level OSS actions, all a Ray job needs to read and write data:
 * - GetObject, GetObjectMeta: read objects and their metadata (HEAD).
 * - PutObject, DeleteObject: write and clean up outputs and checkpoints.
 * - AbortMultipartUpload, ListParts: multipart uploads (large checkpoints), and cleaning them up.
 * - ListObjects: list a prefix (callers scope it with an `oss:Prefix` condition on the bucket).
 * - RestoreObject: thaw Archive-class objects before reading them.
 * None of them changes a bucket's ACL, policy, lifecycle or encryption, or touches other services.
 */
export const RAM_ACTION_ALLOWLIST: readonly string[] = [
    "oss:GetObject",
    "oss:GetObjectMeta",
    "oss:PutObject",
    "oss:DeleteObject",
    "oss:AbortMultipartUpload",
    "oss:ListParts",
    "oss:ListObjects",
    "oss:RestoreObject",
];

/**
 * The allowlisted actions that only read (objects, their metadata, listings, multipart parts):
 * a statement with any other action, a wildcard or NotAction writes. RestoreObject counts as a
 * write: it changes an object's storage state (and its bill).
 */
export const OSS_READ_ACTIONS: readonly string[] = ["oss:GetObject", "oss:GetObjectMeta", "oss:ListObjects", "oss:ListParts"];

export const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function actionProblem(action: unknown): string | undefined {
    if (typeof action !== "string") {
        return `${JSON.stringify(action)} is not an action name`;
    }
    if (RAM_ACTION_ALLOWLIST.includes(action)) {
        return undefined;
    }
    const allowed = `allowed: ${RAM_ACTION_ALLOWLIST.join(", ")}`;
    if (action.includes("*")) {
        return `"${action}" is a wildcard action; name each action (${allowed})`;
    }
    const service = action.split(":")[0].toLowerCase();
    if (service === "ram" || service === "sts") {
        return `"${action}" administers identities (${service}); Ray pods run user code and must not (${allowed})`;
    }
    return `"${action}" is not in the RAM action allowlist (${allowed})`;
}

const BUCKET = "[a-z0-9][a-z0-9-]{1,61}[a-z0-9]";
/** `acs:oss:<region or *>:<account or *>:<bucket>[/<object path>]` */
const OSS_ARN = new RegExp(`^acs:oss:([a-z0-9-]*|\\*):([0-9]+|\\*):(${BUCKET})(/(.*))?$`);

/** Why an OSS object prefix is refused, or undefined. Empty means the whole bucket (allowed, shown in posture). */
export function ossPrefixProblem(prefix: string): string | undefined {
    if (prefix === "") {
        return undefined;
    }
    if (prefix.includes("*")) {
        return `"${prefix}" contains '*'; a prefix is a literal path`;
    }
    if (!prefix.endsWith("/")) {
        return `"${prefix}" must end in '/': without it, "${prefix}*" also matches "${prefix}-other/..."`;
    }
    if (prefix.startsWith("/")) {
        return `"${prefix}" must not start with '/' (OSS keys have no leading slash)`;
    }
    return undefined;
}

function resourceProblem(resource: unknown): string | undefined {
    if (typeof resource !== "string") {
        return `${JSON.stringify(resource)} is not a resource ARN`;
    }
    const m = OSS_ARN.exec(resource);
    if (!m) {
        return `"${resource}" is not one OSS bucket or an object path in it (acs:oss:*:<account>:<bucket>/<prefix>/*)`;
    }
    const path = m[5];
    if (path === undefined || !path.includes("*")) {
        return undefined; // the bucket itself (ListObjects) or one named object
    }
    if (path.indexOf("*") !== path.length - 1) {
        return `"${resource}" has a wildcard inside the object path; only a trailing '*' after a prefix is allowed`;
    }
    const prefixProblem = ossPrefixProblem(path.slice(0, -1));
    return prefixProblem === undefined ? undefined : `"${resource}": prefix ${prefixProblem}`;
}

export interface StatementProblem {
    /** Path inside the statement: `["Action", 1]`, `["Resource"]`, `["NotAction"]`. */
    readonly path: (string | number)[];
    readonly message: string;
}

/**
 * Problems of one policy statement. Deny statements only narrow, so only Allow statements are
 * judged; `NotAction`/`NotResource` in an Allow grant everything else and are refused.
 */
export function ramStatementProblems(statement: Record<string, unknown>): StatementProblem[] {
    if (statement.Effect !== "Allow") {
        return [];
    }
    const problems: StatementProblem[] = [];
    for (const key of ["NotAction", "NotResource"]) {
        if (statement[key] !== undefined) {
            problems.push({
                path: [key],
                message: `an Allow with ${key} grants everything not listed; list what is allowed in ${key.slice(3)}`,
            });
        }
    }
    for (const [key, check] of [
        ["Action", actionProblem],
        ["Resource", resourceProblem],
    ] as const) {
        const value = statement[key];
        const items = asList(value);
        if (items.length === 0 && statement[`Not${key}`] === undefined) {
            problems.push({ path: [key], message: "is empty" });
        }
        items.forEach((item, i) => {
            const message = check(item);
            if (message !== undefined) {
                problems.push({ path: Array.isArray(value) ? [key, i] : [key], message });
            }
        });
    }
    return problems;
}

/** An OSS resource that grants every object of a bucket (`<bucket>/*`): allowed, and reported. */
export function wholeBucketOf(resource: unknown): string | undefined {
    if (typeof resource !== "string") {
        return undefined;
    }
    const m = OSS_ARN.exec(resource);
    return m && m[5] === "*" ? m[3] : undefined;
}

/** System policies that must never be attached to a role Ray pods can assume. */
export function systemPolicyProblem(policyName: string): string | undefined {
    if (policyName === "AdministratorAccess" || /FullAccess$/.test(policyName)) {
        return `attaches the system policy ${policyName}, which grants a whole service (or the account); attach a custom policy scoped to the team's buckets`;
    }
    if (/^AliyunRAM|^AliyunSTS/.test(policyName)) {
        return `attaches the system policy ${policyName}, which reaches identities (RAM/STS); Ray pods must not`;
    }
    return undefined;
}

/** `acs:ram::<account>:oidc-provider/ack-rrsa-<cluster id>`: an ACK cluster's RRSA provider. */
export const RRSA_PROVIDER_ARN = /^acs:ram::[0-9]+:oidc-provider\/ack-rrsa-([0-9a-z]+)$/;

/**
 * The issuer an ACK cluster's RRSA tokens carry ends in the cluster id
 * (`https://oidc-ack-<region>.oss-<region>.aliyuncs.com/<cluster id>`); a trust policy whose
 * issuer names another cluster accepts that cluster's ServiceAccount tokens.
 */
export function issuerProblem(providerArn: string, issuer: unknown): string | undefined {
    const cluster = RRSA_PROVIDER_ARN.exec(providerArn)?.[1];
    if (cluster === undefined) {
        return undefined;
    }
    const issuers = asList(issuer);
    if (issuers.length !== 1 || typeof issuers[0] !== "string") {
        return `must be exactly the issuer of cluster ${cluster} (the provider's), got ${JSON.stringify(issuer ?? null)}`;
    }
    let url: URL;
    try {
        url = new URL(issuers[0]);
    } catch {
        return `${JSON.stringify(issuers[0])} is not an issuer URL`;
    }
    const last = url.pathname
        .split("/")
        .filter((s) => s !== "")
        .pop();
    return url.protocol === "https:" && last === cluster
        ? undefined
        : `${JSON.stringify(issuers[0])} is not the issuer of cluster ${cluster}, whose provider the statement trusts`;
}

/** Object-level OSS actions that change data; any of them makes a statement a read-write claim. */
export const OSS_WRITE_ACTIONS: readonly string[] = ["oss:PutObject", "oss:DeleteObject", "oss:AbortMultipartUpload", "oss:RestoreObject"];

/**
 * The bucket and object prefix an OSS resource ARN reaches: `<bucket>/<prefix>*` (or one object)
 * reaches under that prefix, the bucket itself (ListObjects) the whole bucket. Undefined for
 * anything that is not one OSS bucket (refused elsewhere).
 */
export function ossScopeOf(resource: unknown): { bucket: string; prefix: string } | undefined {
    if (typeof resource !== "string") {
        return undefined;
    }
    const m = OSS_ARN.exec(resource);
    if (!m) {
        return undefined;
    }
    const path = m[5] ?? "";
    const literal = path.endsWith("*") ? path.slice(0, -1) : path;
    // A prefix claims the directory it names; a named object claims the directory it lies in.
    return { bucket: m[3], prefix: literal.endsWith("/") || literal === "" ? literal : literal.slice(0, literal.lastIndexOf("/") + 1) };
}
