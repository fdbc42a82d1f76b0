#!/usr/bin/env node
/**
 * The names side of the `upgrade` step's offline comparison (e2e/upgrade.sh), for stacks it
 * cannot deploy here: the released version and this one each render the same released stack file
 * with upgradeRecord.js preloaded, and this compares the two records as `pulumi up` would match
 * state to program. A released resource whose URN (parent types, type token, name) this version
 * registers neither itself nor through an alias is deleted and created anew; a Kubernetes object
 * whose name or namespace changes is replaced by the provider. Usage: upgradeNames.js RELEASED
 * CURRENT [TYPE...] (two records; each TYPE, a type token, must appear in the released record, so
 * that the comparison covers what it is meant to). Prints one line; exits 1 on any problem.
 */
"use strict";
const fs = require("fs");

const [releasedFile, currentFile, ...required] = process.argv.slice(2);
const read = (file) => {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    if (r.error !== undefined) {
        throw new Error(`${file}: recording failed: ${r.error}`);
    }
    return r.resources;
};
const released = read(releasedFile);
const current = read(currentFile);

/** How a message names a resource: its URN without the stack and project (its parents' types, its type, its name). */
const short = (urn) => urn.split("::").slice(2).join("::");
/** At most this many problems are spelled out: one renamed component can take dozens of children with it. */
const SHOWN = 6;

const byName = new Map();
const problems = [];
for (const r of current) {
    for (const n of [r.urn, ...r.aliases]) {
        const taken = byName.get(n);
        if (taken !== undefined && taken !== r) {
            problems.push(`${short(r.urn)} and ${short(taken.urn)} both claim ${n}`);
        }
        byName.set(n, r);
    }
}

let aliased = 0;
let objects = 0;
for (const before of released) {
    const after = byName.get(before.urn);
    if (after === undefined) {
        const sameName = current.filter((r) => r.name === before.name).map((r) => short(r.urn));
        const hint = sameName.length > 0 ? ` (this version has ${sameName.join(", ")}, with no alias to it)` : "";
        problems.push(`${short(before.urn)} is gone${hint}: pulumi up would delete it`);
        continue;
    }
    aliased += after.urn === before.urn ? 0 : 1;
    if (before.object !== undefined) {
        objects += 1;
        for (const field of ["apiVersion", "kind", "name", "namespace"]) {
            const was = before.object[field];
            const now = after.object?.[field];
            if (was !== now) {
                problems.push(`${short(before.urn)}: ${field} ${JSON.stringify(was)} -> ${JSON.stringify(now)} replaces the object`);
            }
        }
    }
}
for (const type of required) {
    if (!released.some((r) => r.type === type)) {
        problems.push(`the released render has no ${type}: nothing of it was compared`);
    }
}
if (problems.length > 0) {
    const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : "";
    console.log(`BAD ${problems.slice(0, SHOWN).join("; ")}${more}`);
    process.exit(1);
}
console.log(
    `OK ${released.length} resources keep their URNs (${aliased} through an alias), ${objects} Kubernetes objects their names and namespaces`,
);
