/**
 * Turns a recorded program run into the renderer's files: every Kubernetes object as
 * multi-document YAML (Secret values redacted unless asked for), every Alibaba Cloud
 * resource with its inputs, the stack outputs, the PKI's public certificates and the
 * posture report. Ordering is fixed so that two renders of one stack differ only in
 * generated secret material.
 */
import type { ProgramRun, RecordedResource } from "./mockRuntime";
import { evaluatePosture, postureMarkdown } from "../policy/posture";
import type { PolicyPackConfigFile } from "../policy/config";
import { kubernetesYaml } from "../components/core/yaml";
import { DYNAMIC_RESOURCE_TYPE } from "../components/providers/dynamicType";

export const REDACTED = "REDACTED";

/** Mode of every file written with --include-secrets (and of the key files always). */
export const SECRET_FILE_MODE = 0o600;

export interface RenderOptions {
    readonly includeSecrets: boolean;
    /** The stack's name, which the pack config's grants name. */
    readonly stack?: string;
    /** The platform's `--policy-pack-config` file (platform/policy-pack-config.json), as the pack gets it. */
    readonly policyPackConfig?: PolicyPackConfigFile;
}

/** Files to write, by path relative to the output directory, with their mode. */
export type RenderedFiles = Map<string, { content: string; mode?: number }>;

const KIND_ORDER = [
    "Namespace",
    "ResourceQuota",
    "LimitRange",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "NetworkPolicy",
    "Secret",
    "PodNetworking",
    "Service",
    "Ingress",
    "RayCluster",
    "RayJob",
    "RayService",
];

export function isKubernetesObject(r: RecordedResource): boolean {
    return r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string";
}

export function isAlicloudResource(r: RecordedResource): boolean {
    return r.type.startsWith("alicloud:");
}

function kindRank(kind: string): number {
    const i = KIND_ORDER.indexOf(kind);
    return i === -1 ? KIND_ORDER.length : i;
}

export function sortObjects(objects: Record<string, any>[]): Record<string, any>[] {
    const key = (o: Record<string, any>) => [kindRank(o.kind), o.metadata?.namespace ?? "", o.kind, o.metadata?.name ?? ""];
    return [...objects].sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        for (let i = 0; i < ka.length; i++) {
            if (ka[i] < kb[i]) return -1;
            if (ka[i] > kb[i]) return 1;
        }
        return 0;
    });
}

function redactSecret(obj: Record<string, any>): Record<string, any> {
    const out = { ...obj };
    for (const field of ["data", "stringData"]) {
        if (out[field]) {
            out[field] = Object.fromEntries(Object.keys(out[field]).map((k) => [k, REDACTED]));
        }
    }
    return out;
}

export function kubernetesObjects(run: ProgramRun, opts: RenderOptions): Record<string, any>[] {
    const objects = run.resources.filter(isKubernetesObject).map((r) => r.inputs);
    return sortObjects(objects.map((o) => (o.kind === "Secret" && !opts.includeSecrets ? redactSecret(o) : o)));
}

export function manifestsYaml(objects: Record<string, any>[]): string {
    return objects.map((o) => kubernetesYaml(o, { lineWidth: 0 })).join("---\n");
}

export function alicloudResources(run: ProgramRun): { type: string; name: string; inputs: Record<string, any> }[] {
    return run.resources
        .filter(isAlicloudResource)
        .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }))
        .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type.localeCompare(b.type)));
}

export function stackOutputs(run: ProgramRun, opts: RenderOptions): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, o] of Object.entries(run.outputs)) {
        out[k] = o.secret && !opts.includeSecrets ? "[secret]" : o.value;
    }
    return out;
}

/**
 * Each cluster's PKI under `pki/<cluster>/`: `ca.crt` (its own CA bundle), `head.crt`, `worker.crt`
 * and `clients/<user>.crt`, plus, only when asked, the leaf and client keys (never a CA key).
 */
export function pkiFiles(run: ProgramRun, opts: RenderOptions): RenderedFiles {
    const files: RenderedFiles = new Map();
    const add = (file: string, pair: { certPem: string; keyPem: string }) => {
        files.set(`${file}.crt`, { content: pair.certPem });
        if (opts.includeSecrets) {
            files.set(`${file}.key`, { content: pair.keyPem, mode: SECRET_FILE_MODE });
        }
    };
    for (const r of run.resources) {
        const s = r.state.secretState;
        if (r.type !== DYNAMIC_RESOURCE_TYPE || !s?.request?.cluster) {
            continue;
        }
        const dir = `pki/${s.request.cluster}`;
        files.set(`${dir}/ca.crt`, { content: s.caBundlePem });
        add(`${dir}/head`, s.head);
        add(`${dir}/worker`, s.worker);
        for (const [client, pair] of Object.entries<any>(s.clients)) {
            add(`${dir}/clients/${client}`, pair);
        }
    }
    return files;
}

export function renderFiles(run: ProgramRun, opts: RenderOptions): RenderedFiles {
    const files: RenderedFiles = new Map();
    files.set("manifests.yaml", { content: manifestsYaml(kubernetesObjects(run, opts)) });
    files.set("alicloud.json", { content: `${JSON.stringify(alicloudResources(run), null, 2)}\n` });
    files.set("outputs.json", { content: `${JSON.stringify(stackOutputs(run, opts), null, 2)}\n` });
    for (const [p, f] of pkiFiles(run, opts)) {
        files.set(p, f);
    }
    // The policy pack judges what was rendered, exactly as `pulumi preview --policy-pack policy` would.
    const posture = evaluatePosture(
        run.resources.filter((r) => !r.type.startsWith("pulumi")).map((r) => ({ type: r.type, name: r.name, props: r.inputs })),
        { stack: opts.stack, policyPackConfig: opts.policyPackConfig },
    );
    files.set("posture.json", { content: `${JSON.stringify(posture, null, 2)}\n` });
    files.set("posture.md", { content: postureMarkdown(posture) });
    if (opts.includeSecrets) {
        // Secret values, keys and the token are in these files: owner-only, like an SSH key.
        for (const [p, f] of files) {
            files.set(p, { ...f, mode: SECRET_FILE_MODE });
        }
    }
    return files;
}

/** Ids of the checks a rendered posture.json fails (violations without a granted exception). */
export function failingChecks(postureJson: string | undefined): string[] {
    const report = postureJson === undefined ? {} : (JSON.parse(postureJson) as { checks?: { id: string; status: string }[] });
    return (report.checks ?? []).filter((c) => c.status === "fail").map((c) => c.id);
}
