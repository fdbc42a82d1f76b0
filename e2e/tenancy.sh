# shellcheck shell=bash
# The `tenancy` step of run.sh (sourced by it): the program refuses, at `pulumi preview` with the
# real Pulumi CLI, what an attacker with write access to one team's stack file (or one extra file
# beside it) tries, before anything is registered and before any provider or cloud is reached:
# - another team's bucket (team-b's real stack file claiming team-a's bucket, the repository's
#   platform/policy-pack-config.json as its tenancy registry);
# - a pod CIDR overlapping another team stack's (the e2e stacks and registry);
# - a second file declaring itself the platform stack;
# - a kubeconfig from the stack file, both ways (`kubernetes:kubeconfig` with an exec user, and the
#   removed `cloud.kubeconfigSource: config` with `ray-on-ack:kubeconfig`), and an environment
#   kubeconfig whose user has `exec`: refused, and its command never runs.
# No cluster is needed: every refusal comes before the program registers anything.
#
# Uses run.sh's pulumi_env, RUN_DIR, E2E_REPO, E2E_STACKS_DIR, E2E_PLATFORM_CONFIG, pass, fail.

# tenancy_project DIR: the repository as a project of its own (stacks/ and platform/ as in the repository)
tenancy_project() {
  local dir="$1"
  mkdir -p "$dir" &&
    (cd "$E2E_REPO" && tar --exclude=./node_modules --exclude=./.git --exclude=./out -cf - .) | (cd "$dir" && tar -xf -) &&
    ln -s "$E2E_REPO/node_modules" "$dir/node_modules"
}

# tenancy_refused NAME DIR STACK PATTERN [ENV=VALUE...]: `pulumi preview` of STACK in project DIR
# fails, and its output matches PATTERN (an extended regular expression)
tenancy_refused() {
  local name="$1" dir="$2" stack="$3" pattern="$4" log; shift 4
  log="$RUN_DIR/tenancy-$stack.log"
  (
    cd "$dir" || exit 1
    export PULUMI_BACKEND_URL="file://$dir/.pulumi-state"
    mkdir -p "$dir/.pulumi-state"
    pulumi --non-interactive login "$PULUMI_BACKEND_URL" >/dev/null 2>&1 &&
      { pulumi --non-interactive stack select "$stack" >/dev/null 2>&1 || pulumi --non-interactive stack init "$stack" >/dev/null 2>&1; } &&
      env "$@" timeout --kill-after=30 "$STEP_TIMEOUT" pulumi --non-interactive preview --stack "$stack" </dev/null
  ) >"$log" 2>&1
  local rc=$?
  if [[ $rc -ne 0 ]] && grep -Eq -- "$pattern" "$log"; then
    pass "tenancy: $name"
  else
    fail "tenancy: $name (preview rc $rc; expected /$pattern/)"
    tail -n 15 "$log" | sed 's/^/    /'
  fi
}

step_tenancy() {
  section "tenancy: pulumi preview refuses what a team's file may not claim or run"
  have pulumi || { fail "tenancy: cannot run, the Pulumi CLI failed to build"; return; }
  pulumi_env
  local real="$RUN_DIR/tenancy-real" e2e="$RUN_DIR/tenancy-e2e"
  tenancy_project "$real" && tenancy_project "$e2e" || { fail "tenancy: could not copy the project"; return; }

  # team-b's real stack file, plus a read grant on team-a's registered bucket; without its Redis
  # password, whose ciphertext stands for Pulumi Cloud's (the CLI here cannot decrypt it, and would
  # stop at "bad value" before the program runs): the program then reports that key missing too, in
  # the same run as the refused bucket
  local bucket
  bucket="$(node -e 'const c=require(process.argv[1]); console.log(c["ray-tenancy"].tenants["team-a"].oss[0].bucket)' "$real/platform/policy-pack-config.json")"
  python3 - "$real/stacks/Pulumi.team-b.yaml" "$bucket" <<'PY'
import re, sys
path, bucket = sys.argv[1], sys.argv[2]
text = open(path).read()
text = text.replace("    oss:\n", f"    oss:\n      - bucket: {bucket}\n        access: read\n", 1)
text = re.sub(r"  ray-on-ack:gcsRedisPassword:\n    secure: [^\n]*\n", "", text)
open(path, "w").write(text)
PY
  tenancy_refused "team-b claiming team-a's bucket is refused, naming team-a" "$real" team-b "rrsa\.oss\[0\]: read access to oss://$bucket/ belongs to stack team-a"

  # a second platform stack, beside the real one
  cp "$real/stacks/Pulumi.platform.yaml" "$real/stacks/Pulumi.platform-2.yaml"
  tenancy_refused "a second file saying ray-on-ack:platform: true is refused" "$real" platform-2 "stack platform-2 says it is the platform stack"
  rm -f "$real/stacks/Pulumi.platform-2.yaml"

  # the e2e stacks and their registry; e2e-serve's pod CIDR moved onto e2e's
  rm -f "$e2e"/stacks/Pulumi.*.yaml && cp "$E2E_STACKS_DIR"/Pulumi.e2e*.yaml "$e2e/stacks/" && cp "$E2E_PLATFORM_CONFIG" "$e2e/platform/policy-pack-config.json"
  sed -i 's#198\.18\.43\.0/24#198.18.42.0/25#' "$e2e/stacks/Pulumi.e2e-serve.yaml"
  tenancy_refused "a pod CIDR overlapping another team stack's is refused by the program, not only by render" "$e2e" e2e-serve "podCidrs\[0\]: pod CIDR 198\.18\.42\.0/25 belongs to stack e2e"
  cp "$E2E_STACKS_DIR/Pulumi.e2e-serve.yaml" "$e2e/stacks/"

  # a kubeconfig whose user runs a command: from the stack file (both ways) and from the environment
  local marker="$RUN_DIR/tenancy-exec-ran" evil="$RUN_DIR/tenancy-exec.kubeconfig"
  cat >"$evil" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: sh, args: ["-c", "touch $marker"]}}}]
EOF
  local stackfile="$e2e/stacks/Pulumi.e2e.yaml" kept="$RUN_DIR/tenancy-e2e.yaml"
  cp "$stackfile" "$kept"
  { echo "  kubernetes:kubeconfig: |"; sed 's/^/    /' "$evil"; } >>"$stackfile"
  tenancy_refused "kubernetes:kubeconfig in a team stack file is refused" "$e2e" e2e "kubernetes:kubeconfig: is a Kubernetes provider setting"
  cp "$kept" "$stackfile"
  python3 - "$stackfile" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
text += "  ray-on-ack:cloud:\n    clusterId: c1\n    accountId: \"1\"\n    region: cn-hangzhou\n    kubeconfigSource: config\n"
open(path, "w").write(text)
PY
  tenancy_refused "cloud.kubeconfigSource: config (a kubeconfig from the stack file) is refused" "$e2e" e2e "cloud\.kubeconfigSource: was removed"
  cp "$kept" "$stackfile"
  tenancy_refused "an environment kubeconfig whose user has exec is refused" "$e2e" e2e "user \"u\" authenticates with exec" KUBECONFIG="$evil"
  if [[ -e "$marker" ]]; then fail "tenancy: the refused kubeconfig's exec command ran"; else pass "tenancy: the refused kubeconfig's exec command never ran"; fi
}
