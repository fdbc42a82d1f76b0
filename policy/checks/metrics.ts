/**
 * Metrics (docs/design.md "Metrics"): the platform's Prometheus reads a team's PodMonitors and
 * ServiceMonitors (`monitoring.coreos.com/v1`) and scrapes what they say with its own identity from
 * the monitoring namespace. So a monitor in a team namespace may only point it at that namespace's
 * pods (`namespaceSelector.matchNames` is exactly its own namespace, the selector is not empty), at
 * the metrics port only (named `metrics`, or 8080), in plain HTTP, with no field that makes the
 * scraper send a credential (a Secret of the monitoring namespace, its own token file), present a
 * certificate, go through a proxy, or rewrite the address, scheme or path it scrapes.
 */
import {
    METRICS_PORT,
    METRICS_PORT_NAME,
    MONITORING_API_VERSION,
    POLICY_IDS,
    SCRAPE_SECRET_FIELDS,
    scrapeTargetLabel,
} from "@ray-on-ack/common";
import { Check, Finding, ungrantable, violation } from "../check";
import { PolicyResource, isKind, namespaceOf } from "../resource";

const GROUP = MONITORING_API_VERSION.split("/")[0];
const MONITOR_KINDS = ["PodMonitor", "ServiceMonitor"];
const isMonitor = (r: PolicyResource) => MONITOR_KINDS.some((k) => isKind(r, GROUP, k));

function selectorEmpty(selector: any): boolean {
    return (
        selector === undefined ||
        selector === null ||
        (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
    );
}

function endpointFindings(r: PolicyResource, e: any, at: string, kind: string): Finding[] {
    const out: Finding[] = [];
    for (const field of SCRAPE_SECRET_FIELDS) {
        if (e?.[field] !== undefined) {
            out.push(
                violation(
                    r,
                    `${at}.${field}`,
                    "is set: the platform's scraper would send a credential, present a certificate or follow a proxy or redirect on the team's behalf; Ray's metrics need none",
                ),
            );
        }
    }
    const port = e?.port;
    const targetPort = kind === "PodMonitor" ? (e?.targetPort ?? e?.portNumber) : e?.targetPort;
    const onMetrics = (port === METRICS_PORT_NAME && targetPort === undefined) || (port === undefined && targetPort === METRICS_PORT);
    if (!onMetrics) {
        out.push(
            violation(
                r,
                at,
                `scrapes ${JSON.stringify(port ?? targetPort ?? "every port")}: only Ray's metrics port (named ${METRICS_PORT_NAME}, ${METRICS_PORT}) is admitted to the monitoring namespace`,
            ),
        );
    }
    if (e?.scheme !== undefined && String(e.scheme).toLowerCase() !== "http") {
        out.push(violation(r, `${at}.scheme`, `is ${JSON.stringify(e.scheme)}; Ray's metrics port speaks plain HTTP`));
    }
    for (const key of ["relabelings", "metricRelabelings"]) {
        ((e?.[key] ?? []) as any[]).forEach((rl, i) => {
            const target = rl?.targetLabel;
            if (typeof target === "string" && scrapeTargetLabel(target)) {
                out.push(
                    violation(
                        r,
                        `${at}.${key}[${i}].targetLabel`,
                        `writes ${target}, which decides what is scraped (address, scheme, path, parameters): the scraper could be sent to any address it reaches`,
                    ),
                );
            }
            if (rl?.action !== undefined && /^(labelmap|hashmod)$/i.test(String(rl.action)) && key === "relabelings") {
                out.push(
                    violation(
                        r,
                        `${at}.${key}[${i}].action`,
                        `${rl.action} can write the labels that decide what is scraped; use replace with a plain targetLabel`,
                    ),
                );
            }
        });
    }
    return out;
}

export const metricsScrape: Check = {
    kind: "resource",
    id: POLICY_IDS.metricsScrape,
    title: "Metrics monitors scrape only the team's own pods, on the metrics port, without credentials",
    seedSection: "1.4, 2",
    description:
        "seed 1.4, 2: a PodMonitor or ServiceMonitor in a team namespace selects pods (or Services) of that namespace only (namespaceSelector.matchNames is exactly its namespace; never any: true; a non-empty selector), scrapes only Ray's metrics port (named metrics, or 8080) in plain HTTP, sets no bearerTokenSecret, bearerTokenFile, authorization, basicAuth, oauth2, tlsConfig, proxy, redirect or params field, and no relabeling writes a __ label (address, scheme, path). No grant waives it.",
    configKeys: [],
    exceptions: false,
    appliesTo: isMonitor,
    validate(r) {
        const kind = MONITOR_KINDS.find((k) => isKind(r, GROUP, k)) as string;
        const spec = r.props?.spec ?? {};
        const ns = namespaceOf(r);
        const findings: Finding[] = [];
        const nsSel = spec.namespaceSelector;
        const names: unknown = nsSel?.matchNames;
        if (nsSel?.any === true || !Array.isArray(names) || names.length !== 1 || names[0] !== ns) {
            findings.push(
                violation(
                    r,
                    "spec.namespaceSelector",
                    `is ${JSON.stringify(nsSel ?? null)}: must be {"matchNames":["${ns}"]}, the monitor's own namespace; the platform's Prometheus would scrape other teams' pods for it`,
                ),
            );
        }
        if (selectorEmpty(spec.selector)) {
            findings.push(violation(r, "spec.selector", "is empty: it selects every pod of the namespace; select the Ray pods"));
        }
        const key = kind === "PodMonitor" ? "podMetricsEndpoints" : "endpoints";
        const endpoints: any[] = spec[key] ?? [];
        if (endpoints.length === 0) {
            findings.push(violation(r, `spec.${key}`, "is empty: name the metrics port"));
        }
        endpoints.forEach((e, i) => findings.push(...endpointFindings(r, e, `spec.${key}[${i}]`, kind)));
        return findings.map(ungrantable);
    },
};
