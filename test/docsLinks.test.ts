/**
 * The documentation's links hold (README.md and docs/*.md): every relative link names a file of the
 * repository, every `#anchor` a heading of its target by GitHub's slug rules, docs/README.md lists
 * every section of docs/, and a code comment or message that cites a document's section
 * (`README "Add a team"`, `docs/design.md "RRSA"`) names a heading that is there. Moving a section
 * without its links fails here, naming the link.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { MarkdownDoc, docFiles, parseMarkdown, readDoc } from "./helpers/markdown";
import { ROOT } from "./helpers/render";

const isExternal = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href);

/** `file:line: href: why` for each relative link or anchor of `docs` that does not resolve. */
export function brokenLinks(docs: Map<string, MarkdownDoc>, root = ROOT): string[] {
    const broken: string[] = [];
    for (const doc of docs.values()) {
        for (const { value: href, line } of doc.links) {
            if (isExternal(href)) {
                continue;
            }
            const [target, anchor] = href.split("#", 2) as [string, string | undefined];
            const file = target === "" ? doc.file : path.posix.normalize(path.posix.join(path.posix.dirname(doc.file), decodeURI(target)));
            const where = `${doc.file}:${line}: ${href}`;
            if (target !== "" && (file.startsWith("..") || !fs.existsSync(path.join(root, file)))) {
                broken.push(`${where}: no file ${file}`);
                continue;
            }
            if (anchor === undefined) {
                continue;
            }
            const linked = target === "" ? doc : (docs.get(file) ?? (file.endsWith(".md") ? readDoc(file, root) : undefined));
            if (!linked?.headings.some((h) => h.slug === anchor)) {
                broken.push(`${where}: ${file} has no heading whose anchor is #${anchor}`);
            }
        }
    }
    return broken;
}

/** A section cited in prose: `README "Title"`, `README.md, "Title"`, `docs/x.md "Title"`, also inside a string literal (`\"`). */
const SECTION_REFERENCE = /(?<![\w/.-])((?:[\w.-]+\/)*[\w.-]+\.md|README),? \\?"([^"\\\n]+)\\?"/g;

/** The READMEs a bare `README` in `file` may mean, nearest first: each README.md above it, not itself. */
function readmesAbove(file: string, root: string): string[] {
    const found: string[] = [];
    for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
        const candidate = dir === "." ? "README.md" : `${dir}/README.md`;
        if (candidate !== file && fs.existsSync(path.join(root, candidate))) {
            found.push(candidate);
        }
        if (dir === ".") {
            return found;
        }
    }
}

/** `file:line: reference: why` for each cited section of `text` that its document lacks. */
export function brokenSectionReferences(file: string, text: string, root = ROOT): string[] {
    const broken: string[] = [];
    for (const m of text.matchAll(SECTION_REFERENCE)) {
        const line = text.slice(0, m.index).split("\n").length;
        const candidates = m[1] === "README" ? readmesAbove(file, root) : [m[1]];
        const existing = candidates.filter((doc) => fs.existsSync(path.join(root, doc)));
        if (existing.length === 0) {
            broken.push(`${file}:${line}: ${m[0]}: no file ${candidates.join(", ")}`);
        } else if (!existing.some((doc) => readDoc(doc, root).headings.some((h) => h.text.startsWith(m[2])))) {
            broken.push(`${file}:${line}: ${m[0]}: ${existing.join(", ")} has no heading "${m[2]}"`);
        }
    }
    return broken;
}

/** Tracked and new (not ignored) text files of the repository. */
function repositoryTextFiles(): string[] {
    const r = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout
        .split("\n")
        .filter(
            (f) =>
                /\.(ts|js|sh|ya?ml|json|md|py|cmd)$|(^|\/)(CODEOWNERS|run)$/.test(f) &&
                f !== "package-lock.json" &&
                fs.existsSync(path.join(ROOT, f)),
        );
}

describe("documentation links", () => {
    const docs = new Map(docFiles().map((f) => [f, readDoc(f)]));

    it("every relative link of README.md and docs/*.md names a file, and every #anchor a heading of it", () => {
        assert.deepEqual(brokenLinks(docs), []);
    });

    it("finds a link to a missing file, a missing anchor and a heading's anchor by GitHub's rules", () => {
        const fake = parseMarkdown(
            "docs/fake.md",
            "# Compiled program (`bin/`)\n\n## A\n\n## A\n\n[ok](#compiled-program-bin) [ok](#a-1) [ok](../README.md#quick-start) [bad](#a-2) [bad](nowhere.md) [bad](../README.md#nothing) [web](https://example.com/#x)\n",
        );
        assert.deepEqual(brokenLinks(new Map([["docs/fake.md", fake]])), [
            "docs/fake.md:7: #a-2: docs/fake.md has no heading whose anchor is #a-2",
            "docs/fake.md:7: nowhere.md: no file docs/nowhere.md",
            "docs/fake.md:7: ../README.md#nothing: README.md has no heading whose anchor is #nothing",
        ]);
    });

    it("docs/README.md links to every section of every file in docs/", () => {
        const index = docs.get("docs/README.md");
        assert.ok(index, "docs/README.md, the table of contents");
        const linked = new Set(index.links.map((l) => l.value));
        const missing: string[] = [];
        for (const [file, doc] of docs) {
            if (!file.startsWith("docs/") || file === "docs/README.md") {
                continue;
            }
            const name = path.posix.basename(file);
            if (!linked.has(name)) {
                missing.push(`${name} (the file)`);
            }
            for (const h of doc.headings.filter((h) => h.level > 1)) {
                if (!linked.has(`${name}#${h.slug}`)) {
                    missing.push(`${name}#${h.slug} (${h.text})`);
                }
            }
        }
        assert.deepEqual(missing, []);
    });

    it('a section cited in code or docs (README "Title", docs/x.md "Title") is a heading of that document', () => {
        // This file's own examples cite sections that are not there on purpose.
        const files = repositoryTextFiles().filter((f) => f !== "test/docsLinks.test.ts");
        const broken = files.flatMap((f) => brokenSectionReferences(f, fs.readFileSync(path.join(ROOT, f), "utf8")));
        assert.deepEqual(broken, []);
    });

    it("finds a cited section that is not there", () => {
        const code =
            '// see README "Add a team" and docs/design.md "RRSA"; README "Nowhere" and docs/none.md "X"\nz.describe("(docs/design.md \\"RRSA\\", docs/design.md \\"Nothing\\")");\n';
        assert.deepEqual(brokenSectionReferences("components/x.ts", code), [
            'components/x.ts:1: README "Nowhere": README.md has no heading "Nowhere"',
            'components/x.ts:1: docs/none.md "X": no file docs/none.md',
            'components/x.ts:2: docs/design.md \\"Nothing\\": docs/design.md has no heading "Nothing"',
        ]);
    });
});
