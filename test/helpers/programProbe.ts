/**
 * Runs the program as the renderer does (compiled, under Pulumi's mocks) in a process of its own,
 * and reports every registration, components included, in order: type, name, URN, explicit
 * provider and the URNs it waits for.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { spawnSync } from "child_process";

const ROOT = path.resolve(__dirname, "..", "..");

export interface ProbedResource {
    type: string;
    name: string;
    urn: string;
    /** The explicit provider's reference (`urn::id`), or "" for the default one. */
    provider: string;
    /** What the registration waits for: explicit `dependsOn` (a component's expanded to its resources) and the inputs' resources. */
    dependencies: string[];
}

export function probeProgram(stack: string): ProbedResource[] {
    require(path.join(ROOT, "program", "compiled.js")).ensureBuilt();
    const probe = `
        const mocks = require("@pulumi/pulumi/runtime/mocks");
        const seen = [];
        const original = mocks.MockMonitor.prototype.registerResource;
        mocks.MockMonitor.prototype.registerResource = function (req, cb) {
            const r = { type: req.getType(), name: req.getName(), urn: "", provider: req.getProvider(), dependencies: req.getDependenciesList() };
            seen.push(r);
            return original.call(this, req, (err, resp) => {
                if (resp) r.urn = resp.getUrn();
                cb(err, resp);
            });
        };
        const { readStackConfig } = require("./bin/program/stackFile.js");
        const { runProgram } = require("./bin/render/mockRuntime.js");
        const c = readStackConfig(${JSON.stringify(stack)});
        // The vSwitches answer with the stack's pod CIDRs, as for the renderer (a stack with \`cloud\` looks them up).
        runProgram(${JSON.stringify(stack)}, c.config, c.secretKeys, { podCidrs: JSON.parse(c.config["ray-on-ack:podCidrs"] || "[]") }).then(
            () => process.stdout.write(JSON.stringify(seen)),
            (e) => { process.stderr.write(String(e && e.stack)); process.exit(1); },
        );`;
    const r = spawnSync(process.execPath, ["-e", probe], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
}
