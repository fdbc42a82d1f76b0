/**
 * Every repository path the documentation writes in backquotes (README.md, docs/*.md), such as
 * `components/ray/env.ts` or `e2e/run.sh`, exists: a file or a folder, or for a
 * pattern (`stacks/Pulumi.<team>.yaml`, `policy/checks/*.test.ts`) at least one match. A path counts as
 * the repository's when its first part is a top-level file or folder that git tracks, so build
 * output (`bin/`, `lib/`, `out/`) and other systems' paths (`ray.io/v1`) are not taken for one, nor
 * a path in the text of a link to another site (another repository's `docs/usage.md`).
 * When code moves, this lists every path the docs still give the old way.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { docFiles, readDoc } from "./helpers/markdown";
import { ROOT } from "./helpers/render";

function gitFiles(...args: string[]): string[] {
    const r = spawnSync("git", ["ls-files", ...args], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split("\n").filter((f) => f !== "");
}

/** A placeholder (`<team>`) or `*` stands for any part of one path segment. */
function pattern(p: string): RegExp {
    const escaped = p.replace(/<[^>/]+>|\*|[.+?^${}()|[\]\\]/g, (m) => (m === "*" || m.startsWith("<") ? "[^/]*" : `\\${m}`));
    return new RegExp(`^${escaped}${p.endsWith("/") ? "" : "(/|$)"}`);
}

/** The repository paths among `spans` that name nothing of `files`. */
export function missingPaths(spans: string[], files: string[], topLevel: Set<string>): string[] {
    return spans.filter((span) => {
        const p = span.replace(/^\.\//, "");
        if (!/^[\w.@-][\w.@<>*/-]*\/[\w.@<>*/-]*$/.test(p) || !topLevel.has(p.split("/")[0])) {
            return false;
        }
        const re = pattern(p);
        return !files.some((f) => re.test(f));
    });
}

/** Files the reader creates by following the docs: the README's "Add a team" copies the example to this one. */
const CREATED_BY_THE_READER = ["stacks/Pulumi.team-c.yaml"];

describe("documentation: repository paths", () => {
    it("every backquoted repository path in README.md and docs/*.md exists", () => {
        const tracked = gitFiles("--cached");
        const files = [...tracked, ...gitFiles("--others", "--exclude-standard")]
            .filter((f) => fs.existsSync(path.join(ROOT, f)))
            .concat(CREATED_BY_THE_READER);
        const topLevel = new Set(tracked.map((f) => f.split("/")[0]));
        const missing = docFiles().flatMap((file) => {
            const doc = readDoc(file);
            return missingPaths(
                doc.codeSpans.filter((s) => s.href === undefined || !/^[a-z][a-z0-9+.-]*:/i.test(s.href)).map((s) => s.value),
                files,
                topLevel,
            ).map((p) => `${file}: \`${p}\``);
        });
        assert.deepEqual([...new Set(missing)], []);
    });

    it("tells files, folders and patterns from other slashed names", () => {
        const files = ["components/ray/env.ts", "stacks/Pulumi.team-a.yaml", "components/tls/handshake.test.ts", "e2e/run.sh"];
        const top = new Set(["components", "stacks", "e2e"]);
        const spans = [
            "components/ray/env.ts",
            "components/ray/",
            "components/ray",
            "stacks/Pulumi.<team>.yaml",
            "components/*/handshake.test.ts",
            "./e2e",
            "ray.io/v1",
            "bin/",
            "out/team-a",
            "components/ray/gone.ts",
            "e2e/run.sh --help",
            "stacks/Pulumi.<team>.json",
            "components/work",
        ];
        assert.deepEqual(missingPaths(spans, files, top), ["components/ray/gone.ts", "stacks/Pulumi.<team>.json", "components/work"]);
    });
});
