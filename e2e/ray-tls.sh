#!/usr/bin/env bash
# Runs a real two-node Ray cluster on loopback with mutual TLS and token authentication,
# using the certificates the package renders, and checks that it works and that it refuses
# what it must refuse.
#
#   bash e2e/ray-tls.sh [PKI_DIR]
#
# PKI_DIR is one cluster's directory as `npm run render -- --include-secrets` writes it
# (out/<stack>/pki/<cluster>/; default: a test PKI generated here with openssl) and must hold:
#   ca.crt                  the cluster's own CA
#   head.crt + head.key     head certificate
#   worker.crt + worker.key worker certificate
#   auth_token (optional; else RAY_E2E_TOKEN, else a random token)
#   clients/<user>.crt + .key (optional): Ray Client must connect with the first of them
# The certificates must cover 127.42.0.1 and 127.42.0.2 (a stack whose pod CIDR is
# 127.42.0.0/24). Single files can be overridden with RAY_E2E_CA, RAY_E2E_HEAD_CERT,
# RAY_E2E_HEAD_KEY, RAY_E2E_WORKER_CERT, RAY_E2E_WORKER_KEY, RAY_E2E_TOKEN_FILE.
#
# Nodes: head 127.42.0.1 (GCS 6379, dashboard/Jobs 8265, client 10001), worker 127.42.0.2
# (custom resource e2e_worker), and a rogue node 127.42.0.3 whose certificate comes from
# another CA (and that has the right token), which must not be able to join. With
# RAY_E2E_ROGUE_PKI=<dir> (ca.crt, worker.crt, worker.key) the rogue uses that: run.sh passes
# the PKI our code issues for another RayCluster of the same team and pod CIDR; its
# clients/<user>.crt, if any, must be refused by Ray Client.
# Prints PASS:/FAIL: lines; exit status is non-zero if any check failed.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

HEAD_IP=127.42.0.1
WORKER_IP=127.42.0.2
ROGUE_IP=127.42.0.3
NODE_TIMEOUT="${E2E_RAY_NODE_TIMEOUT:-900}"   # hard limit for each Ray node's lifetime
STEP_TIMEOUT="${E2E_RAY_STEP_TIMEOUT:-300}"   # hard limit for each driver check
FAILED=0
pass() { e2e_pass "ray: $*"; }
fail() { e2e_fail "ray: $*"; FAILED=$((FAILED + 1)); }

RAY="$E2E_VENV/bin/ray"
PY="$E2E_VENV/bin/python"
if [[ ! -x "$RAY" ]]; then
  fail "Ray is not installed in $E2E_VENV (run e2e/build-tools.sh ray)"
  exit 1
fi

# short path: Ray puts unix sockets under it
WORK="$(mktemp -d /tmp/rayE2E.XXXXXX)"
mkdir -p "$WORK/home" "$WORK/logs"

# ---- cleanup: every process we started, by pid ------------------------------------------
cleanup() {
  local f
  for f in "$WORK"/*.pid; do [[ -e "$f" ]] && kill_pidfile "$f"; done
  # Ray daemonizes some children into their own sessions; find the ones that belong to
  # this run (their command line or environment names $WORK) and stop them by pid.
  local p pid
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [[ "$pid" == "$$" ]] && continue
    if { tr '\0' '\n' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$WORK" ||
       { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "RAY_E2E_RUN=$WORK"; then
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  if [[ "${RAY_E2E_KEEP:-}" != "1" ]]; then rm -rf "$WORK"; else echo "ray-tls: kept $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- certificates ------------------------------------------------------------------------
# gen_ca DIR NAME; gen_cert DIR CA_PREFIX NAME: openssl stand-ins for the rendered PKI
gen_ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/$2.key" -out "$1/$2.crt" -days 2 \
    -subj "/CN=$2" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
gen_cert() {
  local d="$1" ca="$2" name="$3" i
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1'
    for i in $(seq 0 255); do printf ',IP:127.42.0.%d' "$i"; done
    echo
  } >"$d/$name.ext"
  openssl req -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/$name.csr" -subj "/CN=$name" 2>/dev/null &&
    openssl x509 -req -in "$d/$name.csr" -CA "$d/$ca.crt" -CAkey "$d/$ca.key" -CAcreateserial \
      -out "$d/$name.crt" -days 2 -extfile "$d/$name.ext" 2>/dev/null
}


PKI="${1:-}"
if [[ -z "$PKI" ]]; then
  PKI="$WORK/pki"; mkdir -p "$PKI"
  echo "ray-tls: no PKI_DIR given: generating a test CA and certificates for 127.42.0.0/24 in $PKI"
  { gen_ca "$PKI" ca && gen_cert "$PKI" ca head && gen_cert "$PKI" ca worker; } || { fail "openssl could not generate the test PKI"; exit 1; }
fi
CA="${RAY_E2E_CA:-$PKI/ca.crt}"
HEAD_CERT="${RAY_E2E_HEAD_CERT:-$PKI/head.crt}"
HEAD_KEY="${RAY_E2E_HEAD_KEY:-${HEAD_CERT%.crt}.key}"
WORKER_CERT="${RAY_E2E_WORKER_CERT:-$PKI/worker.crt}"
WORKER_KEY="${RAY_E2E_WORKER_KEY:-${WORKER_CERT%.crt}.key}"
for f in "$CA" "$HEAD_CERT" "$HEAD_KEY" "$WORKER_CERT" "$WORKER_KEY"; do
  if [[ -z "$f" || ! -f "$f" ]]; then
    fail "certificate material missing in $PKI (need ca.crt, head.crt/.key, worker.crt/.key; got '${f}')"
    exit 1
  fi
done
TOKEN_FILE="${RAY_E2E_TOKEN_FILE:-$PKI/auth_token}"
if [[ -n "${RAY_E2E_TOKEN:-}" ]]; then TOKEN="$RAY_E2E_TOKEN"
elif [[ -f "$TOKEN_FILE" ]]; then TOKEN="$(tr -d '\n' <"$TOKEN_FILE")"
else TOKEN="$(openssl rand -hex 32)"; fi

# The certificates must name the addresses the peers dial (gRPC matches IP SANs exactly).
for pair in "$HEAD_CERT:$HEAD_IP" "$WORKER_CERT:$WORKER_IP"; do
  if openssl x509 -in "${pair%%:*}" -noout -checkip "${pair#*:}" 2>/dev/null | grep -q 'does match'; then
    pass "$(basename "${pair%%:*}") has IP SAN ${pair#*:}"
  else
    fail "$(basename "${pair%%:*}") lacks IP SAN ${pair#*:}"
  fi
done

# another CA for the rogue node, with a certificate that is otherwise identical: another
# cluster's, when given, else an openssl stand-in
if [[ -n "${RAY_E2E_ROGUE_PKI:-}" ]]; then
  ROGUE_CERT="$RAY_E2E_ROGUE_PKI/worker.crt"; ROGUE_KEY="$RAY_E2E_ROGUE_PKI/worker.key"; ROGUE_CA="$RAY_E2E_ROGUE_PKI/ca.crt"
  if ! openssl x509 -in "$ROGUE_CERT" -noout -checkip "$ROGUE_IP" 2>/dev/null | grep -q 'does match'; then
    fail "the other cluster's worker certificate lacks IP SAN $ROGUE_IP"; exit 1
  fi
  if openssl verify -CAfile "$CA" "$ROGUE_CERT" >/dev/null 2>&1; then
    fail "the other cluster's worker certificate verifies against this cluster's CA: the CAs are shared"
  else
    pass "the other cluster's worker certificate does not verify against this cluster's CA (openssl)"
  fi
else
  mkdir -p "$WORK/rogue-pki"
  { gen_ca "$WORK/rogue-pki" rogue-ca && gen_cert "$WORK/rogue-pki" rogue-ca rogue; } ||
    { fail "openssl could not generate the rogue CA"; exit 1; }
  ROGUE_CERT="$WORK/rogue-pki/rogue.crt"; ROGUE_KEY="$WORK/rogue-pki/rogue.key"; ROGUE_CA="$WORK/rogue-pki/rogue-ca.crt"
fi

# ---- nodes -------------------------------------------------------------------------------
# ray_env CERT KEY CA: the environment of a Ray container in our pods
ray_env() {
  echo "PATH=$E2E_VENV/bin:$PATH HOME=$WORK/home RAY_E2E_RUN=$WORK RAY_USE_TLS=1 RAY_TLS_SERVER_CERT=$1 RAY_TLS_SERVER_KEY=$2 RAY_TLS_CA_CERT=$3"
  echo "RAY_AUTH_MODE=token RAY_AUTH_TOKEN=$TOKEN RAY_USAGE_STATS_ENABLED=0 RAY_DISABLE_DOCKER_CPU_WARNING=1"
}
# The Ray Client proxier (on the head) gives a new client's server process 30 s to come up by
# default; on a loaded 2-core machine its Python start-up alone can take longer.
HEAD_ENV="$(ray_env "$HEAD_CERT" "$HEAD_KEY" "$CA" | tr '\n' ' ') RAY_CLIENT_SERVER_CHECK_CHANNEL_TIMEOUT_S=180"
WORKER_ENV="$(ray_env "$WORKER_CERT" "$WORKER_KEY" "$CA" | tr '\n' ' ')"
ROGUE_ENV="$(ray_env "$ROGUE_CERT" "$ROGUE_KEY" "$ROGUE_CA" | tr '\n' ' ')"

start_node() { # NAME ENV ARGS...
  local name="$1" envs="$2"; shift 2
  # shellcheck disable=SC2086
  setsid timeout --kill-after=10 "$NODE_TIMEOUT" env $envs "$RAY" start --block --disable-usage-stats \
    --temp-dir "$WORK/tmp-$name" "$@" >"$WORK/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$WORK/$name.pid"
  disown $!
}
show_logs() { # NAME: on failure, the tail of a node's start log and of its raylet log
  echo "---- $1 start log (tail)"; tail -n 20 "$WORK/logs/$1.log" 2>/dev/null
  local r; r="$(ls "$WORK/tmp-$1"/session_*/logs/raylet.out 2>/dev/null | head -1)"
  [[ -n "$r" ]] && { echo "---- $1 raylet.out (tail)"; tail -n 20 "$r"; }
  r="$(ls "$WORK/tmp-$1"/session_*/logs/gcs_server.out 2>/dev/null | head -1)"
  [[ -n "$r" ]] && { echo "---- $1 gcs_server.out (tail)"; tail -n 20 "$r"; }
}

COMMON=(--object-store-memory 100000000 --num-gpus 0)
start_node head "$HEAD_ENV" --head --node-ip-address "$HEAD_IP" --port 6379 \
  --dashboard-host "$HEAD_IP" --dashboard-port 8265 --ray-client-server-port 10001 \
  --node-manager-port 6380 --object-manager-port 6381 --runtime-env-agent-port 6382 \
  --dashboard-agent-grpc-port 6383 --dashboard-agent-listen-port 52365 --metrics-export-port 8080 \
  --min-worker-port 11000 --max-worker-port 11099 --num-cpus 1 "${COMMON[@]}"
if wait_for 120 "Ray head GCS on $HEAD_IP:6379 and dashboard on :8265" \
     bash -c "echo >/dev/tcp/$HEAD_IP/6379 && echo >/dev/tcp/$HEAD_IP/8265"; then
  pass "head started on $HEAD_IP with RAY_USE_TLS=1 and RAY_AUTH_MODE=token"
else
  fail "head did not start on $HEAD_IP"; show_logs head; exit 1
fi

start_node worker "$WORKER_ENV" --address "$HEAD_IP:6379" --node-ip-address "$WORKER_IP" \
  --node-manager-port 6390 --object-manager-port 6391 --runtime-env-agent-port 6392 \
  --dashboard-agent-grpc-port 6393 --dashboard-agent-listen-port 52366 --metrics-export-port 8081 \
  --min-worker-port 11100 --max-worker-port 11199 --num-cpus 1 --resources '{"e2e_worker": 1}' "${COMMON[@]}"

start_node rogue "$ROGUE_ENV" --address "$HEAD_IP:6379" --node-ip-address "$ROGUE_IP" \
  --node-manager-port 6395 --object-manager-port 6396 --runtime-env-agent-port 6397 \
  --dashboard-agent-grpc-port 6398 --dashboard-agent-listen-port 52367 --metrics-export-port 8082 \
  --min-worker-port 11200 --max-worker-port 11299 --num-cpus 1 --resources '{"e2e_rogue": 1}' "${COMMON[@]}"

# ---- checks ------------------------------------------------------------------------------
run_driver() { # ENV ARGS...
  local envs="$1"; shift
  # shellcheck disable=SC2086
  timeout --kill-after=10 "$STEP_TIMEOUT" env $envs "$PY" "$HERE/ray_driver.py" "$@" 2>"$WORK/logs/driver-$1.err"
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    [[ $rc -ge 124 ]] && echo "ray-tls: driver '$1' stopped by its timeout (rc $rc)"
    echo "---- driver $1 stderr (tail)"; tail -n 30 "$WORK/logs/driver-$1.err"
  fi
  return $rc
}
count_results() { e2e_relay "ray: " --echo; } # OUTPUT (stdin): forward PASS/FAIL lines into the tally

out="$(run_driver "$HEAD_ENV" cluster "$HEAD_IP" "$WORKER_IP" "$ROGUE_IP")"; rc=$?
count_results <<<"$out"
if [[ $rc -ne 0 ]] && ! echo "$out" | grep -q '^FAIL:'; then fail "cluster driver exited with $rc"; fi
[[ $rc -ne 0 ]] && { show_logs head; show_logs worker; }
# ... and it was refused by TLS (not by anything else): its handshakes fail verification
if grep -rqs 'CERTIFICATE_VERIFY_FAILED' "$WORK/logs/rogue.log" "$WORK/tmp-rogue"; then
  pass "the rogue node's TLS handshakes failed certificate verification"
else
  fail "no CERTIFICATE_VERIFY_FAILED in the rogue node's logs"; show_logs rogue
fi

out="$(run_driver "$HEAD_ENV" jobs "http://$HEAD_IP:8265")"; rc=$?
count_results <<<"$out"
if [[ $rc -ne 0 ]] && ! echo "$out" | grep -q '^FAIL:'; then fail "jobs driver exited with $rc"; fi

WRONG_TOKEN_ENV="$(echo "$HEAD_ENV" | sed -e "s/RAY_AUTH_TOKEN=[^ ]*/RAY_AUTH_TOKEN=not-the-token/")"
out="$(run_driver "$WRONG_TOKEN_ENV" wrong-token "$HEAD_IP")"; rc=$?
count_results <<<"$out"
if [[ $rc -ne 0 ]] && ! echo "$out" | grep -q '^FAIL:'; then fail "wrong-token driver exited with $rc"; fi
if grep -qE 'Unauthenticated|InvalidAuthToken' "$WORK/logs/driver-wrong-token.err"; then
  pass "GCS answered the wrong token with Unauthenticated"
else
  fail "GCS did not answer the wrong token with Unauthenticated"; tail -n 5 "$WORK/logs/driver-wrong-token.err"
fi

# Ray Client with a client-only certificate (EKU clientAuth) of this cluster, and one of another cluster
client_env() { # CERT KEY: a Ray Client user's environment, this cluster's CA
  echo "PATH=$E2E_VENV/bin:$PATH HOME=$WORK/home RAY_E2E_RUN=$WORK RAY_USE_TLS=1 RAY_TLS_SERVER_CERT=$1 RAY_TLS_SERVER_KEY=$2 RAY_TLS_CA_CERT=$CA"
  echo "RAY_AUTH_MODE=token RAY_AUTH_TOKEN=$TOKEN RAY_USAGE_STATS_ENABLED=0"
}
client_check() { # CHECK CERT: run the client driver with that certificate
  local user; user="$(basename "${2%.crt}")"
  out="$(run_driver "$(client_env "$2" "${2%.crt}.key" | tr '\n' ' ')" "$1" "$HEAD_IP" "$user")"; rc=$?
  count_results <<<"$out"
  if [[ $rc -ne 0 ]] && ! echo "$out" | grep -q '^FAIL:'; then fail "$1 driver exited with $rc"; fi
}
OWN_CLIENT="$(ls "$PKI"/clients/*.crt 2>/dev/null | head -1)"
[[ -n "$OWN_CLIENT" ]] && client_check client "$OWN_CLIENT"
OTHER_CLIENT="$(ls "${RAY_E2E_ROGUE_PKI:-/nonexistent}"/clients/*.crt 2>/dev/null | head -1)"
[[ -n "$OTHER_CLIENT" ]] && client_check client-refused "$OTHER_CLIENT"

echo "ray-tls: $FAILED check(s) failed"
[[ $FAILED -eq 0 ]]
