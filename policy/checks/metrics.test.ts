/** ray-metrics-scrape: what a team's PodMonitor or ServiceMonitor may point the platform's Prometheus at. */
import * as assert from "assert";
import { metricsScrape } from "./metrics";
import { NS, grantFor, k8s, messages, podMonitor } from "../../test/fixtures/policy";

const PM = `PodMonitor ${NS}/ray-metrics`;

describe("policy ray-metrics-scrape (seed 1.4, 2)", () => {
    it("accepts a monitor of the namespace's own pods on the metrics port, by name or number, with plain relabelings", () => {
        assert.deepStrictEqual(messages(metricsScrape, podMonitor({})), []);
        const serviceMonitor = k8s("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: "sm", namespace: NS },
            spec: {
                selector: { matchLabels: { app: "ray" } },
                namespaceSelector: { matchNames: [NS] },
                endpoints: [{ targetPort: 8080, relabelings: [{ sourceLabels: ["__meta_kubernetes_pod_name"], targetLabel: "pod" }] }],
            },
        });
        assert.deepStrictEqual(messages(metricsScrape, serviceMonitor), []);
    });

    it("refuses other namespaces, an empty selector, other ports, credentials, TLS, proxies and address rewrites, whatever the grants", () => {
        const bad = podMonitor({
            selector: {},
            namespaceSelector: { any: true },
            podMetricsEndpoints: [
                {
                    port: "dashboard",
                    scheme: "https",
                    bearerTokenSecret: { name: "prometheus-k8s-token", key: "token" },
                    tlsConfig: { insecureSkipVerify: true },
                    proxyUrl: "http://10.0.0.1:3128",
                    relabelings: [{ targetLabel: "__address__", replacement: "100.100.100.200:80" }],
                },
            ],
        });
        const found = messages(metricsScrape, bad, { grants: [grantFor(bad)] });
        assert.deepStrictEqual(found, [
            `${PM}: spec.namespaceSelector: is {"any":true}: must be {"matchNames":["${NS}"]}, the monitor's own namespace; the platform's Prometheus would scrape other teams' pods for it`,
            `${PM}: spec.selector: is empty: it selects every pod of the namespace; select the Ray pods`,
            `${PM}: spec.podMetricsEndpoints[0].bearerTokenSecret: is set: the platform's scraper would send a credential, present a certificate or follow a proxy or redirect on the team's behalf; Ray's metrics need none`,
            `${PM}: spec.podMetricsEndpoints[0].tlsConfig: is set: the platform's scraper would send a credential, present a certificate or follow a proxy or redirect on the team's behalf; Ray's metrics need none`,
            `${PM}: spec.podMetricsEndpoints[0].proxyUrl: is set: the platform's scraper would send a credential, present a certificate or follow a proxy or redirect on the team's behalf; Ray's metrics need none`,
            `${PM}: spec.podMetricsEndpoints[0]: scrapes "dashboard": only Ray's metrics port (named metrics, 8080) is admitted to the monitoring namespace`,
            `${PM}: spec.podMetricsEndpoints[0].scheme: is "https"; Ray's metrics port speaks plain HTTP`,
            `${PM}: spec.podMetricsEndpoints[0].relabelings[0].targetLabel: writes __address__, which decides what is scraped (address, scheme, path, parameters): the scraper could be sent to any address it reaches`,
        ]);
        // Another team's namespace named outright is refused the same way.
        const other = messages(metricsScrape, podMonitor({ namespaceSelector: { matchNames: [NS, "ray-team-b"] } }));
        assert.strictEqual(other.length, 1);
        assert.match(other[0], /spec\.namespaceSelector: is \{"matchNames":\["ray-a","ray-team-b"\]\}/);
    });
});
