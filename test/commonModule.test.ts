/** common/ holds the rules both the stack config and the policy pack apply; it must depend on neither. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const COMMON = path.join(__dirname, "..", "common");

describe("common/", () => {
    it("imports nothing from components/ or policy/", () => {
        const files = fs.readdirSync(COMMON).filter((f) => f.endsWith(".ts"));
        assert.ok(files.length > 0);
        for (const f of files) {
            const text = fs.readFileSync(path.join(COMMON, f), "utf8");
            const imports = [...text.matchAll(/(?:from\s+|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
            const outside = imports.filter((i) => i.startsWith(".") && !i.startsWith("./"));
            assert.deepStrictEqual(outside, [], `${f} imports ${outside.join(", ")}`);
        }
    });
});
