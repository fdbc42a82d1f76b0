/**
 * The child process of tools/build/serializeProviders.ts: serializes each listed provider from
 * the compiled modules of a build, with Pulumi's closure serializer, to the file it is given.
 *
 *   node tools/build/serializeProvidersChild.js '<json list of {module, exportName, file}>'
 *
 * (module: the compiled module's absolute path; file: where its text goes, named by the parent.)
 *
 * A script file, not `node -e`: under -e, `exports` is a global, and the serializer leaves globals
 * to the process that revives the text, so every `exports.X` of a compiled module (an exported
 * const such as REPLACE_ON_CHANGE) would reach the dynamic-provider host unbound. Plain JS: it runs
 * before anything is compiled. `allowSecrets: false`: a provider that captured a secret would put
 * it in every stack's state in clear text; the serializer refuses, and so does the build.
 */
"use strict";
const fs = require("fs");

async function main() {
    const list = JSON.parse(process.argv[2]);
    // As the program's runner does before it loads a program: the serializer finds each
    // function's module and captured variables through this V8 inspector session.
    await require("@pulumi/pulumi/runtime/closure/v8Hooks").isInitializedAsync();
    const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
    for (const p of list) {
        const provider = require(p.module)[p.exportName];
        if (provider === undefined) {
            throw new Error(`${p.module} exports no ${p.exportName}`);
        }
        const f = await serializeFunction(() => provider, { allowSecrets: false });
        fs.writeFileSync(p.file, f.text);
    }
}

main().catch((e) => {
    process.stderr.write(`${e && e.message}\n`);
    process.exit(1);
});
