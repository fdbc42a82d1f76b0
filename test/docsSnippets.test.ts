/**
 * Code in the documentation cannot go stale: every ```ts block of README.md and docs/*.md is
 * type-checked against the package as a user imports it (`ray-on-ack`, `ray-on-ack/config`,
 * `ray-on-ack/host`: package.json's `exports`, mapped to their sources), and every `npm run
 * <script>` the docs write, in a shell block or in running text, names a script of package.json.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { docFiles, readDoc } from "./helpers/markdown";
import { ROOT } from "./helpers/render";

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** `ray-on-ack/host` -> `components/host.ts`: each export's declaration file, as its source. */
function exportPaths(): Record<string, string[]> {
    const paths: Record<string, string[]> = {};
    for (const [sub, target] of Object.entries<{ types?: string }>(manifest.exports)) {
        if (!target.types) {
            continue;
        }
        const source = target.types.replace(/^\.\/lib\//, "").replace(/\.d\.ts$/, ".ts");
        assert.ok(fs.existsSync(path.join(ROOT, source)), `package.json exports["${sub}"]: no source ${source} for ${target.types}`);
        paths[sub === "." ? manifest.name : `${manifest.name}/${sub.slice(2)}`] = [source];
    }
    return paths;
}

/** Snippets live beside the repository root (never written), so they resolve node_modules as a program there does. */
const SNIPPET_DIR = path.join(ROOT, ".doc-snippets");

interface Snippet {
    where: string;
    code: string;
}

/** Each snippet's diagnostics, as `where: message` lines, from one program over all of them. */
export function typeErrors(snippets: Snippet[]): string[] {
    const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
    const options: ts.CompilerOptions = {
        ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options,
        noEmit: true,
        noUnusedLocals: false,
        baseUrl: ROOT,
        paths: exportPaths(),
    };
    const files = new Map(snippets.map((s, i) => [path.join(SNIPPET_DIR, `snippet${i}.ts`), s]));
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, lang, ...rest) => {
        const s = files.get(path.resolve(file));
        // A block without import or export is a script: `export {}` keeps its names its own.
        return s
            ? ts.createSourceFile(file, /^\s*(import|export)\b/m.test(s.code) ? s.code : `${s.code}\nexport {};\n`, lang)
            : getSourceFile(file, lang, ...rest);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => files.has(path.resolve(file)) || fileExists(file);
    const program = ts.createProgram([...files.keys()], options, host);
    const errors: string[] = [];
    for (const [file, s] of files) {
        const source = program.getSourceFile(file)!;
        for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
            const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
            errors.push(`${s.where} (+${line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
        }
    }
    return errors;
}

/** `npm run <name>` in `text` whose script package.json lacks. */
export function unknownScripts(text: string, scripts: Record<string, string>): string[] {
    // npm's own flags before the script's name (`npm run --silent port-forward`) are skipped
    return [...text.matchAll(/\bnpm run(?:-script)?(?: +--?[\w-]+)* +([\w:.][\w:.-]*)/g)]
        .map((m) => m[1])
        .filter((name) => !(name in scripts));
}

describe("documentation code", function () {
    this.timeout(300_000);
    const docs = docFiles().map((f) => readDoc(f));

    it("every ```ts block of README.md and docs/*.md type-checks against the package's entry points", () => {
        const snippets = docs.flatMap((d) =>
            d.fences.filter((f) => /^(ts|typescript)$/.test(f.lang)).map((f) => ({ where: `${d.file}:${f.line}`, code: f.content })),
        );
        assert.ok(snippets.length >= 2, `found ${snippets.length} TypeScript blocks`);
        assert.deepEqual(typeErrors(snippets), []);
    });

    it("a block that no longer compiles fails, naming its place and the error", () => {
        const errors = typeErrors([
            {
                where: "docs/x.md:3",
                code: `import { TeamEnvironment } from "ray-on-ack";\nnew TeamEnvironment("t", { team: "t", podCidrs: ["10.0.0.0/24"], podNetwork: { securityGroupIds: ["sg-a"] }, clustrs: [] });\n`,
            },
            {
                where: "docs/x.md:9",
                code: `import { validateStackConfig } from "ray-on-ack/config";\nconst n: number = validateStackConfig({});\n`,
            },
        ]);
        assert.equal(errors.length, 2, errors.join("\n"));
        assert.match(errors[0], /^docs\/x\.md:3 \(\+2\): .*'clustrs' does not exist in type 'TeamEnvironmentArgs'/);
        assert.match(errors[1], /^docs\/x\.md:9 \(\+2\): Type .* is not assignable to type 'number'/);
    });

    it("every `npm run <script>` in README.md and docs/*.md names a script of package.json", () => {
        const unknown = docs.flatMap((d) => {
            const shell = d.fences
                .filter((f) => /^(sh|bash|shell|console)?$/.test(f.lang))
                .map((f) => ({ where: `${d.file}:${f.line}`, text: f.content }));
            const spans = d.codeSpans.map((s) => ({ where: `${d.file}:${s.line}`, text: s.value }));
            return [...shell, ...spans].flatMap(({ where, text }) =>
                unknownScripts(text, manifest.scripts).map((s) => `${where}: npm run ${s}`),
            );
        });
        assert.deepEqual(unknown, []);
        assert.deepEqual(unknownScripts("npm ci && npm run render -- --stack a\nnpm run rendr", manifest.scripts), ["rendr"]);
        assert.deepEqual(unknownScripts("npm run --silent port-forward -- --print-token\nnpm run -s portforward", manifest.scripts), [
            "portforward",
        ]);
    });
});
