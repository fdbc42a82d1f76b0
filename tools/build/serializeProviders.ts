/**
 * The builds' last step: each dynamic provider, serialized by Pulumi's own closure serializer, to
 * `<exportName>.serialized.js` beside its compiled module (lib/ for the package, bin/ for the
 * program), where PrebuiltDynamicResource (components/providers/prebuilt.ts) reads it
 * instead of serializing at every preview and up.
 *
 * In a child process (./serializeProvidersChild.js), so that the serializer sees each compiled
 * module as a program loads it, not the build's own (ts-node) copy of the sources.
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { serializedProviderFile } from "../../components/providers/dynamicType";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Every provider a PrebuiltDynamicResource registers, by compiled module (without .js) and export.
 * components/providers/host.test.ts keeps this list and the resources' own `exportName`s the same.
 */
export const DYNAMIC_PROVIDERS: readonly { module: string; exportName: string }[] = [
    { module: "components/providers/pkiResource", exportName: "rayPkiProvider" },
    { module: "components/providers/rayToken", exportName: "rayTokenProvider" },
    { module: "components/providers/passwordHash", exportName: "passwordHashProvider" },
];

/**
 * The providers a build of outDir compiled (a build without the library, as in a test, has none):
 * each compiled module, its export, and the file its serialized text goes to.
 */
function builtProviders(outDir: string): { module: string; exportName: string; file: string }[] {
    return DYNAMIC_PROVIDERS.map((p) => ({ ...p, module: path.join(outDir, `${p.module}.js`) }))
        .filter((p) => fs.existsSync(p.module))
        .map((p) => ({ ...p, file: serializedProviderFile(p.module, p.exportName) }));
}

/** The serialized files a build of outDir holds, absolute. */
export function serializedProviderFiles(outDir: string): string[] {
    return builtProviders(outDir).map((p) => p.file);
}

/** Serializes every provider of the build in outDir; on failure removes what it wrote and throws. */
export function serializeProviders(outDir: string): string[] {
    const built = builtProviders(outDir);
    const files = built.map((p) => p.file);
    if (files.length === 0) {
        return [];
    }
    const child = path.join(__dirname, "serializeProvidersChild.js");
    const r = spawnSync(process.execPath, [child, JSON.stringify(built)], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) {
        // Half a set would pass for a build next time; none makes the next build serialize again.
        files.forEach((f) => fs.rmSync(f, { force: true }));
        throw new Error(`serializing the dynamic providers failed: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
    }
    return files;
}
