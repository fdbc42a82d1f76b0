/**
 * What the program and the renderer take from the platform's policy pack config: the lists a team
 * can only narrow (platformLists.ts) and the tenancy registry (tenancy.ts). Read from the same file
 * the pack is given (`--policy-pack-config`), each value from the policy entry the pack reads it
 * from, so the stack-file checks and the pack cannot be configured apart.
 */
import { PLATFORM_LIST_HOMES, platformListsSchema, DEFAULT_PLATFORM_LISTS, type PlatformLists } from "./platformLists";
import { EMPTY_TENANCY, tenancySchema, type Tenancy } from "./tenancy";
import { POLICY_IDS } from "./policyIds";

export interface PlatformPolicy {
    readonly lists: PlatformLists;
    readonly tenancy: Tenancy;
}

/** No platform configuration: the secure defaults, and a registry in which no team owns anything. */
export const DEFAULT_PLATFORM_POLICY: PlatformPolicy = { lists: DEFAULT_PLATFORM_LISTS, tenancy: EMPTY_TENANCY };

const entryOf = (file: Record<string, unknown>, policy: string): Record<string, unknown> => {
    const e = file[policy];
    return e !== null && typeof e === "object" && !Array.isArray(e) ? (e as Record<string, unknown>) : {};
};

/** The platform policy in a pack config file, or its problems as `<policy>.<key>: <why>`. */
export function platformPolicyOf(file: Record<string, unknown>): { ok: true; value: PlatformPolicy } | { ok: false; problems: string[] } {
    const lists: Record<string, unknown> = {};
    for (const [key, policy] of Object.entries(PLATFORM_LIST_HOMES)) {
        const entry = entryOf(file, policy);
        if (key in entry) {
            lists[key] = entry[key];
        }
    }
    const { cluster, tenants, shared } = entryOf(file, POLICY_IDS.tenancy);
    const parsedLists = platformListsSchema.safeParse(lists);
    const parsedTenancy = tenancySchema.safeParse({ cluster, tenants, shared });
    const problems = [
        ...(parsedLists.success
            ? []
            : parsedLists.error.issues.map(
                  (i) => `${PLATFORM_LIST_HOMES[String(i.path[0]) as keyof PlatformLists]}.${i.path.map(String).join(".")}: ${i.message}`,
              )),
        ...(parsedTenancy.success
            ? []
            : parsedTenancy.error.issues.map((i) => `${POLICY_IDS.tenancy}.${i.path.map(String).join(".")}: ${i.message}`)),
    ];
    if (!parsedLists.success || !parsedTenancy.success) {
        return { ok: false, problems };
    }
    return { ok: true, value: { lists: parsedLists.data, tenancy: parsedTenancy.data } };
}
