/**
 * Defers modules that dependencies load eagerly and this program never uses, until something
 * uses them. Each one is a fixed cost of every render, preview and `pulumi up`:
 *
 * - `typescript` and `@npmcli/arborist`, required by the Pulumi SDK. `require("@pulumi/pulumi")`
 *   (and every `@pulumi/kubernetes` module, which requires it) loads the runtime's index, which
 *   loads the closure serializer eagerly: TypeScript's compiler (about 9 MB of JS) and npm's
 *   arborist (about 500 modules), about 0.7 s of the SDK's 0.9 s here. A program uses them only
 *   to serialize a function at run time (a dynamic provider, a callback), which this one does not:
 *   its dynamic providers are serialized by the build (components/providers/prebuilt.ts).
 *   Pulumi made TypeScript lazy once for the same reason (pulumi/pulumi#10185); in 3.248 the
 *   runtime's index loads both eagerly again.
 * - zod's `locales` namespace: every language's error messages (64 modules, 30-70 ms). zod loads
 *   the English messages it uses on its own (`locales/en.cjs`); the program sets no other.
 *
 * How: when a module inside the named package requires one of these, it gets a stand-in, and the
 * real module loads on the stand-in's first use (a property read, a call, `new`), the same module
 * the require would have returned. Interop helpers (`__importStar`, `__importDefault`) see an
 * ES-module-shaped namespace, so they take the stand-in as it is instead of enumerating it, and
 * its `default` is what they would have made it. Requires from anywhere else (ts-node, the build,
 * the tests) get the real module, and so does every require once the module has loaded.
 *
 * For the program's entry (program/main.js) and the compiled tools (program/compiled.js, so
 * `npm run render`), installed before anything loads these packages. Plain JS: it runs before a
 * compiler. program/deferUnusedModules.test.ts shows they stay unloaded, and that Pulumi's closure
 * serializer and zod's locales still work, with the same results.
 */
"use strict";
const Module = require("module");
const path = require("path");

/** What is deferred: a request as a package's own modules make it. */
const DEFERRED = [
    { from: "@pulumi/pulumi", request: "typescript" },
    { from: "@pulumi/pulumi", request: "@npmcli/arborist" },
    { from: "zod", request: "../locales/index.cjs" },
];

const inPackage = (name) => `${path.sep}node_modules${path.sep}${name.split("/").join(path.sep)}${path.sep}`;

/**
 * A stand-in that loads the module on first use. The target is a function so that a module which
 * is a class (arborist's is) can still be called or constructed through it; the target's own
 * non-configurable `prototype` is reported as the target's, as a Proxy must.
 */
function standIn(load) {
    let loaded = false;
    let real;
    const mod = () => {
        if (!loaded) {
            real = load();
            loaded = true;
        }
        return real;
    };
    const target = function deferredModule() {};
    const pinned = (key) => {
        const d = Reflect.getOwnPropertyDescriptor(target, key);
        return d !== undefined && !d.configurable ? d : undefined;
    };
    const proxy = new Proxy(target, {
        get(_t, key) {
            if (key === "__esModule") {
                return true;
            }
            const m = mod();
            return key === "default" && !(m && m.__esModule) ? m : Reflect.get(m, key);
        },
        has: (_t, key) => key === "__esModule" || Reflect.has(mod(), key),
        set: (_t, key, value) => Reflect.set(mod(), key, value),
        defineProperty: (_t, key, desc) => Reflect.defineProperty(mod(), key, desc),
        deleteProperty: (_t, key) => Reflect.deleteProperty(mod(), key),
        ownKeys: () => [...new Set([...Reflect.ownKeys(mod()), ...Reflect.ownKeys(target).filter((k) => pinned(k) !== undefined)])],
        getOwnPropertyDescriptor(_t, key) {
            const p = pinned(key);
            if (p !== undefined) {
                return p;
            }
            const d = Reflect.getOwnPropertyDescriptor(mod(), key);
            return d === undefined ? undefined : { ...d, configurable: true };
        },
        getPrototypeOf: () => Reflect.getPrototypeOf(mod()),
        apply: (_t, self, args) => Reflect.apply(mod(), self, args),
        construct: (_t, args, newTarget) => Reflect.construct(mod(), args, newTarget === proxy ? mod() : newTarget),
    });
    return proxy;
}

let installed = false;

/** Installs the deferral for this process (idempotent). Call it before anything loads the packages named in DEFERRED. */
function deferUnusedModules() {
    if (installed) {
        return;
    }
    installed = true;
    const rules = DEFERRED.map((d) => ({ dir: inPackage(d.from), request: d.request }));
    const load = Module._load;
    const standIns = new Map();
    Module._load = function (request, parent, isMain) {
        const from = parent && typeof parent.filename === "string" ? parent.filename : "";
        if (rules.some((r) => r.request === request && from.includes(r.dir))) {
            const file = Module._resolveFilename(request, parent, isMain);
            // Already loaded (by anyone): the real module, as require would return it.
            if (Module._cache[file] === undefined) {
                let s = standIns.get(file);
                if (s === undefined) {
                    s = standIn(() => load.call(Module, request, parent, isMain));
                    standIns.set(file, s);
                }
                return s;
            }
        }
        return load.apply(this, arguments);
    };
}

module.exports = { deferUnusedModules, standIn, DEFERRED };
