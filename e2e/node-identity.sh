#!/usr/bin/env bash
# People as themselves on the real node (issue 24): what the node's API server needs, and the
# checks of a RayCluster with Kubernetes identity (`identity.mode: personal`).
#
#   bash e2e/node-identity.sh apiserver-args NODE_DIR
#       writes NODE_DIR/identity/: a static token file with two people, each with a bearer
#       token of their own (alice in the e2e team's people group, bob in another team's), and
#       an audit policy; prints the path of a file of kube-apiserver flags that use them
#       (node.sh hands it to control-plane.sh as E2E_CP_APISERVER_ARGS)
#   bash e2e/node-identity.sh checks NODE_DIR NAMESPACE RAYCLUSTER
#       the checks (node-checks.sh runs them); PASS:/FAIL: lines prefixed "node: identity:"
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

cmd="${1:-}"
case "$cmd" in
  apiserver-args) apiserver_args "$2" ;;
  *) echo "usage: $0 apiserver-args NODE_DIR | checks NODE_DIR NAMESPACE RAYCLUSTER" >&2; exit 2 ;;
esac
