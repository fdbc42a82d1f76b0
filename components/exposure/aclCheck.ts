/**
 * A bring-your-own CLB ACL (`exposure.aclId`) is not in the stack file, so the config cannot see
 * what it admits. With `cloud` set the program reads its entries through the Alibaba Cloud API at
 * deploy time and applies the same rules as to `aclEntries` (common/addresses.ts): no metadata
 * address, no more than the ceiling in total, at least one entry. Without `cloud` there is no API
 * to ask: docs/design.md "Public dashboard" says so, and the NetworkPolicy still admits only `sourceCidrs`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as slb from "@pulumi/alicloud/slb";
import { coverageProblem, isCoveredBy, metadataProblem } from "@ray-on-ack/common/addresses";

/**
 * What is wrong with an existing ACL's entries, as messages naming the ACL. `sourceCidrs` (what the
 * NetworkPolicy admits at the pod) must lie inside them, or pods would admit what the ACL does not.
 */
export function byoAclProblems(
    aclId: string,
    entries: readonly string[],
    addressType: "internet" | "intranet",
    sourceCidrs: readonly string[] = [],
): string[] {
    if (entries.length === 0) {
        return [`ACL ${aclId} has no entries: a whitelist ACL without entries admits nobody, or (detached) everybody`];
    }
    const problems = entries.map(metadataProblem).filter((p): p is string => p !== undefined);
    const wide = coverageProblem(entries, addressType === "internet" ? "a public ACL" : "an ACL");
    const outside = sourceCidrs
        .filter((c) => !isCoveredBy(c, entries))
        .map((c) => `sourceCidrs entry ${c} is not inside the ACL's entries (${entries.join(", ")})`);
    return [...problems, ...(wide ? [wide] : []), ...outside].map((p) => `ACL ${aclId}: ${p}`);
}

/** The ACL id, once the ACL's entries have been read and pass; a ResourceError on `parent` otherwise. */
export function verifiedAclId(
    aclId: string,
    addressType: "internet" | "intranet",
    sourceCidrs: readonly string[],
    key: string,
    parent: pulumi.Resource,
): pulumi.Output<string> {
    return slb.getAclsOutput({ ids: [aclId] }, { parent }).acls.apply((acls) => {
        const acl = acls.find((a) => a.id === aclId);
        const problems = acl
            ? byoAclProblems(
                  aclId,
                  acl.entryLists.map((e) => e.entry.trim()),
                  addressType,
                  sourceCidrs,
              )
            : [`ACL ${aclId} does not exist in this region`];
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`${key}: ${problems.join("; ")}`, parent);
        }
        return aclId;
    });
}
