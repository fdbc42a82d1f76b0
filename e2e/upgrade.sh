# shellcheck shell=bash
# The `upgrade` step of run.sh (sourced by it): no replacement on upgrade. The previous released
# version of the package (e2e/upgrade-from, a commit of this repository) runs `pulumi up` of
# three e2e stacks, then the working tree's version runs `pulumi preview` of each, same state and
# stack file: a refactor that renames a type token or a resource name without an alias shows up as
# a replace or a delete. The stacks (UPGRADE_STACKS): the e2e team stack (RayClusters, a RayJob),
# the RayService stack, and the exposure stack (a LoadBalancer Service on a bring-your-own ACL, an
# Ingress, a Gateway API HTTPRoute with Envoy Gateway's SecurityPolicy, a RayService's Ingress).
# What needs Alibaba Cloud cannot be deployed here: upgrade_offline_check renders the released
# team-b stack (RRSA role, policy and attachment, a CLB ACL, its exposure on `cloud`) and the
# platform stack (ACK add-ons, the ElasticQuotaTree) with both versions offline, and compares the
# alicloud resources' logical names and ForceNew inputs (upgradeCloud.js) and every resource's URN
# and Kubernetes name (upgradeRecord.js, upgradeNames.js).
#
# Uses run.sh's pulumi_env, pulumi_cmd, e2e_project, e2e_check, kc, pass, fail, RUN_DIR, E2E_REPO.

# The preview's steps that a released stack must never see after an upgrade.
UPGRADE_FORBIDDEN_OPS="replace create-replacement delete-replaced delete discard discard-replaced read-replacement"

# The released e2e stack files, each deployed as a stack of its own: FILE (e2e/stacks/
# Pulumi.FILE.yaml) = STACK = the type tokens the released version must deploy from it (so that
# the preview covers them). The stack names are not the deploy step's, whose state shares the backend.
UPGRADE_STACKS=(
  "e2e=upgrade=ray-on-ack:ray:HardenedRayCluster ray-on-ack:ray:HardenedRayJob kubernetes:ray.io/v1:RayCluster kubernetes:ray.io/v1:RayJob"
  "e2e-serve=upgrade-serve=ray-on-ack:ray:HardenedRayService kubernetes:ray.io/v1:RayService"
  "e2e-exposure=upgrade-exposure=ray-on-ack:exposure:DashboardExposure kubernetes:core/v1:Service kubernetes:networking.k8s.io/v1:Ingress kubernetes:gateway.networking.k8s.io/v1:HTTPRoute kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy"
)

# The released stacks compared offline: STACK = the type tokens the released render must hold.
UPGRADE_OFFLINE_STACKS=(
  "team-b=alicloud:ram/role:Role alicloud:ram/policy:Policy alicloud:ram/rolePolicyAttachment:RolePolicyAttachment alicloud:slb/acl:Acl ray-on-ack:exposure:DashboardExposure kubernetes:core/v1:Service"
  "platform=alicloud:cs/kubernetesAddon:KubernetesAddon kubernetes:scheduling.sigs.k8s.io/v1beta1:ElasticQuotaTree"
)

upgrade_from() { sed -n 's/^\([0-9a-f]\{40\}\)$/\1/p' "$E2E_REPO/e2e/upgrade-from" | head -n 1; }

# upgrade_tree COMMIT DIR: the released version's files, with its own dependencies from its lockfile
upgrade_tree() {
  local commit="$1" dir="$2"
  mkdir -p "$dir"
  git -C "$E2E_REPO" archive "$commit" | tar -x -C "$dir" || return 1
  (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund >"$RUN_DIR/upgrade-npm-ci.log" 2>&1) ||
    { tail -n 20 "$RUN_DIR/upgrade-npm-ci.log"; return 1; }
}

# upgrade_swap DIR: the project directory becomes the working tree's version (state, stack
# file and Pulumi.yaml's project name carry over; node_modules is the working tree's)
upgrade_swap() {
  local dir="$1"
  find "$dir" -mindepth 1 -maxdepth 1 ! -name stacks -exec rm -rf {} + || return 1
  (cd "$E2E_REPO" && tar --exclude=./node_modules --exclude=./.git --exclude=./out --exclude=./stacks -cf - .) | (cd "$dir" && tar -xf -) || return 1
  ln -s "$E2E_REPO/node_modules" "$dir/node_modules"
}

# upgrade_stack_file TREE FILE: the released version's own stack file (a user upgrades the package,
# not the stack config), or, for a stack file younger than the release, the working tree's.
upgrade_stack_file() {
  local f="$1/e2e/stacks/Pulumi.$2.yaml"
  # before the layout of issue 25, the e2e stack files were under test/e2e/
  [[ -f "$f" ]] || f="$1/test/e2e/stacks/Pulumi.$2.yaml"
  [[ -f "$f" ]] || f="$E2E_STACKS_DIR/Pulumi.$2.yaml"
  echo "$f"
}

# upgrade_offline_render TREE STACKS_DIR STACK OUT: an offline render of a released stack file with
# the tree's own renderer, recording every resource's URN (upgradeRecord.js) in OUT.record.json.
# Exit 3 (a posture check fails) still writes every file: only names and ForceNew inputs matter here.
upgrade_offline_render() {
  local tree="$1" stacks="$2" stack="$3" out="$4" rc=0
  (cd "$tree" && UPGRADE_RECORD_OUT="$out.record.json" NODE_OPTIONS="--require $E2E_REPO/e2e/upgradeRecord.js" \
    npm run --silent render -- --stack "$stack" --stacks-dir "$stacks" --out "$out") >"$out.log" 2>&1 || rc=$?
  [[ $rc -eq 0 || $rc -eq 3 ]] && [[ -f "$out/alicloud.json" && -f "$out.record.json" ]] || { tail -n 20 "$out.log"; return 1; }
}

# upgrade_offline_check RELEASED_TREE RELEASED_STACKS_DIR STACK TYPES: both versions render the
# released STACK; its alicloud resources keep their logical names and ForceNew inputs, and every
# resource its URN (or an alias to it) and every Kubernetes object its name and namespace.
upgrade_offline_check() {
  local tree="$1" stacks="$2" stack="$3" types="$4" out="$RUN_DIR/upgrade-offline" verdict
  mkdir -p "$out"
  if ! upgrade_offline_render "$tree" "$stacks" "$stack" "$out/$stack-released"; then
    fail "upgrade: the released version could not render $stack offline"; return
  fi
  if ! upgrade_offline_render "$E2E_REPO" "$stacks" "$stack" "$out/$stack-current"; then
    fail "upgrade: this version could not render the released $stack stack file offline"; return
  fi
  local cloud_types=() names_types=() t
  for t in $types; do
    if [[ "$t" == alicloud:* ]]; then cloud_types+=("$t"); else names_types+=("$t"); fi
  done
  if verdict="$(node "$E2E_REPO/e2e/upgradeCloud.js" "$out/$stack-released/alicloud.json" "$out/$stack-current/alicloud.json" "${cloud_types[@]}")"; then
    pass "upgrade: the released $stack stack's Alibaba Cloud resources keep their names and ForceNew inputs (${verdict#OK })"
  else
    fail "upgrade: this version would replace alicloud resources of the released $stack stack: ${verdict#BAD }"
  fi
  if verdict="$(node "$E2E_REPO/e2e/upgradeNames.js" "$out/$stack-released.record.json" "$out/$stack-current.record.json" "${cloud_types[@]}" "${names_types[@]}")"; then
    pass "upgrade: the released $stack stack's resources keep their URNs, its Kubernetes objects their names (${verdict#OK })"
  else
    fail "upgrade: this version would delete or replace resources of the released $stack stack: ${verdict#BAD }"
  fi
}

# upgrade_status_stand_in KUBECONFIG NAMESPACE: what ACK's cloud controller and an ingress controller
# write, which the Kubernetes provider waits for before it calls a LoadBalancer Service or an Ingress
# created: an address in their status (TEST-NET-1), and the Service's Endpoints (without subsets: no
# pod is ready without a kubelet, and no endpoints controller runs here). Runs until killed.
upgrade_status_stand_in() {
  local K="$1" ns="$2" item name ip
  local status='{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}'
  while :; do
    for item in $(kc "$K" -n "$ns" get services -o jsonpath='{range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.name}={.status.loadBalancer.ingress[0].ip}{" "}{end}' 2>/dev/null); do
      name="${item%%=*}" ip="${item#*=}"
      kc "$K" -n "$ns" get endpoints "$name" >/dev/null 2>&1 ||
        printf '{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"%s"}}' "$name" | kc "$K" -n "$ns" create -f - >/dev/null 2>&1
      [[ -n "$ip" ]] || kc "$K" -n "$ns" patch service "$name" --subresource=status --type=merge -p "$status" >/dev/null 2>&1
    done
    for item in $(kc "$K" -n "$ns" get ingresses -o jsonpath='{range .items[*]}{.metadata.name}={.status.loadBalancer.ingress[0].ip}{" "}{end}' 2>/dev/null); do
      name="${item%%=*}" ip="${item#*=}"
      [[ -n "$ip" ]] || kc "$K" -n "$ns" patch ingress "$name" --subresource=status --type=merge -p "$status" >/dev/null 2>&1
    done
    sleep 2
  done
}

# upgrade_released_up DIR STACK KUBECONFIG: `pulumi up` of STACK with the released version in DIR,
# with the status stand-in for the stack's namespace while it runs; then its state, exported.
upgrade_released_up() {
  local dir="$1" stack="$2" K="$3" team stand_in rc=0
  team="$(sed -n 's/^ *ray-on-ack:team: *//p' "$dir/stacks/Pulumi.$stack.yaml")"
  upgrade_status_stand_in "$K" "ray-$team" &
  stand_in=$!
  (cd "$dir" && pulumi_cmd "upgrade-init-$stack" stack init "$stack" && pulumi_cmd "upgrade-up-$stack" up --yes --skip-preview --stack "$stack") || rc=$?
  kill "$stand_in" 2>/dev/null; wait "$stand_in" 2>/dev/null
  [[ $rc -eq 0 ]] && (cd "$dir" && pulumi --non-interactive stack export --stack "$stack" >"$RUN_DIR/upgrade-$stack-released-state.json" 2>>"$RUN_DIR/pulumi-upgrade-export.log")
}

# upgrade_preview DIR STACK TYPES: this version's preview of the released STACK: no forbidden step,
# and the released state holds every type in TYPES.
upgrade_preview() {
  local dir="$1" stack="$2" types="$3" json="$RUN_DIR/upgrade-$stack-preview.json" verdict
  if ! (cd "$dir" && timeout --kill-after=30 "$STEP_TIMEOUT" pulumi --non-interactive preview --json --diff --stack "$stack" >"$json" 2>"$RUN_DIR/upgrade-$stack-preview.err" </dev/null); then
    fail "upgrade: pulumi preview of the released $stack stack with this version failed"; tail -n 20 "$RUN_DIR/upgrade-$stack-preview.err"; head -c 2000 "$json"; return
  fi
  # shellcheck disable=SC2086
  if verdict="$(python3 "$E2E_REPO/e2e/upgrade_preview.py" "$json" "$RUN_DIR/upgrade-$stack-released-state.json" "$UPGRADE_FORBIDDEN_OPS" $types)"; then
    pass "upgrade: this version's preview of the released $stack stack replaces and deletes nothing (${verdict#OK })"
  else
    fail "upgrade: this version would replace or delete resources of the released $stack stack: ${verdict#BAD }"
  fi
}

step_upgrade() {
  section "upgrade: the previous release's stacks, previewed with this version"
  ensure_control_plane || { fail "upgrade: no control plane"; return; }
  have pulumi pulumi-kubernetes || { fail "upgrade: cannot run, the Pulumi CLI or Kubernetes provider failed to build"; return; }
  local from; from="$(upgrade_from)"
  # a shallow clone lacks the released commit: fetch it from where the clone came from
  if [[ -n "$from" ]] && ! git -C "$E2E_REPO" cat-file -e "$from^{commit}" 2>/dev/null; then
    git -C "$E2E_REPO" fetch --quiet origin "$from" >"$RUN_DIR/upgrade-fetch.log" 2>&1
  fi
  if [[ -z "$from" ]] || ! git -C "$E2E_REPO" cat-file -e "$from^{commit}" 2>/dev/null; then
    fail "upgrade: the released commit '${from:-?}' named in e2e/upgrade-from is not in this clone's history"; return
  fi
  local dir="$RUN_DIR/upgrade" K="$KUBECONFIG_ADMIN" spec file stack types
  if ! upgrade_tree "$from" "$dir"; then fail "upgrade: could not install the released version $from"; return; fi
  # The released repository's stack files (team-b, platform) for the offline comparison, set aside:
  # the project itself holds only the e2e stacks, with the e2e registry (as run.sh's e2e_project
  # makes every project of the harness: a version with a tenancy registry checks every stack beside its own).
  local released_stacks="$dir.released-stacks" upgrade_stacks="$dir.upgrade-stacks" renames=()
  mkdir -p "$released_stacks" "$upgrade_stacks" && cp "$dir"/stacks/Pulumi.*.yaml "$released_stacks/" ||
    { fail "upgrade: could not set the released stack files aside"; return; }
  for spec in "${UPGRADE_OFFLINE_STACKS[@]}"; do
    IFS='=' read -r stack types <<<"$spec"
    upgrade_offline_check "$dir" "$released_stacks" "$stack" "$types"
  done
  for spec in "${UPGRADE_STACKS[@]}"; do
    IFS='=' read -r file stack types <<<"$spec"
    renames+=("$file" "$stack")
  done
  e2e_project "$dir" "${renames[@]}" || { fail "upgrade: could not prepare the released project"; return; }
  # Terway's PodNetworking CRD, and the Gateway API's and Envoy Gateway's: this tree's stand-ins
  # (the exposure stack is younger than some releases)
  kubectl --kubeconfig "$K" apply -f "$E2E_REPO/e2e/fixtures/podnetworking-crd.yaml" -f "$E2E_REPO/e2e/fixtures/gateway-crds.yaml" >"$RUN_DIR/upgrade-crd.log" 2>&1 &&
    kubectl --kubeconfig "$K" wait --for condition=established --timeout=60s crd/podnetworkings.network.alibabacloud.com \
      crd/httproutes.gateway.networking.k8s.io crd/securitypolicies.gateway.envoyproxy.io >>"$RUN_DIR/upgrade-crd.log" 2>&1 ||
    { fail "upgrade: the stand-in CRDs were not established"; cat "$RUN_DIR/upgrade-crd.log"; return; }
  pulumi_env
  export KUBECONFIG="$K"
  (cd "$dir" && pulumi_cmd upgrade-login login "$PULUMI_BACKEND_URL") || { fail "upgrade: pulumi login failed"; return; }
  local deployed=()
  for spec in "${UPGRADE_STACKS[@]}"; do
    IFS='=' read -r file stack types <<<"$spec"
    cp "$(upgrade_stack_file "$dir" "$file")" "$dir/stacks/Pulumi.$stack.yaml"
    if upgrade_released_up "$dir" "$stack" "$K"; then
      pass "upgrade: pulumi up of the $file stack with the released version ${from:0:12}"
      deployed+=("$stack")
    else
      fail "upgrade: pulumi up of the $file stack with the released version ${from:0:12} failed"
    fi
  done
  # the stack files as the released version left them (pulumi stack init wrote their salt) carry over
  mv "$dir"/stacks/Pulumi.*.yaml "$upgrade_stacks/" && upgrade_swap "$dir" && e2e_project "$dir" "${renames[@]}" &&
    mv "$upgrade_stacks"/Pulumi.*.yaml "$dir/stacks/" ||
    { fail "upgrade: could not switch the project to this version"; return; }
  for spec in "${UPGRADE_STACKS[@]}"; do
    IFS='=' read -r file stack types <<<"$spec"
    [[ " ${deployed[*]} " == *" $stack "* ]] && upgrade_preview "$dir" "$stack" "$types"
  done
  for stack in "${deployed[@]}"; do
    e2e_check "upgrade: destroy of the released $stack stack with this version" \
      in_dir "$dir" pulumi_cmd "upgrade-destroy-$stack" destroy --yes --skip-preview --stack "$stack"
  done
}
