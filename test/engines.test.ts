/**
 * `engines` tells the truth: every Node.js version the root package (and its workspaces) accepts is
 * one that every installed package accepts, on the Node 20 and Node 22 lines. Checked statically
 * from the lockfile, so it holds for Node 22 without Node 22 installed. A dependency bump that needs
 * a newer Node (as kubernetes-models 5 did: `>=22`, an EBADENGINE warning on Node 20) fails here.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as semver from "semver";
import { ROOT } from "./helpers/render";

interface LockEntry {
    version?: string;
    engines?: Record<string, unknown> | unknown[];
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
const pkg = readJson("package.json") as { engines?: { node?: string }; workspaces?: string[] };
const lock = readJson("package-lock.json") as { packages: Record<string, LockEntry> };
const declared = pkg.engines?.node ?? "";

/** Packages whose string `engines.node` does not admit every version the root admits (legacy array forms are ignored by npm too). */
function enginesNarrowerThan(range: string, packages: Record<string, LockEntry>): string[] {
    return Object.entries(packages)
        .filter(([key]) => key !== "")
        .flatMap(([key, entry]) => {
            const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
            return typeof node === "string" && !semver.subset(range, node, { includePrerelease: false })
                ? [`${key.replace(/^.*node_modules\//, "")}@${entry.version ?? "?"} needs node ${node}`]
                : [];
        });
}

describe("engines", function () {
    it("the root package declares a Node range covering the Node 20 and Node 22 lines CI and users run", () => {
        assert.ok(semver.validRange(declared), `engines.node ${JSON.stringify(declared)} is no semver range`);
        for (const line of ["20", "22"]) {
            assert.ok(semver.intersects(declared, `${line}.x`), `engines.node ${declared} excludes Node ${line}`);
        }
    });

    it("every package in the lockfile accepts every Node version the root declares (no EBADENGINE)", () => {
        assert.deepEqual(enginesNarrowerThan(declared, lock.packages), []);
    });

    it("the check sees a package that needs Node 22 (kubernetes-models 5's engines)", () => {
        const narrower = enginesNarrowerThan(declared, {
            "node_modules/kubernetes-models": { version: "5.1.0", engines: { node: ">=22" } },
        });
        assert.deepEqual(narrower, ["kubernetes-models@5.1.0 needs node >=22"]);
    });

    it("the lockfile's root entry and every workspace declare the same engines as package.json", () => {
        assert.deepEqual(lock.packages[""]?.engines, pkg.engines, "package-lock.json is stale: run npm install");
        for (const ws of pkg.workspaces ?? []) {
            assert.deepEqual(readJson(path.join(ws, "package.json")).engines, pkg.engines, `${ws}/package.json engines`);
        }
    });

    it("@types/node is of the oldest Node line accepted, so the code uses no API that line lacks", () => {
        const types = lock.packages["node_modules/@types/node"]?.version ?? "";
        assert.equal(semver.major(types), semver.minVersion(declared)?.major);
    });
});
