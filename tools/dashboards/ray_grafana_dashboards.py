"""Ray's Grafana dashboards, as data a platform can load (docs/operations.md "Metrics and dashboards").

Ray generates its dashboards' JSON from code that ships with each Ray version (it writes them under a
head's session directory at start). This runs that same generator, so the dashboards match the
metric names of the Ray version the teams run, and prints them as one Kubernetes List of
ConfigMaps labelled `grafana_dashboard: "1"` (what Grafana's dashboard sidecar loads), or writes
the bare JSON files for an import into ACK's managed Grafana. It needs only Ray itself: run it with
the Ray image the clusters use (no cluster, no network).

    python ray_grafana_dashboards.py --namespace monitoring > ray-dashboards.yaml
    python ray_grafana_dashboards.py --json-dir ./dashboards
    python ray_grafana_dashboards.py --metrics          # the metric names the panels query, one a line
"""

import argparse
import json
import os
import re
import sys

from ray.dashboard.modules.metrics import grafana_dashboard_factory as factory

# Every generator Ray 2.60 ships, by the short name its dashboard is known under.
GENERATORS = {
    name[len("generate_") : -len("_grafana_dashboard")]: fn
    for name, fn in sorted(vars(factory).items())
    if name.startswith("generate_") and name.endswith("_grafana_dashboard") and callable(fn)
}


def dashboards():
    for short, fn in GENERATORS.items():
        content, uid = fn()
        yield short, uid, content


def metric_names(content):
    """Metric names in the panels' PromQL (ray_* series, as Ray exports them)."""
    exprs = [t.get("expr", "") for p in json.loads(content).get("panels", []) for t in p.get("targets", [])]
    return sorted({m for e in exprs for m in re.findall(r"\b(ray_[a-zA-Z0-9_]+)", e)})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--namespace", default="monitoring", help="the Grafana namespace of the ConfigMaps")
    ap.add_argument("--json-dir", help="write <name>.json files here instead of ConfigMaps")
    ap.add_argument("--metrics", action="store_true", help="print the metric names the panels query")
    a = ap.parse_args()
    items = list(dashboards())
    if a.metrics:
        print("\n".join(sorted({m for _, _, c in items for m in metric_names(c)})))
        return
    if a.json_dir:
        os.makedirs(a.json_dir, exist_ok=True)
        for short, _, content in items:
            with open(os.path.join(a.json_dir, f"ray-{short}.json"), "w") as f:
                f.write(content)
        print(f"wrote {len(items)} dashboards to {a.json_dir}", file=sys.stderr)
        return
    configmaps = [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": f"ray-grafana-{short.replace('_', '-')}",
                "namespace": a.namespace,
                "labels": {"grafana_dashboard": "1", "app.kubernetes.io/part-of": "ray-on-ack"},
            },
            "data": {f"ray-{short}.json": content},
        }
        for short, _, content in items
    ]
    json.dump({"apiVersion": "v1", "kind": "List", "items": configmaps}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
