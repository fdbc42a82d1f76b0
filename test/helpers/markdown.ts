/**
 * The repository's documentation as the doc tests read it: README.md and docs/*.md, parsed with
 * markdown-it (so code blocks, code spans and links are told apart as GitHub tells them apart) and
 * headings slugged with github-slugger (GitHub's own anchor rules, duplicates numbered).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as slugger from "github-slugger";
import MarkdownIt from "markdown-it";
import { ROOT } from "./render";

export interface Heading {
    level: number;
    text: string;
    slug: string;
    line: number;
}

export interface Fence {
    lang: string;
    content: string;
    /** 1-based line of the opening fence. */
    line: number;
}

export interface Located {
    value: string;
    line: number;
    /** For a code span inside a link's text: the link's target. */
    href?: string;
}

export interface MarkdownDoc {
    /** Repository-relative path, e.g. `docs/design.md`. */
    file: string;
    text: string;
    headings: Heading[];
    links: Located[];
    codeSpans: Located[];
    fences: Fence[];
}

const md = new MarkdownIt({ html: true });

type Token = MarkdownIt.Token;

/** What GitHub slugs: the heading's rendered text, code spans included without their backquotes. */
function plainText(inline: Token): string {
    return (inline.children ?? []).map((c) => (c.type === "text" || c.type === "code_inline" ? c.content : "")).join("");
}

export function parseMarkdown(file: string, text: string): MarkdownDoc {
    const tokens = md.parse(text, {});
    const slugs = new slugger.default();
    const doc: MarkdownDoc = { file, text, headings: [], links: [], codeSpans: [], fences: [] };
    let line = 1;
    for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i];
        // A table cell's inline token has no line of its own: its row's (the last token with one) stands in.
        line = t.map ? t.map[0] + 1 : line;
        if (t.type === "heading_open") {
            const heading = plainText(tokens[i + 1]);
            doc.headings.push({ level: Number(t.tag.slice(1)), text: heading, slug: slugs.slug(heading), line });
        } else if (t.type === "fence") {
            doc.fences.push({ lang: t.info.trim().split(/\s+/)[0] ?? "", content: t.content, line });
        } else if (t.type === "inline") {
            let href: string | undefined;
            for (const c of t.children ?? []) {
                if (c.type === "link_open") {
                    href = String(c.attrGet("href") ?? "");
                    doc.links.push({ value: href, line });
                } else if (c.type === "link_close") {
                    href = undefined;
                } else if (c.type === "code_inline") {
                    doc.codeSpans.push({ value: c.content, line, ...(href !== undefined ? { href } : {}) });
                }
            }
        }
    }
    return doc;
}

/** README.md and every Markdown file of docs/. */
export function docFiles(root = ROOT): string[] {
    const docs = fs.existsSync(path.join(root, "docs"))
        ? fs
              .readdirSync(path.join(root, "docs"))
              .filter((f) => f.endsWith(".md"))
              .sort()
        : [];
    return ["README.md", ...docs.map((f) => `docs/${f}`)];
}

export function readDoc(file: string, root = ROOT): MarkdownDoc {
    return parseMarkdown(file, fs.readFileSync(path.join(root, file), "utf8"));
}

/** The text of the section under the heading `heading` (its first line), up to the next heading of the same or a higher level. */
export function docSection(file: string, heading: string, root = ROOT): string {
    const doc = readDoc(file, root);
    const at = doc.headings.findIndex((h) => h.text === heading);
    if (at === -1) {
        throw new Error(`${file} has no heading "${heading}"`);
    }
    const next = doc.headings.slice(at + 1).find((h) => h.level <= doc.headings[at].level);
    const lines = doc.text.split("\n");
    return lines.slice(doc.headings[at].line - 1, next ? next.line - 1 : lines.length).join("\n");
}
