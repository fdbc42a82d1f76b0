# shellcheck shell=bash
# The node step's GCS fault tolerance checks (issue 23), sourced at the end of node-checks.sh: they
# use its helpers (pass, fail, check, check_not, kc, pod_of, pod_ip, run_in, tcp_ok, driver,
# driver_in, cluster_ready), NODE_DIR, NS, RC, OTHER, JOB and the outsider pod, and the addresses of
# node-redis.sh. In order:
#   (c) the head reaches the team's Redis over TLS, only with the password; the team's egress admits
#       that endpoint and port from fault-tolerant heads, and nothing else;
#   (a) the head pod is deleted: a new head comes up, the worker pod is not restarted, a detached
#       named actor created before still answers from the same process, a job submitted afterwards
#       succeeds;
#   (b) the e2e-serve stack's RayService (deployed here, meanwhile) keeps answering while its head
#       restarts: at least 99% of the requests a client in e2e-outsider sends to its Serve Service
#       during the restart succeed;
#   (d) deleting the fault-tolerant RayCluster completes: KubeRay's Redis cleanup Job ran (admitted by
#       PodSecurity and the quota, through the NetworkPolicies) and emptied the cluster's keys; the
#       RayJob's cluster, deleted after its job, went the same way.
# E2E_PULUMI_DIR is the node step's Pulumi project (run.sh's pulumi_deploy).

# shellcheck source=node-redis.sh
source "$HERE/node-redis.sh"
GCS_DRIVER="$HERE/gcsft_driver.py"
SERVE_STACK=e2e-serve
SERVE_NS=ray-e2e-serve
SERVE=echo
SERVE_URL="http://$SERVE-serve-svc.$SERVE_NS.svc.cluster.local:8000/$SERVE"
REDIS_DIR="$NODE_DIR/redis"

# redis_keys STACK PATTERN: how many keys of the stack's Redis match
redis_keys() {
  REDISCLI_AUTH="$(cat "$REDIS_DIR/$1.password")" nsenter -t "$(cat "$NODE_DIR/pids/redis-holder.pid")" -n \
    redis-cli -h "$(redis_ip "$1")" -p "$REDIS_TLS_PORT" --tls --cacert "$REDIS_DIR/ca.crt" --scan --pattern "$2" | grep -c .
}
# ready_head NAMESPACE CLUSTER [NOT]: the first Ready head pod of the cluster other than NOT
ready_head() {
  kc -n "$1" get pods -l "ray.io/cluster=$2,ray.io/node-type=head" \
    -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.deletionTimestamp} {.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    awk -v not="${3:-}" '$1 != not && NF == 2 && $2 == "True" { print $1; exit }'
}
new_head_ready() { [[ -n "$(ready_head "$@")" ]]; }
# pod_state NAMESPACE POD: uid, restarts of the first container, readiness
pod_state() {
  kc -n "$1" get pod "$2" -o jsonpath='{.metadata.uid} {.status.containerStatuses[0].restartCount} {.status.conditions[?(@.type=="Ready")].status}'
}

# -- the RayService team's stack, deployed while the checks below run -----------------------------
serve_deploy() {
  [[ -n "${E2E_PULUMI_DIR:-}" ]] || { echo "no E2E_PULUMI_DIR: the node step's Pulumi project is unknown"; return 1; }
  cp "${E2E_STACKS_DIR:-$HERE/stacks}/Pulumi.$SERVE_STACK.yaml" "$E2E_PULUMI_DIR/stacks/" &&
    (cd "$E2E_PULUMI_DIR" && pulumi --non-interactive stack init "$SERVE_STACK" &&
      pulumi --non-interactive up --yes --skip-preview --stack "$SERVE_STACK")
}
serve_t0=$SECONDS
serve_deploy >"$NODE_DIR/serve-up.log" 2>&1 &
SERVE_DEPLOY=$!

# -- (c) the team's Redis: TLS, the password, and nothing else --------------------------------------
GCS_HEAD="$(pod_of "$RC" head)"; GCS_WORKER="$(pod_of "$RC" worker)"; GCS_OTHER_HEAD="$(pod_of "$OTHER" head)"
E2E_REDIS="$(redis_ip e2e)"; SERVE_REDIS="$(redis_ip "$SERVE_STACK")"
if [[ -n "$GCS_HEAD" && -n "$GCS_WORKER" ]]; then
  driver_in "$NS" "$GCS_HEAD" ray-head "$GCS_DRIVER" redis
  check "gcs: control: the head reaches its Redis's TLS port $E2E_REDIS:$REDIS_TLS_PORT (NetworkPolicy $RC-gcs-redis)" \
    tcp_ok "$GCS_HEAD" ray-head "$E2E_REDIS" "$REDIS_TLS_PORT"
  check "gcs: control: a pod of another namespace reaches the Redis's plain port $E2E_REDIS:$REDIS_PLAIN_PORT (no policy there)" \
    run_in "$OUTSIDER" outsider timeout 5 bash -c "exec 3<>/dev/tcp/$E2E_REDIS/$REDIS_PLAIN_PORT"
  check_not "gcs: the head cannot reach its Redis's plain-TCP port $REDIS_PLAIN_PORT (the egress admits the TLS port only)" \
    tcp_ok "$GCS_HEAD" ray-head "$E2E_REDIS" "$REDIS_PLAIN_PORT"
  check_not "gcs: the head cannot reach another team's Redis ($SERVE_REDIS:$REDIS_TLS_PORT, stack $SERVE_STACK)" \
    tcp_ok "$GCS_HEAD" ray-head "$SERVE_REDIS" "$REDIS_TLS_PORT"
  check_not "gcs: a worker cannot reach the Redis (the head and KubeRay's cleanup Job only)" \
    tcp_ok "$GCS_WORKER" ray-worker "$E2E_REDIS" "$REDIS_TLS_PORT"
  [[ -n "$GCS_OTHER_HEAD" ]] && check_not "gcs: the head of $OTHER (no GCS fault tolerance) cannot reach the Redis" \
    tcp_ok "$GCS_OTHER_HEAD" ray-head "$E2E_REDIS" "$REDIS_TLS_PORT"
else
  fail "gcs: no head and worker of $RC for the Redis checks"
fi

# -- (a) the head pod is deleted; the worker, its actor and the cluster's jobs carry on ------------
gcs_head_restart() {
  local rc="$1" head="$2" worker="$3" before after t0 new
  before="$(pod_state "$NS" "$worker")"
  driver_in "$NS" "$head" ray-head "$GCS_DRIVER" actor-create e2e-ft-counter "$(pod_ip "$worker")"
  t0=$SECONDS
  kc -n "$NS" delete pod "$head" --wait=false >/dev/null
  if ! wait_for 600 "a new head of $rc" new_head_ready "$NS" "$rc" "$head"; then
    fail "gcs: no new head of $rc became Ready within 600 s after $head was deleted"
    kc -n "$NS" get pods -o wide 2>&1 | sed 's/^/    /'; return
  fi
  new="$(ready_head "$NS" "$rc" "$head")"
  pass "gcs: after its head pod $head was deleted, RayCluster $rc has a new Ready head $new ($((SECONDS - t0)) s)"
  after="$(pod_state "$NS" "$worker")"
  check "gcs: the worker pod $worker was not restarted (uid, restarts, Ready before and after: $before / $after)" \
    test "$before" == "$after"
  driver_in "$NS" "$new" ray-head "$GCS_DRIVER" actor-check e2e-ft-counter "$(pod_ip "$worker")"
  driver "$new" job "$rc-after-head-restart-$$"
}
[[ -n "$GCS_HEAD" && -n "$GCS_WORKER" ]] && gcs_head_restart "$RC" "$GCS_HEAD" "$GCS_WORKER"

# -- (b) a RayService keeps answering while its head restarts --------------------------------------
serve_answers() { run_in "$OUTSIDER" outsider python -c "import urllib.request as u; assert u.urlopen('$SERVE_URL', timeout=5).read().startswith(b'echo')"; }
# serve_load: 20-second rounds of requests from the outsider pod until STOP exists
serve_load() {
  while [[ ! -f "$NODE_DIR/serve-load.stop" ]]; do
    kc -n "$OUTSIDER_NS" exec -i outsider -- python - load "$SERVE_URL" 20 <"$GCS_DRIVER" 2>&1 | grep '^LOAD'
  done
}
gcs_serve_restart() {
  local cluster head new t0 ok total
  cluster="$(kc -n "$SERVE_NS" get rayservice "$SERVE" -o jsonpath='{.status.activeServiceStatus.rayClusterName}')"
  head="$(ready_head "$SERVE_NS" "$cluster")"
  [[ -n "$cluster" && -n "$head" ]] || { fail "gcs: RayService $SERVE has no active cluster with a Ready head (${cluster:-none})"; return; }
  rm -f "$NODE_DIR/serve-load.stop"
  serve_load >"$NODE_DIR/serve-load.log" &
  local load=$!
  sleep 20
  t0=$SECONDS
  kc -n "$SERVE_NS" delete pod "$head" --wait=false >/dev/null
  if wait_for 600 "a new head of $cluster" new_head_ready "$SERVE_NS" "$cluster" "$head"; then
    new="$(ready_head "$SERVE_NS" "$cluster" "$head")"
    pass "gcs: RayService $SERVE's cluster $cluster has a new Ready head $new after $head was deleted ($((SECONDS - t0)) s)"
    sleep 20 # and a while after it is back
  else
    fail "gcs: no new head of $cluster became Ready within 600 s after $head was deleted"
  fi
  touch "$NODE_DIR/serve-load.stop"; wait "$load"
  read -r ok total < <(awk -F'[ =]' '/^LOAD / { ok += $3; total += $5 } END { print ok + 0, total + 0 }' "$NODE_DIR/serve-load.log")
  if [[ -n "$total" && "$total" -ge 100 && $((ok * 100)) -ge $((total * 99)) ]]; then
    pass "gcs: RayService $SERVE answered $ok of $total requests (>= 99%) to $SERVE-serve-svc while its head restarted"
  else
    fail "gcs: RayService $SERVE answered ${ok:-0} of ${total:-0} requests while its head restarted (needs >= 99% of at least 100)"
    grep -v 'errors=\[\]' "$NODE_DIR/serve-load.log" | head -n 5 | sed 's/^/    /'
  fi
}
if wait "$SERVE_DEPLOY"; then
  pass "gcs: pulumi up of the $SERVE_STACK stack (RayService $SERVE_NS/$SERVE, GCS fault tolerance on its Redis) onto the node ($((SECONDS - serve_t0)) s)"
  if wait_for "$READY_TIMEOUT" "RayService $SERVE answering" serve_answers; then
    pass "gcs: RayService $SERVE answers through its Serve Service ($((SECONDS - serve_t0)) s after the deploy began)"
    gcs_serve_restart
  else
    fail "gcs: RayService $SERVE did not answer on $SERVE_URL within ${READY_TIMEOUT}s"
    kc -n "$SERVE_NS" get rayservice,pods -o wide 2>&1 | sed 's/^/    /'
  fi
else
  fail "gcs: pulumi up of the $SERVE_STACK stack onto the node failed"; tail -n 20 "$NODE_DIR/serve-up.log" | sed 's/^/    /'
fi

# -- (d) deleting a fault-tolerant RayCluster completes: KubeRay's Redis cleanup Job ran -------------
OPERATOR_LOG="$NODE_DIR/cp/logs/kuberay-operator.log"
gcs_delete() {
  local uid keys t0 cleanup="$RC-redis-cleanup" succeeded=""
  uid="$(kc -n "$NS" get raycluster "$RC" -o jsonpath='{.metadata.uid}')"
  keys="$(redis_keys e2e "RAY$uid@*")"
  check "gcs: before its deletion the Redis holds $RC's GCS state ($keys keys under its storage namespace $uid)" test "${keys:-0}" -gt 0
  t0=$SECONDS
  kc -n "$NS" delete raycluster "$RC" --wait=false >/dev/null
  # The Job belongs to the RayCluster: watched while it exists, it goes with it.
  job_done() {
    [[ "$(kc -n "$NS" get job "$cleanup" -o jsonpath='{.status.succeeded}' 2>/dev/null)" == 1 ]] && succeeded=1
    ! kc -n "$NS" get raycluster "$RC" >/dev/null 2>&1
  }
  if wait_for 300 "RayCluster $RC deleted" job_done; then
    pass "gcs: deleting the fault-tolerant RayCluster $RC completed ($((SECONDS - t0)) s)"
  else
    fail "gcs: RayCluster $RC was not deleted within 300 s"
    kc -n "$NS" get jobs,pods 2>&1 | sed 's/^/    /'
  fi
  local completed='The Redis cleanup Job has been completed.*"redisCleanupJobName": ?"'
  check "gcs: KubeRay's Redis cleanup Job $cleanup ran to completion (its pod past PodSecurity, the quota and the NetworkPolicies)" \
    bash -c "[[ '$succeeded' == 1 ]] || grep -qE '$completed$cleanup\"' '$OPERATOR_LOG'"
  check "gcs: ... and emptied $RC's storage namespace in the Redis (0 keys left)" test "$(redis_keys e2e "RAY$uid@*")" -eq 0
  check_not "gcs: KubeRay never force-removed a cleanup finalizer nor saw a cleanup Job fail in $NS" \
    grep -E 'Redis cleanup Job has failed|Force-removing GCS FT finalizer' "$OPERATOR_LOG"
  check "gcs: the RayJob $JOB's cluster, deleted after its job, went through its cleanup Job too" \
    grep -qE "$completed$JOB-[a-z0-9]+-redis-cleanup\"" "$OPERATOR_LOG"
}
kc -n "$NS" get raycluster "$RC" >/dev/null 2>&1 && gcs_delete || fail "gcs: no RayCluster $RC left to delete"

# -- E2E_GCSFT_OFF_CHECK=1: the same head restart on a cluster WITHOUT fault tolerance ------------
# The demonstration that (a) tests the feature: RayCluster $OTHER (same team, no gcsFaultTolerance)
# gets a worker and goes through gcs_head_restart; its checks are expected to FAIL (the detached actor
# is gone with the head's GCS state, the worker's raylet loses its GCS). Off by default: it adds FAILs.
if [[ "${E2E_GCSFT_OFF_CHECK:-0}" == 1 ]]; then
  echo "E2E_GCSFT_OFF_CHECK=1: the head restart on $OTHER, without GCS fault tolerance (its checks should FAIL)"
  kc -n "$NS" patch raycluster "$OTHER" --type=json -p '[{"op":"replace","path":"/spec/workerGroupSpecs/0/replicas","value":1}]' >/dev/null
  if wait_for "$READY_TIMEOUT" "$OTHER with a worker" cluster_ready "$OTHER" 1; then
    gcs_head_restart "$OTHER" "$(pod_of "$OTHER" head)" "$(pod_of "$OTHER" worker)"
  else
    fail "gcs-off: $OTHER got no Ready worker"
  fi
fi
