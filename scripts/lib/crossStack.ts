/**
 * Checks across the stacks of one stacks directory, which one stack file cannot make alone, so the
 * renderer (which CI runs for every stack) makes them:
 * - pod CIDRs: each team's certificates name every address of its pod CIDRs, and its
 *   NetworkPolicies and Terway vSwitches assume the addresses are its own: two teams sharing
 *   addresses would present each other's identity;
 * - the platform stack's ElasticQuotaTree: a team namespace in none of its children gets no quota
 *   share of the cluster (ACK's capacity scheduler admits its pods against the root only).
 */
import * as path from "path";
import { blockOf } from "../../common/addresses";
import { PROJECT, type ConfigIssue } from "../../components/config/validate";
import { listStacks, readStackConfig, stackFilePath } from "./stackFile";

function podCidrsOf(config: Record<string, string>): string[] {
    if (config[`${PROJECT}:platform`] === "true") {
        return [];
    }
    try {
        const value = JSON.parse(config[`${PROJECT}:podCidrs`] ?? "[]");
        return Array.isArray(value) ? value.filter((c): c is string => typeof c === "string") : [];
    } catch {
        return [];
    }
}

/** The team namespace a stack file asks for (`namespace`, default `ray-<team>`), read leniently. */
function namespaceOf(config: Record<string, string>): string | undefined {
    if (config[`${PROJECT}:platform`] === "true") {
        return undefined;
    }
    const team = config[`${PROJECT}:team`];
    return config[`${PROJECT}:namespace`] ?? (team === undefined ? undefined : `ray-${team}`);
}

function overlap(a: string, b: string): boolean {
    const x = blockOf(a);
    const y = blockOf(b);
    return x !== undefined && y !== undefined && x.family === y.family && x.start < y.end && y.start < x.end;
}

/** Refusals for `stack`'s pod CIDRs that overlap another team stack's in `stacksDir`. */
export function podCidrOverlaps(stack: string, podCidrs: readonly string[], stacksDir: string, namespace?: string): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    for (const other of listStacks(stacksDir).filter((s) => s !== stack)) {
        let theirs: string[];
        let theirNamespace: string | undefined;
        try {
            const config = readStackConfig(other, {}, stacksDir).config;
            theirs = podCidrsOf(config);
            theirNamespace = namespaceOf(config);
        } catch {
            continue; // an unreadable stack file is refused when that stack is rendered
        }
        if (namespace !== undefined && namespace === theirNamespace) {
            issues.push({
                key: `${PROJECT}:namespace`,
                message: `"${namespace}" is also the namespace of stack ${other}: two stacks would own (and overwrite) each other's Secrets, roles and NetworkPolicies`,
            });
        }
        podCidrs.forEach((mine, i) => {
            const hit = theirs.find((t) => overlap(mine, t));
            if (hit !== undefined) {
                const file = path.relative(process.cwd(), stackFilePath(other, stacksDir)) || stackFilePath(other, stacksDir);
                issues.push({
                    key: `${PROJECT}:podCidrs[${i}]`,
                    message: `${mine} overlaps ${hit} of stack ${other} (${file}): two teams' pods must never share addresses, or each team's certificates would name the other's pods`,
                });
            }
        });
    }
    return issues;
}

/** The namespaces of a platform stack's `quotaTree.children[].namespaces`, read leniently. */
function quotaTreeNamespacesOf(config: Record<string, string>): string[] {
    try {
        const tree = JSON.parse(config[`${PROJECT}:quotaTree`] ?? "{}");
        const children: unknown[] = Array.isArray(tree?.children) ? tree.children : [];
        return children.flatMap((c) => {
            const ns = (c as { namespaces?: unknown })?.namespaces;
            return Array.isArray(ns) ? ns.filter((n): n is string => typeof n === "string") : [];
        });
    } catch {
        return [];
    }
}

export interface QuotaTreeCheck {
    /** Refusals: platform stacks are present and none lists the namespace. */
    readonly issues: ConfigIssue[];
    /** Said instead when the directory has no platform stack (the e2e stacks, a team's own repository). */
    readonly note?: string;
}

/**
 * Whether `namespace` (the team stack's, under `key`) is in the quota tree of a platform stack
 * (`ray-on-ack:platform: true`) of `stacksDir`. With no platform stack there, the tree lives
 * elsewhere: a note, not an error.
 */
export function quotaTreeMembership(stack: string, namespace: string, stacksDir: string, key = `${PROJECT}:namespace`): QuotaTreeCheck {
    const platforms: { stack: string; namespaces: string[] }[] = [];
    for (const other of listStacks(stacksDir).filter((s) => s !== stack)) {
        try {
            const config = readStackConfig(other, {}, stacksDir).config;
            if (config[`${PROJECT}:platform`] === "true") {
                platforms.push({ stack: other, namespaces: quotaTreeNamespacesOf(config) });
            }
        } catch {
            continue; // an unreadable stack file is refused when that stack is rendered
        }
    }
    if (platforms.length === 0) {
        return {
            issues: [],
            note: `note: ${key}: no platform stack (ray-on-ack:platform: true) in ${path.relative(process.cwd(), stacksDir) || stacksDir}, so "${namespace}" is not checked against the ElasticQuotaTree; the platform stack's ray-on-ack:quotaTree.children must list it`,
        };
    }
    if (platforms.some((p) => p.namespaces.includes(namespace))) {
        return { issues: [] };
    }
    const where = platforms.map((p) => `${p.stack} (${path.relative(process.cwd(), stackFilePath(p.stack, stacksDir)) || stackFilePath(p.stack, stacksDir)})`).join(", ");
    return {
        issues: [
            {
                key,
                message: `"${namespace}" is in no child of the quota tree of platform stack ${where}: add a child {name, namespaces: [${namespace}], min, max} to its ray-on-ack:quotaTree.children (README "Add a team"), or the team gets no share of the cluster's ElasticQuotaTree`,
            },
        ],
    };
}
