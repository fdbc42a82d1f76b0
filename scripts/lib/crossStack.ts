/**
 * Pod CIDRs across the team stacks of one stacks directory. Each team's certificates name every
 * address of its pod CIDRs, and its NetworkPolicies and Terway vSwitches assume the addresses
 * are its own: two teams sharing addresses would present each other's identity. One stack file
 * cannot see another, so the renderer (which CI runs for every stack) compares them.
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
