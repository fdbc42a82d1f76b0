/**
 * Preloaded into an offline render (`NODE_OPTIONS=--require <this file> npm run render ...`) by the
 * `upgrade` step (upgrade.sh), for the stacks it cannot deploy here (the platform stack, a team with
 * `cloud`): it records what decides whether `pulumi up` keeps each resource the program registers,
 * which the renderer's own files do not hold (manifests.yaml has no Pulumi names or types):
 * - its URN as the engine forms it: the types of its parents (the stack excepted), its own type and
 *   its name. The mock runtime's URNs keep only the nearest parent's type, so they are rebuilt here;
 * - the URNs its aliases stand for: its own, and every one inherited from its parents' aliases, as
 *   the engine multiplies them out (a component renamed with an alias keeps its children too);
 * - for a Kubernetes object, its apiVersion, kind, name and namespace (the provider replaces an
 *   object whose name or namespace changes).
 * It patches the mock monitor of whichever @pulumi/pulumi the render loads, and nothing of the
 * package, so the released version renders exactly as it was released. The record is written to
 * UPGRADE_RECORD_OUT (JSON) when the process exits; upgradeNames.js compares two of them.
 */
"use strict";
const fs = require("fs");
const Module = require("module");

const out = process.env.UPGRADE_RECORD_OUT;
const ROOT_STACK = "pulumi:pulumi:Stack";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** What was registered, in order; and, by the mock's URN, the URNs (engine form, its own first) that name it. */
const recorded = [];
const namesOf = new Map();
let failure;

const parseUrn = (urn) => {
    const [head, project, qualifiedType, ...name] = urn.split("::");
    return { stack: head.replace(/^urn:pulumi:/, ""), project, qualifiedType, name: name.join("::") };
};

/** The URN of `type`/`name` under a parent's URN (engine form), or at the top when there is none. */
function urnUnder(parentUrn, type, name, project, stack) {
    const parentType = parentUrn === undefined ? undefined : parseUrn(parentUrn).qualifiedType;
    const qualified = parentType === undefined || parentType === ROOT_STACK ? type : `${parentType}$${type}`;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** A URN the program passed (a parent, an alias): the engine's form when it is one of the mock's. */
function engineUrn(urn) {
    const known = namesOf.get(urn);
    return known === undefined ? urn : known[0];
}

const unwrap = (v) => (v !== null && typeof v === "object" && v[SECRET_SIG] !== undefined ? v.value : v);

function record(req, mockUrn) {
    const { stack, project } = parseUrn(mockUrn);
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent() || undefined;
    const parentNames = parent === undefined ? [undefined] : (namesOf.get(parent) ?? [parent]);
    const urn = urnUnder(parentNames[0], type, name, project, stack);
    const names = new Set([urn]);
    // Inherited: the same type and name under each alias of the parent.
    for (const p of parentNames) {
        names.add(urnUnder(p, type, name, project, stack));
    }
    for (const alias of req.getAliasesList()) {
        if (alias.hasUrn()) {
            names.add(engineUrn(alias.getUrn()));
            continue;
        }
        const spec = alias.getSpec();
        // The SDK passes the resource's own parent when the alias names none: it stands for every alias of that parent too.
        const parents = spec.getNoparent()
            ? [undefined]
            : spec.hasParenturn() && spec.getParenturn() !== parent
              ? [engineUrn(spec.getParenturn())]
              : parentNames;
        for (const p of parents) {
            names.add(urnUnder(p, spec.getType() || type, spec.getName() || name, spec.getProject() || project, spec.getStack() || stack));
        }
    }
    for (const u of req.getAliasurnsList()) {
        names.add(engineUrn(u));
    }
    namesOf.set(mockUrn, [...names]);
    const entry = { urn, type, name, custom: req.getCustom(), aliases: [...names].filter((n) => n !== urn) };
    if (type.startsWith("kubernetes:") && req.getCustom()) {
        const props = req.getObject() ? req.getObject().toJavaScript() : {};
        const meta = unwrap(props.metadata) ?? {};
        entry.object = {
            apiVersion: unwrap(props.apiVersion),
            kind: unwrap(props.kind),
            name: unwrap(meta.name),
            namespace: unwrap(meta.namespace),
        };
    }
    recorded.push(entry);
}

function patchMockMonitor(mocks) {
    const proto = mocks && mocks.MockMonitor && mocks.MockMonitor.prototype;
    if (!proto || proto.upgradeRecorded) {
        return;
    }
    const register = proto.registerResource;
    proto.registerResource = function (req, callback) {
        return register.call(this, req, (err, resp) => {
            if (!err && resp) {
                try {
                    record(req, resp.getUrn());
                } catch (e) {
                    failure = failure ?? e;
                }
            }
            callback(err, resp);
        });
    };
    proto.upgradeRecorded = true;
}

if (out) {
    const load = Module._load;
    Module._load = function (request, _parent, _isMain) {
        const exports = load.apply(this, arguments);
        if (typeof request === "string" && request.endsWith("mocks") && exports && exports.MockMonitor && exports.setMocks) {
            patchMockMonitor(exports);
        }
        return exports;
    };
    process.on("exit", () => {
        // Only the process that ran the program has anything to say (npm and the build run with this preload too).
        if (recorded.length > 0 || failure !== undefined) {
            fs.writeFileSync(
                out,
                `${JSON.stringify({ error: failure === undefined ? undefined : String(failure.stack ?? failure), resources: recorded }, null, 2)}\n`,
            );
        }
    });
}
