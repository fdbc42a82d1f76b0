/**
 * The part of a resource a grant covers. A finding's `path` counts list entries by position
 * (`spec.workerGroupSpecs[0].template.spec.volumes[6]`), which moves when a list is reordered
 * and would let a grant for one volume cover whatever lands at its index. Its object path names
 * each entry instead (`spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=checkpoints]`):
 * a grant's `path` must equal it, so a grant covers that one part, never a second volume of the
 * same cluster, and keeps covering it when the lists are reordered.
 */
import { POLICY_IDS } from "@ray-on-ack/common";

/** Lists whose entries are named by a field other than `name`. */
const KEY_FIELDS: Readonly<Record<string, string>> = {
    workerGroupSpecs: "groupName",
    volumeMounts: "mountPath",
    volumeDevices: "devicePath",
    tolerations: "key",
    matchExpressions: "key",
    matchFields: "key",
};

/** A value that can stand in a path unquoted; anything else keeps its index (which no name-keyed grant matches). */
const PLAIN_VALUE = /^[A-Za-z0-9._/-]+$/;

type Token = { field: string } | { key: string } | { index: number } | { select: string; value: string };

const TOKEN =
    /^(?:\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(0|[1-9][0-9]*)\]|\[("(?:[^"\\]|\\.)*")\]|\[([A-Za-z][A-Za-z0-9]*)=([A-Za-z0-9._/-]+)\])/;

/** `a.b[0]["k"][name=x]` as tokens, or undefined when the text is not such a path. */
function parsePath(path: string): Token[] | undefined {
    const tokens: Token[] = [];
    let rest = path;
    while (rest !== "") {
        const m = TOKEN.exec(rest);
        // A field needs its dot after the first token; `a..b` or `[0]b` are not paths.
        if (
            !m ||
            (m[1] !== undefined && tokens.length > 0 && !rest.startsWith(".")) ||
            (m[1] !== undefined && tokens.length === 0 && rest.startsWith("."))
        ) {
            return undefined;
        }
        if (m[1] !== undefined) {
            tokens.push({ field: m[1] });
        } else if (m[2] !== undefined) {
            tokens.push({ index: Number(m[2]) });
        } else if (m[3] !== undefined) {
            tokens.push({ key: JSON.parse(m[3]) as string });
        } else {
            tokens.push({ select: m[4], value: m[5] });
        }
        rest = rest.slice(m[0].length);
    }
    return tokens;
}

/**
 * `path` inside `props` with each list index replaced by `[<field>=<value>]`: the entry's
 * `groupName` (worker groups), `mountPath` (volume mounts), `devicePath`, `key` (tolerations and
 * selector expressions) or `name`. An entry without such a value, or one whose value a sibling
 * shares, keeps its index: a name two entries carry names neither.
 */
export function objectPathOf(props: unknown, path: string): string {
    const tokens = parsePath(path);
    if (tokens === undefined) {
        return path;
    }
    let node: any = props;
    let lastField: string | undefined;
    let out = "";
    for (const t of tokens) {
        if ("field" in t) {
            out += out === "" ? t.field : `.${t.field}`;
            node = node?.[t.field];
            lastField = t.field;
        } else if ("key" in t) {
            out += `[${JSON.stringify(t.key)}]`;
            node = node?.[t.key];
            lastField = undefined;
        } else if ("index" in t) {
            const field = (lastField !== undefined ? KEY_FIELDS[lastField] : undefined) ?? "name";
            const list: unknown[] = Array.isArray(node) ? node : [];
            const value = (list[t.index] as any)?.[field];
            const unique =
                typeof value === "string" && PLAIN_VALUE.test(value) && list.filter((e: any) => e?.[field] === value).length === 1;
            out += unique ? `[${field}=${value}]` : `[${t.index}]`;
            node = list[t.index];
            lastField = undefined;
        } else {
            // Already an object path: keep it as it is.
            out += `[${t.select}=${t.value}]`;
            node = Array.isArray(node) ? node.find((e: any) => e?.[t.select] === t.value) : undefined;
            lastField = undefined;
        }
    }
    return out;
}

export const GRANT_PATH_EXAMPLE = "spec.workerGroupSpecs[groupName=cpu].template.spec.volumes[name=checkpoints]";

/** Why `path` cannot be a grant's path, or undefined. */
export function grantPathProblem(path: string): string | undefined {
    return path === "" || parsePath(path) === undefined || path.startsWith(".")
        ? `${JSON.stringify(path)} is not an object path: fields joined by '.', list entries as [name=<value>] (or [<index>] where the entry has no unique name), map keys as ["<key>"], e.g. ${GRANT_PATH_EXAMPLE}`
        : undefined;
}

/**
 * Policies whose findings are parts of a resource (a container, a volume, a label of one pod
 * template, a setting of one pod spec): a grant without a path would cover the whole resource,
 * and with it every part a later change adds, so a grant must name its path. Every policy whose
 * findings can lie inside a pod template is here (policy/grantPaths.test.ts holds the list
 * to that). The others judge objects that are their own unit (a public Service, a route, an ACL,
 * a RAM role) and take a grant for the whole object.
 */
export const GRANT_PATH_REQUIRED: ReadonlySet<string> = new Set<string>([
    POLICY_IDS.tlsRequired,
    POLICY_IDS.tokenAuthRequired,
    POLICY_IDS.rayVersionMinimum,
    POLICY_IDS.serviceAccountToken,
    POLICY_IDS.dedicatedServiceAccount,
    POLICY_IDS.podSecurityRestricted,
    POLICY_IDS.readOnlyRootFilesystem,
    POLICY_IDS.hostPathRestricted,
    POLICY_IDS.volumeReadOnly,
    POLICY_IDS.podScheduling,
    POLICY_IDS.podMetadata,
    POLICY_IDS.volumeMounts,
    POLICY_IDS.podControllers,
    POLICY_IDS.imageRegistryAllowed,
    POLICY_IDS.imageTagPinned,
    POLICY_IDS.resourcesRequired,
    POLICY_IDS.noAccessKeys,
    POLICY_IDS.gcsFaultTolerance,
]);

export function grantNeedsPath(policy: string | undefined): boolean {
    return policy !== undefined && GRANT_PATH_REQUIRED.has(policy);
}

/** The refusal of a path-less grant under `policy`: what to write instead. */
export function missingGrantPathProblem(policy: string): string {
    return (
        `${policy} judges parts of a resource (a container, a volume, a label or setting of one pod template), so a grant must name the part with "path", ` +
        `the finding's objectPath in posture.json, e.g. "path": "${GRANT_PATH_EXAMPLE}": a grant for the whole resource would also cover every part a later change adds to it`
    );
}
