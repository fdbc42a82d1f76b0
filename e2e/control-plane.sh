#!/usr/bin/env bash
# A throw-away Kubernetes control plane on 127.0.0.1, for admission-level end-to-end checks.
#
#   bash e2e/control-plane.sh start STATE_DIR   # start everything, write kubeconfigs
#   bash e2e/control-plane.sh stop  STATE_DIR   # stop everything started by `start`
#   bash e2e/control-plane.sh status STATE_DIR
#
# It runs etcd, kube-apiserver (RBAC; admission NamespaceLifecycle, LimitRanger,
# ServiceAccount, PodSecurity, ResourceQuota), kube-controller-manager (namespace,
# resourcequota, serviceaccount, serviceaccount-token, garbagecollector, job controllers),
# applies the KubeRay CRDs and starts the KubeRay operator. There is no kubelet and no
# scheduler: pods are admitted and then stay Pending.
#
# STATE_DIR receives:
#   admin.kubeconfig   system:masters identity
#   alice.kubeconfig   a team's people identity: user $E2E_PEOPLE_USER (default alice) in
#                      group $E2E_PEOPLE_GROUP (default team-a-people), as a client certificate
#   env                shell fragment: KUBECONFIG_ADMIN, KUBECONFIG_ALICE, API_SERVER, ports
#   logs/*.log, pids/*.pid, pki/, etcd/
#
# Environment:
#   RAY_ON_ACK_E2E_CACHE      tool cache (see build-tools.sh); binaries from $CACHE/bin
#   KUBERAY_CRD_DIR           default: <repo>/../shared/kuberay/v1.6.2
#   E2E_PROCESS_TIMEOUT       seconds after which every server is killed anyway (default 3600)
#   E2E_START_TIMEOUT         seconds to wait for each component to become ready (default 120)
#   E2E_CP_ADDRESS            the API server's address (default 127.0.0.1). Any other address
#                             (the node step's, inside its network namespace) also gets the
#                             `kubernetes` Service endpoint (lease reconciler) and a SAN.
#   E2E_CP_API_PORT           the API server's port (default: a free port)
#   E2E_CP_SERVICE_CIDR       ClusterIP range (default 10.96.0.0/16, never routed); its first
#                             address is the `kubernetes` Service and is in the API server's SANs
#   E2E_CP_EXTRA_CONTROLLERS  more kube-controller-manager controllers, comma-separated (the node
#                             step adds the ones a running node needs, e.g. endpointslice)
#   E2E_CP_GCS_FT_REDIS_CLEANUP  the operator's ENABLE_GCS_FT_REDIS_CLEANUP (default false: without a
#                             kubelet KubeRay's Redis cleanup Job never runs, and every GCS fault-tolerant
#                             RayCluster would hold its deletion for KubeRay's 300 s; the node step: true)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

PROCESS_TIMEOUT="${E2E_PROCESS_TIMEOUT:-3600}"
START_TIMEOUT="${E2E_START_TIMEOUT:-120}"
CRD_DIR="${KUBERAY_CRD_DIR:-$E2E_REPO/../shared/kuberay/v1.6.2}"
PEOPLE_USER="${E2E_PEOPLE_USER:-alice}"
PEOPLE_GROUP="${E2E_PEOPLE_GROUP:-team-a-people}"
SERVICE_CIDR="${E2E_CP_SERVICE_CIDR:-10.96.0.0/16}" # loopback harness: never routed, only allocated
CP_ADDRESS="${E2E_CP_ADDRESS:-127.0.0.1}"
SERVICE_IP="$(python3 -c 'import ipaddress,sys;print(ipaddress.ip_network(sys.argv[1])[1])' "$SERVICE_CIDR")"

die() { echo "control-plane: $*" >&2; exit 1; }

# spawn NAME COMMAND...: run COMMAND in its own session under a hard timeout
spawn() {
  local name="$1"; shift
  setsid timeout --kill-after=10 "$PROCESS_TIMEOUT" "$@" >"$STATE/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$STATE/pids/$name.pid"
}

alive() { local f="$STATE/pids/$1.pid"; [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null; }

# fail_start NAME MESSAGE: report a component that did not come up, with its log tail
fail_start() {
  echo "control-plane: $1 did not become ready: $2; last lines of $STATE/logs/$1.log:" >&2
  tail -n 30 "$STATE/logs/$1.log" >&2 2>/dev/null
  stop_all
  exit 1
}

gen_pki() {
  local p="$STATE/pki"
  mkdir -p "$p"
  (
    set -e
    cd "$p"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
      -subj "/CN=ray-on-ack-e2e-ca" 2>/dev/null
    # API server serving certificate
    cat >apiserver.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$CP_ADDRESS,IP:$SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 \
      -extfile apiserver.ext 2>/dev/null
    # client certificates: CN = user, O = groups
    local who
    for who in "admin:/O=system:masters/CN=e2e-admin" "alice:/O=$PEOPLE_GROUP/CN=$PEOPLE_USER" \
               "controller-manager:/CN=system:kube-controller-manager"; do
      local n="${who%%:*}" subj="${who#*:}"
      printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >client.ext
      openssl req -newkey rsa:2048 -nodes -keyout "$n.key" -out "$n.csr" -subj "$subj" 2>/dev/null
      openssl x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$n.crt" -days 2 \
        -extfile client.ext 2>/dev/null
    done
    # service-account token signing key
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  ) || die "openssl failed to generate the test PKI in $p"
}

write_kubeconfig() { # NAME USER
  local out="$STATE/$1.kubeconfig"
  cat >"$out" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: https://$CP_ADDRESS:$API_PORT
    certificate-authority: $STATE/pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $STATE/pki/$2.crt
    client-key: $STATE/pki/$2.key
contexts:
- name: e2e
  context: {cluster: e2e, user: $2}
current-context: e2e
EOF
}

start_all() {
  local b
  for b in etcd kube-apiserver kube-controller-manager kubectl kuberay-operator; do
    [[ -x "$E2E_BIN/$b" ]] || die "$E2E_BIN/$b is missing: run e2e/build-tools.sh first"
  done
  # all three: the operator also watches RayServices, and exits when that cache never syncs
  [[ -f "$CRD_DIR/ray.io_rayclusters.yaml" && -f "$CRD_DIR/ray.io_rayjobs.yaml" && -f "$CRD_DIR/ray.io_rayservices.yaml" ]] ||
    die "KubeRay CRDs not found in $CRD_DIR (expected ray.io_rayclusters.yaml, ray.io_rayjobs.yaml and ray.io_rayservices.yaml from shared/kuberay/v1.6.2; set KUBERAY_CRD_DIR)"
  mkdir -p "$STATE/logs" "$STATE/pids" "$STATE/etcd"
  # interrupted while starting: stop what already runs
  trap 'stop_all; exit 130' INT TERM
  gen_pki

  ETCD_PORT=$(free_port); ETCD_PEER_PORT=$(free_port); API_PORT=${E2E_CP_API_PORT:-$(free_port)}
  OP_METRICS_PORT=$(free_port); OP_PROBE_PORT=$(free_port)
  export PATH="$E2E_BIN:$PATH"

  # -- etcd
  spawn etcd etcd --name e2e --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "e2e=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "" \
    --unsafe-no-fsync --quota-backend-bytes 1073741824
  wait_for "$START_TIMEOUT" etcd curl -sf "http://127.0.0.1:$ETCD_PORT/health" || fail_start etcd "no /health"

  # -- kube-apiserver
  spawn kube-apiserver kube-apiserver \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$CP_ADDRESS" --advertise-address "$CP_ADDRESS" --secure-port "$API_PORT" \
    --endpoint-reconciler-type "$([[ $CP_ADDRESS == 127.* ]] && echo none || echo lease)" \
    --kubelet-client-certificate "$STATE/pki/admin.crt" --kubelet-client-key "$STATE/pki/admin.key" \
    --kubelet-preferred-address-types InternalIP \
    --tls-cert-file "$STATE/pki/apiserver.crt" --tls-private-key-file "$STATE/pki/apiserver.key" \
    --client-ca-file "$STATE/pki/ca.crt" \
    --service-account-key-file "$STATE/pki/sa.pub" --service-account-signing-key-file "$STATE/pki/sa.key" \
    --service-account-issuer "https://kubernetes.default.svc.cluster.local" \
    --api-audiences "https://kubernetes.default.svc.cluster.local" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --authorization-mode RBAC \
    --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,ResourceQuota \
    --allow-privileged=true --profiling=false \
    --cert-dir "$STATE/pki/generated"
  write_kubeconfig admin admin
  write_kubeconfig alice alice
  write_kubeconfig controller-manager controller-manager
  local K="$STATE/admin.kubeconfig"
  wait_for "$START_TIMEOUT" kube-apiserver kubectl --kubeconfig "$K" get --raw /readyz ||
    fail_start kube-apiserver "no /readyz"

  # -- kube-controller-manager
  spawn kube-controller-manager kube-controller-manager \
    --kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --controllers "namespace,resourcequota,serviceaccount,serviceaccount-token,garbagecollector,job${E2E_CP_EXTRA_CONTROLLERS:+,$E2E_CP_EXTRA_CONTROLLERS}" \
    --service-account-private-key-file "$STATE/pki/sa.key" --root-ca-file "$STATE/pki/ca.crt" \
    --use-service-account-credentials=true --leader-elect=false \
    --bind-address 127.0.0.1 --secure-port "$(free_port)"
  # ready when the serviceaccount controller has created "default" in a fresh namespace
  kubectl --kubeconfig "$K" create namespace e2e-probe >/dev/null 2>&1
  wait_for "$START_TIMEOUT" "kube-controller-manager (default ServiceAccount)" \
    kubectl --kubeconfig "$K" -n e2e-probe get serviceaccount default ||
    fail_start kube-controller-manager "no default ServiceAccount created"
  kubectl --kubeconfig "$K" delete namespace e2e-probe --wait=false >/dev/null 2>&1

  # -- KubeRay CRDs (server-side apply: they exceed the client-side annotation limit)
  kubectl --kubeconfig "$K" apply --server-side -f "$CRD_DIR/ray.io_rayclusters.yaml" \
    -f "$CRD_DIR/ray.io_rayjobs.yaml" -f "$CRD_DIR/ray.io_rayservices.yaml" >"$STATE/logs/crds.log" 2>&1 ||
    { cat "$STATE/logs/crds.log" >&2; stop_all; die "applying the KubeRay CRDs failed"; }
  # (polled: `kubectl wait` fails at once while a new CRD has no status.conditions yet)
  local crd
  for crd in rayclusters.ray.io rayjobs.ray.io rayservices.ray.io; do
    wait_for "$START_TIMEOUT" "CRD $crd Established" bash -c \
      "[[ \"\$(kubectl --kubeconfig '$K' get crd $crd -o jsonpath='{.status.conditions[?(@.type==\"Established\")].status}')\" == True ]]" ||
      { cat "$STATE/logs/crds.log" >&2; stop_all; die "KubeRay CRD $crd not Established"; }
  done

  # -- KubeRay operator (admin identity; no leader election, no webhooks, loopback ports)
  KUBECONFIG="$K" ENABLE_GCS_FT_REDIS_CLEANUP="${E2E_CP_GCS_FT_REDIS_CLEANUP:-false}" spawn kuberay-operator kuberay-operator \
    --kubeconfig "$K" \
    --metrics-addr "127.0.0.1:$OP_METRICS_PORT" \
    --health-probe-bind-address "127.0.0.1:$OP_PROBE_PORT" \
    --enable-leader-election=false
  wait_for "$START_TIMEOUT" kuberay-operator curl -sf "http://127.0.0.1:$OP_PROBE_PORT/readyz" ||
    fail_start kuberay-operator "no /readyz on 127.0.0.1:$OP_PROBE_PORT"

  cat >"$STATE/env" <<EOF
KUBECONFIG_ADMIN=$STATE/admin.kubeconfig
KUBECONFIG_ALICE=$STATE/alice.kubeconfig
PEOPLE_USER=$PEOPLE_USER
PEOPLE_GROUP=$PEOPLE_GROUP
API_SERVER=https://$CP_ADDRESS:$API_PORT
API_CA=$STATE/pki/ca.crt
ETCD_PORT=$ETCD_PORT
OPERATOR_METRICS=127.0.0.1:$OP_METRICS_PORT
OPERATOR_PROBE=127.0.0.1:$OP_PROBE_PORT
EOF
  trap - INT TERM
  echo "control-plane: up; API server https://$CP_ADDRESS:$API_PORT; kubeconfigs in $STATE"
}

stop_all() {
  local n
  for n in kuberay-operator kube-controller-manager kube-apiserver etcd; do
    kill_pidfile "$STATE/pids/$n.pid"
  done
}

status_all() {
  local n rc=0
  for n in etcd kube-apiserver kube-controller-manager kuberay-operator; do
    if alive "$n"; then echo "$n: running"; else echo "$n: not running"; rc=1; fi
  done
  return $rc
}

cmd="${1:-}"; STATE="${2:-}"
[[ -n "$cmd" && -n "$STATE" ]] || die "usage: $0 start|stop|status STATE_DIR"
mkdir -p "$STATE"; STATE="$(cd "$STATE" && pwd)"
case "$cmd" in
  start) start_all ;;
  stop) stop_all ;;
  status) status_all ;;
  *) die "unknown command $cmd" ;;
esac
