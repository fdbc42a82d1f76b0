/**
 * This project's Node.js dynamic-provider host: Pulumi's own (`@pulumi/pulumi/cmd/dynamic-provider`),
 * started with the modules it never uses deferred (program/deferUnusedModules.js), as the program is.
 *
 * The package's dynamic resources (each cluster's PKI, the Ray token, the password hash) run in
 * this second Node.js process. Pulumi's entry loads the SDK's runtime index, and with it the closure
 * serializer's TypeScript and arborist, before it answers: about a second of the host's start, all
 * of it unused (the host revives providers from their serialized text; it serializes nothing).
 * The engine processes no other registration while a provider starts, so that second held up the
 * whole preview once the program itself loaded faster than the host (docs/performance.md).
 *
 * Pulumi.yaml points the engine here (`plugins.providers`, name `pulumi-nodejs`, the directory of
 * program/plugins/pulumi-resource-pulumi-nodejs), in place of the script bundled with the CLI, which
 * runs the same entry without the deferral. Plain JS: it runs before a compiler.
 */
"use strict";
const path = require("path");

require("./deferUnusedModules").deferUnusedModules();
// The program's node_modules, as the CLI's script finds it: from the directory the engine starts
// plugins in, else this repository's. The entry serves at once, reading its arguments from argv.
const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd(), path.join(__dirname, "..")] });
require(entry);
