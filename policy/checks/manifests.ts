/**
 * The pack judges objects it can read. A Helm Release renders its chart inside the provider, and
 * a Helm Chart, a YAML file or a kustomize directory is read from disk: their pods, Roles and
 * Services never reach the pack as inputs (`render`, which runs without a provider, does not see
 * them at all). So each needs an exception the platform team grants after reading what it
 * deploys; inline `objs`/`yaml` of a ConfigGroup are judged object by object instead (expand.ts).
 * A Release's or Chart's values are visible, and values that ask for host access are refused outright.
 */
import { POLICY_IDS } from "@ray-on-ack/common";
import { Check, Finding, ungrantable, violation } from "../check";
import { PolicyResource } from "../resource";
import { INLINE_GROUP_TYPES } from "../expand";

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** What each opaque type hides, by the inputs that name the hidden source. */
const OPAQUE: Record<string, { what: string; source: readonly string[] }> = {
    [HELM_RELEASE]: { what: "a Helm release rendered by the provider", source: ["chart"] },
    "kubernetes:helm.sh/v3:Chart": { what: "a Helm chart", source: ["chart", "path"] },
    "kubernetes:helm.sh/v4:Chart": { what: "a Helm chart", source: ["chart"] },
    "kubernetes:yaml:ConfigFile": { what: "a YAML file", source: ["file"] },
    "kubernetes:yaml/v2:ConfigFile": { what: "a YAML file", source: ["file"] },
    "kubernetes:yaml:ConfigGroup": { what: "YAML files", source: ["files"] },
    "kubernetes:yaml/v2:ConfigGroup": { what: "YAML files", source: ["files"] },
    "kubernetes:kustomize:Directory": { what: "a kustomize directory", source: ["directory"] },
    "kubernetes:kustomize/v2:Directory": { what: "a kustomize directory", source: ["directory"] },
};

function hasFiles(r: PolicyResource): boolean {
    const files = r.props?.files;
    return files !== undefined && files !== null && (!Array.isArray(files) || files.length > 0);
}

/** A ConfigGroup of inline objects only is read object by object: it passes. */
function isOpaque(r: PolicyResource): boolean {
    return !INLINE_GROUP_TYPES.includes(r.type) || hasFiles(r);
}

/** Value keys that ask a chart for host access, whatever the chart calls the surrounding section. */
const HOST_ACCESS: ReadonlyArray<[key: string, bad: (v: unknown) => boolean, why: string]> = [
    ["privileged", (v) => v === true, "a privileged container"],
    ["hostPID", (v) => v === true, "the host's PID namespace"],
    ["hostNetwork", (v) => v === true, "the host's network"],
    ["hostIPC", (v) => v === true, "the host's IPC namespace"],
    ["shareProcessNamespace", (v) => v === true, "a shared process namespace"],
    ["allowPrivilegeEscalation", (v) => v === true, "privilege escalation"],
    ["runAsUser", (v) => v === 0, "root"],
    ["hostPath", (v) => (typeof v === "string" && v !== "") || (typeof v === "object" && v !== null), "a host path"],
];

function hostAccessValues(r: PolicyResource, value: unknown, path: string, depth = 0): Finding[] {
    if (value === null || typeof value !== "object" || depth > 32) {
        return [];
    }
    return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
        const here = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
        const hit = HOST_ACCESS.find(([k, bad]) => k === key && bad(v));
        // No grant waives these: reviewing a chart is not accepting host access for Ray's namespace.
        const own = hit
            ? [ungrantable(violation(r, here, `asks the chart for ${hit[2]} (${JSON.stringify(v)}); Ray namespaces allow no host access`))]
            : [];
        return [...own, ...hostAccessValues(r, v, here, depth + 1)];
    });
}

export const manifestsVisible: Check = {
    kind: "resource",
    id: POLICY_IDS.manifestsVisible,
    title: "Every object the stack deploys is visible to the pack",
    seedSection: "2, 5",
    description:
        "seed 2, 5: a Helm Release or Chart, a YAML ConfigFile, a ConfigGroup with files or a kustomize Directory deploys objects the pack cannot read, so each needs an exception granted in the platform's policy pack config after review; a Helm Release's or Chart's values never ask for privileged, host namespaces, root or host paths.",
    configKeys: [],
    appliesTo: (r) => r.type in OPAQUE,
    validate(r) {
        if (!isOpaque(r)) {
            return [];
        }
        const { what, source } = OPAQUE[r.type];
        const named = source.map((k) => r.props?.[k]).find((v) => typeof v === "string" || Array.isArray(v));
        const findings = [
            violation(
                r,
                "",
                `deploys ${what}${named !== undefined ? ` (${JSON.stringify(named)})` : ""} whose objects the pack cannot read; review them and grant an exception in the platform's policy pack config, or declare the objects in the stack`,
            ),
        ];
        if (r.type.startsWith("kubernetes:helm.sh/")) {
            findings.push(...hostAccessValues(r, r.props?.values, "values"));
        }
        if (r.type === HELM_RELEASE && (r.props?.valueYamlFiles ?? []).length > 0) {
            findings.push(violation(r, "valueYamlFiles", "holds values the pack cannot read; put them in values"));
        }
        return findings;
    },
};
