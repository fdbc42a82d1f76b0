/**
 * Generates the TypeScript types of the KubeRay `ray.io/v1` specs (RayCluster, RayJob, RayService)
 * from the CRDs' `openAPIV3Schema`, with json-schema-to-typescript.
 *
 * `npm run gen:crds [-- --check]` writes components/ray/crds/rayV1.ts from the CRDs of the
 * KubeRay version we deploy, in ../shared/kuberay/<version>/ (the file is committed, so that the
 * package builds without ../shared). `--check` writes nothing and exits 1 when the file is stale.
 *
 * Two rewrites keep the output small and exact:
 * - the Kubernetes core types the CRDs inline (pod templates, Services, env, resources, security
 *   contexts, ...) become references to the `@pulumi/kubernetes` input types, found by property
 *   name *and* shape, so that a same-named Ray field of another shape (RayJob `metadata`, a worker
 *   group's `resources` map) keeps its own type;
 * - the RayCluster spec embedded in RayJob (`rayClusterSpec`) and RayService (`rayClusterConfig`)
 *   becomes a reference to `RayClusterSpec`, after checking that it is the same schema.
 * Objects are closed (`additionalProperties: false`) unless the CRD says
 * `x-kubernetes-preserve-unknown-fields`, so a misspelt field fails at tsc.
 */
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { compile, type JSONSchema } from "json-schema-to-typescript";
import YAML from "yaml";
import { parseCheckFlag } from "./checkFlag";
import { writeGenerated } from "./generatedFile";

/** The KubeRay version the operator runs (and whose CRDs the types come from). */
export const KUBERAY_VERSION = "v1.6.2";
export const ROOT = path.resolve(__dirname, "..", "..");
export const CRD_DIR = path.resolve(ROOT, "..", "shared", "kuberay");
export const OUTPUT = path.join(ROOT, "components", "ray", "crds", "rayV1.ts");

type Schema = Record<string, any>;

const CORE = "k8s.types.input.core.v1";

/** A core type the CRD inlines: the property names it appears under, and properties that prove the shape. */
interface CoreType {
    keys: string[];
    tsType: string;
    has: string[];
    array?: boolean;
}

const CORE_TYPES: CoreType[] = [
    { keys: ["template", "submitterPodTemplate"], tsType: `${CORE}.PodTemplateSpec`, has: ["metadata", "spec"] },
    { keys: ["headService", "serveService"], tsType: `${CORE}.Service`, has: ["apiVersion", "kind", "metadata", "spec"] },
    { keys: ["env"], tsType: `${CORE}.EnvVar`, has: ["name", "value", "valueFrom"], array: true },
    { keys: ["envFrom"], tsType: `${CORE}.EnvFromSource`, has: ["configMapRef", "secretRef"], array: true },
    { keys: ["volumeMounts"], tsType: `${CORE}.VolumeMount`, has: ["mountPath", "name"], array: true },
    { keys: ["volumes"], tsType: `${CORE}.Volume`, has: ["name", "configMap", "secret"], array: true },
    { keys: ["resources"], tsType: `${CORE}.ResourceRequirements`, has: ["limits", "requests"] },
    { keys: ["securityContext"], tsType: `${CORE}.SecurityContext`, has: ["capabilities", "runAsNonRoot"] },
    { keys: ["valueFrom"], tsType: `${CORE}.EnvVarSource`, has: ["configMapKeyRef", "secretKeyRef"] },
    { keys: ["metadata"], tsType: "k8s.types.input.meta.v1.ObjectMeta", has: ["labels", "annotations", "name"] },
];

function hasAll(schema: Schema | undefined, props: string[]): boolean {
    return props.every((p) => schema?.properties?.[p] !== undefined);
}

/** The schema with core types replaced by `tsType` references, and objects closed. Never mutates its input. */
function rewrite(schema: Schema, key?: string): Schema {
    if (key !== undefined) {
        for (const t of CORE_TYPES) {
            if (t.keys.includes(key) && hasAll(t.array ? schema.items : schema, t.has)) {
                return { description: schema.description, tsType: t.array ? `${t.tsType}[]` : t.tsType };
            }
        }
    }
    const out: Schema = { ...schema };
    if (schema.properties) {
        out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, rewrite(v as Schema, k)]));
    }
    if (schema.items) {
        out.items = rewrite(schema.items);
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
        out.additionalProperties = rewrite(schema.additionalProperties);
    }
    if (schema.type === "object" && schema.additionalProperties === undefined) {
        out.additionalProperties = schema["x-kubernetes-preserve-unknown-fields"] === true;
    }
    return out;
}

function specSchema(crdDir: string, file: string): Schema {
    const crd = YAML.parse(fs.readFileSync(path.join(crdDir, file), "utf8"));
    const v1 = crd.spec.versions.find((v: { name: string }) => v.name === "v1");
    if (!v1) {
        throw new Error(`${file}: no ray.io/v1 version`);
    }
    return v1.schema.openAPIV3Schema.properties.spec;
}

/** The embedded RayCluster spec, after checking it is the RayCluster CRD's own (descriptions aside). */
function clusterSpecRef(embedded: Schema, clusterSpec: Schema, where: string): Schema {
    const strip = (s: unknown): unknown =>
        Array.isArray(s)
            ? s.map(strip)
            : s && typeof s === "object"
              ? Object.fromEntries(
                    Object.entries(s)
                        .filter(([k]) => k !== "description")
                        .map(([k, v]) => [k, strip(v)]),
                )
              : s;
    if (!isDeepStrictEqual(strip(embedded), strip(clusterSpec))) {
        throw new Error(`${where} differs from the RayCluster spec: the generator cannot share RayClusterSpec`);
    }
    return { description: embedded.description, tsType: "RayClusterSpec" };
}

/** Names for the sub-objects builders produce on their own. */
function titled(spec: Schema, titles: Record<string, string>): Schema {
    const props = { ...spec.properties };
    for (const [key, title] of Object.entries(titles)) {
        const p = props[key];
        props[key] = p.type === "array" ? { ...p, items: { ...p.items, title } } : { ...p, title };
    }
    return { ...spec, properties: props };
}

const OPTIONS = {
    bannerComment: "",
    additionalProperties: false,
    strictIndexSignatures: false,
    unknownAny: true,
    declareExternallyReferenced: true,
    style: { tabWidth: 4, printWidth: 140, singleQuote: false },
};

/** The generated module's text from the CRDs in `crdDir/<version>`. */
export async function generateCrdTypes(crdDir = CRD_DIR, version = KUBERAY_VERSION): Promise<string> {
    const dir = path.join(crdDir, version);
    const cluster = specSchema(dir, "ray.io_rayclusters.yaml");
    const job = specSchema(dir, "ray.io_rayjobs.yaml");
    const service = specSchema(dir, "ray.io_rayservices.yaml");
    const jobSpec = {
        ...job,
        properties: {
            ...job.properties,
            rayClusterSpec: clusterSpecRef(job.properties.rayClusterSpec, cluster, "RayJob spec.rayClusterSpec"),
        },
    };
    const serviceSpec = {
        ...service,
        properties: {
            ...service.properties,
            rayClusterConfig: clusterSpecRef(service.properties.rayClusterConfig, cluster, "RayService spec.rayClusterConfig"),
        },
    };
    const clusterSpec = titled(cluster, {
        headGroupSpec: "HeadGroupSpec",
        workerGroupSpecs: "WorkerGroupSpec",
        autoscalerOptions: "AutoscalerOptions",
        authOptions: "AuthOptions",
        gcsFaultToleranceOptions: "GcsFaultToleranceOptions",
    });
    const parts = await Promise.all([
        compile(rewrite(clusterSpec) as JSONSchema, "RayClusterSpec", OPTIONS),
        compile(rewrite(jobSpec) as JSONSchema, "RayJobSpec", OPTIONS),
        compile(rewrite(serviceSpec) as JSONSchema, "RayServiceSpec", OPTIONS),
    ]);
    const banner = [
        "/* eslint-disable */",
        `// GENERATED by tools/gen/crdTypes.ts (json-schema-to-typescript) from the KubeRay ${version} CRDs:`,
        "// do not edit; run `npm run gen:crds` to regenerate. The ray.io/v1 spec types of RayCluster,",
        "// RayJob and RayService; Kubernetes core types are the @pulumi/kubernetes input types.",
        'import type * as k8s from "@pulumi/kubernetes";',
        "",
        `export const KUBERAY_CRD_VERSION = "${version}";`,
        "",
    ].join("\n");
    return banner + "\n" + parts.join("\n");
}

const USAGE = "usage: npm run gen:crds [-- --check]";

async function main(): Promise<number> {
    const values = parseCheckFlag(USAGE);
    if (typeof values === "number") {
        return values;
    }
    if (!fs.existsSync(path.join(CRD_DIR, KUBERAY_VERSION))) {
        process.stderr.write(`error: ${path.join(CRD_DIR, KUBERAY_VERSION)}: missing: the CRDs come from ../shared beside the repo\n`);
        return 2;
    }
    return writeGenerated(OUTPUT, await generateCrdTypes(), { check: values.check, root: ROOT, command: "npm run gen:crds" });
}

if (require.main === module) {
    main().then((code) => process.exit(code));
}
