# Shared helpers for the end-to-end harness (sourced, not executed).
# shellcheck shell=bash

E2E_CACHE="${RAY_ON_ACK_E2E_CACHE:-$HOME/.cache/ray-on-ack-e2e}"
E2E_BIN="$E2E_CACHE/bin"
E2E_VENV="$E2E_CACHE/ray-venv"
E2E_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export E2E_CACHE E2E_BIN E2E_VENV E2E_REPO

# ---- result accounting ------------------------------------------------------------------
# Results go to a file so that sub-scripts (run as separate processes) add to one tally.
: "${E2E_RESULTS:=}"
e2e_pass() { echo "PASS: $*"; [[ -n "$E2E_RESULTS" ]] && echo "PASS $*" >>"$E2E_RESULTS"; return 0; }
e2e_fail() { echo "FAIL: $*"; [[ -n "$E2E_RESULTS" ]] && echo "FAIL $*" >>"$E2E_RESULTS"; return 0; }
# e2e_relay PREFIX [--echo]: a check program's PASS:/FAIL: lines (stdin) into the tally, each
# prefixed; with --echo its other lines are printed as they come (the drivers' own progress)
e2e_relay() {
  local prefix="$1" rest="${2:-}" line
  while IFS= read -r line; do
    case "$line" in
      PASS:*) e2e_pass "$prefix${line#PASS: }" ;;
      FAIL:*) e2e_fail "$prefix${line#FAIL: }" ;;
      *) [[ "$rest" == --echo ]] && printf '%s\n' "$line" ;;
    esac
  done
  return 0
}
# e2e_check NAME COMMAND...: PASS if COMMAND succeeds (its output is shown only on FAIL)
e2e_check() {
  local name="$1" out rc; shift
  out="$("$@" 2>&1)"; rc=$?
  if [[ $rc -eq 0 ]]; then e2e_pass "$name"; else e2e_fail "$name"; [[ -n "$out" ]] && echo "$out" | tail -n 15 | sed 's/^/    /'; fi
  return 0
}
# e2e_check_not NAME COMMAND...: PASS if COMMAND fails (its output is shown only on FAIL)
e2e_check_not() {
  local name="$1" out rc; shift
  out="$("$@" 2>&1)"; rc=$?
  if [[ $rc -ne 0 ]]; then e2e_pass "$name"; else e2e_fail "$name"; [[ -n "$out" ]] && echo "$out" | tail -n 15 | sed 's/^/    /'; fi
  return 0
}

# ---- processes and ports -----------------------------------------------------------------
# free_port [HOST]: a currently free TCP port on HOST (default 127.0.0.1)
free_port() {
  python3 - "${1:-127.0.0.1}" <<'EOF'
import socket, sys
s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1]); s.close()
EOF
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.5 s until it succeeds
wait_for() {
  local secs="$1" what="$2"; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "timed out after ${secs}s waiting for: $what" >&2
      return 1
    fi
    sleep 0.5
  done
}

# kill_pidfile FILE: stop the process group recorded in FILE (TERM, then KILL)
kill_pidfile() {
  local f="$1" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    # processes are started with setsid: signal the whole process group, then the pid
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    local tries=40
    while ((tries-- > 0)) && kill -0 "$pid" 2>/dev/null; do sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$f"
}
