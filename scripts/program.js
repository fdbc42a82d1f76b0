/**
 * The Pulumi program's entry (Pulumi.yaml `main`): index.ts as compiled to bin/, rebuilt first if
 * any source changed since the last build (scripts/compiled.js). Plain JS, so the Node.js language
 * host runs it without ts-node (Pulumi.yaml `typescript: false`).
 */
"use strict";
require("./compiled").ensureBuilt();
module.exports = require("../bin/index.js");
