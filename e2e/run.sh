#!/usr/bin/env bash
# End-to-end harness of ray-on-ack on real software, on loopback (`npm run test:e2e`).
#
#   bash e2e/run.sh [STEP...]
#
# STEPs (default: all, in this order):
#   build          build/reuse every tool (e2e/build-tools.sh), one PASS/FAIL per tool
#   ray            Ray head + worker with the certificates and token the renderer issues for the
#                  e2e stack (e2e/ray-tls.sh)
#   control-plane  etcd + kube-apiserver + kube-controller-manager + KubeRay CRDs and operator
#   pulumi-smoke   the Pulumi toolchain (CLI, Node.js language host, Kubernetes provider,
#                  file backend) up / preview --expect-no-changes / destroy of a tiny program
#   tenancy        `pulumi preview` refuses what one team's file may not claim or run: another
#                  team's bucket, an overlapping pod CIDR, a second platform stack, a kubeconfig
#                  from the stack file or an exec kubeconfig from the environment (tenancy.sh)
#   deploy         `pulumi up` of the e2e team stack e2e/stacks/Pulumi.$E2E_PULUMI_STACK.yaml,
#                  then deploy_checks: objects, operator pods admitted, PodSecurity rejection, RBAC
#                  (and serve_checks: the RayService stack Pulumi.e2e-serve.yaml, see below)
#                  of the team's people, quota rejection, no-change preview and destroy
#   multi-language the package from another Pulumi language: `pulumi package get-schema
#                  provider/` gives the five components, and a Pulumi YAML program (after
#                  `pulumi package add provider/`) previews TeamEnvironment and HardenedRayService
#                  with the same objects as the TypeScript program given the same args
#                  (e2e/multi-language/). The build step then builds pulumi-yaml (the YAML
#                  language host).
#   upgrade        no replacement on upgrade: `pulumi up` of the e2e, RayService and exposure
#                  stacks with the released version named in e2e/upgrade-from, then
#                  `pulumi preview` of each with this one: no replace and no delete; offline, the
#                  released team-b and platform stack files rendered by both versions keep their
#                  URNs, Kubernetes names and alicloud ForceNew inputs (upgrade.sh)
#   node           a real kubelet-backed node in network
#                  namespaces (node.sh): `pulumi up` of the e2e stack onto it, then
#                  node-checks.sh: Ray clusters Ready over TLS on team pod IPs, tasks/objects/jobs,
#                  autoscaling (the minReplicas worker kept), a RayJob, port-forward,
#                  NetworkPolicies enforced, read-only root. Needs root; the build step then also
#                  builds its tools (containerd, CoreDNS, kube-router, images) and installs its
#                  Debian packages (node-deps.sh) when missing.
# `pulumi-smoke` and `deploy` start a control plane if needed.
#
# Every check prints "PASS: ..." or "FAIL: ..."; the last line is "N passed, M failed" and the
# exit status is non-zero if anything failed. A step whose tools failed to build is a FAIL.
#
# Environment:
#   RAY_ON_ACK_E2E_CACHE   tool cache (default ~/.cache/ray-on-ack-e2e)
#   E2E_RAY_PKI_DIR        certificates for the Ray step (default: rendered for the e2e stack)
#   E2E_KEEP=1             keep the run directory (logs, kubeconfigs, Pulumi state)
#   E2E_BUILD_TIMEOUT      seconds per tool build (default 3000)
#   E2E_STEP_TIMEOUT       seconds per Pulumi command / Ray step (default 900)
#   E2E_PULUMI_STACK       the e2e stack (default e2e), in E2E_STACKS_DIR (default e2e/stacks)
#   E2E_NAMESPACE, E2E_RAYCLUSTER   what deploy_checks inspects (default: ray-<team> and the
#                          first RayCluster after pulumi up)
#   E2E_PEOPLE_USER, E2E_PEOPLE_GROUP   the people identity's user and group (alice, team-a-people)
#   E2E_KEEP_GOCACHE=1     keep the Go build cache after building (~11 GB)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

BUILD_TIMEOUT="${E2E_BUILD_TIMEOUT:-3000}"
STEP_TIMEOUT="${E2E_STEP_TIMEOUT:-900}"
RUN_DIR="$(mktemp -d /tmp/ray-on-ack-e2e.XXXXXX)"
CP_DIR="$RUN_DIR/control-plane"
E2E_RESULTS="$RUN_DIR/results"
export E2E_RESULTS
: >"$E2E_RESULTS"
export PATH="$E2E_BIN:$PATH"
CP_STARTED=0
NODE_STARTED=0
NODE_DIR="$RUN_DIR/node"
declare -A BUILT=()

cleanup() {
  local rc=$?
  [[ "$NODE_STARTED" == 1 ]] && bash "$HERE/node.sh" stop "$NODE_DIR" >/dev/null 2>&1
  [[ "$CP_STARTED" == 1 ]] && bash "$HERE/control-plane.sh" stop "$CP_DIR" >/dev/null 2>&1
  if [[ "${E2E_KEEP:-}" == 1 ]]; then echo "e2e: kept $RUN_DIR"; else rm -rf "$RUN_DIR"; fi
  return $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section() { echo; echo "== $*"; }
pass() { e2e_pass "$@"; }
fail() { e2e_fail "$@"; }

# ---- step: build ----------------------------------------------------------------------------
ALL_TOOLS=(ray etcd kubernetes kuberay pulumi pulumi-kubernetes)
NODE_TOOLS=(containerd coredns kube-router node-images) # built only when the node step runs
ML_TOOLS=(pulumi-yaml) # built when the multi-language step is among the steps (it is by default)
step_build() {
  section "build tools (cache: $E2E_CACHE)"
  local t start tools=("${ALL_TOOLS[@]}")
  if [[ " ${STEPS[*]} " == *" node "* ]]; then
    tools+=("${NODE_TOOLS[@]}")
    # the node's images need debootstrap and gcc: its Debian packages come first (as root;
    # apt-get update, then install; a no-op once they are there)
    if bash "$HERE/node-deps.sh" >"$RUN_DIR/node-deps.log" 2>&1; then
      pass "build: the node step's Debian packages are installed ($(tail -n 1 "$RUN_DIR/node-deps.log"))"
    else
      fail "build: installing the node step's Debian packages failed"; tail -n 5 "$RUN_DIR/node-deps.log"
    fi
  fi
  [[ " ${STEPS[*]} " == *" multi-language "* ]] && tools+=("${ML_TOOLS[@]}")
  for t in "${tools[@]}"; do
    start=$SECONDS
    if timeout --kill-after=30 "$BUILD_TIMEOUT" bash "$HERE/build-tools.sh" "$t"; then
      BUILT[$t]=1; pass "build $t ($((SECONDS - start))s)"
    else
      BUILT[$t]=0; fail "build $t (see $E2E_CACHE/logs/$t.log)"
    fi
  done
}

# have TOOL...: were these tools built (or, if the build step was not run, are they present)?
have() {
  local t
  for t in "$@"; do
    if [[ -n "${BUILT[$t]:-}" ]]; then
      [[ "${BUILT[$t]}" == 1 ]] || return 1
    else
      case "$t" in
        ray) [[ -x "$E2E_VENV/bin/ray" ]] || return 1 ;;
        kubernetes) [[ -x "$E2E_BIN/kube-apiserver" && -x "$E2E_BIN/kubectl" ]] || return 1 ;;
        kuberay) [[ -x "$E2E_BIN/kuberay-operator" ]] || return 1 ;;
        pulumi) [[ -x "$E2E_BIN/pulumi" && -x "$E2E_BIN/pulumi-language-nodejs" ]] || return 1 ;;
        pulumi-kubernetes) [[ -x "$E2E_BIN/pulumi-resource-kubernetes" ]] || return 1 ;;
        pulumi-yaml) [[ -x "$E2E_BIN/pulumi-language-yaml" ]] || return 1 ;;
        node-images) [[ -f "$E2E_CACHE/images/ray.tar" ]] || return 1 ;;
        *) [[ -x "$E2E_BIN/$t" ]] || return 1 ;;
      esac
    fi
  done
}

# ---- step: ray ------------------------------------------------------------------------------
# The Ray step uses what the renderer writes for the e2e team stack (pod CIDR 127.42.0.0/24):
# its RayCluster's own CA, head and worker certificates and keys (pki/<cluster>/), and the
# cluster's Ray token. E2E_RAY_PKI_DIR overrides it with a directory of the same shape. The
# rogue node gets the PKI our code issues for another RayCluster of the same team.
E2E_STACKS_DIR="${E2E_STACKS_DIR:-$E2E_REPO/e2e/stacks}"
# The e2e stacks' platform config: their tenancy registry (the program refuses a stack it has no entry for).
E2E_PLATFORM_CONFIG="${E2E_PLATFORM_CONFIG:-$E2E_REPO/e2e/policy-pack-config.json}"

# e2e_project DIR: a project copy's stacks and platform config are the e2e harness's own: its
# stacks/ holds only the e2e stack files copied in later (the program checks every stack file
# beside its own, and the repository's platform stack has no quota for ray-e2e), and its
# platform/policy-pack-config.json registers the e2e stacks (E2E_PLATFORM_CONFIG). Each FROM TO
# pair moves the registry entry of stack FROM to stack name TO (the upgrade step's stacks).
e2e_project() {
  local dir="$1"; shift
  mkdir -p "$dir/stacks" "$dir/platform" && rm -f "$dir"/stacks/Pulumi.*.yaml || return 1
  node -e '
    const fs = require("fs");
    const [src, dst, ...renames] = process.argv.slice(1);
    const c = JSON.parse(fs.readFileSync(src, "utf8"));
    const t = c["ray-tenancy"].tenants;
    for (let i = 0; i + 1 < renames.length; i += 2) {
      if (t[renames[i]] === undefined) throw new Error(`no registry entry for stack ${renames[i]}`);
      t[renames[i + 1]] = t[renames[i]];
      delete t[renames[i]];
    }
    fs.writeFileSync(dst, JSON.stringify(c, null, 4));
  ' "$E2E_PLATFORM_CONFIG" "$dir/platform/policy-pack-config.json" "$@"
}
render_ray_pki() {
  if [[ -n "${E2E_RAY_PKI_DIR:-}" ]]; then echo "$E2E_RAY_PKI_DIR"; return; fi
  local out="$RUN_DIR/render"
  (cd "$E2E_REPO" && timeout 300 node node_modules/ts-node/dist/bin.js render/render.ts \
    --stack "$E2E_PULUMI_STACK" --stacks-dir "$E2E_STACKS_DIR" --policy-pack-config "$E2E_PLATFORM_CONFIG" --include-secrets --out "$out") >"$RUN_DIR/render.log" 2>&1 ||
    { cat "$RUN_DIR/render.log" >&2; return 1; }
  # The first RayCluster's directory, and the token KubeRay would read from its Secret (key auth_token).
  local cluster
  cluster="$(cd "$E2E_REPO" && node -e '
    const fs = require("fs"), YAML = require("yaml");
    const docs = YAML.parseAllDocuments(fs.readFileSync(process.argv[1], "utf8")).map((d) => d.toJSON());
    const rc = docs.find((o) => o.kind === "RayCluster").metadata.name;
    const s = docs.find((o) => o.kind === "Secret" && o.metadata.name === rc + "-ray-token");
    fs.writeFileSync(process.argv[2] + "/" + rc + "/auth_token", s.stringData.auth_token, { mode: 0o600 });
    process.stdout.write(rc);
  ' "$out/manifests.yaml" "$out/pki")" || return 1
  (cd "$E2E_REPO" && timeout 300 node node_modules/ts-node/dist/bin.js e2e/otherClusterPki.ts \
    "$E2E_PULUMI_STACK" "$E2E_STACKS_DIR" "$RUN_DIR/other-cluster-pki" "$E2E_PLATFORM_CONFIG") >>"$RUN_DIR/render.log" 2>&1 ||
    { cat "$RUN_DIR/render.log" >&2; return 1; }
  echo "$out/pki/$cluster"
}

step_ray() {
  section "Ray with TLS and token"
  if ! have ray; then fail "ray: cannot run, Ray failed to build/install"; return; fi
  local pki
  if ! pki="$(render_ray_pki)"; then fail "ray: the renderer could not write the e2e stack's certificates"; return; fi
  pass "ray: rendered the e2e stack's certificates and token ($pki)"
  local rogue=()
  [[ -z "${E2E_RAY_PKI_DIR:-}" ]] && rogue=(env "RAY_E2E_ROGUE_PKI=$RUN_DIR/other-cluster-pki")
  timeout --kill-after=30 "$STEP_TIMEOUT" "${rogue[@]}" bash "$HERE/ray-tls.sh" "$pki"
  local rc=$?
  if [[ $rc -ge 124 && $rc -le 137 ]]; then
    fail "ray: step stopped by its ${STEP_TIMEOUT}s timeout (rc $rc)"
  elif [[ $rc -ne 0 ]] && ! grep -q '^FAIL ray:' "$E2E_RESULTS"; then
    fail "ray: ray-tls.sh exited with $rc"
  fi
}

# ---- step: control-plane --------------------------------------------------------------------
ensure_control_plane() {
  [[ "$CP_STARTED" == 1 ]] && return 0
  [[ "$CP_STARTED" == failed ]] && return 1
  if ! have etcd kubernetes kuberay; then
    fail "control plane: cannot start, etcd/kubernetes/kuberay failed to build"
    CP_STARTED=failed; return 1
  fi
  CP_STARTED=1 # stop whatever part of it started, even if start fails
  if bash "$HERE/control-plane.sh" start "$CP_DIR"; then
    # shellcheck disable=SC1091
    source "$CP_DIR/env"
    pass "control plane: etcd, kube-apiserver, kube-controller-manager, KubeRay CRDs and operator up ($API_SERVER)"
    return 0
  fi
  fail "control plane did not start (logs in $CP_DIR/logs)"
  CP_STARTED=failed
  return 1
}

step_control_plane() {
  section "control plane on 127.0.0.1"
  ensure_control_plane || return
  local K="$KUBECONFIG_ADMIN"
  e2e_check "control plane: API server ready" kc "$K" get --raw /readyz
  e2e_check "control plane: admin identity is cluster-admin" \
    bash -c "[[ \"\$(kubectl --kubeconfig '$K' auth can-i '*' '*' -A)\" == yes ]]"
  e2e_check "control plane: KubeRay CRDs served (ray.io/v1 RayCluster, RayJob)" \
    bash -c "kubectl --kubeconfig '$K' api-resources --api-group ray.io -o name | grep -q rayclusters.ray.io &&
             kubectl --kubeconfig '$K' api-resources --api-group ray.io -o name | grep -q rayjobs.ray.io"
}

# ---- step: pulumi-smoke ---------------------------------------------------------------------
in_dir() { local d="$1"; shift; ( cd "$d" && "$@" ); }

pulumi_env() { # the environment every pulumi command of the harness runs with
  export PULUMI_HOME="$RUN_DIR/pulumi-home"
  export PULUMI_BACKEND_URL="file://$RUN_DIR/pulumi-state"
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-ray-on-ack-e2e-not-a-secret}"
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
  export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-true}"
  mkdir -p "$PULUMI_HOME" "$RUN_DIR/pulumi-state"
}

# pulumi_cmd LOGNAME ARGS...: run pulumi under the step timeout, output to a log
pulumi_cmd() {
  local log="$RUN_DIR/pulumi-$1.log"; shift
  timeout --kill-after=30 "$STEP_TIMEOUT" pulumi --non-interactive "$@" >"$log" 2>&1 </dev/null
  local rc=$?
  if [[ $rc -ne 0 ]]; then echo "---- pulumi $* (rc $rc), tail of $log"; tail -n 40 "$log"; fi
  return $rc
}

step_pulumi_smoke() {
  section "Pulumi toolchain smoke test"
  if ! have pulumi pulumi-kubernetes; then
    fail "pulumi smoke: cannot run, the Pulumi CLI or Kubernetes provider failed to build"; return
  fi
  ensure_control_plane || { fail "pulumi smoke: no control plane"; return; }
  pulumi_env
  local dir="$RUN_DIR/smoke" K="$KUBECONFIG_ADMIN"
  mkdir -p "$dir"
  cp "$E2E_REPO/e2e/pulumi-smoke/Pulumi.yaml" "$E2E_REPO/e2e/pulumi-smoke/index.ts" "$dir/"
  ln -s "$E2E_REPO/node_modules" "$dir/node_modules"
  echo '{"name": "ray-on-ack-e2e-smoke", "private": true, "main": "index.ts"}' >"$dir/package.json"
  (
    cd "$dir" || exit 1
    pulumi_cmd smoke-login login "$PULUMI_BACKEND_URL" &&
      pulumi_cmd smoke-init stack init e2e-smoke &&
      pulumi config set --secret kubeconfig <"$K" >"$RUN_DIR/pulumi-smoke-config.log" 2>&1
  ) || { fail "pulumi smoke: login/stack init failed"; return; }
  if (cd "$dir" && pulumi_cmd smoke-up up --yes --skip-preview); then
    pass "pulumi smoke: pulumi up created a namespace and a ConfigMap"
  else
    fail "pulumi smoke: pulumi up failed"; return
  fi
  e2e_check "pulumi smoke: the objects exist in the API server" \
    kubectl --kubeconfig "$K" -n e2e-smoke get configmap e2e-smoke
  e2e_check "pulumi smoke: second preview reports no changes" \
    in_dir "$dir" pulumi_cmd smoke-preview preview --expect-no-changes
  if (cd "$dir" && pulumi_cmd smoke-destroy destroy --yes --skip-preview); then
    pass "pulumi smoke: pulumi destroy succeeded"
  else
    fail "pulumi smoke: pulumi destroy failed"
  fi
  e2e_check "pulumi smoke: destroy removed the namespace" \
    wait_for 120 "namespace e2e-smoke gone" bash -c "! kubectl --kubeconfig '$K' get namespace e2e-smoke"
}

# ---- step: deploy ---------------------------------------------------------------------------
E2E_NAMESPACE_SET="${E2E_NAMESPACE:+1}"
E2E_RAYCLUSTER_SET="${E2E_RAYCLUSTER:+1}"
E2E_NAMESPACE="${E2E_NAMESPACE:-ray-e2e}"
E2E_RAYCLUSTER="${E2E_RAYCLUSTER:-e2e}"
E2E_PULUMI_STACK="${E2E_PULUMI_STACK:-e2e}"

# Deploys the e2e team stack with the real engine against the loopback API server. The project
# is copied to the run directory (node_modules symlinked) with the e2e stack file in its stacks/,
# so that `pulumi stack init` and state never touch the repository. The program reaches the API
# server through the ambient KUBECONFIG (no `cloud` config). Returns 0 after `pulumi up --yes`
# succeeded; E2E_NAMESPACE and E2E_RAYCLUSTER then name the team namespace and one RayCluster
# it created, and E2E_PULUMI_DIR lets deploy_checks run the second preview and the destroy.
pulumi_deploy() {
  local kubeconfig="$1" stackfile="$E2E_STACKS_DIR/Pulumi.$E2E_PULUMI_STACK.yaml"
  [[ -f "$stackfile" ]] || { echo "e2e: no stack file $stackfile" >&2; return 1; }
  # Terway's PodNetworking CRD comes with ACK; the loopback API server gets a stand-in.
  kubectl --kubeconfig "$kubeconfig" apply -f "$E2E_REPO/e2e/fixtures/podnetworking-crd.yaml" >"$RUN_DIR/podnetworking-crd.log" 2>&1 &&
    kubectl --kubeconfig "$kubeconfig" wait --for condition=established --timeout=60s crd/podnetworkings.network.alibabacloud.com >>"$RUN_DIR/podnetworking-crd.log" 2>&1 ||
    { cat "$RUN_DIR/podnetworking-crd.log"; return 1; }
  # prometheus-operator's PodMonitor CRD comes with ACK's managed Prometheus; a stand-in here.
  kubectl --kubeconfig "$kubeconfig" apply -f "$E2E_REPO/e2e/fixtures/podmonitor-crd.yaml" >"$RUN_DIR/podmonitor-crd.log" 2>&1 &&
    kubectl --kubeconfig "$kubeconfig" wait --for condition=established --timeout=60s crd/podmonitors.monitoring.coreos.com >>"$RUN_DIR/podmonitor-crd.log" 2>&1 ||
    { cat "$RUN_DIR/podmonitor-crd.log"; return 1; }
  pulumi_env
  export KUBECONFIG="$kubeconfig"
  local dir="$RUN_DIR/project"
  mkdir -p "$dir"
  (cd "$E2E_REPO" && tar --exclude=./node_modules --exclude=./.git --exclude=./out -cf - .) | (cd "$dir" && tar -xf -) ||
    return 1
  ln -s "$E2E_REPO/node_modules" "$dir/node_modules"
  e2e_project "$dir" || return 1
  cp "$stackfile" "$dir/stacks/"
  (
    cd "$dir" || exit 1
    pulumi_cmd deploy-login login "$PULUMI_BACKEND_URL" &&
      pulumi_cmd deploy-init stack init "$E2E_PULUMI_STACK" &&
      pulumi_cmd deploy-up up --yes --skip-preview --stack "$E2E_PULUMI_STACK"
  ) || return 1
  E2E_PULUMI_DIR="$dir"
  if [[ -z "${E2E_NAMESPACE_SET:-}" ]]; then
    local team
    team="$(cd "$dir" && pulumi config get team --stack "$E2E_PULUMI_STACK" 2>/dev/null)"
    [[ -n "$team" ]] && E2E_NAMESPACE="ray-$team"
  fi
  if [[ -z "${E2E_RAYCLUSTER_SET:-}" ]]; then
    E2E_RAYCLUSTER="$(kubectl --kubeconfig "$kubeconfig" -n "$E2E_NAMESPACE" get rayclusters -o jsonpath='{.items[0].metadata.name}' 2>/dev/null)"
  fi
  return 0
}

# kc KUBECONFIG ARGS...: kubectl with a request timeout
kc() { local k="$1"; shift; kubectl --kubeconfig "$k" --request-timeout 30s "$@"; }

# cluster_suite KUBECONFIG PART [VAR=VALUE...]: one part of the cluster suite (mocha,
# e2e/cluster/PART/*.cluster.ts; README "The cluster suite") against $E2E_NAMESPACE, with the
# extra environment VAR=VALUE. Parts: deploy (every object exists, PodSecurity 'restricted' admits
# KubeRay's pods and refuses non-compliant ones, the RBAC of the team's people $KUBECONFIG_ALICE:
# user $PEOPLE_USER in group $PEOPLE_GROUP, the quota), rotation, serve. Its reporter prints the
# PASS:/FAIL: lines and records them in $E2E_RESULTS as e2e_pass/e2e_fail do, so they count
# here; a suite that exits non-zero without a FAIL (e.g. a variable missing) is one FAIL.
cluster_suite() {
  local K="$1" part="$2" before rc log; shift 2
  log="$(mktemp "$RUN_DIR/cluster-suite-$part.XXXX.log")"
  before="$(grep -c '^FAIL ' "$E2E_RESULTS")"
  (cd "$E2E_REPO" && env KUBECONFIG="$K" E2E_NAMESPACE="$E2E_NAMESPACE" E2E_RAYCLUSTER="$E2E_RAYCLUSTER" \
    E2E_PEOPLE_KUBECONFIG="${KUBECONFIG_ALICE:-}" E2E_PEOPLE_USER="${PEOPLE_USER:-alice}" E2E_PEOPLE_GROUP="${PEOPLE_GROUP:-team-a-people}" "$@" \
    timeout --kill-after=30 "$STEP_TIMEOUT" node node_modules/mocha/bin/mocha.js --config e2e/cluster/mocharc.json "e2e/cluster/$part") \
    >"$log" 2>&1
  rc=$?
  # the results as the reporter printed them (the run's own tally ends the run)
  awk '/^[0-9]+ passed, [0-9]+ failed/ { exit } /^(PASS|FAIL): / { r = 1; print; next } r && /^    / { print; next } { r = 0 }' "$log"
  if [[ $rc -ne 0 && "$(grep -c '^FAIL ' "$E2E_RESULTS")" == "$before" ]]; then
    fail "$part: the cluster suite exited with $rc without a FAIL (see $log)"
    grep -m 5 -iE 'error|exception' "$log" | sed 's/^/    /'
  fi
}

# deploy_checks KUBECONFIG: the checks of issue 6 step 3 against whatever was deployed into
# $E2E_NAMESPACE by pulumi_deploy: the cluster suite, then (Pulumi only) rotation, a second
# preview and destroy.
deploy_checks() {
  local K="$1" NS="$E2E_NAMESPACE"
  cluster_suite "$K" deploy

  # -- Pulumi only: a certificate rotation recreates the cluster's pods (upgradeStrategy Recreate,
  #    on KubeRay 1.6 too); then a second preview reports no changes; destroy removes everything
  if [[ -n "${E2E_PULUMI_DIR:-}" ]]; then
    rotation_checks "$K"
    e2e_check "pulumi: second preview reports no changes" \
      in_dir "$E2E_PULUMI_DIR" pulumi_cmd deploy-preview2 preview --expect-no-changes --stack "$E2E_PULUMI_STACK"
    e2e_check "pulumi: destroy succeeded" \
      in_dir "$E2E_PULUMI_DIR" pulumi_cmd deploy-destroy destroy --yes --skip-preview --stack "$E2E_PULUMI_STACK"
    e2e_check "pulumi: destroy removed the team namespace" \
      wait_for 180 "namespace $NS gone" bash -c "! kubectl --kubeconfig '$K' get namespace '$NS'"
  fi
}

# rotation_checks KUBECONFIG: bump tls.rotation, `pulumi up`, and watch the KubeRay operator
# delete every pod of $E2E_RAYCLUSTER and create new ones that carry the new certificates'
# fingerprint. Without upgradeStrategy Recreate the operator leaves the old pods alone.
rotation_checks() {
  local K="$1" NS="$E2E_NAMESPACE" RC="$E2E_RAYCLUSTER" fp='{.items[*].metadata.annotations.ray-on-ack\.io/tls-fingerprint}'
  local old_uids old_fp
  old_uids="$(kc "$K" -n "$NS" get pods -l "ray.io/cluster=$RC" -o jsonpath='{.items[*].metadata.uid}' 2>/dev/null)"
  old_fp="$(kc "$K" -n "$NS" get pods -l "ray.io/cluster=$RC,ray.io/node-type=head" -o jsonpath="$fp" 2>/dev/null)"
  if [[ -z "$old_uids" || -z "$old_fp" ]]; then
    fail "rotation: no pods of $RC to rotate"; return
  fi
  if ! (cd "$E2E_PULUMI_DIR" && pulumi config set --path tls.rotation 1 --stack "$E2E_PULUMI_STACK" >"$RUN_DIR/rotation-config.log" 2>&1 &&
        pulumi_cmd deploy-rotate up --yes --skip-preview --stack "$E2E_PULUMI_STACK"); then
    fail "rotation: pulumi up after bumping tls.rotation failed"; return
  fi
  pass "rotation: pulumi up after bumping tls.rotation re-issued the certificates"
  # every pod of the cluster is new, and the head carries the new fingerprint (the cluster suite)
  cluster_suite "$K" rotation E2E_RAYCLUSTER="$RC" E2E_ROTATED_FROM_UIDS="$old_uids" E2E_ROTATED_FROM_FINGERPRINT="$old_fp"
}

# serve_checks KUBECONFIG: `pulumi up` of the RayService stack (E2E_SERVE_STACK, default e2e-serve,
# in the project E2E_PULUMI_DIR that pulumi_deploy copied), then: the operator accepts the RayService
# and creates its RayCluster `<service>-<random>`, whose head and worker templates (and the head pod
# PodSecurity admits) mount our TLS Secrets of generation slot 0; a tls.rotation moves the next
# cluster to slot 1 while slot 0's Secret keeps its certificate (the old cluster's, until the switch).
E2E_SERVE_STACK="${E2E_SERVE_STACK:-e2e-serve}"
serve_checks() {
  local K="$1" dir="${E2E_PULUMI_DIR:-}" stackfile="$E2E_STACKS_DIR/Pulumi.$E2E_SERVE_STACK.yaml"
  [[ -n "$dir" && -f "$stackfile" ]] || { fail "serve: no deployed project or no stack file $stackfile"; return; }
  cp "$stackfile" "$dir/stacks/"
  local team svc NS
  team="$(sed -n 's/^ *ray-on-ack:team: *//p' "$stackfile")"
  svc="$(sed -n '/ray-on-ack:services:/,$ s/^ *- name: *//p' "$stackfile" | head -n 1)"
  NS="ray-$team"
  if ! in_dir "$dir" pulumi_cmd serve-init stack init "$E2E_SERVE_STACK" ||
     ! in_dir "$dir" pulumi_cmd serve-up up --yes --skip-preview --stack "$E2E_SERVE_STACK"; then
    fail "serve: pulumi up of the $E2E_SERVE_STACK stack failed"; return
  fi
  pass "serve: pulumi up of the $E2E_SERVE_STACK stack (RayService $NS/$svc)"
  # the RayCluster the operator made for the service, the Secrets it mounts (the cluster suite)
  cluster_suite "$K" serve E2E_NAMESPACE="$NS" E2E_SERVICE="$svc" E2E_SERVE_SLOT=0
  local slot0
  slot0="$(kc "$K" -n "$NS" get secret "$svc-ray-tls-head-0" -o jsonpath='{.data.tls\.crt}' 2>/dev/null)"
  if [[ -z "$slot0" ]]; then
    fail "serve: slot 0's Secret $svc-ray-tls-head-0 has no certificate before the rotation"
  elif ! (cd "$dir" && pulumi config set --path tls.rotation 1 --stack "$E2E_SERVE_STACK" >"$RUN_DIR/serve-rotation-config.log" 2>&1 &&
        pulumi_cmd serve-rotate up --yes --skip-preview --stack "$E2E_SERVE_STACK"); then
    fail "serve: pulumi up after bumping tls.rotation failed"
  else
    cluster_suite "$K" serve E2E_NAMESPACE="$NS" E2E_SERVICE="$svc" E2E_SERVE_SLOT=1 E2E_SERVE_SLOT0_CRT="$slot0"
  fi
  e2e_check "serve: destroy succeeded" in_dir "$dir" pulumi_cmd serve-destroy destroy --yes --skip-preview --stack "$E2E_SERVE_STACK"
  e2e_check "serve: destroy removed the service's namespace" \
    wait_for 180 "namespace $NS gone" bash -c "! kubectl --kubeconfig '$K' get namespace '$NS'"
}

step_deploy() {
  section "deploy and admission checks"
  ensure_control_plane || { fail "deploy: no control plane"; return; }
  local rc
  if have pulumi pulumi-kubernetes; then
    pulumi_deploy "$KUBECONFIG_ADMIN"; rc=$?
  else
    rc=3
  fi
  case $rc in
    0) pass "deploy: pulumi up of the e2e team stack" ;;
    3) fail "deploy: cannot run pulumi up, the Pulumi CLI or Kubernetes provider failed to build"; return ;;
    *) fail "deploy: pulumi up of the e2e team stack failed"; return ;;
  esac
  deploy_checks "$KUBECONFIG_ADMIN"
  serve_checks "$KUBECONFIG_ADMIN"
}

# ---- step: node -----------------------------------------------------------------------------
# node_wrappers DIR: kubectl, pulumi and curl that run inside the node's namespaces (the API
# server and the pods live there); pulumi's plugins and node inherit the namespaces.
node_wrappers() {
  mkdir -p "$1"
  local c
  for c in kubectl pulumi curl; do
    printf '#!/bin/sh\nexec nsenter -t %s -m -n --wd="$PWD" %s "$@"\n' "$NODE_HOLDER" "$(PATH="$E2E_BIN:$PATH" command -v "$c")" >"$1/$c"
    chmod +x "$1/$c"
  done
}

step_node() {
  section "a real node: kubelet, containerd, CNI, kube-proxy, CoreDNS, NetworkPolicies (node.sh)"
  if ! have etcd kubernetes kuberay pulumi pulumi-kubernetes containerd coredns kube-router node-images; then
    fail "node: cannot run, its tools failed to build"; return
  fi
  if ! bash "$HERE/node-deps.sh" >"$RUN_DIR/node-deps.log" 2>&1; then
    fail "node: installing the Debian packages failed"; tail -n 5 "$RUN_DIR/node-deps.log"; return
  fi
  # Without the build step, the shared cache may hold another tree's node images (e2e/serve_app,
  # node-images.sh): build-tools.sh rebuilds them when its key differs, a no-op otherwise.
  if [[ -z "${BUILT[node-images]:-}" ]] &&
    ! timeout --kill-after=30 "$BUILD_TIMEOUT" bash "$HERE/build-tools.sh" node-images >"$RUN_DIR/node-images.log" 2>&1; then
    fail "node: the node's images did not build (see $E2E_CACHE/logs/node-images.log)"; return
  fi
  # the loopback control plane of the earlier steps is not used by the node: free its CPU
  if [[ "$CP_STARTED" == 1 ]]; then bash "$HERE/control-plane.sh" stop "$CP_DIR" >/dev/null 2>&1; CP_STARTED=0; fi
  NODE_STARTED=1 # stop whatever part of it started
  local t0=$SECONDS
  pulumi_env # the passphrase node-redis.sh decrypts the stack files' Redis passwords with
  if ! timeout --kill-after=30 "$STEP_TIMEOUT" bash "$HERE/node.sh" start "$NODE_DIR"; then
    fail "node: did not start (logs in $NODE_DIR/logs)"; return
  fi
  pass "node: kubelet node Ready, CoreDNS pod Ready, kube-proxy and kube-router up ($((SECONDS - t0))s)"
  (
    # shellcheck disable=SC1091
    source "$NODE_DIR/env"
    node_wrappers "$NODE_DIR/bin"
    export PATH="$NODE_DIR/bin:$PATH"
    E2E_RAYCLUSTER_SET=1 E2E_RAYCLUSTER=e2e
    E2E_PLATFORM_CONFIG="$NODE_DIR/redis/policy-pack-config.json" # the e2e registry with the node's Redis CA (node-redis.sh)
    RUN_DIR="$RUN_DIR/node-pulumi"; mkdir -p "$RUN_DIR"
    # the node's registry adds the monitoring namespace and the team's log prefix (e2e/node-observability.json)
    node -e 'const fs=require("fs"),[a,b]=process.argv.slice(1).map((f)=>JSON.parse(fs.readFileSync(f,"utf8")));const t=a["ray-tenancy"],o=b["ray-tenancy"];Object.assign(t.cluster,o.cluster);for(const[k,v]of Object.entries(o.tenants))Object.assign(t.tenants[k],v);process.stdout.write(JSON.stringify(a))' \
      "$E2E_PLATFORM_CONFIG" "$HERE/node-observability.json" >"$RUN_DIR/platform-config.json" || exit 0
    E2E_PLATFORM_CONFIG="$RUN_DIR/platform-config.json"
    if ! pulumi_deploy "$KUBECONFIG_ADMIN"; then fail "node: pulumi up of the e2e stack onto the node failed"; exit 0; fi
    pass "node: pulumi up of the e2e stack against the node's API server"
    E2E_PULUMI_DIR="$E2E_PULUMI_DIR" timeout --kill-after=30 "$((STEP_TIMEOUT * 3))" bash "$HERE/node-checks.sh" "$NODE_DIR" "$E2E_NAMESPACE" e2e other job ||
      fail "node: node-checks.sh stopped (rc $?)"
  )
  local holder; holder="$(cat "$NODE_DIR/pids/holder.pid")"
  cp "$NODE_DIR/sysctl.saved" "$RUN_DIR/sysctl.before" 2>/dev/null
  bash "$HERE/node.sh" stop "$NODE_DIR" && NODE_STARTED=0
  e2e_check "node: stopped: its namespace holder is gone, no kubepods cgroup is left, kernel settings restored" \
    bash -c "[[ ! -e /proc/$holder ]] && ! ls -d /sys/fs/cgroup/*/kubepods 2>/dev/null | grep -q . &&
      while IFS='=' read -r k v; do [[ \"\$(sysctl -n \$k)\" == \"\$v\" ]] || { echo \"\$k is \$(sysctl -n \$k), was \$v\"; exit 1; }; done <'$RUN_DIR/sysctl.before'"
}

# ---- step: multi-language -------------------------------------------------------------------
# The package from another Pulumi language, with the real CLI: the component provider in
# provider/ (PulumiPlugin.yaml) serves TeamEnvironment, HardenedRayCluster, HardenedRayJob,
# HardenedRayService and Platform. A YAML program that `pulumi package add`s it, and the
# TypeScript program, each give TeamEnvironment the args of e2e/multi-language/team.json and
# a HardenedRayService those of service.json; their previews against the loopback API server must
# create the same resources with the same inputs (compare_previews.py). Nothing is deployed.
step_multi_language() {
  section "multi-language: the component provider from Pulumi YAML"
  if ! have pulumi pulumi-kubernetes pulumi-yaml; then
    fail "multi-language: cannot run, the Pulumi CLI, Kubernetes provider or YAML language host failed to build"; return
  fi
  ensure_control_plane || { fail "multi-language: no control plane"; return; }
  pulumi_env
  export KUBECONFIG="$KUBECONFIG_ADMIN"
  local ml="$E2E_REPO/e2e/multi-language" dir="$RUN_DIR/multi-language"
  mkdir -p "$dir/yaml" "$dir/ts"
  # pulumi-language-yaml (its Pulumi SDK v3.215) caches a source plugin's schema beside the plugin
  # folder, as <repo>/schema-ray-on-ack.json, and trusts it while provider/'s own mtime is older:
  # a change to the components' args would leave it stale. Start without it (.gitignore'd).
  rm -f "$E2E_REPO"/schema-ray-on-ack*.json
  if timeout --kill-after=30 "$STEP_TIMEOUT" pulumi --non-interactive package get-schema "$E2E_REPO/provider" \
    >"$dir/schema.json" 2>"$RUN_DIR/pulumi-ml-schema.log" &&
    python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
want = {"ray-on-ack:index:" + c for c in ("TeamEnvironment", "HardenedRayCluster", "HardenedRayJob", "HardenedRayService", "Platform")}
missing = want - set(s["resources"])
# generated SDKs add Args to input types themselves: a type named ...Args would read ...ArgsArgs
suffixed = [t for t in s["types"] if t.endswith("Args")]
sys.exit("missing: %s" % missing if missing else "types named ...Args: %s" % suffixed if suffixed else 0)' "$dir/schema.json"; then
    pass "multi-language: pulumi package get-schema provider/ describes TeamEnvironment, HardenedRayCluster, HardenedRayJob, HardenedRayService and Platform, no type named ...Args"
  else
    tail -n 20 "$RUN_DIR/pulumi-ml-schema.log"; fail "multi-language: pulumi package get-schema provider/"; return
  fi
  python3 "$ml/yaml_program.py" "$ml/team.json" "$ml/service.json" "$dir/yaml" || { fail "multi-language: writing the YAML program"; return; }
  # The package's dynamic resources (PKI, token, password hash) run in Pulumi's Node.js
  # dynamic-provider plugin, which the engine starts in the program's folder and which loads
  # @pulumi/pulumi from there: a YAML (or Python, ...) project needs it installed (docs/package.md "Any Pulumi language").
  ln -s "$E2E_REPO/node_modules" "$dir/yaml/node_modules"
  printf 'name: ray-on-ack-ts\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: %s\n' "$ml/index.ts" >"$dir/ts/Pulumi.yaml"
  (cd "$dir/yaml" && pulumi_cmd ml-login login "$PULUMI_BACKEND_URL") || { fail "multi-language: pulumi login"; return; }
  local add_log="$RUN_DIR/pulumi-ml-add.log"
  if (cd "$dir/yaml" && timeout --kill-after=30 "$STEP_TIMEOUT" pulumi --non-interactive package add "$E2E_REPO/provider" >"$add_log" 2>&1 </dev/null) &&
    grep -q '"packages"\|^packages:' "$dir/yaml/Pulumi.yaml"; then
    pass "multi-language: pulumi package add provider/ in a YAML project"
  elif grep -q "Successfully generated an SDK for the ray-on-ack package" "$add_log" &&
    grep -q "linking package: method Link not implemented" "$add_log" && [[ -s "$dir/yaml/sdks/ray-on-ack/ray-on-ack-0.1.0.yaml" ]]; then
    # pulumi-language-yaml v1.25.0 has no Link (the CLI's last step of `package add`): the
    # package was read and its SDK generated, so write the project's `packages` entry as Link would.
    python3 "$ml/yaml_program.py" "$ml/team.json" "$ml/service.json" "$dir/yaml" "$E2E_REPO/provider" || { fail "multi-language: writing the YAML program"; return; }
    pass "multi-language: pulumi package add provider/ in a YAML project read the package and generated its SDK (pulumi-language-yaml v1.25.0 has no Link, 'method Link not implemented': the packages entry is written here)"
  else
    echo "---- tail of $add_log"; tail -n 30 "$add_log"
    fail "multi-language: pulumi package add provider/"; return
  fi
  local p
  for p in yaml ts; do
    if ! (cd "$dir/$p" && pulumi_cmd "ml-$p-init" stack init "ml-$p" &&
      timeout --kill-after=30 "$STEP_TIMEOUT" pulumi --non-interactive preview --json --stack "ml-$p" >"$dir/$p-preview.json" 2>"$RUN_DIR/pulumi-ml-$p-preview.log"); then
      echo "---- tail of $RUN_DIR/pulumi-ml-$p-preview.log"; tail -n 30 "$RUN_DIR/pulumi-ml-$p-preview.log"
      fail "multi-language: pulumi preview of the $p program"; return
    fi
  done
  pass "multi-language: pulumi preview of the YAML program (TeamEnvironment and HardenedRayService through the component provider) and of the TypeScript one"
  e2e_check "multi-language: the YAML program creates the same resources, with the same inputs, as the TypeScript program" \
    python3 "$ml/compare_previews.py" "$dir/ts-preview.json" "$dir/yaml-preview.json"
}
# ---- step: upgrade (upgrade.sh) ---------------------------------------------------------------
# shellcheck source=upgrade.sh
source "$HERE/upgrade.sh"

# ---- step: tenancy (tenancy.sh) ---------------------------------------------------------------
# shellcheck source=tenancy.sh
source "$HERE/tenancy.sh"

# ---- main -----------------------------------------------------------------------------------
main() {
  local steps=("$@") s
  [[ ${#steps[@]} -gt 0 ]] || steps=(build ray control-plane pulumi-smoke tenancy deploy multi-language upgrade node)
  STEPS=("${steps[@]}")
  local t0=$SECONDS
  for s in "${steps[@]}"; do
    case "$s" in
      build) step_build ;;
      ray) step_ray ;;
      control-plane) step_control_plane ;;
      pulumi-smoke) step_pulumi_smoke ;;
      tenancy) step_tenancy ;;
      deploy) step_deploy ;;
      upgrade) step_upgrade ;;
      node) step_node ;;
      multi-language) step_multi_language ;;
      *) fail "unknown step '$s'" ;;
    esac
  done
  local passed failed
  passed=$(grep -c '^PASS ' "$E2E_RESULTS")
  failed=$(grep -c '^FAIL ' "$E2E_RESULTS")
  echo
  echo "e2e: finished in $((SECONDS - t0))s"
  if [[ $failed -gt 0 ]]; then
    echo "e2e: failures:"; grep '^FAIL ' "$E2E_RESULTS" | sed 's/^FAIL /  - /'
  fi
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 && $passed -gt 0 ]]
}

main "$@"
exit $?
