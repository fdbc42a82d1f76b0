/**
 * Schema validators for rendered objects: the KubeRay CRDs from ../shared/kuberay (made
 * strict: a field the CRD does not define is an error, as the API server's strict field
 * validation would report) and kubernetes-models for the built-in kinds.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import YAML from "yaml";

export const SHARED = path.resolve(__dirname, "..", "..", "..", "shared");
export const KUBERAY_CRDS = path.join(SHARED, "kuberay");

/** CI must have ../shared; elsewhere a missing copy skips loudly instead of failing. */
export function requireSharedData(ctx: Mocha.Context, file: string): void {
    if (fs.existsSync(file)) {
        return;
    }
    if (process.env.CI) {
        throw new Error(`conformance data missing: ${file} (CI needs ../shared beside the repo)`);
    }
    console.warn(`\n!!! SKIPPING: ${file} is missing; clone with ../shared beside the repo to run this conformance test !!!\n`);
    ctx.skip();
}

function strictify(schema: any): any {
    if (Array.isArray(schema)) {
        return schema.map(strictify);
    }
    if (schema === null || typeof schema !== "object") {
        return schema;
    }
    const out: any = {};
    for (const [k, v] of Object.entries(schema)) {
        out[k] = strictify(v);
    }
    if (out.properties && out.additionalProperties === undefined && !out["x-kubernetes-preserve-unknown-fields"]) {
        out.additionalProperties = false;
    }
    return out;
}

function ajv(): Ajv {
    const a = new Ajv({ strict: false, allErrors: true });
    addFormats(a);
    a.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) });
    a.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
    return a;
}

/** Validators per kind from the CRDs of one KubeRay version. */
export function kubeRayValidators(version: string): Record<string, ValidateFunction> {
    const a = ajv();
    const out: Record<string, ValidateFunction> = {};
    for (const file of ["ray.io_rayclusters.yaml", "ray.io_rayjobs.yaml", "ray.io_rayservices.yaml"]) {
        const crd = YAML.parse(fs.readFileSync(path.join(KUBERAY_CRDS, version, file), "utf8"));
        const v1 = crd.spec.versions.find((v: any) => v.name === "v1");
        out[crd.spec.names.kind] = a.compile(strictify(v1.schema.openAPIV3Schema));
    }
    return out;
}

export function ajvErrors(v: ValidateFunction): string {
    return (v.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join("; ");
}

// TypeScript compiles import() to require() under CommonJS; kubernetes-models is ESM-only.
const importEsm = new Function("m", "return import(m)") as (m: string) => Promise<any>;

/** Validates a built-in object with kubernetes-models; throws with the schema's complaint. */
export async function validateBuiltIn(obj: Record<string, any>): Promise<void> {
    const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
    const mod = await importEsm(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
    const Model = mod[obj.kind];
    if (!Model) {
        throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
    }
    new Model(obj).validate();
}
