# shellcheck shell=bash
# The `upgrade` step of run.sh (sourced by it): no replacement on upgrade. `pulumi up` of the e2e
# stack with the previous released version of the package (scripts/e2e/upgrade-from, a commit of
# this repository), then `pulumi preview` of the same stack and state with the working tree's
# version. A refactor that renames a type token or a resource name without an alias shows up as
# a replace or a delete: the namespace (and everything in it) and the Secrets holding the
# certificates and the token must never be recreated by a new version of the package. The RAM
# role has no stand-in in the control plane (no Alibaba Cloud): upgrade_cloud_check renders the
# released team-b stack (RRSA role, policy and attachment, a CLB ACL) with both versions offline
# and compares the alicloud resources' logical names and ForceNew inputs (upgrade-cloud.js).
#
# Uses run.sh's pulumi_env, pulumi_cmd, kc, pass, fail, RUN_DIR, E2E_REPO, E2E_STACKS_DIR.

# The preview's steps that a released stack must never see after an upgrade.
UPGRADE_FORBIDDEN_OPS="replace create-replacement delete-replaced delete discard discard-replaced read-replacement"

upgrade_from() { sed -n 's/^\([0-9a-f]\{40\}\)$/\1/p' "$E2E_REPO/scripts/e2e/upgrade-from" | head -n 1; }

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

# upgrade_cloud_render TREE STACKS_DIR OUT: an offline render of the released team-b stack file.
# Exit 3 (a posture check fails) still writes every file: only the alicloud resources matter here.
upgrade_cloud_render() {
  local tree="$1" stacks="$2" out="$3" rc=0
  (cd "$tree" && npm run --silent render -- --stack "$UPGRADE_CLOUD_STACK" --stacks-dir "$stacks" --out "$out") >"$out.log" 2>&1 || rc=$?
  [[ $rc -eq 0 || $rc -eq 3 ]] && [[ -f "$out/alicloud.json" ]] || { tail -n 20 "$out.log"; return 1; }
}
UPGRADE_CLOUD_STACK=team-b

step_upgrade() {
  section "upgrade: the previous release's stack, previewed with this version"
  ensure_control_plane || { fail "upgrade: no control plane"; return; }
  have pulumi pulumi-kubernetes || { fail "upgrade: cannot run, the Pulumi CLI or Kubernetes provider failed to build"; return; }
  local from; from="$(upgrade_from)"
  # a shallow clone lacks the released commit: fetch it from where the clone came from
  if [[ -n "$from" ]] && ! git -C "$E2E_REPO" cat-file -e "$from^{commit}" 2>/dev/null; then
    git -C "$E2E_REPO" fetch --quiet origin "$from" >"$RUN_DIR/upgrade-fetch.log" 2>&1
  fi
  if [[ -z "$from" ]] || ! git -C "$E2E_REPO" cat-file -e "$from^{commit}" 2>/dev/null; then
    fail "upgrade: the released commit '${from:-?}' named in scripts/e2e/upgrade-from is not in this clone's history"; return
  fi
  local dir="$RUN_DIR/upgrade" stack=upgrade K="$KUBECONFIG_ADMIN"
  if ! upgrade_tree "$from" "$dir"; then fail "upgrade: could not install the released version $from"; return; fi
  local released_cloud=""
  if upgrade_cloud_render "$dir" "$dir/stacks" "$RUN_DIR/upgrade-cloud-released"; then released_cloud="$RUN_DIR/upgrade-cloud-released/alicloud.json"; fi
  kubectl --kubeconfig "$K" apply -f "$dir/test/e2e/fixtures/podnetworking-crd.yaml" >"$RUN_DIR/upgrade-crd.log" 2>&1
  pulumi_env
  export KUBECONFIG="$K"
  # the released version's own e2e stack file: a user upgrades the package, not the stack config
  cp "$dir/test/e2e/stacks/Pulumi.e2e.yaml" "$dir/stacks/Pulumi.$stack.yaml"
  if ! (cd "$dir" && pulumi_cmd upgrade-login login "$PULUMI_BACKEND_URL" && pulumi_cmd upgrade-init stack init "$stack" &&
        pulumi_cmd upgrade-up up --yes --skip-preview --stack "$stack"); then
    fail "upgrade: pulumi up with the released version ${from:0:12} failed"; return
  fi
  pass "upgrade: pulumi up of the e2e stack with the released version ${from:0:12}"
  # The released team stacks stay for the RAM comparison below, beside the project: this version
  # checks every stack file beside the one it previews (and its tenancy registry must list it).
  mkdir -p "$dir.released-stacks" && mv "$dir"/stacks/Pulumi.*.yaml "$dir.released-stacks/" &&
    upgrade_swap "$dir" && e2e_project "$dir" e2e "$stack" && mv "$dir.released-stacks/Pulumi.$stack.yaml" "$dir/stacks/" ||
    { fail "upgrade: could not switch the project to this version"; return; }
  local json="$RUN_DIR/upgrade-preview.json"
  if ! (cd "$dir" && timeout --kill-after=30 "$STEP_TIMEOUT" pulumi --non-interactive preview --json --diff --stack "$stack" >"$json" 2>"$RUN_DIR/upgrade-preview.err" </dev/null); then
    fail "upgrade: pulumi preview with this version failed"; tail -n 20 "$RUN_DIR/upgrade-preview.err"; head -c 2000 "$json"
  else
    local verdict
    verdict="$(python3 - "$json" "$UPGRADE_FORBIDDEN_OPS" <<'PY'
import json, sys
preview = json.load(open(sys.argv[1]))
forbidden = set(sys.argv[2].split())
steps = preview.get("steps", [])
summary = preview.get("changeSummary", {})
bad = sorted({f"{s['op']} {s['urn'].split('::')[-2]}::{s['urn'].split('::')[-1]}" for s in steps if s.get("op") in forbidden})
bad += [f"{n} {op} in the change summary" for op, n in sorted(summary.items()) if op in forbidden and n and not any(op in b for b in bad)]
print(("BAD " + "; ".join(bad)) if bad else "OK " + ", ".join(f"{n} {op}" for op, n in sorted(summary.items())))
PY
)"
    if [[ "$verdict" == OK* ]]; then
      pass "upgrade: this version's preview of the released stack replaces and deletes nothing (${verdict#OK })"
    else
      fail "upgrade: this version would replace or delete resources of a released stack: ${verdict#BAD }"
    fi
  fi
  # the released stacks set aside above: this version renders the same stack file
  local verdict_cloud
  if [[ -z "$released_cloud" ]]; then
    fail "upgrade: the released version could not render $UPGRADE_CLOUD_STACK offline (RAM comparison)"
  elif ! upgrade_cloud_render "$E2E_REPO" "$dir.released-stacks" "$RUN_DIR/upgrade-cloud-current"; then
    fail "upgrade: this version could not render the released $UPGRADE_CLOUD_STACK stack file offline"
  elif verdict_cloud="$(node "$E2E_REPO/scripts/e2e/upgrade-cloud.js" "$released_cloud" "$RUN_DIR/upgrade-cloud-current/alicloud.json")"; then
    pass "upgrade: the released $UPGRADE_CLOUD_STACK stack's RAM role, policy and attachment keep their names (${verdict_cloud#OK })"
  else
    fail "upgrade: this version would replace alicloud resources of a released stack: ${verdict_cloud#BAD }"
  fi
  e2e_check "upgrade: destroy with this version" \
    in_dir "$dir" pulumi_cmd upgrade-destroy destroy --yes --skip-preview --stack "$stack"
}
