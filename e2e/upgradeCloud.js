#!/usr/bin/env node
/**
 * The Alibaba Cloud side of the `upgrade` step (e2e/upgrade.sh): no Alibaba Cloud here, so
 * the released version and this one each render the same released stack file offline (team-b's:
 * RAM and a CLB ACL; the platform stack's: ACK add-ons), and their alicloud.json files are
 * compared. A resource is replaced when its logical name changes (a new URN) or when a property the
 * provider cannot update in place changes (its ForceNew fields: the names that are its identity in
 * the cloud). Usage: upgradeCloud.js RELEASED CURRENT [TYPE...] (two alicloud.json files; each
 * TYPE, a type token, must appear in the released file, so that the comparison covers what it is
 * meant to); prints one line and exits 1 when something would be replaced.
 */
"use strict";
const fs = require("fs");

/** The provider's ForceNew inputs of the kinds a team stack creates (terraform-provider-alicloud schemas). */
const FORCE_NEW = {
    "alicloud:ram/role:Role": ["roleName"],
    "alicloud:ram/policy:Policy": ["policyName"],
    "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment": ["roleName", "policyName", "policyType"],
    "alicloud:slb/acl:Acl": ["ipVersion"],
    "alicloud:cs/kubernetesAddon:KubernetesAddon": ["clusterId", "name"],
};

const [releasedFile, currentFile, ...required] = process.argv.slice(2);
const [released, current] = [releasedFile, currentFile].map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
const key = (r) => `${r.type}::${r.name}`;
const now = new Map(current.map((r) => [key(r), r]));
const problems = [];
for (const before of released) {
    const after = now.get(key(before));
    if (after === undefined) {
        problems.push(`${key(before)} is gone (a new logical name replaces it)`);
        continue;
    }
    for (const field of FORCE_NEW[before.type] ?? []) {
        if (JSON.stringify(before.inputs[field]) !== JSON.stringify(after.inputs[field])) {
            problems.push(
                `${key(before)}: ${field} ${JSON.stringify(before.inputs[field])} -> ${JSON.stringify(after.inputs[field])} forces a replacement`,
            );
        }
    }
}
for (const type of required) {
    if (!released.some((r) => r.type === type)) {
        problems.push(`the released render has no ${type}: nothing of it was compared`);
    }
}
if (problems.length > 0) {
    console.log(`BAD ${problems.join("; ")}`);
    process.exit(1);
}
const kinds = [...new Set(released.map((r) => r.type))].map(
    (type) => `${released.filter((r) => r.type === type).length} ${type.split(":").pop()}`,
);
console.log(`OK ${released.length} alicloud resources kept (${kinds.join(", ")}), no ForceNew field changed`);
