/**
 * The command line of the generators that write a committed file (`npm run docs:config`,
 * `npm run gen:crds`): `--check` (write nothing, report whether the file is current) and `--help`.
 */
import { parseArgs } from "util";

/** `{ check }` to go on, or the exit code: 0 after `--help`, 2 (with the usage on stderr) for a bad flag. */
export function parseCheckFlag(usage: string): { check: boolean } | number {
    let values;
    try {
        values = parseArgs({
            options: { check: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
            strict: true,
        }).values;
    } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n${usage}\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${usage}\n`);
        return 0;
    }
    return { check: values.check };
}
