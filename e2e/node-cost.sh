#!/usr/bin/env bash
# What the hardening costs at run time, measured on the node (hooked at the end of
# node-checks.sh): the package's RayCluster against its plain twin, time to every pod Ready,
# small-task round trips and a 100 MiB transfer (e2e/nodeCost.ts, e2e/cost_driver.py).
#
#   bash e2e/node-cost.sh NODE_DIR NAMESPACE RAYCLUSTER
#
# Writes runtime-cost.json into the run directory (NODE_DIR's parent; kept with E2E_KEEP=1)
# and, with E2E_COST_OUT set, a copy there (e.g. e2e/results/runtime-cost.json). Its PASS/FAIL
# lines (prefixed "node:") go into the harness's tally: FAIL when a measurement could not be
# made, when no results file was written, or when the time to every pod Ready is beyond its
# bound (median of paired ratios <= 1.15x); the Ray ratios are reported. Warm, it takes about
# 4 minutes of the node step (docs/performance.md "Run-time cost of the hardening").
# Settings: E2E_COST_ROUNDS, E2E_COST_TASKS, E2E_COST_TRANSFERS, E2E_COST_MIB,
# E2E_COST_READY_BOUND (nodeCost.ts).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
NODE_DIR="$1" NS="$2" RC="$3"
# shellcheck disable=SC1091
source "$NODE_DIR/env"
OUT="$(dirname "$NODE_DIR")/runtime-cost.json"
LOG="$NODE_DIR/runtime-cost.log"

rm -f "$OUT"
(cd "$E2E_REPO" && timeout --kill-after=30 "${E2E_COST_STEP_TIMEOUT:-2400}" \
  node node_modules/ts-node/dist/bin.js e2e/nodeCost.ts "$KUBECONFIG_ADMIN" "$NS" "$RC" "$OUT") >"$LOG" 2>&1
rc=$?
e2e_relay "node: " --echo <"$LOG"
grep -qE '^(PASS|FAIL):' "$LOG" || e2e_fail "node: runtime cost: nodeCost.ts printed no result (rc $rc; log $LOG)"
[[ -s "$OUT" ]] || e2e_fail "node: runtime cost: no results file $OUT (rc $rc)"
if [[ $rc -eq 0 && -n "${E2E_COST_OUT:-}" && -f "$OUT" ]]; then cp "$OUT" "$E2E_COST_OUT"; fi
exit 0
