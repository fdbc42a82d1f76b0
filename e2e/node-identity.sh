#!/usr/bin/env bash
# People as themselves on the real node (issue 24): what the node's API server needs, and the
# checks of a RayCluster with Kubernetes identity (`identity.mode: personal`).
#
#   bash e2e/node-identity.sh apiserver-args NODE_DIR
#       writes NODE_DIR/identity/: a static token file with two people, each with a bearer
#       token of their own (alice in the e2e team's people group, bob in another team's), and
#       an audit policy; prints the path of a file of kube-apiserver flags that use them
#       (node.sh hands it to control-plane.sh as E2E_CP_APISERVER_ARGS)
#   bash e2e/node-identity.sh platform NODE_DIR
#       what the platform stack gives personal-identity clusters: its token-reviewer ClusterRole,
#       from the package's own builder (node.sh, once the API server is up, before any team stack)
#   bash e2e/node-identity.sh start NODE_DIR NAMESPACE RAYCLUSTER
#   bash e2e/node-identity.sh finish NODE_DIR NAMESPACE RAYCLUSTER
#       the checks (node-checks.sh runs start early and finish last): alice submits a job with
#       her own token through her own port-forward and it runs; bob and no token are refused by
#       the dashboard and the Jobs API; the audit log holds alice's SubjectAccessReview; the token
#       in the head's and a worker's Ray container reviews tokens and nothing else
#       (node_identity_pod.py); then alice's RoleBinding is deleted, and while the other checks
#       run a poller asks every 5 s until Ray refuses her; finish checks that this came within
#       Ray's token cache (RAY_TOKEN_CACHE_SECONDS, common/identity.ts) and reports how long it
#       took. PASS:/FAIL: lines prefixed "node: identity:"
#
# The people's tokens are random per run and never leave NODE_DIR. The audit log keeps the
# SubjectAccessReviews whole (request and response: who asked about whom, and the answer) and
# TokenReviews as metadata only (their request carries the token), nothing else.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

ALICE_GROUP="${E2E_PEOPLE_GROUP:-team-a-people}"
BOB_GROUP=team-b-people

apiserver_args() {
  local dir="$1/identity"
  mkdir -p "$dir"
  local who
  for who in alice bob; do
    [[ -s "$dir/$who.token" ]] || python3 -c 'import secrets; print(secrets.token_hex(32))' >"$dir/$who.token"
  done
  chmod 600 "$dir"/*.token
  # token,user,uid,"group,..." (kube-apiserver --token-auth-file)
  printf '%s,alice,alice-uid,"%s"\n%s,bob,bob-uid,"%s"\n' \
    "$(cat "$dir/alice.token")" "$ALICE_GROUP" "$(cat "$dir/bob.token")" "$BOB_GROUP" >"$dir/tokens.csv"
  chmod 600 "$dir/tokens.csv"
  cat >"$dir/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  # who asked the API server whether whom may use which RayCluster, and its answer
  - level: RequestResponse
    resources: [{group: authorization.k8s.io, resources: [subjectaccessreviews]}]
  # a TokenReview's request holds the token itself: metadata only
  - level: Metadata
    resources: [{group: authentication.k8s.io, resources: [tokenreviews]}]
  - level: None
EOF
  printf '%s\n' "--token-auth-file=$dir/tokens.csv" "--audit-policy-file=$dir/audit-policy.yaml" \
    "--audit-log-path=$dir/audit.log" "--audit-log-format=json" >"$dir/apiserver-args"
  echo "$dir/apiserver-args"
}

# ---- the platform's ClusterRole ---------------------------------------------------------------
platform() {
  local dir="$1"
  # shellcheck disable=SC1091
  source "$dir/cp/env"
  (cd "$E2E_REPO" && node node_modules/ts-node/dist/bin.js --transpile-only -e \
    'console.log(JSON.stringify(require("./components/identity/identity").tokenReviewerClusterRoleObject()))') |
    nsenter -t "$(cat "$dir/pids/holder.pid")" -m -n "$E2E_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" apply -f - \
      >"$dir/logs/token-reviewer.log" 2>&1 || { cat "$dir/logs/token-reviewer.log" >&2; return 1; }
}

# ---- the checks ------------------------------------------------------------------------------
setup_checks() {
  NODE_DIR="$1" NS="$2" RC="$3"
  ID="$NODE_DIR/identity"
  # shellcheck disable=SC1091
  source "$NODE_DIR/env"
  K="$KUBECONFIG_ADMIN"
  URL="http://127.0.0.1:18266"
  BOUND="$(cd "$E2E_REPO" && node node_modules/ts-node/dist/bin.js --transpile-only -e \
    'console.log(require("./common/identity").RAY_TOKEN_CACHE_SECONDS)')"
}
pass() { e2e_pass "node: identity: $*"; }
fail() { e2e_fail "node: identity: $*"; }
kc() { kubectl --kubeconfig "$K" --request-timeout 30s "$@"; }
# code WHO PATH: the HTTP status Ray answers WHO (alice, bob or none) on PATH, through alice's forward
code() {
  local auth=()
  [[ "$1" != none ]] && auth=(-H "Authorization: Bearer $(cat "$ID/$1.token")")
  curl -s -o /dev/null -w '%{http_code}' --max-time 20 "${auth[@]}" "$URL$2"
}
# audit_sar USER: the SubjectAccessReviews the API server recorded for USER on the RayCluster,
# one "time allowed asker" line each
audit_sar() {
  python3 - "$ID/audit.log" "$1" "$NS" "$RC" <<'PY'
import json, sys
log, user, ns, rc = sys.argv[1:5]
for line in open(log):
    e = json.loads(line)
    if e.get("objectRef", {}).get("resource") != "subjectaccessreviews" or e.get("stage") != "ResponseComplete":
        continue
    spec = (e.get("requestObject") or {}).get("spec", {})
    attrs = spec.get("resourceAttributes") or {}
    if spec.get("user") == user and attrs.get("name") == rc and attrs.get("namespace") == ns and attrs.get("verb") == "ray:write":
        allowed = ((e.get("responseObject") or {}).get("status") or {}).get("allowed", False)
        print(e["stageTimestamp"], str(allowed).lower(), e["user"]["username"])
PY
}
epoch() { python3 -c 'import datetime,sys; print(datetime.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")).timestamp())' "$1"; }
seconds_between() { python3 -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }

rc_ready() { # state ready, head and worker Running and Ready
  [[ "$(kc -n "$NS" get raycluster "$RC" -o jsonpath='{.status.state}')" == ready ]] || return 1
  [[ "$(kc -n "$NS" get pods -l "ray.io/cluster=$RC" -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)" -ge 2 ]]
}

start_checks() {
  setup_checks "$@"
  if ! wait_for "${E2E_NODE_READY_TIMEOUT:-600}" "RayCluster $RC ready" rc_ready; then
    fail "RayCluster $RC (personal identity) did not become ready: $(kc -n "$NS" get pods -l "ray.io/cluster=$RC" 2>&1 | tail -n +2 | tr '\n' ';')"
    kc -n "$NS" logs -l "ray.io/cluster=$RC,ray.io/node-type=head" --tail 15 2>&1 | sed 's/^/    /'
    return
  fi
  pass "RayCluster $RC with personal identity is ready: its head and worker check each other's ServiceAccount tokens with the API server"
  # alice, as herself: a kubeconfig with her bearer token, no client certificate
  cat >"$ID/alice.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: e2e, cluster: {server: "$API_SERVER", certificate-authority: "$API_CA"}}]
users: [{name: alice, user: {tokenFile: "$ID/alice.token"}}]
contexts: [{name: e2e, context: {cluster: e2e, user: alice}}]
current-context: e2e
EOF
  kubectl --kubeconfig "$ID/alice.kubeconfig" -n "$NS" port-forward "svc/$RC-head-svc" "${URL##*:}:8265" >"$ID/port-forward.log" 2>&1 &
  echo $! >"$ID/port-forward.pid"
  if ! wait_for 30 "alice's port-forward" curl -s -o /dev/null "$URL/"; then
    fail "alice's kubectl port-forward to $RC (her own token) did not come up: $(tail -n 3 "$ID/port-forward.log")"
    return
  fi
  local c path
  for path in /api/jobs/ /api/cluster_status; do
    c="$(code none "$path")"
    [[ "$c" == 401 ]] && pass "no token: $RC's $path answers 401" || fail "no token: $RC's $path answered $c, not 401"
    c="$(code bob "$path")"
    [[ "$c" == 403 ]] && pass "bob (another team, with a valid token of his own) is refused by $RC's $path: 403" ||
      fail "bob (another team) got $c from $RC's $path, not 403"
    c="$(code alice "$path")"
    [[ "$c" == 200 ]] && pass "alice (the team's people group) is admitted by $RC's $path with her own token: 200" ||
      fail "alice got $c from $RC's $path with her own token, not 200"
  done
  # a job, submitted with her token by the ray CLI, as a person does
  local out
  out="$(RAY_AUTH_MODE=token RAY_AUTH_TOKEN="$(cat "$ID/alice.token")" timeout 300 nsenter -t "$NODE_HOLDER" -n \
    "$E2E_VENV/bin/ray" job submit --address "$URL" --submission-id "e2e-alice-$$" -- \
    python -c "import ray; ray.init(); print('alice-job', ray.get(ray.remote(lambda x: x * 2).remote(21)))" 2>&1)"
  if grep -q "alice-job 42" <<<"$out" && grep -qi "succeeded" <<<"$out"; then
    pass "alice submitted a job with her own token (ray job submit) and it ran: alice-job 42, SUCCEEDED"
  else
    fail "alice's job (her own token) did not run: $(tail -n 5 <<<"$out" | tr '\n' ' ')"
  fi
  # the trail: the API server's audit log has alice's SubjectAccessReview, asked by the cluster's head
  local sar
  sar="$(audit_sar alice | grep ' true ' | tail -n 1)"
  if [[ "$sar" == *" true system:serviceaccount:$NS:$RC-ray-head" ]]; then
    pass "the audit log holds alice's SubjectAccessReview for ray:write on rayclusters/$RC, asked by $RC-ray-head and allowed ($sar)"
  else
    fail "no allowed SubjectAccessReview of alice for $RC in the audit log ($ID/audit.log): ${sar:-none}"
  fi
  if audit_sar bob | grep -q ' false '; then pass "... and bob's, refused"; else fail "no refused SubjectAccessReview of bob for $RC in the audit log"; fi
  # what the Ray containers' own token can do, asked from inside them
  local pod role
  for role in head worker; do
    pod="$(kc -n "$NS" get pods -l "ray.io/cluster=$RC,ray.io/node-type=$role" -o jsonpath='{.items[0].metadata.name}')"
    out="$(kc -n "$NS" exec -i "$pod" -c "ray-$role" -- python - "$RC" <"$HERE/node_identity_pod.py" 2>&1)"
    grep -qE '^(PASS|FAIL):' <<<"$out" || fail "the in-pod check in $pod printed no result: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
    e2e_relay "node: identity: the token in the $role's Ray container: " <<<"$out"
  done
  # revoke alice: her RoleBinding goes; Ray admits her until its cache of her token runs out
  local people="$RC-ray-people"
  date +%s.%N >"$ID/revoked-at"
  if ! kc -n "$NS" delete rolebinding "$people" >/dev/null; then
    fail "could not delete RoleBinding $people"
    return
  fi
  pass "alice's RoleBinding $people is deleted; Ray may admit her for at most ${BOUND}s more (its token cache)"
  (
    deadline=$((SECONDS + BOUND + 60))
    while ((SECONDS < deadline)); do
      c="$(code alice /api/jobs/)"
      echo "$(date +%s.%N) $c" >>"$ID/revocation.log"
      [[ "$c" == 401 || "$c" == 403 ]] && break
      sleep 5
    done
    echo done >>"$ID/revocation.log"
  ) </dev/null >/dev/null 2>&1 &
}

finish_checks() {
  setup_checks "$@"
  if [[ ! -f "$ID/revoked-at" ]]; then
    fail "alice's revocation never started (see the checks above)"
    return 0
  fi
  wait_for $((BOUND + 90)) "the revocation poller" grep -q '^done$' "$ID/revocation.log"
  local revoked first last_sar last
  revoked="$(cat "$ID/revoked-at")"
  first="$(grep -E ' (401|403)$' "$ID/revocation.log" | head -n 1)"
  last_sar="$(audit_sar alice | grep ' true ' | tail -n 1 | cut -d' ' -f1)"
  if [[ -n "$first" ]]; then
    local after since="?"
    after="$(seconds_between "$revoked" "${first%% *}")"
    [[ -n "$last_sar" ]] && since="$(seconds_between "$(epoch "$last_sar")" "${first%% *}")"
    if ((after <= BOUND + 10)); then
      pass "Ray refused alice ${after}s after her RoleBinding was deleted (HTTP ${first##* }), within its ${BOUND}s cache (${since}s after the API server last admitted her)"
    else
      fail "Ray refused alice only ${after}s after her RoleBinding was deleted, beyond its ${BOUND}s cache"
    fi
    if audit_sar alice | grep -q ' false '; then pass "... and the audit log holds the SubjectAccessReview that refused her"; else fail "no refused SubjectAccessReview of alice in the audit log"; fi
  else
    last="$(grep -E '^[0-9.]+ [0-9]+$' "$ID/revocation.log" | tail -n 1)"
    fail "alice was still admitted (HTTP ${last##* }) $(seconds_between "$revoked" "${last%% *}")s after her RoleBinding was deleted, beyond Ray's ${BOUND}s cache"
  fi
  [[ -f "$ID/port-forward.pid" ]] && kill "$(cat "$ID/port-forward.pid")" 2>/dev/null
  return 0
}

cmd="${1:-}"
case "$cmd" in
  apiserver-args) apiserver_args "$2" ;;
  platform) platform "$2" ;;
  start) shift; start_checks "$@" ;;
  finish) shift; finish_checks "$@" ;;
  *) echo "usage: $0 apiserver-args|platform NODE_DIR | start|finish NODE_DIR NAMESPACE RAYCLUSTER" >&2; exit 2 ;;
esac
