/**
 * Everything the program checks before it registers anything, at every `pulumi preview`/`up` and
 * in the offline render (which runs the program): the stack file itself (program/stackFile.ts),
 * the config against the schema, the platform's lists and the tenancy registry of its policy pack
 * config, and the other stack files beside it (program/crossStack.ts). Invalid, the run stops
 * with every problem named; nothing is half-created.
 */
import * as fs from "fs";
import * as path from "path";
import { platformPolicyOf, type PlatformPolicy } from "@ray-on-ack/common/platformPolicy";
import { PROJECT, validateStackConfig, type ConfigIssue, type StackConfig } from "../components/config/validate";
import { crossStackChecks } from "./crossStack";
import { readPolicyPackConfig, readStackFile, stackFilePath } from "./stackFile";

export interface StackInput {
    readonly stack: string;
    /** The config as the engine hands it over (`ns:key` → text). */
    readonly config: Record<string, unknown>;
    readonly secretKeys: readonly string[];
    readonly stacksDir: string;
    /** The platform's policy pack config: its lists and the tenancy registry. */
    readonly policyPackConfig: string;
}

export type StackCheck = { ok: true; value: StackConfig; platform: PlatformPolicy; notes: string[] } | { ok: false; issues: ConfigIssue[] };

const shown = (file: string) => path.relative(process.cwd(), file) || file;

export function checkStack(input: StackInput): StackCheck {
    const own = stackFilePath(input.stack, input.stacksDir);
    if (!fs.existsSync(own)) {
        return {
            ok: false,
            issues: [
                {
                    key: shown(own),
                    message: `stack ${input.stack} has no stack file in ${shown(input.stacksDir)}: its config could not be checked`,
                },
            ],
        };
    }
    const fileIssues: ConfigIssue[] = [];
    try {
        const doc = readStackFile(own);
        if (doc.environment !== undefined && doc.environment !== null) {
            fileIssues.push({
                key: `${shown(own)}: environment`,
                message:
                    "imports Pulumi ESC environments, which are refused: their config and environment variables reach the program unreviewed",
            });
        }
    } catch (e) {
        fileIssues.push(
            ...(e as Error).message.split("\n").map((line) => ({
                key: shown(own),
                message: line.startsWith(shown(own)) ? line.slice(shown(own).length).replace(/^: /, "") : line,
            })),
        );
    }
    let platform: PlatformPolicy;
    try {
        const read = platformPolicyOf(readPolicyPackConfig(input.policyPackConfig));
        if (!read.ok) {
            return {
                ok: false,
                issues: [...fileIssues, ...read.problems.map((message) => ({ key: shown(input.policyPackConfig), message }))],
            };
        }
        platform = read.value;
    } catch (e) {
        return { ok: false, issues: [...fileIssues, { key: shown(input.policyPackConfig), message: (e as Error).message }] };
    }
    const validated = validateStackConfig(input.config, input.secretKeys, { stack: input.stack, platform });
    if (!validated.ok) {
        return { ok: false, issues: [...fileIssues, ...validated.issues] };
    }
    const team = validated.value.kind === "team" ? validated.value.config : undefined;
    const cross = crossStackChecks(
        input.stack,
        team && {
            namespace: team.namespace ?? `ray-${team.team}`,
            namespaceKey: `${PROJECT}:${team.namespace === undefined ? "team" : "namespace"}`,
            podCidrs: team.podCidrs,
        },
        input.stacksDir,
    );
    const issues = [...fileIssues, ...cross.issues];
    // GCS fault tolerance is the platform's requirement for a RayService: the pack fails one without it unless it grants that.
    const withoutFt = (team?.services ?? []).flatMap((s, i) =>
        s.gcsFaultTolerance.enabled
            ? []
            : [
                  `note: ${PROJECT}:services[${i}] (${s.name}) runs without GCS fault tolerance: a head restart takes its Serve replicas down; the policy pack fails it unless the platform grants it (ray-gcs-fault-tolerance); turn it on with gcsFaultTolerance.enabled: true`,
              ],
    );
    return issues.length > 0
        ? { ok: false, issues }
        : { ok: true, value: validated.value, platform, notes: [...cross.notes, ...withoutFt] };
}
