/**
 * Typed builders (issue 13 §5): a misspelt field in a Ray spec or a Kubernetes object fails at tsc.
 * Snippets are compiled in memory with the TypeScript API against the real generated types and
 * builders; the same snippet spelled right compiles. And no builder returns `Record<string, unknown>` or `any`.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import ts from "typescript";
import { ROOT } from "../../../test/helpers/render";

const SNIPPET = path.join(__dirname, "__typed_snippet__.ts");

let compilerOptions: ts.CompilerOptions | undefined;
function options(): ts.CompilerOptions {
    const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
    return (compilerOptions ??= {
        ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options,
        noEmit: true,
        noUnusedLocals: false,
    });
}

/** Parsed declaration and source files, shared by the snippets' programs (parsing @pulumi/kubernetes takes seconds). */
const parsed = new Map<string, ts.SourceFile | undefined>();

/** The semantic diagnostics of `code` (a module beside the tests), as text. */
function diagnostics(code: string): string[] {
    const opts = options();
    const host = ts.createCompilerHost(opts);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, lang, ...rest) => {
        if (path.resolve(file) === SNIPPET) {
            return ts.createSourceFile(file, code, lang);
        }
        if (!parsed.has(file)) {
            parsed.set(file, getSourceFile(file, lang, ...rest));
        }
        return parsed.get(file);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => path.resolve(file) === SNIPPET || fileExists(file);
    const program = ts.createProgram([SNIPPET], opts, host);
    const source = program.getSourceFile(SNIPPET)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) =>
        ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    );
}

const HEADER = `
import * as k8s from "@pulumi/kubernetes";
import type { RayClusterSpec } from "./rayV1";
import { rayResource } from "./rayResource";
const template: k8s.types.input.core.v1.PodTemplateSpec = { spec: { containers: [{ name: "ray-head", image: "ray" }] } };
`;

/** Each case: a snippet with FIELD where a field name goes, the right name, and a misspelling. */
const CASES: { what: string; code: string; right: string; wrong: string }[] = [
    {
        what: "a RayCluster spec field",
        code: `export const spec: RayClusterSpec = { headGroupSpec: { template }, FIELD: true };`,
        right: "enableInTreeAutoscaling",
        wrong: "enableInTreeAutoscalling",
    },
    {
        what: "a worker group field, through the typed Ray resource helper",
        code: `export const make = () => rayResource("c", "RayCluster", { name: "c" }, { headGroupSpec: { template }, workerGroupSpecs: [{ groupName: "g", minReplicas: 0, maxReplicas: 1, template, FIELD: 1 }] }, {});`,
        right: "replicas",
        wrong: "replica",
    },
    {
        what: "a container field inside a Ray pod template (the @pulumi/kubernetes type)",
        code: `export const spec: RayClusterSpec = { headGroupSpec: { template: { spec: { containers: [{ name: "ray-head", FIELD: { runAsNonRoot: true } }] } } } };`,
        right: "securityContext",
        wrong: "securityContex",
    },
    {
        what: "a NetworkPolicy spec field",
        code: `export const make = () => new k8s.networking.v1.NetworkPolicy("p", { metadata: { name: "p" }, spec: { FIELD: {}, policyTypes: ["Ingress"] } });`,
        right: "podSelector",
        wrong: "podSelecter",
    },
];

describe("typed builders: a misspelt field fails at tsc", function () {
    this.timeout(300_000);

    for (const c of CASES) {
        it(`${c.what}: "${c.wrong}" is a compile error naming it; "${c.right}" compiles`, () => {
            const wrong = diagnostics(HEADER + c.code.replace("FIELD", c.wrong));
            assert.ok(
                wrong.some((d) => d.includes(`'${c.wrong}'`)),
                `expected a diagnostic naming '${c.wrong}', got:\n${wrong.join("\n") || "(none)"}`,
            );
            const right = diagnostics(HEADER + c.code.replace("FIELD", c.right));
            assert.deepEqual(right, [], "the right spelling compiles");
        });
    }
});

describe("typed builders: return types", function () {
    this.timeout(300_000);

    it("no exported builder returns Record<string, unknown>, any or unknown", () => {
        // The builders live in their concern folders; builders/index.ts gathers every one of them (the public `builders`).
        const files = [path.join(ROOT, "components", "builders", "index.ts")];
        const program = ts.createProgram(files, options());
        const checker = program.getTypeChecker();
        const offenders: string[] = [];
        let checked = 0;
        for (const file of files) {
            const source = program.getSourceFile(file)!;
            for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
                const decl = symbol.valueDeclaration;
                if (!decl || !ts.isFunctionDeclaration(decl)) {
                    continue;
                }
                checked++;
                const returns = checker.typeToString(
                    checker.getSignatureFromDeclaration(decl)!.getReturnType(),
                    undefined,
                    ts.TypeFormatFlags.NoTruncation,
                );
                if (/Record<string, unknown>|\bany\b|^unknown$|\[x: string\]: unknown/.test(returns)) {
                    offenders.push(`${path.relative(ROOT, decl.getSourceFile().fileName)} ${symbol.name}(): ${returns}`);
                }
            }
        }
        assert.ok(checked > 30, `only ${checked} builders found`);
        assert.deepEqual(offenders, []);
    });
});
