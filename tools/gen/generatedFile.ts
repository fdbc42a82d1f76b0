/**
 * How a generator that writes a committed file ends (`npm run gen:crds`, `npm run gen:args`):
 * write the file, or with `--check` write nothing and report whether it is current.
 */
import * as fs from "fs";
import * as path from "path";

/** Writes `text` to `file` (or checks it), reporting the path relative to `root`; the exit code. */
export function writeGenerated(file: string, text: string, opts: { check: boolean; root: string; command: string }): number {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const rel = path.relative(opts.root, file);
    if (opts.check) {
        if (text !== current) {
            process.stderr.write(`error: ${rel}: stale: run ${opts.command}\n`);
            return 1;
        }
        process.stdout.write(`${rel}: current\n`);
        return 0;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    process.stdout.write(text === current ? `${rel}: already current\n` : `${rel}: written\n`);
    return 0;
}
