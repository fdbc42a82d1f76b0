/**
 * The node step's stand-in for prometheus-operator: Debian's Prometheus 2.42 reads no PodMonitor,
 * so the PodMonitors the stack rendered (as `kubectl get podmonitors -o json` prints them) become the
 * `scrape_configs` that prometheus-operator would generate for them: Kubernetes pod discovery in the
 * monitor's namespaces, `keep` rules for its label selector and endpoint port, the standard target
 * labels, then the monitor's own relabelings. A field it cannot translate faithfully is refused
 * rather than dropped (a dropped bearer token or TLS setting would change what the scrape proves).
 *
 * Debian builds its Prometheus without the Kubernetes discovery (its `kubernetes_sd_configs` is an
 * unknown field there), so the harness discovers the pods itself: `--file-sd FILE` makes each job
 * read its targets from FILE, and `--targets` writes that file from `kubectl get pods -o json`, one
 * target per container port with the labels Prometheus's pod discovery gives it
 * (`__meta_kubernetes_pod_label_*`, `..._container_port_name`, ...), limited to the monitors'
 * namespaces. The selection itself stays Prometheus's: the relabel rules below decide.
 *
 *   node node_modules/ts-node/dist/bin.js e2e/podMonitorScrape.ts [--interval 5s] [--file-sd FILE] < podmonitors.json > prometheus.yml
 *   node node_modules/ts-node/dist/bin.js e2e/podMonitorScrape.ts --targets podmonitors.json < pods.json > targets.json
 */
import * as fs from "fs";
import * as YAML from "yaml";

export interface Relabel {
    source_labels?: string[];
    separator?: string;
    regex?: string;
    target_label?: string;
    replacement?: string;
    action?: string;
}

export interface ScrapeConfig {
    job_name: string;
    scrape_interval?: string;
    scrape_timeout?: string;
    metrics_path: string;
    scheme: string;
    kubernetes_sd_configs?: { role: "pod"; namespaces: { names: string[] } }[];
    file_sd_configs?: { files: string[]; refresh_interval: string }[];
    relabel_configs: Relabel[];
}

/** What Prometheus's pod discovery gives one container port of a pod. */
export interface TargetGroup {
    targets: string[];
    labels: Record<string, string>;
}

/** Endpoint fields translated; any other one is refused. */
const ENDPOINT_FIELDS = new Set(["port", "path", "scheme", "interval", "scrapeTimeout", "relabelings"]);
const SPEC_FIELDS = new Set(["selector", "namespaceSelector", "podMetricsEndpoints"]);

/** A Kubernetes label name as Prometheus's discovery meta label writes it. */
export const sanitize = (label: string): string => label.replace(/[^a-zA-Z0-9_]/g, "_");

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function selectorRules(selector: any): Relabel[] {
    const rules: Relabel[] = [];
    const both = (key: string) => [`__meta_kubernetes_pod_label_${sanitize(key)}`, `__meta_kubernetes_pod_labelpresent_${sanitize(key)}`];
    for (const [key, value] of Object.entries<string>(selector?.matchLabels ?? {})) {
        rules.push({ action: "keep", source_labels: both(key), regex: `(${escapeRegex(value)});true` });
    }
    for (const e of (selector?.matchExpressions ?? []) as { key: string; operator: string; values?: string[] }[]) {
        const values = `(${(e.values ?? []).map(escapeRegex).join("|")})`;
        switch (e.operator) {
            case "In":
                rules.push({ action: "keep", source_labels: both(e.key), regex: `${values};true` });
                break;
            case "NotIn":
                rules.push({ action: "drop", source_labels: both(e.key), regex: `${values};true` });
                break;
            case "Exists":
                rules.push({ action: "keep", source_labels: [both(e.key)[1]], regex: "true" });
                break;
            case "DoesNotExist":
                rules.push({ action: "drop", source_labels: [both(e.key)[1]], regex: "true" });
                break;
            default:
                throw new Error(`selector operator ${e.operator} cannot be translated`);
        }
    }
    return rules;
}

const snake: Record<string, keyof Relabel> = {
    sourceLabels: "source_labels",
    separator: "separator",
    regex: "regex",
    targetLabel: "target_label",
    replacement: "replacement",
    action: "action",
};

function userRelabel(r: Record<string, unknown>): Relabel {
    const out: Relabel = {};
    for (const [k, v] of Object.entries(r)) {
        const to = snake[k];
        if (to === undefined) {
            throw new Error(`relabeling field ${k} cannot be translated`);
        }
        (out as Record<string, unknown>)[to] = to === "action" ? String(v).toLowerCase() : v;
    }
    return out;
}

/** prometheus-operator's scrape configs for one PodMonitor (one per endpoint). */
export function scrapeConfigsOf(pm: any, intervalOverride?: string, fileSd?: string): ScrapeConfig[] {
    const { name, namespace } = pm.metadata;
    const spec = pm.spec ?? {};
    for (const k of Object.keys(spec)) {
        if (!SPEC_FIELDS.has(k)) throw new Error(`PodMonitor ${namespace}/${name}: spec.${k} cannot be translated`);
    }
    if (spec.namespaceSelector?.any) throw new Error(`PodMonitor ${namespace}/${name}: namespaceSelector.any is not translated`);
    const namespaces: string[] = spec.namespaceSelector?.matchNames ?? [namespace];
    return (spec.podMetricsEndpoints ?? []).map((e: any, i: number) => {
        for (const k of Object.keys(e)) {
            if (!ENDPOINT_FIELDS.has(k))
                throw new Error(`PodMonitor ${namespace}/${name}: podMetricsEndpoints[${i}].${k} cannot be translated`);
        }
        if (typeof e.port !== "string") throw new Error(`PodMonitor ${namespace}/${name}: podMetricsEndpoints[${i}] needs a named port`);
        const interval = intervalOverride ?? e.interval;
        return {
            job_name: `podMonitor/${namespace}/${name}/${i}`,
            ...(interval ? { scrape_interval: interval } : {}),
            ...(e.scrapeTimeout ? { scrape_timeout: e.scrapeTimeout } : {}),
            metrics_path: e.path ?? "/metrics",
            scheme: e.scheme ?? "http",
            ...(fileSd
                ? { file_sd_configs: [{ files: [fileSd], refresh_interval: "5s" }] }
                : { kubernetes_sd_configs: [{ role: "pod" as const, namespaces: { names: namespaces } }] }),
            relabel_configs: [
                ...selectorRules(spec.selector),
                { action: "keep", source_labels: ["__meta_kubernetes_pod_container_port_name"], regex: escapeRegex(e.port) },
                // Pods that are gone or not yet running are no targets (as prometheus-operator does).
                { action: "drop", source_labels: ["__meta_kubernetes_pod_phase"], regex: "(Failed|Succeeded)" },
                { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
                { source_labels: ["__meta_kubernetes_pod_container_name"], target_label: "container" },
                { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
                { target_label: "job", replacement: `${namespace}/${name}` },
                { target_label: "endpoint", replacement: e.port },
                ...((e.relabelings ?? []) as Record<string, unknown>[]).map(userRelabel),
            ],
        };
    });
}

const itemsOf = (podMonitors: any): any[] => (podMonitors?.kind === "PodMonitor" ? [podMonitors] : (podMonitors?.items ?? []));

/** A Prometheus configuration from a PodMonitorList (or one PodMonitor). */
export function prometheusConfig(podMonitors: any, intervalOverride?: string, fileSd?: string): string {
    const interval = intervalOverride ?? "30s";
    return YAML.stringify({
        global: { scrape_interval: interval, scrape_timeout: interval === "30s" ? "10s" : `${Math.max(1, parseInt(interval, 10) - 1)}s` },
        scrape_configs: itemsOf(podMonitors).flatMap((pm) => scrapeConfigsOf(pm, intervalOverride, fileSd)),
    });
}

/**
 * The targets Prometheus's pod discovery would give for the pods of a PodList, in the namespaces the
 * PodMonitors select: one per declared container port of each pod with an address.
 */
export function podTargetGroups(pods: any, podMonitors: any): TargetGroup[] {
    const namespaces = new Set(
        itemsOf(podMonitors).flatMap((pm) => (pm.spec?.namespaceSelector?.matchNames as string[] | undefined) ?? [pm.metadata.namespace]),
    );
    const out: TargetGroup[] = [];
    for (const pod of (pods?.items ?? []) as any[]) {
        const ip: string | undefined = pod.status?.podIP;
        if (!namespaces.has(pod.metadata.namespace) || !ip) continue;
        const podLabels: Record<string, string> = {
            __meta_kubernetes_namespace: pod.metadata.namespace,
            __meta_kubernetes_pod_name: pod.metadata.name,
            __meta_kubernetes_pod_ip: ip,
            __meta_kubernetes_pod_phase: pod.status?.phase ?? "",
        };
        for (const [k, v] of Object.entries<string>(pod.metadata.labels ?? {})) {
            podLabels[`__meta_kubernetes_pod_label_${sanitize(k)}`] = v;
            podLabels[`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`] = "true";
        }
        for (const c of (pod.spec?.containers ?? []) as any[]) {
            for (const p of (c.ports ?? []) as any[]) {
                if ((p.protocol ?? "TCP") !== "TCP") continue;
                out.push({
                    targets: [`${ip}:${p.containerPort}`],
                    labels: {
                        ...podLabels,
                        __meta_kubernetes_pod_container_name: c.name,
                        __meta_kubernetes_pod_container_port_name: p.name ?? "",
                        __meta_kubernetes_pod_container_port_number: String(p.containerPort),
                    },
                });
            }
        }
    }
    return out;
}

if (require.main === module) {
    const arg = (name: string) => {
        const i = process.argv.indexOf(name);
        return i > 0 ? process.argv[i + 1] : undefined;
    };
    const stdin = JSON.parse(fs.readFileSync(0, "utf8"));
    const targetsFor = arg("--targets");
    process.stdout.write(
        targetsFor
            ? JSON.stringify(podTargetGroups(stdin, JSON.parse(fs.readFileSync(targetsFor, "utf8"))), null, 1)
            : prometheusConfig(stdin, arg("--interval"), arg("--file-sd")),
    );
}
