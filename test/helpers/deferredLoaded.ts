/**
 * For tests of program/deferUnusedModules.js: a JS expression, evaluated in the process under test,
 * for which of the deferred modules it has loaded (their entry files under node_modules, sorted),
 * as a JSON string. Not loaded: "[]".
 */
export const DEFERRED_LOADED = `JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules\\/(typescript\\/lib\\/typescript|@npmcli\\/arborist\\/lib\\/index|zod\\/v4\\/locales\\/index)\\.c?js$/.test(k)).map((k) => k.replace(/^.*node_modules\\//, "")).sort())`;
