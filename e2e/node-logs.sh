#!/usr/bin/env bash
# The node step's log check (docs/design.md "Logs that outlive the pod"), in two parts:
#  - logs_standins_start / logs_standins_stop, sourced by node.sh: stand-ins of OSS (moto's S3
#    server, with IAM enforcement) and STS (e2e/sts_standin.py: AssumeRoleWithOIDC, checking the
#    pod's token with the API server's TokenReview as RRSA's trust policy does) on the "internet"
#    host 203.0.113.10 (ports 9000 and 9100), where the e2e registry (e2e/node-observability.json)
#    registers the team's log endpoints: the log shipper in every Ray pod reaches them through the
#    ray-log-shipping-egress NetworkPolicy, and nothing else there (port 80 stays blocked).
#  - logs_checks, sourced by node-checks.sh after the RayJob's cluster is deleted: the job's
#    driver log is read from the stand-in with the reader role (get and list under the prefix
#    only), the path production uses; the STS stand-in refused tokens that RRSA would refuse.
# moto comes from PyPI into $E2E_CACHE/moto-venv (built once, about 30 s).

MOTO_VERSION=5.2.5
MOTO_VENV="$E2E_CACHE/moto-venv"
LOGS_HOST=203.0.113.10
LOGS_S3_PORT=9000
LOGS_STS_PORT=9100
LOGS_BUCKET=ray-logs
LOGS_PREFIX=e2e/
LOGS_ROLE_ARN="acs:ram::1234567890123456:role/ray-e2e-logs"
LOGS_PROVIDER_ARN="acs:ram::1234567890123456:oidc-provider/ack-rrsa-e2e"
# The RAM trust policy's subjects: the head and worker ServiceAccounts of the e2e stack's workloads.
LOGS_TRUSTED="ray-e2e:e2e-ray-head,ray-e2e:e2e-ray-worker,ray-e2e:other-ray-head,ray-e2e:other-ray-worker,ray-e2e:job-ray-head,ray-e2e:job-ray-worker"

logs_venv() {
  [[ -x "$MOTO_VENV/bin/moto_server" ]] && "$MOTO_VENV/bin/pip" show moto 2>/dev/null | grep -qx "Version: $MOTO_VERSION" && return 0
  rm -rf "$MOTO_VENV"
  python3 -m venv "$MOTO_VENV" && "$MOTO_VENV/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
}

# in node.sh: STATE, in_inet, kill_pidfile; the API server and its admin kubeconfig are up
logs_standins_start() {
  local t0=$SECONDS
  logs_venv >"$STATE/logs/moto-venv.log" 2>&1 || { tail -n 5 "$STATE/logs/moto-venv.log" >&2; return 1; }
  in_inet ip addr show e2e-inet0 >/dev/null || return 1
  setsid timeout --kill-after=10 "$PROCESS_TIMEOUT" nsenter -t "$(cat "$STATE/pids/inet-holder.pid")" -n \
    "$MOTO_VENV/bin/moto_server" -H "$LOGS_HOST" -p "$LOGS_S3_PORT" >"$STATE/logs/moto.log" 2>&1 </dev/null &
  echo $! >"$STATE/pids/moto.pid"
  wait_for 60 "moto on $LOGS_HOST:$LOGS_S3_PORT" in_inet bash -c "exec 3<>/dev/tcp/$LOGS_HOST/$LOGS_S3_PORT" || return 1
  mkdir -p "$STATE/logs-standin"
  in_inet "$MOTO_VENV/bin/python" "$HERE/sts_standin.py" setup "http://$LOGS_HOST:$LOGS_S3_PORT" "$LOGS_BUCKET" "$LOGS_PREFIX" "$STATE/logs-standin" \
    >"$STATE/logs/moto-setup.log" 2>&1 || { tail -n 5 "$STATE/logs/moto-setup.log" >&2; return 1; }
  setsid timeout --kill-after=10 "$PROCESS_TIMEOUT" nsenter -t "$(cat "$STATE/pids/inet-holder.pid")" -n \
    env PATH="$E2E_BIN:$PATH" "$MOTO_VENV/bin/python" "$HERE/sts_standin.py" serve "http://$LOGS_HOST:$LOGS_S3_PORT" "$STATE/logs-standin" \
    "$LOGS_HOST" "$LOGS_STS_PORT" "$LOGS_ROLE_ARN" "$LOGS_PROVIDER_ARN" "$KUBECONFIG_ADMIN" "$LOGS_TRUSTED" >"$STATE/logs/sts.log" 2>&1 </dev/null &
  echo $! >"$STATE/pids/sts.pid"
  wait_for 30 "STS stand-in on $LOGS_HOST:$LOGS_STS_PORT" in_inet bash -c "exec 3<>/dev/tcp/$LOGS_HOST/$LOGS_STS_PORT" || return 1
  echo "node: the log stand-ins (moto, STS) started in $((SECONDS - t0)) s"
}

logs_standins_stop() {
  kill_pidfile "$STATE/pids/sts.pid"
  kill_pidfile "$STATE/pids/moto.pid"
}

# logs_read PREFIX [NEEDLE]: the objects under PREFIX as the reader role sees them
logs_read() {
  nsenter -t "$(cat "$NODE_DIR/pids/inet-holder.pid")" -n "$MOTO_VENV/bin/python" "$HERE/sts_standin.py" read \
    "http://$LOGS_HOST:$LOGS_S3_PORT" "$NODE_DIR/logs-standin" "$LOGS_BUCKET" "$@"
}

# sts_status TOKEN: the HTTP status the STS stand-in answers AssumeRoleWithOIDC with for TOKEN
sts_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X POST "http://$LOGS_HOST:$LOGS_STS_PORT/?Action=AssumeRoleWithOIDC" \
    --data-urlencode "RoleArn=$LOGS_ROLE_ARN" --data-urlencode "OIDCProviderArn=$LOGS_PROVIDER_ARN" \
    --data-urlencode "OIDCToken=$1" --data-urlencode RoleSessionName=e2e
}

# in node-checks.sh, after the RayJob (JOB) ran and its cluster was deleted
logs_checks() {
  local out prefix="${LOGS_PREFIX}rayjob/$JOB/" t0=$SECONDS
  # the final pass at termination may still be uploading when the cluster object is gone
  wait_for 60 "the job's driver log in the bucket" bash -c "$(declare -f logs_read); HERE='$HERE' NODE_DIR='$NODE_DIR' MOTO_VENV='$MOTO_VENV' LOGS_HOST=$LOGS_HOST LOGS_S3_PORT=$LOGS_S3_PORT LOGS_BUCKET=$LOGS_BUCKET; logs_read '$prefix' 'e2e-rayjob 42' | grep -q '^found in: .*job-driver-.*\.log'"
  out="$(logs_read "$prefix" 'e2e-rayjob 42' 2>&1)"
  if grep -q '^found in: .*job-driver-.*\.log' <<<"$out"; then
    pass "RayJob $JOB's logs are read after its cluster is deleted, with the reader role, from oss://$LOGS_BUCKET/$prefix: $(grep -m1 '^found in:' <<<"$out" | sed 's/^found in: //') holds the driver's 'e2e-rayjob 42'"
  else
    fail "RayJob $JOB's driver log is not under oss://$LOGS_BUCKET/$prefix after its cluster was deleted: $(head -c 300 <<<"$out")"
    kc -n "$NS" get pods -o wide 2>&1 | tail -n 5 | sed 's/^/    /'; tail -n 5 "$NODE_DIR/logs/sts.log" | sed 's/^/    /'
  fi
  check "... the job's head and worker each shipped their own files (objects under a head and a worker pod)" \
    bash -c "$(declare -f logs_read); HERE='$HERE' NODE_DIR='$NODE_DIR' MOTO_VENV='$MOTO_VENV' LOGS_HOST=$LOGS_HOST LOGS_S3_PORT=$LOGS_S3_PORT LOGS_BUCKET=$LOGS_BUCKET;
      k=\$(logs_read '$prefix'); grep -q -- '-head-[a-z0-9]*/session_' <<<\"\$k\" && grep -q -- '-worker-[a-z0-9]*/session_' <<<\"\$k\""
  check "a long-lived RayCluster ($RC) ships too, while it runs (oss://$LOGS_BUCKET/${LOGS_PREFIX}raycluster/$RC/)" \
    bash -c "$(declare -f logs_read); HERE='$HERE' NODE_DIR='$NODE_DIR' MOTO_VENV='$MOTO_VENV' LOGS_HOST=$LOGS_HOST LOGS_S3_PORT=$LOGS_S3_PORT LOGS_BUCKET=$LOGS_BUCKET;
      logs_read '${LOGS_PREFIX}raycluster/$RC/' | grep -q '^objects: [1-9]'"
  # The same path with the shipping broken: without its egress policy, a line Ray's log directory
  # gains on the e2e head is not shipped; with it back, it is (the shipper opens a new connection per upload).
  local head marker="e2e-log-marker-$$-$RANDOM" found_marker
  head="$(pod_of "$RC" head)"
  found_marker() {
    logs_read "${LOGS_PREFIX}raycluster/$RC/" "$marker" 2>/dev/null | grep -q '^found in: .*/e2e-marker.log'
  }
  if [[ -n "$head" ]] && kc -n "$NS" get networkpolicy ray-log-shipping-egress -o json >"$NODE_DIR/log-egress-np.json" 2>/dev/null; then
    kc -n "$NS" delete networkpolicy ray-log-shipping-egress >/dev/null
    sleep 3
    run_in "$head" ray-head bash -c "echo $marker >>/tmp/ray/session_latest/logs/e2e-marker.log"
    sleep 45 # more than one shipping interval (30 s)
    check_not "without the ray-log-shipping-egress NetworkPolicy the shipping is broken: a new log line on $RC's head does not reach the bucket" found_marker
    python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); m=o["metadata"]; o["metadata"]={k:m[k] for k in ("name","namespace","labels","annotations") if k in m}; json.dump(o,sys.stdout)' \
      "$NODE_DIR/log-egress-np.json" | kc apply -f - >/dev/null
    check "with it back, the line is shipped and read ($RC's head, e2e-marker.log)" wait_for 120 "the marker in the bucket" found_marker
  else
    fail "no ray-log-shipping-egress NetworkPolicy in $NS (or no head of $RC)"
  fi
  # RRSA's trust, as the stand-in applies it: the audience and the ServiceAccount decide
  local token
  token="$(kc -n "$OUTSIDER_NS" create token default --audience sts.aliyuncs.com 2>/dev/null)"
  check "STS refuses a token for audience sts.aliyuncs.com of a ServiceAccount outside the trust policy ($OUTSIDER_NS/default): 403" \
    bash -c "[[ \$($(declare -f sts_status); LOGS_HOST=$LOGS_HOST LOGS_STS_PORT=$LOGS_STS_PORT LOGS_ROLE_ARN='$LOGS_ROLE_ARN' LOGS_PROVIDER_ARN='$LOGS_PROVIDER_ARN'; sts_status '$token') == 403 ]]"
  token="$(kc -n "$NS" create token "$RC-ray-worker" 2>/dev/null)"
  check "STS refuses the trusted worker ServiceAccount's token for the API server's audience (not sts.aliyuncs.com): 403" \
    bash -c "[[ \$($(declare -f sts_status); LOGS_HOST=$LOGS_HOST LOGS_STS_PORT=$LOGS_STS_PORT LOGS_ROLE_ARN='$LOGS_ROLE_ARN' LOGS_PROVIDER_ARN='$LOGS_PROVIDER_ARN'; sts_status '$token') == 403 ]]"
  echo "  (log checks: $((SECONDS - t0)) s)"
}
