/**
 * `npm run docs:config [-- --check]`: writes the configuration reference, generated from the config
 * schemas (scripts/lib/configReference.ts), between its markers in README.md. `--check` writes
 * nothing and exits 1 when README.md is stale. A key without a description: exit 2, naming its path.
 */
import * as fs from "fs";
import * as path from "path";
import { platformConfigSchema, teamConfigSchema } from "../components/config/schema";
import { configReferenceMarkdown, referenceRows, undocumentedKeys, withReference } from "./lib/configReference";
import { parseCheckFlag } from "./lib/checkFlag";
import { ROOT } from "../program/stackFile";

const USAGE = "usage: npm run docs:config [-- --check]";

function main(): number {
    const values = parseCheckFlag(USAGE);
    if (typeof values === "number") {
        return values;
    }
    const missing = [...undocumentedKeys(referenceRows(teamConfigSchema)), ...undocumentedKeys(referenceRows(platformConfigSchema)).map((p) => `${p} (platform stack)`)];
    if (missing.length > 0) {
        process.stderr.write(missing.map((p) => `error: ray-on-ack:${p}: has no description: add .describe("...") to its schema fragment (components/<concern>/schema.ts, or components/config/schema.ts for a team-level key)`).join("\n") + "\n");
        return 2;
    }
    const file = path.join(ROOT, "README.md");
    const readme = fs.readFileSync(file, "utf8");
    const updated = withReference(readme, configReferenceMarkdown(teamConfigSchema, platformConfigSchema));
    if (values.check) {
        if (updated !== readme) {
            process.stderr.write("error: README.md: the configuration reference is stale: run npm run docs:config\n");
            return 1;
        }
        process.stdout.write("README.md: the configuration reference is current\n");
        return 0;
    }
    fs.writeFileSync(file, updated);
    process.stdout.write(updated === readme ? "README.md: already current\n" : "README.md: configuration reference written\n");
    return 0;
}

process.exit(main());
