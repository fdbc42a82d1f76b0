#!/usr/bin/env bash
# The node step's metrics check (docs/design.md "Metrics"), sourced by node-checks.sh, which
# calls metrics_checks once the team's RayClusters run and the outsider namespace exists. It uses
# node-checks.sh's kc, pass, fail, check, NS, RC, OUTSIDER_NS, NODE_DIR and E2E_REPO.
#
# Debian's Prometheus 2.42 reads no PodMonitor, so the PodMonitor the stack created is translated
# into its scrape config (e2e/podMonitorScrape.ts, what prometheus-operator would generate). Debian
# also builds it without Kubernetes discovery, so the harness writes the pod targets that discovery
# would give (one per container port of every pod in the monitor's namespaces, with its meta labels)
# into a file the config reads; which of them are scraped is still decided by the translated rules. And
# the same Prometheus runs as a pod twice: in the platform's monitoring namespace (the registry's
# ray-tenancy.cluster.monitoringNamespace, e2e/node-observability.json) and in another namespace.
# Shown: the first scrapes Ray's metrics through the NetworkPolicies (up == 1, Ray metrics and the
# series Ray's Grafana dashboards query present, via its HTTP API), but not the head's dashboard
# port; the second is blocked; and without the ray-metrics NetworkPolicy the first is blocked too.

MON_NS="${E2E_MONITORING_NAMESPACE:-e2e-monitoring}"
SCRAPE_INTERVAL=5s

# prometheus_pod NAMESPACE: the Prometheus pod, its ServiceAccount and config (with the targets
# file) in NAMESPACE; it needs no API access, the harness discovers the pods for it
prometheus_pod() {
  local ns="$1" image
  image="$(grep '^PROMETHEUS_IMAGE=' "$NODE_DIR/env" | cut -d= -f2)"
  kc create namespace "$ns" >/dev/null 2>&1
  wait_for 60 "default ServiceAccount in $ns" kc -n "$ns" get serviceaccount default
  kc -n "$ns" create configmap prometheus-config --from-file=prometheus.yml="$NODE_DIR/prometheus.yml" \
    --from-file=targets.json="$NODE_DIR/prometheus-targets.json" >/dev/null
  kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: $ns}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata: {name: prometheus, namespace: $ns}
spec:
  serviceAccountName: prometheus
  terminationGracePeriodSeconds: 1
  containers:
    - name: prometheus
      image: $image
      imagePullPolicy: Never
      args: [--config.file=/etc/prometheus/prometheus.yml, --storage.tsdb.path=/prometheus, --web.listen-address=0.0.0.0:9090]
      resources: {requests: {cpu: 20m, memory: 128Mi}, limits: {memory: 512Mi}}
      volumeMounts: [{name: config, mountPath: /etc/prometheus}, {name: data, mountPath: /prometheus}]
  volumes: [{name: config, configMap: {name: prometheus-config}}, {name: data, emptyDir: {}}]
EOF
}

# promql NAMESPACE QUERY: the query's result vector as "labels value" lines
promql() {
  local ip; ip="$(kc -n "$1" get pod prometheus -o jsonpath='{.status.podIP}')"
  curl -s --max-time 10 "http://$ip:9090/api/v1/query" --data-urlencode "query=$2" |
    python3 -c 'import json,sys; [print(json.dumps(r["metric"], sort_keys=True), r["value"][1]) for r in json.load(sys.stdin)["data"]["result"]]'
}

# targets NAMESPACE JOB: "health lastError" of each active target of JOB
targets() {
  local ip; ip="$(kc -n "$1" get pod prometheus -o jsonpath='{.status.podIP}')"
  curl -s --max-time 10 "http://$ip:9090/api/v1/targets?state=active" |
    python3 -c 'import json,sys; [print(t["health"], t["scrapeUrl"], t.get("lastError","")) for t in json.load(sys.stdin)["data"]["activeTargets"] if t["labels"].get("job")==sys.argv[1]]' "$2"
}

# up_values NAMESPACE: the up values of the e2e RayCluster's pods (head and worker)
up_values() { promql "$1" "up{job=\"$NS/ray-metrics\",ray_workload=\"$RC\"}" | awk '{print $NF}' | sort | tr '\n' ' '; }
all_up() { local v; v="$(up_values "$1")"; [[ "$v" =~ ^(1\ ){2,}$ ]]; }
all_down() { local v; v="$(up_values "$1")"; [[ -n "$v" && "$v" =~ ^(0\ )+$ ]]; }

metrics_checks() {
  local pm head_ip json t0=$SECONDS
  # -- the PodMonitor the stack created, as Prometheus scrape config --------------------------
  if ! kc -n "$NS" get podmonitors -o json >"$NODE_DIR/podmonitors.json" 2>"$NODE_DIR/podmonitors.err"; then
    fail "no PodMonitor API or object in $NS: $(head -c 300 "$NODE_DIR/podmonitors.err")"; return
  fi
  pm="$(python3 -c 'import json,sys; print(" ".join(i["metadata"]["name"] for i in json.load(open(sys.argv[1]))["items"]))' "$NODE_DIR/podmonitors.json")"
  [[ "$pm" == ray-metrics ]] && pass "the stack created one PodMonitor in $NS: ray-metrics" || { fail "PodMonitors in $NS: '${pm}', not ray-metrics"; return; }
  if ! (cd "$E2E_REPO" && node node_modules/ts-node/dist/bin.js e2e/podMonitorScrape.ts --interval "$SCRAPE_INTERVAL" \
    --file-sd /etc/prometheus/targets.json <"$NODE_DIR/podmonitors.json" >"$NODE_DIR/prometheus.yml" 2>"$NODE_DIR/podmonitor-translate.log"); then
    fail "translating the PodMonitor failed: $(tail -n 3 "$NODE_DIR/podmonitor-translate.log")"; return
  fi
  # the pod discovery, done once: the RayClusters' pods run and keep their addresses for this check
  if ! kc get pods -A -o json >"$NODE_DIR/pods.json" || ! (cd "$E2E_REPO" && node node_modules/ts-node/dist/bin.js e2e/podMonitorScrape.ts \
    --targets "$NODE_DIR/podmonitors.json" <"$NODE_DIR/pods.json" >"$NODE_DIR/prometheus-targets.json" 2>>"$NODE_DIR/podmonitor-translate.log"); then
    fail "discovering the pod targets failed: $(tail -n 3 "$NODE_DIR/podmonitor-translate.log")"; return
  fi
  # A harness-only job: the e2e head's dashboard port, which the monitoring namespace must not reach.
  head_ip="$(pod_ip "$(pod_of "$RC" head)")"
  printf '  - job_name: e2e-dashboard-port\n    metrics_path: /metrics\n    static_configs: [{targets: ["%s:8265"]}]\n' "$head_ip" >>"$NODE_DIR/prometheus.yml"
  pass "the PodMonitor translates to Prometheus scrape config (the metrics port, its selector and relabelings; $(grep -c '"targets"' "$NODE_DIR/prometheus-targets.json") pod ports of $NS as candidate targets)"

  # -- Prometheus in the monitoring namespace, and the same in another one ---------------------
  prometheus_pod "$MON_NS"; prometheus_pod "$OUTSIDER_NS"
  local ns
  for ns in "$MON_NS" "$OUTSIDER_NS"; do
    wait_for 120 "Prometheus in $ns Ready" kc -n "$ns" wait --for=condition=Ready pod/prometheus --timeout=5s ||
      { fail "Prometheus in $ns did not become Ready"; kc -n "$ns" describe pod prometheus | tail -n 15 | sed 's/^/    /'; return; }
  done
  if wait_for 120 "up == 1 from $MON_NS" all_up "$MON_NS"; then
    pass "Prometheus in the monitoring namespace $MON_NS scrapes $RC's head and worker through the NetworkPolicy: up = $(up_values "$MON_NS")"
  else
    fail "Prometheus in $MON_NS does not scrape $RC: up = '$(up_values "$MON_NS")'"; targets "$MON_NS" "$NS/ray-metrics" | sed 's/^/    /'
  fi
  json="$(promql "$MON_NS" "ray_node_mem_total{ray_workload=\"$RC\"}")"
  check "... Ray's own metrics are there: ray_node_mem_total of $RC's nodes, labelled with ray_io_cluster by the PodMonitor's relabeling" \
    bash -c "grep -q '\"ray_io_cluster\": \"$RC\"' <<<'$json'"
  # The series Ray's Grafana dashboards query (tools/dashboards/ray_grafana_dashboards.py, run with the Ray image).
  kc -n "$NS" exec -i "$(pod_of "$RC" head)" -c ray-head -- python - --metrics <"$E2E_REPO/tools/dashboards/ray_grafana_dashboards.py" \
    >"$NODE_DIR/dashboard-metrics.txt" 2>"$NODE_DIR/dashboard-metrics.err"
  local have want found
  have="$(curl -s --max-time 10 "http://$(kc -n "$MON_NS" get pod prometheus -o jsonpath='{.status.podIP}'):9090/api/v1/label/__name__/values" |
    python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["data"]))')"
  want="$(grep -c . "$NODE_DIR/dashboard-metrics.txt")"
  found="$(grep -Fx -f "$NODE_DIR/dashboard-metrics.txt" <<<"$have" | grep -c .)"
  check "... the dashboards Ray generates (${want:-0} series in their panels) find their core series in it (${found:-0} present, ray_node_cpu_utilization among them)" \
    bash -c "(( ${want:-0} > 0 && ${found:-0} >= 10 )) && grep -qx ray_node_cpu_utilization <<<'$have'"
  # kube-router rejects what a policy does not admit, so a blocked scrape fails to connect (refused
  # or timed out) where an admitted one would get Ray's HTTP answer (the worker's reach of 8265 above).
  check "... but the monitoring namespace cannot reach $RC's dashboard port 8265 (the scrape cannot connect: the policy's reject, not an HTTP answer from Ray)" \
    wait_for 60 "dashboard-port scrape down" bash -c "$(declare -f targets kc); K='$K'; targets '$MON_NS' e2e-dashboard-port | grep -Eq '^down .*(connection refused|context deadline exceeded|i/o timeout)'"
  if wait_for 60 "up == 0 from $OUTSIDER_NS" all_down "$OUTSIDER_NS"; then
    pass "the same scrape from namespace $OUTSIDER_NS is blocked: up = $(up_values "$OUTSIDER_NS") ($(targets "$OUTSIDER_NS" "$NS/ray-metrics" | head -n 1 | cut -d' ' -f3- | cut -c1-60))"
  else
    fail "Prometheus in $OUTSIDER_NS scraped $RC: up = '$(up_values "$OUTSIDER_NS")'"
  fi

  # -- the same check with the ray-metrics NetworkPolicy removed: the scrape fails --------------
  if kc -n "$NS" get networkpolicy ray-metrics -o json >"$NODE_DIR/ray-metrics-np.json" 2>/dev/null; then
    kc -n "$NS" delete networkpolicy ray-metrics >/dev/null
    # Prometheus keeps its scrape connections open, and established flows outlive a policy: drop
    # them, so that every scrape from now on is a new connection the firewall judges.
    sleep 3; nsenter -t "$NODE_HOLDER" -n conntrack -D -p tcp --dport 8080 >/dev/null 2>&1
    check "without the ray-metrics NetworkPolicy, Prometheus in $MON_NS can no longer scrape $RC (up = 0)" \
      wait_for 60 "up == 0 from $MON_NS" all_down "$MON_NS"
    python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); m=o["metadata"]; o["metadata"]={k:m[k] for k in ("name","namespace","labels","annotations") if k in m}; json.dump(o,sys.stdout)' \
      "$NODE_DIR/ray-metrics-np.json" | kc apply -f - >/dev/null
    check "with ray-metrics back, the scrape works again (up = 1)" wait_for 60 "up == 1 again" all_up "$MON_NS"
    # The outsider's block is the policy's doing: widened to every namespace, ray-metrics lets it scrape.
    kc -n "$NS" patch networkpolicy ray-metrics --type=json \
      -p '[{"op":"replace","path":"/spec/ingress/0/from","value":[{"namespaceSelector":{}}]}]' >/dev/null
    check "with ray-metrics widened to every namespace, Prometheus in $OUTSIDER_NS scrapes $RC (up = 1): its block above is the policy's" \
      wait_for 60 "up == 1 from $OUTSIDER_NS" all_up "$OUTSIDER_NS"
    python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); m=o["metadata"]; o["metadata"]={k:m[k] for k in ("name","namespace","labels","annotations") if k in m}; json.dump(o,sys.stdout)' \
      "$NODE_DIR/ray-metrics-np.json" | kc replace -f - >/dev/null
    check "ray-metrics as the stack made it again: it admits $MON_NS" \
      bash -c "[[ \"\$(kubectl --kubeconfig '$K' -n '$NS' get networkpolicy ray-metrics -o jsonpath='{.spec.ingress[0].from[*].namespaceSelector.matchLabels}')\" == *'\"$MON_NS\"'* ]]"
  else
    fail "no ray-metrics NetworkPolicy in $NS"
  fi
  kc -n "$OUTSIDER_NS" delete pod prometheus --wait=false >/dev/null 2>&1
  echo "  (metrics checks: $((SECONDS - t0)) s)"
}
