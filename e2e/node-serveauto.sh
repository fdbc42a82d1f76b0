# shellcheck shell=bash
# The node step's RayService autoscaling check (issue 23, part 4), sourced at the end of
# node-checks.sh after node-gcsft.sh, which deployed the e2e-serve stack's RayService (SERVE_NS,
# SERVE, SERVE_URL) and started the outsider pod. The service autoscales at two levels
# (e2e/stacks/Pulumi.e2e-serve.yaml): Serve's autoscaling_config (Echo: 1 to 2 replicas of 0.6 CPU)
# and KubeRay's autoscaler (worker group cpu: 1 to 2 pods of one Ray CPU each, so a second replica
# needs a second worker pod). In order:
#   at rest: 1 Serve replica, 1 worker pod;
#   under load (concurrent clients in e2e-outsider through the Serve Service): 2 replicas, and the
#   autoscaler (its token bound to the head pod, held to its generation by the admission policy) adds
#   a worker pod; the worker group never goes past maxReplicas, the ResourceQuota holds (used <= hard),
#   and no pod of the namespace was refused by the quota;
#   the load stopped: back to 1 replica and 1 worker pod (Serve's downscale delay, then the
#   autoscaler's idle timeout).

SA_DRIVER="$HERE/serveauto_driver.py"
SA_NS="${SERVE_NS:-ray-e2e-serve}"
SA_SVC="${SERVE:-echo}"
SA_URL="${SERVE_URL:-http://$SA_SVC-serve-svc.$SA_NS.svc.cluster.local:8000/$SA_SVC}"
SA_MAX_WORKERS=2

# sa_head CLUSTER: a Ready, not deleted head pod of the cluster
sa_head() {
  kc -n "$SA_NS" get pods -l "ray.io/cluster=$1,ray.io/node-type=head" \
    -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.deletionTimestamp} {.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    awk 'NF == 2 && $2 == "True" { print $1; exit }'
}
# sa_replicas CLUSTER: RUNNING Serve replicas of Echo, as the controller reports them ("" if unknown)
sa_replicas() {
  local head
  head="$(sa_head "$1")"; [[ -n "$head" ]] || return
  kc -n "$SA_NS" exec -i "$head" -c ray-head -- timeout 60 python - replicas "$SA_SVC" Echo <"$SA_DRIVER" 2>/dev/null |
    sed -n 's/^REPLICAS running=\([0-9]*\) .*/\1/p'
}
# sa_workers CLUSTER: worker pods that are not being deleted, and how many of them are Ready
sa_workers() {
  kc -n "$SA_NS" get pods -l "ray.io/cluster=$1,ray.io/node-type=worker" \
    -o jsonpath='{range .items[*]}{.metadata.deletionTimestamp} {.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    awk 'NF == 1 { n++; if ($1 == "True") r++ } END { print n + 0, r + 0 }'
}
# sa_load: 20-second rounds of 8 concurrent clients in the outsider pod until the stop file exists
sa_load() {
  while [[ ! -f "$NODE_DIR/serveauto-load.stop" ]]; do
    kc -n "$OUTSIDER_NS" exec -i outsider -- python - load "$SA_URL" 20 8 <"$SA_DRIVER" 2>&1 | grep '^LOAD'
  done
}
# sa_state CLUSTER: "replicas workers ready" now
sa_state() { echo "$(sa_replicas "$1") $(sa_workers "$1")"; }
sa_at() { [[ "$(sa_state "$1")" == "$2" ]]; }

serveauto_check() {
  local cluster state t0 load peak_group=0 g quota
  cluster="$(kc -n "$SA_NS" get rayservice "$SA_SVC" -o jsonpath='{.status.activeServiceStatus.rayClusterName}' 2>/dev/null)"
  [[ -n "$cluster" && -n "$(sa_head "$cluster")" ]] || { fail "serveauto: RayService $SA_SVC has no active cluster with a Ready head (${cluster:-none})"; return; }
  # at rest (after node-gcsft.sh's load): 1 replica, 1 worker pod
  t0=$SECONDS
  if wait_for 300 "$cluster at rest" sa_at "$cluster" "1 1 1"; then
    pass "serveauto: at rest, RayService $SA_SVC's cluster $cluster runs 1 Serve replica of Echo and 1 worker pod"
  else
    fail "serveauto: RayService $SA_SVC's cluster $cluster is not at rest (replicas, worker pods, Ready: $(sa_state "$cluster"); wanted 1 1 1)"; return
  fi
  # under load: up to 2 replicas and 2 worker pods
  rm -f "$NODE_DIR/serveauto-load.stop"
  sa_load >"$NODE_DIR/serveauto-load.log" &
  load=$!
  t0=$SECONDS
  state=""
  while ((SECONDS - t0 < 300)); do
    state="$(sa_state "$cluster")"
    g="$(kc -n "$SA_NS" get raycluster "$cluster" -o jsonpath='{.spec.workerGroupSpecs[0].replicas}')"
    ((${g:-0} > peak_group)) && peak_group="$g"
    [[ "$state" == "2 2 2" ]] && break
    sleep 5
  done
  quota="$(kc -n "$SA_NS" get resourcequota -o jsonpath='{range .items[*]}{.metadata.name}: used {.status.used} hard {.status.hard}{"\n"}{end}')"
  touch "$NODE_DIR/serveauto-load.stop"
  if [[ "$state" == "2 2 2" ]]; then
    pass "serveauto: under load Serve scaled Echo to 2 replicas (max_replicas) and the autoscaler added a worker pod (2 Ready, maxReplicas) in $((SECONDS - t0)) s"
  else
    fail "serveauto: under load RayService $SA_SVC did not reach 2 Serve replicas on 2 Ready worker pods within 300 s (replicas, worker pods, Ready: $state)"
    kc -n "$SA_NS" get pods -o wide 2>&1 | sed 's/^/    /'
  fi
  check "serveauto: the autoscaler kept the worker group within maxReplicas ($SA_MAX_WORKERS; its peak: $peak_group)" \
    test "$peak_group" -le "$SA_MAX_WORKERS"
  check "serveauto: at the peak the namespace's ResourceQuota holds (used <= hard): ${quota//$'\n'/; }" \
    python3 -c '
import json, subprocess, sys
def q(v):
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9}
    for u in sorted(units, key=len, reverse=True):
        if v.endswith(u): return float(v[: -len(u)]) * units[u]
    return float(v)
items = json.loads(sys.stdin.read())["items"]
assert items, "no ResourceQuota"
for rq in items:
    for k, hard in rq["status"]["hard"].items():
        assert q(rq["status"]["used"].get(k, "0")) <= q(hard), (rq["metadata"]["name"], k)
' < <(kc -n "$SA_NS" get resourcequota -o json)
  check_not "serveauto: no pod of $SA_NS was refused by the quota while it scaled" \
    bash -c "kubectl --kubeconfig '$K' -n '$SA_NS' get events -o jsonpath='{range .items[*]}{.message}{\"\\n\"}{end}' | grep -i 'exceeded quota'"
  wait "$load"
  awk -F'[ =]' '/^LOAD / { ok += $3; total += $5 } END { printf "    load: %d of %d requests answered\n", ok, total }' "$NODE_DIR/serveauto-load.log"
  # the load stopped: back to 1 replica and 1 worker pod
  t0=$SECONDS
  if wait_for 300 "$cluster back down" sa_at "$cluster" "1 1 1"; then
    pass "serveauto: with the load stopped RayService $SA_SVC scaled back to 1 Serve replica and 1 worker pod in $((SECONDS - t0)) s"
  else
    fail "serveauto: with the load stopped RayService $SA_SVC did not scale back to 1 replica and 1 worker pod within 300 s ($(sa_state "$cluster"))"
  fi
}
serveauto_check
