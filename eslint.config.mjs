// ESLint over the repository's TypeScript and JavaScript, run by `npm test` (`npm run lint`):
// the recommended rules of ESLint and typescript-eslint, without type information (fast enough for
// every run; tsc already checks the types). Layout is Prettier's (.prettierrc.json), not ESLint's.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        // Build output, the e2e harness's Go wrappers, and generated files (their generators are linted).
        ignores: [
            "**/node_modules/",
            "bin/",
            "lib/",
            "out/",
            ".e2e/",
            "e2e/tools/",
            "test/fixtures/consumer/",
            "components/args.ts",
            "components/ray/crds/rayV1.ts",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // Deliberate: a dynamic provider requires what it uses inside the function the closure
            // serializer captures, `import x = require()` keeps TypeScript's interop wrapper out of
            // serialized closures, and the program loads some modules only when used (docs/performance.md).
            "@typescript-eslint/no-require-imports": "off",
            // `_name` marks a value taken only to be left out (`const { _x, ...rest } = o`).
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
        },
    },
    {
        // The pack, the tools, the harness and the tests read JSON as the engine, a CLI or a file hands
        // it over (resource props, previews, state): typing it all would restate the providers' schemas.
        // The library and the shared facts keep the rule.
        files: ["policy/**", "render/**", "tools/**", "e2e/**", "program/**", "portForward/**", "provider/**", "test/**", "**/*.test.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        // Plain Node.js scripts (CommonJS): the launcher, plugins' entry points, the harness's helpers.
        files: ["**/*.js"],
        languageOptions: { sourceType: "commonjs", globals: globals.node },
    },
    {
        files: ["**/*.ts"],
        languageOptions: { globals: globals.node },
    },
);
