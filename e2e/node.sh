#!/usr/bin/env bash
# A real Kubernetes node for the e2e harness, inside network and mount namespaces of its own.
#
#   bash e2e/node.sh start STATE_DIR   # namespaces, control plane, node, DNS, policies
#   bash e2e/node.sh stop  STATE_DIR   # stop all of it, by pid; restore what it changed
#
# Pods cannot use loopback, so everything runs in one private network + mount namespace kept
# by a holder process (`unshare ... sleep`); every server is started in it with
# `nsenter -t <holder> -m -n` (not `ip netns exec`, which remounts /sys and hides the cgroups).
# Addresses (benchmark range 198.18.0.0/15 and TEST-NET-3, never real hosts; nothing is routed
# out of the namespaces):
#   198.18.0.1        the node (veth e2e-node): kube-apiserver :6443, kubelet :10250
#   198.18.42.0/24    pods of the team namespace (the e2e stack's podCidrs), bridge cni0
#   198.18.43.0/24    pods of the RayService team's namespace (the e2e-serve stack's podCidrs)
#   198.18.100.0/24   pods of every other namespace, same bridge
#   198.19.0.0/24     ClusterIPs (kube-proxy, iptables mode); 198.19.0.1 kubernetes, .10 DNS
#   203.0.113.10      an "internet" host in a second namespace (HTTP on :80), routed from the
#                     node through veth e2e-inet: what the team's egress policies must block
#   10.254.0.10, .11  the teams' Redis (TLS) in a third namespace, through veth e2e-redis (node-redis.sh)
# Inside: etcd, kube-apiserver, kube-controller-manager, KubeRay (control-plane.sh), containerd
# (runc, seccomp), kubelet, kube-scheduler, kube-proxy, kube-router (firewall only: the
# NetworkPolicy implementation), and CoreDNS as a pod in kube-system (k8s-app: kube-dns).
# Images are docker-archive tarballs from node-images.sh, imported with `ctr images import`.
#
# STATE_DIR receives env (NODE_HOLDER, KUBECONFIG_ADMIN, KUBECONFIG_ALICE, addresses), the
# control plane's state in cp/, logs/, pids/. `stop` is safe to call after a partial start.
#
# Environment: E2E_PROCESS_TIMEOUT (default 3600 s: every server and the holders are killed
# after it anyway), E2E_START_TIMEOUT (default 180 s per component), E2E_TEAM_NAMESPACE
# (default ray-e2e: the namespace whose pods get 198.18.42.0/24).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=node-redis.sh
source "$HERE/node-redis.sh"

PROCESS_TIMEOUT="${E2E_PROCESS_TIMEOUT:-3600}"
START_TIMEOUT="${E2E_START_TIMEOUT:-180}"
TEAM_NAMESPACE="${E2E_TEAM_NAMESPACE:-ray-e2e}"
NODE_NAME=e2e-node
NODE_IP=198.18.0.1
TEAM_POD_CIDR=198.18.42.0/24
SERVE_NAMESPACE=ray-e2e-serve
SERVE_POD_CIDR=198.18.43.0/24
OTHER_POD_CIDR=198.18.100.0/24
SERVICE_CIDR=198.19.0.0/24
DNS_IP=198.19.0.10
INET_GW=203.0.113.1
INET_IP=203.0.113.10
API_PORT=6443
IMAGES="$E2E_CACHE/images"
# Global (not per-namespace) kernel settings the kubelet changes: saved, then restored.
SYSCTLS="vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes"

die() { echo "node: $*" >&2; exit 1; }

# in_node CMD...: run CMD in the node's network and mount namespaces
in_node() { nsenter -t "$(cat "$STATE/pids/holder.pid")" -m -n --wd="$PWD" "$@"; }
in_inet() { nsenter -t "$(cat "$STATE/pids/inet-holder.pid")" -n "$@"; }

# spawn NAME CMD...: start CMD inside the node's namespaces, in its own session, under a timeout
spawn() {
  local name="$1"; shift
  setsid timeout --kill-after=10 "$PROCESS_TIMEOUT" \
    nsenter -t "$(cat "$STATE/pids/holder.pid")" -m -n "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/pids/$name.pid"
}

fail_start() {
  echo "node: $1 did not become ready: $2; last lines of $STATE/logs/$1.log:" >&2
  tail -n 30 "$STATE/logs/$1.log" >&2 2>/dev/null
  exit 1
}

# holder NAME UNSHARE_FLAGS...: a process that keeps new namespaces alive; prints nothing
holder() {
  local name="$1"; shift
  setsid unshare "$@" --fork sleep "$PROCESS_TIMEOUT" </dev/null >/dev/null 2>&1 &
  local pid=$!
  echo "$pid" >"$STATE/pids/$name.pid"
  wait_for 10 "namespaces of $name" bash -c \
    "[[ \"\$(readlink /proc/$pid/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]]" ||
    die "unshare did not create the namespaces of $name"
}

setup_namespaces() {
  holder holder --net --mount --propagation private
  holder inet-holder --net
  local inet_pid; inet_pid="$(cat "$STATE/pids/inet-holder.pid")"
  # Directories the node's tmpfs mounts go on (created on the host only if missing).
  local d
  for d in /var/lib/kubelet /var/lib/cni; do
    [[ -d "$d" ]] || { mkdir -p "$d" && echo "$d" >>"$STATE/created-dirs"; }
  done
  printf 'nameserver %s\nsearch svc.cluster.local cluster.local\noptions ndots:5\n' "$DNS_IP" >"$STATE/resolv.conf"
  : >"$STATE/kubelet-resolv.conf"
  in_node bash -ec "
    # containerd's shim sockets are hard-coded under /run/containerd; the kubelet's pod dirs
    # and host-local's leases get fresh, private directories too
    mount -t tmpfs tmpfs /run
    mount -t tmpfs tmpfs /var/lib/kubelet
    mount -t tmpfs tmpfs /var/lib/cni
    # host processes of the node (KubeRay's dashboard client) resolve cluster names like pods
    mount --bind '$STATE/resolv.conf' /etc/resolv.conf
    ip link set lo up
    # the kernel here has no dummy links: the node address sits on one end of a veth pair
    ip link add e2e-node type veth peer name e2e-node-peer
    ip addr add $NODE_IP/32 dev e2e-node
    ip link set e2e-node up; ip link set e2e-node-peer up
    # the node's own processes (the operator) reach ClusterIPs: a route, then kube-proxy's DNAT
    ip route add $SERVICE_CIDR dev e2e-node
    # one bridge for all pods, with the gateway (.1) of both pod ranges: Debian's bridge plugin
    # puts only one IPv4 gateway on a bridge, so it is told isGateway=false and finds them here
    ip link add cni0 type bridge
    ip addr add $(gw_of $TEAM_POD_CIDR) dev cni0
    ip addr add $(gw_of $SERVE_POD_CIDR) dev cni0
    ip addr add $(gw_of $OTHER_POD_CIDR) dev cni0
    ip link set cni0 up
    ip link add e2e-inet type veth peer name e2e-inet0 netns $inet_pid
    ip addr add $INET_GW/24 dev e2e-inet
    ip link set e2e-inet up
    sysctl -qw net.ipv4.ip_forward=1
    # bridged pod-to-pod traffic must pass iptables (kube-proxy's DNAT, the policy firewall)
    sysctl -qw net.bridge.bridge-nf-call-iptables=1
  " || die "could not set up the node's namespace"
  in_inet bash -ec "
    ip link set lo up
    ip addr add $INET_IP/24 dev e2e-inet0
    ip link set e2e-inet0 up
    ip route add 198.18.0.0/15 via $INET_GW
  " || die "could not set up the internet namespace"
}

# gw_of CIDR: the range's .1 with its prefix (the bridge's address for that range)
gw_of() { python3 -c 'import ipaddress,sys; n=ipaddress.ip_network(sys.argv[1]); print(f"{n[1]}/{n.prefixlen}")' "$1"; }

save_sysctls() {
  local k
  : >"$STATE/sysctl.saved"
  for k in $SYSCTLS; do echo "$k=$(sysctl -n "$k")" >>"$STATE/sysctl.saved"; done
}

write_containerd_config() {
  mkdir -p "$STATE/containerd/root" "$STATE/cni/net.d" "$STATE/cni/bin"
  cat >"$STATE/containerd/config.toml" <<EOF
version = 3
root = "$STATE/containerd/root"
state = "/run/containerd"
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$(pause_image)"
[plugins.'io.containerd.cri.v1.runtime']
  # root here lacks CAP_SYS_RESOURCE: runc cannot lower oom_score_adj below containerd's own
  restrict_oom_score_adj = true
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$STATE/cni/bin", "/usr/lib/cni"]
    conf_dir = "$STATE/cni/net.d"
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
EOF
  install -m 0755 "$HERE/cni_ipam_by_namespace.py" "$STATE/cni/bin/cni-ipam-by-namespace"
  cat >"$STATE/cni/net.d/10-e2e.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "e2e",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": false, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "cni-ipam-by-namespace", "hostLocal": "/usr/lib/cni/host-local", "dataDir": "/var/lib/cni/ipam",
        "ranges": {"$TEAM_NAMESPACE": "$TEAM_POD_CIDR", "$SERVE_NAMESPACE": "$SERVE_POD_CIDR"}, "defaultRange": "$OTHER_POD_CIDR"
      }
    }
  ]
}
EOF
}

pause_image() { python3 -c 'import json,sys,tarfile;print(json.load(tarfile.open(sys.argv[1]).extractfile("manifest.json"))[0]["RepoTags"][0])' "$IMAGES/pause.tar"; }

write_kubelet_config() {
  mkdir -p "$STATE/kubelet"
  cat >"$STATE/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroups here are v1 with a v2 'unified' mount
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $CP_DIR/pki/ca.crt}
authorization: {mode: AlwaysAllow}
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: $STATE/kubelet-resolv.conf
failSwapOn: false
# two shared cores: CPU limits would stretch every Ray start-up several times over; requests
# still decide scheduling
cpuCFSQuota: false
maxPods: 40
serializeImagePulls: false
# the images are imported, never pulled: never collect them
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 200Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
EOF
}

start_all() {
  local b
  for b in containerd ctr containerd-shim-runc-v2 kubelet kube-scheduler kube-proxy kube-router coredns kubectl; do
    [[ -x "$E2E_BIN/$b" ]] || die "$E2E_BIN/$b is missing: run e2e/build-tools.sh node first"
  done
  for b in pause coredns ray; do
    [[ -f "$IMAGES/$b.tar" ]] || die "$IMAGES/$b.tar is missing: run e2e/build-tools.sh node-images first"
  done
  for b in runc iptables ipset conntrack nsenter unshare ip; do
    command -v "$b" >/dev/null || die "'$b' is not installed: run e2e/node-deps.sh (as root)"
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] || die "CNI plugins missing in /usr/lib/cni: run e2e/node-deps.sh"
  [[ $EUID -eq 0 ]] || die "the node needs root (namespaces, cgroups, mounts)"
  mkdir -p "$STATE/logs" "$STATE/pids"
  trap 'stop_all; exit 130' INT TERM
  export PATH="$E2E_BIN:$PATH"
  save_sysctls
  setup_namespaces

  # -- control plane, inside the namespace, on the node's address
  CP_DIR="$STATE/cp"
  in_node env E2E_CP_ADDRESS="$NODE_IP" E2E_CP_API_PORT="$API_PORT" E2E_CP_SERVICE_CIDR="$SERVICE_CIDR" E2E_CP_GCS_FT_REDIS_CLEANUP=true \
    E2E_CP_EXTRA_CONTROLLERS="nodelifecycle,endpoint,endpointslice,root-ca-cert-publisher,replicaset,deployment,podgc,ttl-after-finished" \
    E2E_PROCESS_TIMEOUT="$PROCESS_TIMEOUT" bash "$HERE/control-plane.sh" start "$CP_DIR" >"$STATE/logs/control-plane.log" 2>&1 ||
    { tail -n 30 "$STATE/logs/control-plane.log" >&2; die "the control plane did not start"; }
  # shellcheck disable=SC1091
  source "$CP_DIR/env"
  local K="$KUBECONFIG_ADMIN"
  kc() { in_node kubectl --kubeconfig "$K" --request-timeout 30s "$@"; }

  # -- containerd + images
  write_containerd_config
  spawn containerd containerd --config "$STATE/containerd/config.toml"
  wait_for "$START_TIMEOUT" containerd in_node ctr --address /run/containerd/containerd.sock version ||
    fail_start containerd "no answer on /run/containerd/containerd.sock"
  for b in pause coredns ray; do
    in_node ctr --address /run/containerd/containerd.sock -n k8s.io images import "$IMAGES/$b.tar" \
      >"$STATE/logs/import-$b.log" 2>&1 || { cat "$STATE/logs/import-$b.log" >&2; die "importing $b.tar failed"; }
  done

  # -- kubelet (admin identity; serving certificate self-signed in its cert dir)
  write_kubelet_config
  spawn kubelet kubelet --config "$STATE/kubelet/config.yaml" --kubeconfig "$K" \
    --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --root-dir /var/lib/kubelet --cert-dir "$STATE/kubelet/pki"
  wait_for "$START_TIMEOUT" "node $NODE_NAME Ready" bash -c \
    "[[ \"\$(nsenter -t $(cat "$STATE/pids/holder.pid") -m -n kubectl --kubeconfig '$K' get node $NODE_NAME -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' 2>/dev/null)\" == True ]]" ||
    fail_start kubelet "node not Ready"

  # -- scheduler, service proxy, NetworkPolicy firewall
  spawn kube-scheduler kube-scheduler --kubeconfig "$K" --authentication-kubeconfig "$K" \
    --authorization-kubeconfig "$K" --leader-elect=false --bind-address 127.0.0.1 --secure-port 10259
  spawn kube-proxy kube-proxy --kubeconfig "$K" --hostname-override "$NODE_NAME" --proxy-mode iptables \
    --cluster-cidr 198.18.0.0/16 --conntrack-max-per-core 0 \
    --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0 \
    --metrics-bind-address 127.0.0.1:10249 --healthz-bind-address 127.0.0.1:10256
  spawn kube-router kube-router --kubeconfig "$K" --hostname-override "$NODE_NAME" \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --enable-ipv4=true --enable-ipv6=false --metrics-port 0 --health-port 20244
  wait_for "$START_TIMEOUT" kube-proxy in_node curl -sf http://127.0.0.1:10256/healthz || fail_start kube-proxy "no /healthz"
  wait_for "$START_TIMEOUT" kube-router in_node curl -sf http://127.0.0.1:20244/healthz || fail_start kube-router "no /healthz"

  # -- CoreDNS as a pod in kube-system, behind the kube-dns Service
  sed -e "s/@DNS_IP@/$DNS_IP/g" -e "s#@COREDNS_IMAGE@#$(archive_name coredns)#g" "$HERE/node-coredns.yaml" |
    kc apply -f - >"$STATE/logs/coredns-apply.log" 2>&1 || { cat "$STATE/logs/coredns-apply.log" >&2; die "applying CoreDNS failed"; }
  wait_for "$START_TIMEOUT" "CoreDNS Ready" bash -c \
    "nsenter -t $(cat "$STATE/pids/holder.pid") -m -n kubectl --kubeconfig '$K' -n kube-system wait --for=condition=Ready pod/coredns --timeout=5s" ||
    { kc -n kube-system describe pod coredns >"$STATE/logs/coredns.log" 2>&1; fail_start coredns "pod not Ready"; }

  # -- the "internet" host: an HTTP server in the second namespace
  setsid timeout --kill-after=10 "$PROCESS_TIMEOUT" nsenter -t "$(cat "$STATE/pids/inet-holder.pid")" -n \
    python3 -m http.server --bind "$INET_IP" 80 --directory "$STATE/logs" >"$STATE/logs/inet-http.log" 2>&1 </dev/null &
  echo $! >"$STATE/pids/inet-http.pid"
  wait_for 30 "internet HTTP server" in_inet curl -sf -o /dev/null "http://$INET_IP/" || fail_start inet-http "no answer on $INET_IP:80"
  redis_start # the teams' Redis, TLS, in a namespace of its own (node-redis.sh)

  cat >"$STATE/env" <<EOF
NODE_HOLDER=$(cat "$STATE/pids/holder.pid")
NODE_NAME=$NODE_NAME
NODE_IP=$NODE_IP
TEAM_POD_CIDR=$TEAM_POD_CIDR
SERVE_NAMESPACE=$SERVE_NAMESPACE
SERVE_POD_CIDR=$SERVE_POD_CIDR
OTHER_POD_CIDR=$OTHER_POD_CIDR
SERVICE_CIDR=$SERVICE_CIDR
DNS_IP=$DNS_IP
INET_IP=$INET_IP
RAY_IMAGE=$(archive_name ray)
EOF
  cat "$CP_DIR/env" >>"$STATE/env"
  trap - INT TERM
  echo "node: $NODE_NAME Ready at $NODE_IP; API server $API_SERVER (inside the namespace of pid $(cat "$STATE/pids/holder.pid"))"
}

archive_name() { python3 -c 'import json,sys,tarfile;print(json.load(tarfile.open(sys.argv[1]).extractfile("manifest.json"))[0]["RepoTags"][0])' "$IMAGES/$1.tar"; }

# pids_in_node: every process in the node's network namespace or in a kubepods cgroup
pids_in_node() {
  local holder_ns="" p pid
  [[ -f "$STATE/pids/holder.pid" ]] && holder_ns="$(readlink "/proc/$(cat "$STATE/pids/holder.pid")/ns/net" 2>/dev/null)"
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [[ "$pid" == "$$" || "$pid" == "$(cat "$STATE/pids/holder.pid" 2>/dev/null)" ]] && continue
    if [[ -n "$holder_ns" && "$(readlink "$p/ns/net" 2>/dev/null)" == "$holder_ns" ]] ||
       grep -q ':/kubepods' "$p/cgroup" 2>/dev/null; then
      echo "$pid"
    fi
  done
}

stop_all() {
  [[ -d "$STATE/pids" ]] || return 0
  local n
  for n in inet-http kube-router kube-proxy kube-scheduler kubelet; do kill_pidfile "$STATE/pids/$n.pid"; done
  # containers, shims and containerd: the pod processes sit in kubepods cgroups, the rest in
  # the node's network namespace
  local pids
  pids="$(pids_in_node)"
  # shellcheck disable=SC2086
  [[ -n "$pids" ]] && kill -TERM $pids 2>/dev/null
  kill_pidfile "$STATE/pids/containerd.pid"
  sleep 1
  pids="$(pids_in_node)"
  # shellcheck disable=SC2086
  [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null
  [[ -d "$STATE/cp/pids" ]] && bash "$HERE/control-plane.sh" stop "$STATE/cp" >/dev/null 2>&1
  redis_stop
  kill_pidfile "$STATE/pids/inet-holder.pid"
  kill_pidfile "$STATE/pids/holder.pid"
  # the kubelet's cgroups, deepest first, in every hierarchy
  local h
  for h in /sys/fs/cgroup/*/; do
    [[ -d "$h/kubepods" ]] && find "$h/kubepods" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  # kernel settings, as they were
  if [[ -f "$STATE/sysctl.saved" ]]; then
    local kv
    while read -r kv; do sysctl -qw "$kv" 2>/dev/null; done <"$STATE/sysctl.saved"
    rm -f "$STATE/sysctl.saved"
  fi
  if [[ -f "$STATE/created-dirs" ]]; then
    while read -r n; do rmdir "$n" 2>/dev/null; done <"$STATE/created-dirs"
    rm -f "$STATE/created-dirs"
  fi
}

cmd="${1:-}"; STATE="${2:-}"
[[ -n "$cmd" && -n "$STATE" ]] || die "usage: $0 start|stop STATE_DIR"
mkdir -p "$STATE"; STATE="$(cd "$STATE" && pwd)"
case "$cmd" in
  start) start_all ;;
  stop) stop_all ;;
  *) die "unknown command $cmd" ;;
esac
