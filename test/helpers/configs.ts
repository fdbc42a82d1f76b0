/** Stack configs for tests: the example stacks as the CLI would pass them, and edits of them. */
import { readPolicyPackConfig, readStackConfig } from "../../program/stackFile";
import { strict as assert } from "assert";
import { validateStackConfig, type ConfigIssue, type ValidationResult } from "../../components/config/validate";
import { platformPolicyOf, type PlatformPolicy } from "@ray-on-ack/common/platformPolicy";

/** The repository's platform policy (platform/policy-pack-config.json): its lists and tenancy registry. */
export function repoPlatform(): PlatformPolicy {
    const r = platformPolicyOf(readPolicyPackConfig());
    if (!r.ok) {
        throw new Error(`platform/policy-pack-config.json: ${r.problems.join("; ")}`);
    }
    return r.value;
}
import type { TeamConfig } from "../../components/config/model";

export function rawStack(stack: string): Record<string, string> {
    return { ...readStackConfig(stack, {}).config };
}

/** Sets `ray-on-ack:<key>` to a structured value, as Pulumi would pass it (JSON text). */
export function withKey(raw: Record<string, string>, key: string, value: unknown): Record<string, string> {
    return { ...raw, [`ray-on-ack:${key}`]: typeof value === "string" ? value : JSON.stringify(value) };
}

/** A stack's config as the program validates it: as that stack, against the repository's platform policy. */
export function parsed(stack: string, edit: (raw: Record<string, string>) => Record<string, string> = (r) => r): ValidationResult {
    return validateStackConfig(edit(rawStack(stack)), readStackConfig(stack, {}).secretKeys, { stack, platform: repoPlatform() });
}

export function teamConfig(stack: string): TeamConfig {
    const r = parsed(stack);
    if (!r.ok || r.value.kind !== "team") {
        throw new Error(`stack ${stack} does not validate: ${JSON.stringify(r)}`);
    }
    return r.value.config;
}

/** A minimal valid team config, for edits in tests. */
export function minimalTeam(overrides: Record<string, unknown> = {}): Record<string, string> {
    const base: Record<string, unknown> = {
        team: "team-x",
        podCidrs: ["10.30.0.0/24"],
        podNetwork: { vSwitchIds: ["vsw-x1"], securityGroupIds: ["sg-x1"] },
        clusters: [{ name: "c1", workerGroups: [{ name: "cpu", cpu: "2", memory: "4Gi", replicas: 1, minReplicas: 1, maxReplicas: 2 }] }],
        ...overrides,
    };
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(base)) {
        raw[`ray-on-ack:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return raw;
}

/**
 * team-b with its RayService `sentiment` autoscaling (the autoscaler needs the API server's CIDR,
 * the registry's), for the tests of a RayService's generations.
 */
export function autoscalingServiceConfig(): TeamConfig {
    const r = parsed("team-b", (raw) => {
        const services = JSON.parse(raw["ray-on-ack:services"]);
        services[0].autoscaling = { enabled: true, idleTimeoutSeconds: 60 };
        services[0].workerGroups[0] = { ...services[0].workerGroups[0], minReplicas: 1, maxReplicas: 4 };
        const network = { ...JSON.parse(raw["ray-on-ack:network"] ?? "{}"), apiServerCidrs: ["192.168.0.10/32"] };
        return withKey(withKey(raw, "services", services), "network", network);
    });
    if (!r.ok || r.value.kind !== "team") {
        throw new Error(`team-b with an autoscaling service does not validate: ${JSON.stringify(r)}`);
    }
    return r.value.config;
}

/** The issues validateStackConfig finds in RAW; the test fails when it accepts RAW. */
export function refusedIssues(raw: Parameters<typeof validateStackConfig>[0]): ConfigIssue[] {
    const r = validateStackConfig(raw);
    assert.equal(r.ok, false, "config should be refused");
    return r.ok ? [] : r.issues;
}

/** The message of the issue on KEY in LIST; the test fails (listing them all) when there is none. */
export function issueOn(list: ConfigIssue[], key: string): string {
    const hit = list.find((i) => i.key === key);
    assert.ok(hit, `no issue on ${key}, got:\n${list.map((i) => `${i.key}: ${i.message}`).join("\n")}`);
    return hit.message;
}
