#!/usr/bin/env bash
# The node step's checks (run by run.sh after `node.sh start` and `pulumi up` of the e2e
# stack): what only a real node shows. kubectl here must run inside the node's namespaces
# (run.sh puts wrappers first on PATH); NODE_DIR/env describes the node.
#
#   bash e2e/node-checks.sh NODE_DIR NAMESPACE RAYCLUSTER OTHER_RAYCLUSTER RAYJOB
#
# Prints PASS:/FAIL: lines (prefixed "node:") into the harness's tally.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=node-metrics.sh
source "$HERE/node-metrics.sh"
# shellcheck source=node-logs.sh
source "$HERE/node-logs.sh"
NODE_DIR="$1" NS="$2" RC="$3" OTHER="$4" JOB="$5"
# shellcheck disable=SC1091
source "$NODE_DIR/env"
K="$KUBECONFIG_ADMIN"
OUTSIDER_NS=e2e-outsider
READY_TIMEOUT="${E2E_NODE_READY_TIMEOUT:-600}"

pass() { e2e_pass "node: $*"; }
fail() { e2e_fail "node: $*"; }
check() { local n="$1"; shift; e2e_check "node: $n" "$@"; }
check_not() { local n="$1"; shift; e2e_check_not "node: $n" "$@"; }
kc() { kubectl --kubeconfig "$K" --request-timeout 30s "$@"; }
# pod_of CLUSTER TYPE: the first running pod of that Ray node type
pod_of() {
  kc -n "$NS" get pods -l "ray.io/cluster=$1,ray.io/node-type=$2" --field-selector status.phase=Running \
    -o jsonpath='{.items[0].metadata.name}' 2>/dev/null
}
pod_ip() { kc -n "${2:-$NS}" get pod "$1" -o jsonpath='{.status.podIP}'; }
in_cidr() { python3 -c 'import ipaddress,sys; sys.exit(0 if ipaddress.ip_address(sys.argv[1]) in ipaddress.ip_network(sys.argv[2]) else 1)' "$1" "$2"; }
# run_in POD CONTAINER CMD...: a command in a container (namespace $NS unless POD is ns/pod)
run_in() {
  local pod="$1" c="$2" ns="$NS"; shift 2
  if [[ "$pod" == */* ]]; then ns="${pod%%/*}"; pod="${pod#*/}"; fi
  kc -n "$ns" exec "$pod" -c "$c" -- "$@"
}
# tcp_ok POD CONTAINER IP PORT: can the container open a TCP connection (5 s)?
tcp_ok() { run_in "$1" "$2" timeout 5 bash -c "exec 3<>/dev/tcp/$3/$4"; }
# driver POD CHECK ARGS...: node_driver.py in the Ray head container; its PASS/FAIL lines count
driver() { local pod="$1"; shift; driver_in "$NS" "$pod" ray-head "$HERE/node_driver.py" "$@"; }
# driver_in NAMESPACE POD CONTAINER SCRIPT CHECK ARGS...: a Python driver in a container
driver_in() {
  local ns="$1" pod="$2" container="$3" script="$4" out rc; shift 4
  out="$(kc -n "$ns" exec -i "$pod" -c "$container" -- timeout 900 python - "$@" <"$script" 2>&1)"; rc=$?
  e2e_relay "node: " <<<"$out"
  if ! grep -qE '^(PASS|FAIL):' <<<"$out"; then fail "driver $1 printed no result (rc $rc)"; echo "$out" | tail -n 15 | sed 's/^/    /'; fi
  [[ $rc -eq 0 ]] || echo "$out" | grep -vE '^(PASS|FAIL):' | tail -n 10 | sed 's/^/    /'
  return 0
}

# -- 1. the team-a-like cluster comes up: probes pass, workers join by DNS over TLS ------------
cluster_ready() { # CLUSTER WORKERS: state ready, head + N workers Running and Ready
  [[ "$(kc -n "$NS" get raycluster "$1" -o jsonpath='{.status.state}')" == ready ]] || return 1
  local ready
  ready="$(kc -n "$NS" get pods -l "ray.io/cluster=$1" -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)"
  [[ "$ready" -ge $((1 + $2)) ]]
}
if wait_for "$READY_TIMEOUT" "RayCluster $RC ready" cluster_ready "$RC" 1; then
  pass "RayCluster $RC is ready: head and worker pods Running, their readiness probes pass"
else
  fail "RayCluster $RC did not become ready in ${READY_TIMEOUT}s"
  kc -n "$NS" get pods -o wide 2>&1 | sed 's/^/    /'
  kc -n "$NS" get events --sort-by=.lastTimestamp 2>&1 | tail -n 15 | sed 's/^/    /'
fi
HEAD="$(pod_of "$RC" head)"; WORKER="$(pod_of "$RC" worker)"
HEAD_IP="$(pod_ip "$HEAD" 2>/dev/null)"; WORKER_IP="$(pod_ip "$WORKER" 2>/dev/null)"
check "Ray pods got team pod-CIDR addresses ($TEAM_POD_CIDR): head $HEAD_IP, worker $WORKER_IP" \
  bash -c "$(declare -f in_cidr); in_cidr '$HEAD_IP' '$TEAM_POD_CIDR' && in_cidr '$WORKER_IP' '$TEAM_POD_CIDR'"
check "the worker finds the head by its Service's DNS name (KubeRay's --address)" \
  bash -c "kubectl --kubeconfig '$K' -n '$NS' get pod '$WORKER' -o json | grep -q '$RC-head-svc.$NS.svc.cluster.local'"
# GCS speaks TLS with the team CA and asks for a client certificate
check "the head's GCS (6379) completes a mutual-TLS handshake with the worker's certificate" \
  run_in "$WORKER" ray-worker python -c "
import os, socket, ssl
ctx = ssl.create_default_context(cafile=os.environ['RAY_TLS_CA_CERT'])
ctx.check_hostname = False
ctx.load_cert_chain(os.environ['RAY_TLS_SERVER_CERT'], os.environ['RAY_TLS_SERVER_KEY'])
s = ctx.wrap_socket(socket.create_connection(('$RC-head-svc.$NS.svc.cluster.local', 6379), timeout=10))
print(s.version())"
[[ -n "$HEAD" ]] && driver "$HEAD" cluster "$TEAM_POD_CIDR"

# -- 2. a job writes a file in its working directory ------------------------------------------
[[ -n "$HEAD" ]] && driver "$HEAD" job "e2e-job-wrote-$$"

# -- people as themselves on RayCluster $OTHER (personal identity); alice's revocation runs on -----
bash "$HERE/node-identity.sh" start "$NODE_DIR" "$NS" "$OTHER"

# -- 7. the read-only root filesystem and PodSecurity, as on ACK --------------------------------
check_not "a Ray container cannot write its root filesystem (/home/ray)" run_in "$HEAD" ray-head touch /home/ray/e2e-write
check "... while its /tmp (an emptyDir) is writable" run_in "$HEAD" ray-head touch /tmp/e2e-write
out="$(kc -n "$NS" run e2e-root --image="$RAY_IMAGE" --restart=Never --overrides='{"spec":{"securityContext":{"runAsUser":0}}}' 2>&1)"
if grep -q 'violates PodSecurity "restricted' <<<"$out"; then
  pass "a pod running as root in $NS is rejected by PodSecurity 'restricted'"
else
  fail "a pod running as root in $NS was not rejected: $out"; kc -n "$NS" delete pod e2e-root --wait=false >/dev/null 2>&1
fi

# a namespace without policies or PodSecurity labels, for the cross-namespace checks
kc create namespace "$OUTSIDER_NS" >/dev/null 2>&1
wait_for 60 "default ServiceAccount in $OUTSIDER_NS" kc -n "$OUTSIDER_NS" get serviceaccount default
kc -n "$OUTSIDER_NS" run outsider --image="$RAY_IMAGE" --image-pull-policy=Never --restart=Never \
  --overrides='{"spec":{"terminationGracePeriodSeconds":1}}' --command -- sleep 3600 >/dev/null 2>&1
# the kubelet itself refuses runAsNonRoot for an image whose user is root (CoreDNS's here)
coredns_image="$(kc -n kube-system get pod coredns -o jsonpath='{.spec.containers[0].image}')"
kc -n "$OUTSIDER_NS" run nonroot-violation --image="$coredns_image" --image-pull-policy=Never --restart=Never \
  --overrides='{"spec":{"securityContext":{"runAsNonRoot":true}}}' >/dev/null 2>&1
if wait_for 90 "kubelet refusal" bash -c "kubectl --kubeconfig '$K' -n '$OUTSIDER_NS' get pod nonroot-violation -o jsonpath='{.status.containerStatuses[0].state.waiting.message}' | grep -q 'runAsNonRoot and image will run as root'"; then
  pass "the kubelet refuses to start a runAsNonRoot container whose image runs as root"
else
  fail "the kubelet started (or did not refuse) a runAsNonRoot container with a root image"
fi
wait_for 120 "outsider pod Running" bash -c "[[ \"\$(kubectl --kubeconfig '$K' -n '$OUTSIDER_NS' get pod outsider -o jsonpath='{.status.phase}')\" == Running ]]"
OUTSIDER="$OUTSIDER_NS/outsider"; OUTSIDER_IP="$(pod_ip outsider "$OUTSIDER_NS")"
check "a pod of another namespace got an address outside the team's CIDR, from $OTHER_POD_CIDR ($OUTSIDER_IP)" \
  bash -c "$(declare -f in_cidr); in_cidr '$OUTSIDER_IP' '$OTHER_POD_CIDR'"

# -- 6. NetworkPolicies are enforced -------------------------------------------------------------
port_name() { case $1 in 6379) echo GCS ;; 8265) echo dashboard ;; 10001) echo client ;; esac; }
for port in 6379 8265 10001; do
  check "control: $RC's worker reaches its head's $(port_name $port) port $port" tcp_ok "$WORKER" ray-worker "$HEAD_IP" "$port"
done
check "control: the other namespace's pod reaches the internet-like host $INET_IP:80 (no policy there)" \
  run_in "$OUTSIDER" outsider timeout 5 bash -c "exec 3<>/dev/tcp/$INET_IP/80"
for port in 6379 8265 10001; do
  check_not "a pod of namespace $OUTSIDER_NS cannot reach $RC's head $(port_name $port) port $port" tcp_ok "$OUTSIDER" outsider "$HEAD_IP" "$port"
done
if wait_for "$READY_TIMEOUT" "RayCluster $OTHER ready" cluster_ready "$OTHER" 0; then
  OTHER_HEAD="$(pod_of "$OTHER" head)"
  for port in 6379 8265 10001; do
    check_not "a pod of RayCluster $OTHER (same namespace) cannot reach $RC's head $(port_name $port) port $port" \
      tcp_ok "$OTHER_HEAD" ray-head "$HEAD_IP" "$port"
  done
else
  fail "RayCluster $OTHER did not become ready: cannot test isolation between clusters"
fi
check_not "a Ray head cannot reach the internet-like host $INET_IP:80" tcp_ok "$HEAD" ray-head "$INET_IP" 80
check_not "a Ray worker cannot reach the internet-like host $INET_IP:80" tcp_ok "$WORKER" ray-worker "$INET_IP" 80
resolve() { run_in "$1" "$2" python -c "import socket; print(socket.gethostbyname('$RC-head-svc.$NS.svc.cluster.local'))"; }
check "a Ray worker resolves $RC-head-svc through CoreDNS (allowed by allow-dns)" resolve "$WORKER" ray-worker
if kc -n "$NS" get networkpolicy allow-dns -o json >"$NODE_DIR/allow-dns.json" 2>/dev/null; then
  kc -n "$NS" delete networkpolicy allow-dns >/dev/null
  sleep 3 # kube-router resyncs on the watch event
  check_not "without allow-dns the same lookup fails (DNS is denied by default-deny)" resolve "$WORKER" ray-worker
  python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); m=o["metadata"]; o["metadata"]={k:m[k] for k in ("name","namespace","labels","annotations") if k in m}; json.dump(o,sys.stdout)' \
    "$NODE_DIR/allow-dns.json" | kc apply -f - >/dev/null
  check "with allow-dns back, the lookup works again" wait_for 30 "DNS back" resolve "$WORKER" ray-worker
else
  fail "no allow-dns NetworkPolicy in $NS"
fi

# -- 8. the platform's Prometheus scrapes Ray's metrics through the NetworkPolicies (node-metrics.sh)
[[ -n "$HEAD" ]] && metrics_checks

# -- 5. kubectl port-forward (the team's people identity) reaches the dashboard -----------------
TOKEN="$(kc -n "$NS" get secret "$RC-ray-token" -o jsonpath='{.data.auth_token}' | base64 -d)"
PF_PORT=18265
kubectl --kubeconfig "$KUBECONFIG_ALICE" -n "$NS" port-forward "pod/$HEAD" "$PF_PORT:8265" >"$NODE_DIR/port-forward.log" 2>&1 &
PF_PID=$!
if wait_for 30 "port-forward listening" curl -s -o /dev/null "http://127.0.0.1:$PF_PORT/"; then
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PF_PORT/api/jobs/")"
  [[ "$code" == 401 ]] && pass "port-forward by $PEOPLE_USER: the dashboard answers 401 without the token" ||
    fail "port-forward: without the token the dashboard answered $code, not 401"
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PF_PORT/api/jobs/")"
  [[ "$code" == 200 ]] && pass "port-forward by $PEOPLE_USER: the dashboard answers 200 with the token" ||
    fail "port-forward: with the token the dashboard answered $code, not 200"
else
  fail "kubectl port-forward to $HEAD:8265 did not come up"; tail -n 5 "$NODE_DIR/port-forward.log" | sed 's/^/    /'
fi
kill "$PF_PID" 2>/dev/null; wait "$PF_PID" 2>/dev/null

# -- 3. the autoscaler scales up for a pending task, and down after the idle timeout -------------
workers() { kc -n "$NS" get pods -l "ray.io/cluster=$RC,ray.io/node-type=worker" -o name | grep -c .; }
if [[ -n "$HEAD" ]]; then
  ( sleep 1; wait_for 600 "a second worker" bash -c "[[ \$(kubectl --kubeconfig '$K' -n '$NS' get pods -l ray.io/cluster=$RC,ray.io/node-type=worker -o name | grep -c .) -ge 2 ]]" &&
      echo up >"$NODE_DIR/scaled-up" ) &
  watcher=$!
  driver "$HEAD" scale 2 420
  wait "$watcher"
  check "the autoscaler added a worker pod for the pending task (1 -> 2)" test -f "$NODE_DIR/scaled-up"
  check "the autoscaler removed the idle worker after its idle timeout (back to 1)" \
    wait_for 300 "scale-down to 1 worker" bash -c "$(declare -f kc workers); K='$K' NS='$NS' RC='$RC'; [[ \$(workers) -eq 1 ]]"
fi

# -- 3b. the minReplicas worker outlives the idle timeout while a second worker cannot start -------
# Ray 2.60's autoscaler v2 counts a worker that is still starting towards minReplicas but never
# idle-terminates it; without the pending-worker timeout our builder gives the autoscaler
# (components/ray/rayCluster.ts), it drains the idle running minReplicas worker instead and
# the group is left with no running worker. The node is cordoned so that the second worker the
# autoscaler asks for stays Pending; the wait ends on the autoscaler's decision about the idle
# worker (kept for min_worker_nodes, which it logs only once the worker is idle past the timeout,
# or drained), bounded.
min_worker_check() {
  local w uid ip idle since alog="$NODE_DIR/autoscaler-min-worker.log"
  w="$(pod_of "$RC" worker)"
  [[ -n "$w" ]] || { fail "no running worker of $RC for the minReplicas check"; return; }
  uid="$(kc -n "$NS" get pod "$w" -o jsonpath='{.metadata.uid}')"; ip="$(pod_ip "$w")"
  idle="$(kc -n "$NS" get raycluster "$RC" -o jsonpath='{.spec.autoscalerOptions.idleTimeoutSeconds}')"
  since="$(date -u +%FT%TZ)"
  kc cordon "$NODE_NAME" >/dev/null
  driver "$HEAD" burst 2
  local pending=""
  wait_for 60 "a Pending worker of $RC" bash -c "kubectl --kubeconfig '$K' -n '$NS' get pods -l ray.io/cluster=$RC,ray.io/node-type=worker --field-selector status.phase=Pending -o name | grep -q ." &&
    pending="$(kc -n "$NS" get pods -l "ray.io/cluster=$RC,ray.io/node-type=worker" --field-selector status.phase=Pending -o jsonpath='{.items[0].metadata.name}')"
  if [[ -z "$pending" ]]; then
    kc uncordon "$NODE_NAME" >/dev/null
    fail "the autoscaler did not ask for a second worker for the burst (none Pending on the cordoned node)"; return
  fi
  pass "... the autoscaler asked for a second worker, $pending, which stays Pending (node cordoned)"
  # the autoscaler's log from the moment it took the pending pod on
  after_pending() { awk -v p="$pending" 'index($0, p) {on = 1} on' "$alog"; }
  decided() {
    sleep 2
    kc -n "$NS" logs "$HEAD" -c autoscaler --since-time="$since" >"$alog" 2>&1 || return 1
    after_pending | grep -qE "belongs to node_type .* required by min_worker_nodes|cloud_instance_id=$w, .*draining ray"
  }
  wait_for $((${idle:-60} * 3 + 60)) "the autoscaler's decision about the idle worker $w" decided
  kc uncordon "$NODE_NAME" >/dev/null
  check_not "the autoscaler did not drain the idle minReplicas worker $w while $pending was pending" \
    grep -E "cloud_instance_id=$w, .*draining ray" "$alog"
  check "... it kept $w for minReplicas once idle past the ${idle}s timeout, and removed $pending (pending, no longer needed) instead" \
    bash -c "$(declare -f after_pending); alog='$alog' pending='$pending'; after_pending | grep -q 'required by min_worker_nodes' && grep -q 'cloud_instance_id=$pending, .*pending and not needed' '$alog'"
  check "... the same pod $w is still Running and Ready" \
    bash -c "[[ \"\$(kubectl --kubeconfig '$K' -n '$NS' get pod '$w' -o jsonpath='{.metadata.uid} {.status.conditions[?(@.type==\"Ready\")].status}')\" == '$uid True' ]]"
  driver "$HEAD" alive "$ip"
}
[[ -n "$HEAD" ]] && min_worker_check

# -- 4. a RayJob runs to completion through its submitter; its cluster is deleted ----------------
job_done() {
  local s; s="$(kc -n "$NS" get rayjob "$JOB" -o jsonpath='{.status.jobDeploymentStatus}/{.status.jobStatus}')"
  [[ "$s" == Complete/SUCCEEDED || "$s" == */FAILED || "$s" == Failed/* ]]
}
if wait_for "$READY_TIMEOUT" "RayJob $JOB finished" job_done; then
  st="$(kc -n "$NS" get rayjob "$JOB" -o jsonpath='{.status.jobDeploymentStatus}/{.status.jobStatus}')"
  [[ "$st" == Complete/SUCCEEDED ]] && pass "RayJob $JOB (K8sJobMode) ran to completion: $st" || fail "RayJob $JOB ended $st"
  # every submitter pod's log: with a retry, `logs job/NAME` may pick the failed first pod
  check "the submitter's log shows the job's result (e2e-rayjob 42)" \
    bash -c "kubectl --kubeconfig '$K' -n '$NS' logs -l batch.kubernetes.io/job-name=$JOB --tail=-1 | grep -q 'e2e-rayjob 42'"
  jc="$(kc -n "$NS" get rayjob "$JOB" -o jsonpath='{.status.rayClusterName}')"
  check "the RayJob's cluster ${jc:-?} is deleted after the job" \
    wait_for 180 "RayCluster $jc gone" bash -c "[[ -n '$jc' ]] && ! kubectl --kubeconfig '$K' -n '$NS' get raycluster '$jc' 2>/dev/null | grep -q ."
  # -- 9. its logs outlive it (node-logs.sh)
  logs_checks
else
  fail "RayJob $JOB did not finish in ${READY_TIMEOUT}s: $(kc -n "$NS" get rayjob "$JOB" -o jsonpath='{.status}' 2>&1 | head -c 400)"
fi

# -- 11. what the hardening costs at run time: ours against a plain twin (node-cost.sh), before the
# GCS fault tolerance checks delete RayCluster e2e; alice's revocation poller runs meanwhile
bash "$HERE/node-cost.sh" "$NODE_DIR" "$NS" "$RC"

# -- 10. people as themselves: alice refused within Ray's cache after her RoleBinding went (node-identity.sh)
bash "$HERE/node-identity.sh" finish "$NODE_DIR" "$NS" "$OTHER"

# -- 12. GCS fault tolerance: the teams' Redis over TLS, a head restart, a RayService under load, deletion
# shellcheck source=node-gcsft.sh
source "$HERE/node-gcsft.sh"
# shellcheck source=node-serveauto.sh
source "$HERE/node-serveauto.sh" # 13. a RayService autoscales under load, within the quota
exit 0
