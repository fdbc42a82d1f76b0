/**
 * The node step's PodMonitor translation (./podMonitorScrape.ts): the scrape config Prometheus gets
 * must select what the PodMonitor selects, no more. Relabel rules are applied here as Prometheus
 * applies them (anchored regexes over `;`-joined source labels) to discovered pod targets.
 */
import * as assert from "assert";
import * as YAML from "yaml";
import { podTargetGroups, prometheusConfig, sanitize, scrapeConfigsOf, type Relabel } from "./podMonitorScrape";
import { rayPodMonitor } from "../components/observability/podMonitor";

/** Prometheus's relabeling of one target: undefined when dropped. */
function relabel(labels: Record<string, string>, rules: Relabel[]): Record<string, string> | undefined {
    const out = { ...labels };
    for (const r of rules) {
        const value = (r.source_labels ?? []).map((l) => out[l] ?? "").join(r.separator ?? ";");
        const re = new RegExp(`^(?:${r.regex ?? "(.*)"})$`);
        const action = r.action ?? "replace";
        if (action === "keep" && !re.test(value)) return undefined;
        if (action === "drop" && re.test(value)) return undefined;
        if (action === "replace") {
            const m = re.exec(value);
            if (m && r.target_label) out[r.target_label] = (r.replacement ?? "$1").replace(/\$(\d)/g, (_, i) => m[Number(i)] ?? "");
        }
    }
    return out;
}

/** A discovered pod container port, as Prometheus's pod role labels it. */
function target(pod: { ns: string; labels: Record<string, string>; port: string; phase?: string }): Record<string, string> {
    const labels: Record<string, string> = {
        __meta_kubernetes_namespace: pod.ns,
        __meta_kubernetes_pod_name: "p",
        __meta_kubernetes_pod_container_name: "ray-head",
        __meta_kubernetes_pod_container_port_name: pod.port,
        __meta_kubernetes_pod_phase: pod.phase ?? "Running",
    };
    for (const [k, v] of Object.entries(pod.labels)) {
        labels[`__meta_kubernetes_pod_label_${sanitize(k)}`] = v;
        labels[`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`] = "true";
    }
    return labels;
}

const RAY = { "ray-on-ack.io/team": "t", "ray-on-ack.io/role": "head", "ray-on-ack.io/cluster": "c", "ray.io/cluster": "c-x1" };

describe("e2e: PodMonitor -> Prometheus scrape config", () => {
    const pm = JSON.parse(JSON.stringify(rayPodMonitor("t", "ray-t")));
    const [job] = scrapeConfigsOf(pm, "5s");

    it("discovers pods in the monitor's namespaces only, every 5 s in the harness", () => {
        assert.deepStrictEqual(job.kubernetes_sd_configs, [{ role: "pod", namespaces: { names: ["ray-t"] } }]);
        assert.strictEqual(job.scrape_interval, "5s");
        assert.strictEqual(job.metrics_path, "/metrics");
        assert.strictEqual(job.scheme, "http");
        const config = YAML.parse(prometheusConfig({ items: [pm] }, "5s"));
        assert.deepStrictEqual(config.global, { scrape_interval: "5s", scrape_timeout: "4s" });
        assert.strictEqual(config.scrape_configs[0].job_name, "podMonitor/ray-t/ray-metrics/0");
    });

    it("keeps the team's Ray pods on the metrics port, with the monitor's labels; drops other pods, roles and ports", () => {
        const kept = relabel(target({ ns: "ray-t", labels: RAY, port: "metrics" }), job.relabel_configs);
        assert.ok(kept);
        assert.strictEqual(kept.job, "ray-t/ray-metrics");
        assert.strictEqual(kept.ray_io_cluster, "c-x1");
        assert.strictEqual(kept.ray_workload, "c");
        assert.strictEqual(kept.namespace, "ray-t");
        const dropped = [
            target({ ns: "ray-t", labels: RAY, port: "dashboard" }),
            target({ ns: "ray-t", labels: { ...RAY, "ray-on-ack.io/team": "u" }, port: "metrics" }),
            target({ ns: "ray-t", labels: { ...RAY, "ray-on-ack.io/role": "submitter" }, port: "metrics" }),
            target({ ns: "ray-t", labels: { "ray.io/cluster": "c-x1" }, port: "metrics" }),
            target({ ns: "ray-t", labels: RAY, port: "metrics", phase: "Succeeded" }),
        ];
        assert.deepStrictEqual(
            dropped.map((t) => relabel(t, job.relabel_configs)),
            dropped.map(() => undefined),
        );
    });

    it("stands in for the pod discovery Debian's Prometheus lacks: a file of the monitors' namespaces' pod ports, judged by the same rules", () => {
        const [fileJob] = scrapeConfigsOf(pm, "5s", "/etc/prometheus/targets.json");
        assert.deepEqual(fileJob.file_sd_configs, [{ files: ["/etc/prometheus/targets.json"], refresh_interval: "5s" }]);
        assert.equal(fileJob.kubernetes_sd_configs, undefined);
        assert.deepEqual(fileJob.relabel_configs, job.relabel_configs);
        const pod = (ns: string, name: string, labels: Record<string, string>, ports: { name: string; containerPort: number }[]) => ({
            metadata: { namespace: ns, name, labels },
            spec: { containers: [{ name: "ray-head", ports }] },
            status: { podIP: `10.0.0.${name.length}`, phase: "Running" },
        });
        const pods = {
            items: [
                pod("ray-t", "head", RAY, [
                    { name: "gcs", containerPort: 6379 },
                    { name: "metrics", containerPort: 8080 },
                ]),
                pod("ray-u", "other-team-head", { ...RAY, "ray-on-ack.io/team": "u" }, [{ name: "metrics", containerPort: 8080 }]),
            ],
        };
        const groups = podTargetGroups(pods, { items: [pm] });
        assert.deepEqual(
            groups.map((g) => g.targets[0]),
            ["10.0.0.4:6379", "10.0.0.4:8080"],
        );
        const scraped = groups.map((g) => relabel(g.labels, fileJob.relabel_configs)).filter((t) => t !== undefined);
        assert.deepEqual(
            scraped.map((t) => [t.pod, t.endpoint, t.ray_workload]),
            [["head", "metrics", "c"]],
        );
    });

    it("refuses what it cannot translate faithfully instead of dropping it", () => {
        const withToken = {
            ...pm,
            spec: { ...pm.spec, podMetricsEndpoints: [{ port: "metrics", bearerTokenSecret: { name: "s", key: "k" } }] },
        };
        assert.throws(() => scrapeConfigsOf(withToken), /podMetricsEndpoints\[0\]\.bearerTokenSecret cannot be translated/);
        assert.throws(() => scrapeConfigsOf({ ...pm, spec: { ...pm.spec, namespaceSelector: { any: true } } }), /namespaceSelector.any/);
        assert.throws(
            () => scrapeConfigsOf({ ...pm, spec: { ...pm.spec, selector: { matchExpressions: [{ key: "k", operator: "Gt" }] } } }),
            /operator Gt cannot be translated/,
        );
    });
});
