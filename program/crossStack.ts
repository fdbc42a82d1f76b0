/**
 * Checks across the stack files of one stacks directory, which one stack file cannot make alone.
 * The program makes them at every `pulumi preview`/`up` (and so does the renderer, which runs the
 * program), and they fail closed: a stack file that cannot be read is an error naming it, never a
 * skip, since an attacker would only need to break another file to pass.
 * - pod CIDRs and namespaces: each team's certificates name every address of its pod CIDRs, and its
 *   NetworkPolicies, Terway vSwitches and Secrets assume the addresses and the namespace are its own;
 * - the platform stack: only `Pulumi.platform.yaml` may say `ray-on-ack:platform: true`;
 * - its ElasticQuotaTree: a team namespace in none of its children gets no quota share of the cluster.
 */
import * as path from "path";
import { blockOf } from "@ray-on-ack/common/addresses";
import { PLATFORM_STACK } from "@ray-on-ack/common/tenancy";
import { listStacks, readStackFile, stackFilePath } from "./stackFile";

export interface CrossStackIssue {
    readonly key: string;
    readonly message: string;
}

const PROJECT = "ray-on-ack";

interface OtherStack {
    readonly stack: string;
    readonly file: string;
    readonly config: Record<string, unknown>;
}

const shown = (file: string) => path.relative(process.cwd(), file) || file;

/** Every other stack file, parsed; an unreadable one is an issue naming it. */
function otherStacks(stack: string, stacksDir: string): { others: OtherStack[]; issues: CrossStackIssue[] } {
    const others: OtherStack[] = [];
    const issues: CrossStackIssue[] = [];
    for (const other of listStacks(stacksDir).filter((s) => s !== stack)) {
        const file = stackFilePath(other, stacksDir);
        try {
            others.push({ stack: other, file, config: (readStackFile(file).config ?? {}) as Record<string, unknown> });
        } catch (e) {
            issues.push({
                key: shown(file),
                message: `cannot check against stack ${other}: ${(e as Error).message.split("\n")[0]} — the cross-stack checks fail closed: fix or remove that file`,
            });
        }
    }
    return { others, issues };
}

const isPlatformFile = (config: Record<string, unknown>) =>
    config[`${PROJECT}:platform`] === true || config[`${PROJECT}:platform`] === "true";

function podCidrsOf(config: Record<string, unknown>): string[] {
    const value = config[`${PROJECT}:podCidrs`];
    return Array.isArray(value) ? value.filter((c): c is string => typeof c === "string") : [];
}

function namespaceOf(config: Record<string, unknown>): string | undefined {
    const team = config[`${PROJECT}:team`];
    const ns = config[`${PROJECT}:namespace`];
    return typeof ns === "string" ? ns : typeof team === "string" ? `ray-${team}` : undefined;
}

function quotaTreeNamespacesOf(config: Record<string, unknown>): string[] {
    const tree = config[`${PROJECT}:quotaTree`] as { children?: unknown } | undefined;
    const children: unknown[] = Array.isArray(tree?.children) ? tree.children : [];
    return children.flatMap((c) => {
        const ns = (c as { namespaces?: unknown })?.namespaces;
        return Array.isArray(ns) ? ns.filter((n): n is string => typeof n === "string") : [];
    });
}

function overlap(a: string, b: string): boolean {
    const x = blockOf(a);
    const y = blockOf(b);
    return x !== undefined && y !== undefined && x.family === y.family && x.start < y.end && y.start < x.end;
}

export interface TeamSide {
    readonly namespace: string;
    /** The key the namespace comes from (`ray-on-ack:namespace`, or `ray-on-ack:team` for the default). */
    readonly namespaceKey: string;
    readonly podCidrs: readonly string[];
}

export interface CrossStackResult {
    readonly issues: CrossStackIssue[];
    /** Said instead of a quota-tree check when the directory has no platform stack (the e2e stacks, a team's own repository). */
    readonly notes: string[];
}

/** The cross-stack checks of stack `stack`; `team` is its validated team side (undefined for the platform stack). */
export function crossStackChecks(stack: string, team: TeamSide | undefined, stacksDir: string): CrossStackResult {
    const { others, issues } = otherStacks(stack, stacksDir);
    const notes: string[] = [];
    for (const o of others.filter((x) => isPlatformFile(x.config) && x.stack !== PLATFORM_STACK)) {
        issues.push({
            key: `${PROJECT}:platform`,
            message: `stack ${o.stack} (${shown(o.file)}) says it is the platform stack; only ${shown(stackFilePath(PLATFORM_STACK, stacksDir))} may: remove the file or its ray-on-ack:platform`,
        });
    }
    if (team === undefined) {
        return { issues, notes };
    }
    for (const o of others.filter((x) => !isPlatformFile(x.config))) {
        if (namespaceOf(o.config) === team.namespace) {
            issues.push({
                key: team.namespaceKey,
                message: `"${team.namespace}" is also the namespace of stack ${o.stack} (${shown(o.file)}): two stacks would own (and overwrite) each other's Secrets, roles and NetworkPolicies`,
            });
        }
        team.podCidrs.forEach((mine, i) => {
            const hit = podCidrsOf(o.config).find((t) => overlap(mine, t));
            if (hit !== undefined) {
                issues.push({
                    key: `${PROJECT}:podCidrs[${i}]`,
                    message: `${mine} overlaps ${hit} of stack ${o.stack} (${shown(o.file)}): two teams' pods must never share addresses, or each team's certificates would name the other's pods`,
                });
            }
        });
    }
    const platform = others.find((o) => o.stack === PLATFORM_STACK && isPlatformFile(o.config));
    if (platform === undefined) {
        notes.push(
            `note: ${team.namespaceKey}: no platform stack (${shown(stackFilePath(PLATFORM_STACK, stacksDir))}) beside this one, so "${team.namespace}" is not checked against the ElasticQuotaTree; the platform stack's ray-on-ack:quotaTree.children must list it`,
        );
    } else if (!quotaTreeNamespacesOf(platform.config).includes(team.namespace)) {
        issues.push({
            key: team.namespaceKey,
            message: `"${team.namespace}" is in no child of the quota tree of platform stack ${PLATFORM_STACK} (${shown(platform.file)}): add a child {name, namespaces: [${team.namespace}], min, max} to its ray-on-ack:quotaTree.children (README "Add a team"), or the team gets no share of the cluster's ElasticQuotaTree`,
        });
    }
    return { issues, notes };
}
