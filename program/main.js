/**
 * The Pulumi program's entry (Pulumi.yaml `main`): program/index.ts as compiled to bin/program/, rebuilt first if
 * any source changed since the last build (program/compiled.js). Plain JS, so the Node.js language
 * host runs it without ts-node (Pulumi.yaml `typescript: false`).
 */
"use strict";
// Pulumi's program runner installs source-map-support, for programs that ts-node compiles in
// memory. bin/ has no source maps (a stack trace names bin/*.js, as compiled), so the hook only
// costs: Pulumi captures a stack trace per resource and per RPC promise, and each one went through
// source-map lookups (about 0.5 s of CPU per team-a preview here). Node's own formatting is restored.
if (typeof Error.prepareStackTrace === "function" && Error.prepareStackTrace.name === "prepareStackTrace") {
    Error.prepareStackTrace = undefined;
}
// Before anything loads the SDK or zod: what they load eagerly and the program never uses (the
// SDK's closure-serializer tooling, zod's locales) loads only if used (program/deferUnusedModules.js).
require("./deferUnusedModules").deferUnusedModules();
require("./compiled").ensureBuilt();
module.exports = require("../bin/program/index.js");
