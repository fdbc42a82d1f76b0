/**
 * `npm run build`: compiles the library (tsconfig.build.json) to lib/ as JS + .d.ts, then writes
 * each dynamic provider's serialized text beside its module (./serializeProviders.ts).
 *
 * @ray-on-ack/common is a private workspace (shared with the policy pack) and is not published,
 * so it ships inside this package: lib/common/ is compiled alongside lib/components/, and every
 * `@ray-on-ack/common[/<file>]` specifier is rewritten, in the JS and the .d.ts alike, to a
 * relative path into lib/common/. An AST transform of the specifiers, not a text replace.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { serializeProviders } from "./serializeProviders";

const ROOT = path.resolve(__dirname, "..", "..");
const COMMON = "@ray-on-ack/common";

/** The relative specifier from `fromFile` (a source file) to common/<rest>. */
export function commonSpecifier(fromFile: string, spec: string): string | undefined {
    if (spec !== COMMON && !spec.startsWith(`${COMMON}/`)) {
        return undefined;
    }
    const target = path.join(ROOT, "common", spec.slice(COMMON.length + 1) || "index");
    const rel = path.relative(path.dirname(fromFile), target).split(path.sep).join("/");
    return rel.startsWith(".") ? rel : `./${rel}`;
}

export function rewriter<T extends ts.SourceFile | ts.Bundle>(context: ts.TransformationContext): ts.Transformer<T> {
    const f = context.factory;
    return (node) => {
        if (!ts.isSourceFile(node)) {
            return node;
        }
        const file = node.fileName;
        const literal = (s: ts.Expression) => {
            const to = ts.isStringLiteral(s) ? commonSpecifier(file, s.text) : undefined;
            return to === undefined ? s : f.createStringLiteral(to);
        };
        const visit = (n: ts.Node): ts.Node => {
            if (ts.isImportDeclaration(n)) {
                return f.updateImportDeclaration(n, n.modifiers, n.importClause, literal(n.moduleSpecifier), n.attributes);
            }
            if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
                return f.updateExportDeclaration(n, n.modifiers, n.isTypeOnly, n.exportClause, literal(n.moduleSpecifier), n.attributes);
            }
            if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
                const to = commonSpecifier(file, n.argument.literal.text);
                if (to !== undefined) {
                    return f.updateImportTypeNode(
                        n,
                        f.createLiteralTypeNode(f.createStringLiteral(to)),
                        n.attributes,
                        n.qualifier,
                        n.typeArguments,
                        n.isTypeOf,
                    );
                }
            }
            return ts.visitEachChild(n, visit, context);
        };
        return ts.visitEachChild(node, visit, context) as unknown as T;
    };
}

export function build(configPath = path.join(ROOT, "tsconfig.build.json")): readonly ts.Diagnostic[] {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (read.error) {
        return [read.error];
    }
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath));
    fs.rmSync(parsed.options.outDir ?? path.join(ROOT, "lib"), { recursive: true, force: true });
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const pre = ts.getPreEmitDiagnostics(program);
    if (pre.length > 0) {
        return pre;
    }
    const emitted = program.emit(undefined, undefined, undefined, false, { before: [rewriter], afterDeclarations: [rewriter] }).diagnostics;
    if (emitted.length === 0) {
        // The package ships its dynamic providers serialized (components/providers/prebuilt.ts).
        serializeProviders(parsed.options.outDir ?? path.join(ROOT, "lib"));
    }
    return emitted;
}

if (require.main === module) {
    const diagnostics = build();
    if (diagnostics.length > 0) {
        const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" };
        process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
        process.exit(1);
    }
}
