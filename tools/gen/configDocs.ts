/**
 * `npm run docs:config [-- --check]`: writes the configuration reference, generated from the config
 * schemas (tools/gen/configReference.ts), between its markers in docs/configuration.md. `--check`
 * writes nothing and exits 1 when that file is stale. A key without a description: exit 2, naming its path.
 */
import * as fs from "fs";
import * as path from "path";
import { platformConfigSchema, teamConfigSchema } from "../../components/config/model";
import { REFERENCE_FILE, configReferenceMarkdown, referenceRows, undocumentedKeys, withReference } from "./configReference";
import { parseCheckFlag } from "./checkFlag";
import { ROOT } from "../../program/stackFile";

const USAGE = "usage: npm run docs:config [-- --check]";

function main(): number {
    const values = parseCheckFlag(USAGE);
    if (typeof values === "number") {
        return values;
    }
    const missing = [
        ...undocumentedKeys(referenceRows(teamConfigSchema)),
        ...undocumentedKeys(referenceRows(platformConfigSchema)).map((p) => `${p} (platform stack)`),
    ];
    if (missing.length > 0) {
        process.stderr.write(
            missing
                .map(
                    (p) =>
                        `error: ray-on-ack:${p}: has no description: add .describe("...") to its schema fragment (components/<concern>/model.ts, or components/config/model.ts for a team-level key)`,
                )
                .join("\n") + "\n",
        );
        return 2;
    }
    const file = path.join(ROOT, REFERENCE_FILE);
    const doc = fs.readFileSync(file, "utf8");
    const updated = withReference(doc, configReferenceMarkdown(teamConfigSchema, platformConfigSchema));
    if (values.check) {
        if (updated !== doc) {
            process.stderr.write(`error: ${REFERENCE_FILE}: the configuration reference is stale: run npm run docs:config\n`);
            return 1;
        }
        process.stdout.write(`${REFERENCE_FILE}: the configuration reference is current\n`);
        return 0;
    }
    fs.writeFileSync(file, updated);
    process.stdout.write(updated === doc ? `${REFERENCE_FILE}: already current\n` : `${REFERENCE_FILE}: configuration reference written\n`);
    return 0;
}

process.exit(main());
