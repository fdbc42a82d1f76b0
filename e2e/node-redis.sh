# shellcheck shell=bash
# The teams' Redis for GCS fault tolerance on the e2e node (sourced by node.sh: functions and
# constants only). What ApsaraDB for Redis is on ACK, in the VPC: one Debian redis-server 7.0 per
# team stack, in a network namespace of its own routed from the node, with TLS (a CA made for this
# run) and the stack's password, at the address e2e/policy-pack-config.json registers for the stack
# (`gcsRedis`). Each also listens in plain TCP on 6379, which the team's egress must not reach.
#
#   10.254.0.1/24   the node's end of veth e2e-redis
#   10.254.0.10     stack e2e's Redis        TLS 6380, plain 6379
#   10.254.0.11     stack e2e-serve's Redis  TLS 6380, plain 6379
#
# redis_start writes STATE/redis/: ca.crt (the run's CA), <stack>.password (0600), and
# policy-pack-config.json, the e2e registry with the run's CA in place of its placeholder, which
# the node step's Pulumi project uses. The passwords are the stack files' `gcsRedisPassword`,
# decrypted with the harness's passphrase (PULUMI_CONFIG_PASSPHRASE, run.sh's pulumi_env).
# Uses node.sh's STATE, holder, in_node, die, fail_start and lib.sh's wait_for, kill_pidfile.

REDIS_GW=10.254.0.1
REDIS_TLS_PORT=6380
REDIS_PLAIN_PORT=6379
REDIS_INSTANCES=("e2e=10.254.0.10" "e2e-serve=10.254.0.11")

# redis_ip STACK: the address of the stack's Redis
redis_ip() { local i; for i in "${REDIS_INSTANCES[@]}"; do [[ "${i%%=*}" == "$1" ]] && echo "${i#*=}"; done; }
in_redis() { nsenter -t "$(cat "$STATE/pids/redis-holder.pid")" -n "$@"; }

# redis_password STACK: the stack file's gcsRedisPassword, decrypted in a scratch project
redis_password() {
  local stack="$1" dir="$STATE/redis/decrypt-$1"
  [[ -n "${PULUMI_CONFIG_PASSPHRASE:-}" ]] || die "PULUMI_CONFIG_PASSPHRASE is not set: the e2e stack files' gcsRedisPassword is encrypted with the harness's passphrase (run.sh's pulumi_env)"
  mkdir -p "$dir/state" && cp "${E2E_STACKS_DIR:-$E2E_REPO/e2e/stacks}/Pulumi.$stack.yaml" "$dir/" &&
    printf 'name: ray-on-ack\nruntime: nodejs\n' >"$dir/Pulumi.yaml" || return 1
  (
    cd "$dir" || exit 1
    export PULUMI_BACKEND_URL="file://$dir/state" PULUMI_HOME="$dir/home" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
    pulumi --non-interactive stack init "$stack" >/dev/null 2>&1 && pulumi --non-interactive config get --stack "$stack" ray-on-ack:gcsRedisPassword
  )
}

# redis_certs DIR: a CA for this run and a server certificate per instance (its address as SAN)
redis_certs() {
  local dir="$1" i ip
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 2 \
    -subj "/O=ray-on-ack e2e/CN=e2e Redis CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1 || return 1
  for i in "${REDIS_INSTANCES[@]}"; do
    ip="${i#*=}"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/${i%%=*}.key" -out "$dir/${i%%=*}.csr" \
      -subj "/CN=$ip" >/dev/null 2>&1 &&
      printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n' "$ip" >"$dir/${i%%=*}.ext" &&
      openssl x509 -req -in "$dir/${i%%=*}.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$dir/${i%%=*}.ext" -out "$dir/${i%%=*}.crt" >/dev/null 2>&1 || return 1
  done
  rm -f "$dir/ca.key" "$dir"/*.csr "$dir"/*.ext
}

# redis_registry SRC DST: the e2e registry with this run's CA for every stack with a node Redis
redis_registry() {
  python3 - "$1" "$2" "$STATE/redis/ca.crt" "${REDIS_INSTANCES[@]}" <<'EOF'
import json, sys
src, dst, ca_file, *instances = sys.argv[1:]
conf = json.load(open(src))
tenants = conf["ray-tenancy"]["tenants"]
ca = open(ca_file).read()
for item in instances:
    stack, ip = item.split("=", 1)
    redis = tenants[stack]["gcsRedis"]
    if redis["host"] != ip or redis["port"] != 6380:
        sys.exit(f"{src}: the registry's gcsRedis of {stack} is {redis['host']}:{redis['port']}, the node runs it at {ip}:6380")
    redis["caCertificate"] = ca
json.dump(conf, open(dst, "w"), indent=4)
EOF
}

redis_start() {
  local dir="$STATE/redis" i stack ip pw pid
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || die "redis-server is not installed: run e2e/node-deps.sh (as root)"
  mkdir -p "$dir" && chmod 0700 "$dir"
  holder redis-holder --net
  pid="$(cat "$STATE/pids/redis-holder.pid")"
  in_node bash -ec "
    ip link add e2e-redis type veth peer name e2e-redis0 netns $pid
    ip addr add $REDIS_GW/24 dev e2e-redis
    ip link set e2e-redis up
  " || die "could not connect the Redis namespace"
  in_redis bash -ec "
    ip link set lo up
    $(for i in "${REDIS_INSTANCES[@]}"; do echo "ip addr add ${i#*=}/24 dev e2e-redis0;"; done)
    ip link set e2e-redis0 up
    ip route add 198.18.0.0/15 via $REDIS_GW
  " || die "could not set up the Redis namespace"
  redis_certs "$dir" || die "could not make the Redis certificates"
  for i in "${REDIS_INSTANCES[@]}"; do
    stack="${i%%=*}" ip="${i#*=}"
    pw="$(redis_password "$stack")" && [[ -n "$pw" ]] || die "could not decrypt gcsRedisPassword of the $stack stack file"
    (umask 077 && printf '%s' "$pw" >"$dir/$stack.password")
    (umask 077 && cat >"$dir/$stack.conf" <<EOF
bind $ip
port $REDIS_PLAIN_PORT
tls-port $REDIS_TLS_PORT
tls-cert-file $dir/$stack.crt
tls-key-file $dir/$stack.key
tls-ca-cert-file $dir/ca.crt
tls-auth-clients no
requirepass $pw
protected-mode yes
save ""
appendonly no
dir $dir
EOF
    )
    setsid timeout --kill-after=10 "$PROCESS_TIMEOUT" nsenter -t "$pid" -n redis-server "$dir/$stack.conf" \
      >"$STATE/logs/redis-$stack.log" 2>&1 </dev/null &
    echo $! >"$STATE/pids/redis-$stack.pid"
    wait_for 30 "Redis of $stack" bash -c "[[ \"\$(REDISCLI_AUTH='$pw' nsenter -t $pid -n redis-cli -h $ip -p $REDIS_TLS_PORT --tls --cacert '$dir/ca.crt' ping)\" == PONG ]]" ||
      fail_start "redis-$stack" "no PONG over TLS on $ip:$REDIS_TLS_PORT"
  done
  redis_registry "${E2E_PLATFORM_CONFIG:-$E2E_REPO/e2e/policy-pack-config.json}" "$dir/policy-pack-config.json" ||
    die "could not write the node's registry"
}

redis_stop() {
  local i
  for i in "${REDIS_INSTANCES[@]}"; do kill_pidfile "$STATE/pids/redis-${i%%=*}.pid"; done
  kill_pidfile "$STATE/pids/redis-holder.pid"
}
