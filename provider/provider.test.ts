/**
 * The package for other Pulumi languages: provider/ is a component provider plugin
 * (PulumiPlugin.yaml), served by @pulumi/pulumi's component provider host, which derives the
 * package schema from the components' TypeScript args. Here the host's own ComponentProvider
 * builds that schema in-process (the e2e harness's `multi-language` step does it with the real
 * CLI), and the public args are held to the config schema: same keys, same required keys, at
 * every level, so that a setting added to one cannot be missing from the other.
 */
import * as assert from "assert";
import * as path from "path";
import { z } from "zod";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental/provider";
import * as plugin from ".";
import { platformConfigSchema, rayClusterSchema, rayJobSchema, rayServiceSchema, teamConfigSchema } from "../components/config/model";

const PROVIDER_DIR = path.join(__dirname, "..", "provider");
type Json = Record<string, any>;

/** Keys only the program reads, and a removed key refused with a pointer: not component args. */
const NOT_ARGS = new Set([
    "platform",
    "kubeconfig",
    "kubeconfigSource",
    "hostPaths",
    "hostPathPrefixes",
    "hostPath",
    "historyServer",
    "monitoringNamespace",
    // A Serve runtime_env's refused keys (components/ray/serve.ts): named in the schema only to refuse them.
    "pip",
    "conda",
    "uv",
    "working_dir",
    "py_modules",
    "py_executable",
    "container",
    "image_uri",
    // Serve's autoscaling_config.policy (components/ray/serve.ts): a custom policy is code, refused.
    "policy",
]);
/** Component args that are not config: what the program brings along. */
const NOT_CONFIG = new Set(["rrsaProvider", "verifyVSwitches", "verifyAcl", "platformPolicy", "platformLists"]);

/** Properties and required keys of a zod input JSON schema node (a union's options merged). */
function zodObject(node: Json): { props: Json; required: string[] } | undefined {
    const options: Json[] = node.anyOf ?? node.oneOf ?? [node];
    const objects = options.filter((o) => o.type === "object" && o.properties);
    if (objects.length === 0) {
        return undefined;
    }
    const props = Object.assign({}, ...objects.map((o) => o.properties));
    // A key required by every option of a union (`mode`) is required; others belong to one option.
    const required = Object.keys(props).filter((k) => objects.every((o) => (o.required ?? []).includes(k)));
    return { props, required };
}

function zodItem(node: Json): Json {
    return node.type === "array" ? node.items : node;
}

/** Walks the Pulumi schema type beside the zod schema, collecting every difference with its path. */
function compare(schema: Json, pulumiProps: Json, pulumiRequired: string[], zodNode: Json, at: string, out: string[]): void {
    const zo = zodObject(zodNode);
    if (!zo) {
        return;
    }
    const pk = Object.keys(pulumiProps)
        .filter((k) => !NOT_CONFIG.has(k))
        .sort();
    const zk = Object.keys(zo.props)
        .filter((k) => !NOT_ARGS.has(k))
        .sort();
    for (const k of zk.filter((k) => !pk.includes(k))) out.push(`${at}${k}: in the config schema, missing from the public args`);
    for (const k of pk.filter((k) => !zk.includes(k))) out.push(`${at}${k}: in the public args, not in the config schema`);
    for (const k of pk.filter((k) => zk.includes(k))) {
        if (pulumiRequired.includes(k) !== zo.required.includes(k)) {
            out.push(
                `${at}${k}: ${pulumiRequired.includes(k) ? "required" : "optional"} in the public args, ${zo.required.includes(k) ? "required" : "optional"} in the config schema`,
            );
        }
        const p = pulumiProps[k];
        const ref: string | undefined = p.$ref ?? p.items?.$ref;
        if (ref?.startsWith("#/types/")) {
            const t = schema.types[ref.slice("#/types/".length)];
            compare(schema, t.properties ?? {}, t.required ?? [], zodItem(zo.props[k]), `${at}${k}.`, out);
        }
    }
}

describe("the component provider (provider/, any Pulumi language)", function () {
    this.timeout(300_000);
    let schema: Json;

    before(async () => {
        // Every class provider/index.ts exports, as the host serves them.
        const components = Object.values(plugin);
        const provider = new ComponentProvider({ name: "ray-on-ack", dirname: PROVIDER_DIR, components });
        schema = JSON.parse(await provider.getSchema());
    });

    it("describes TeamEnvironment, HardenedRayCluster, HardenedRayJob, HardenedRayService and Platform", () => {
        assert.strictEqual(schema.name, "ray-on-ack");
        assert.deepStrictEqual(Object.keys(schema.resources).sort(), [
            "ray-on-ack:index:HardenedRayCluster",
            "ray-on-ack:index:HardenedRayJob",
            "ray-on-ack:index:HardenedRayService",
            "ray-on-ack:index:Platform",
            "ray-on-ack:index:TeamEnvironment",
        ]);
        const team = schema.resources["ray-on-ack:index:TeamEnvironment"];
        assert.ok(team.isComponent);
        assert.deepStrictEqual(Object.keys(team.properties).sort(), ["clusters", "jobs", "namespace", "services", "tlsClientKeys"]);
        assert.deepStrictEqual([...team.requiredInputs].sort(), ["podCidrs", "podNetwork", "team"]);
        // Values that may come from other resources are Inputs (not plain) in every language.
        assert.strictEqual(team.inputProperties.dashboardPassword.plain, undefined);
        assert.strictEqual(team.inputProperties.rrsaProvider.plain, undefined);
    });

    it("names its types without the Args suffix that generated SDKs add to input types", () => {
        // A type `WorkerGroupArgs` would be Python's and Go's `WorkerGroupArgsArgs`.
        const suffixed = Object.keys(schema.types).filter((t) => t.endsWith("Args"));
        assert.deepStrictEqual(suffixed, []);
        assert.ok(schema.types["ray-on-ack:index:RayClusterSettings"], "the RayCluster settings type");
    });

    it("gives HardenedRayService its service settings, TLS Secret names and outputs", () => {
        const svc = schema.resources["ray-on-ack:index:HardenedRayService"];
        assert.ok(svc.isComponent);
        assert.deepStrictEqual([...svc.requiredInputs].sort(), ["namespace", "service", "team", "tlsFingerprint"]);
        assert.strictEqual(svc.inputProperties.service.$ref, "#/types/ray-on-ack:index:RayServiceSettings");
        assert.deepStrictEqual(Object.keys(schema.types["ray-on-ack:index:RayServiceTlsSecretNames"].properties).sort(), [
            "head",
            "worker",
        ]);
        assert.deepStrictEqual(Object.keys(svc.properties).sort(), ["access", "serviceName", "tokenSecret"]);
        const serve = schema.types["ray-on-ack:index:ServeApplication"];
        assert.deepStrictEqual([...serve.required].sort(), ["import_path", "name"]);
    });

    it("documents the args and outputs", () => {
        const team = schema.resources["ray-on-ack:index:TeamEnvironment"];
        const undocumented = Object.entries({ ...team.inputProperties, ...team.properties })
            .filter(([, p]: [string, any]) => !p.description)
            .map(([k]) => k);
        assert.deepStrictEqual(undocumented, []);
        assert.match(schema.types["ray-on-ack:index:WorkerGroup"].properties.shmSize.description, /object store/);
    });

    const cases: [string, string, z.ZodType][] = [
        ["TeamEnvironment", "", teamConfigSchema],
        ["Platform", "", platformConfigSchema],
        ["HardenedRayCluster", "cluster", rayClusterSchema],
        ["HardenedRayJob", "job", rayJobSchema],
        ["HardenedRayService", "service", rayServiceSchema],
    ];
    for (const [component, key, zodSchema] of cases) {
        it(`${component}'s public args have the config schema's keys, required where it requires them`, () => {
            const r = schema.resources[`ray-on-ack:index:${component}`];
            const json = z.toJSONSchema(zodSchema, { io: "input", unrepresentable: "any" }) as Json;
            const diffs: string[] = [];
            if (key) {
                const t = schema.types[r.inputProperties[key].$ref.slice("#/types/".length)];
                compare(schema, t.properties, t.required ?? [], json, `${key}.`, diffs);
            } else {
                compare(schema, r.inputProperties, r.requiredInputs ?? [], json, "", diffs);
            }
            assert.deepStrictEqual(diffs, []);
        });
    }
});
