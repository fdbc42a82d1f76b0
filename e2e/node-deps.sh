#!/usr/bin/env bash
# Installs the Debian packages the e2e node step needs (as root; a no-op when all are there):
# runc (with libseccomp: seccomp RuntimeDefault), the CNI plugins (bridge, host-local,
# loopback in /usr/lib/cni), iptables/ipset/conntrack (kube-proxy, kube-router's firewall),
# nftables, iproute2, util-linux (unshare, nsenter), debootstrap (the Ray image's rootfs),
# gcc + libc6-dev (the static pause binary), curl, redis-server + redis-tools (the teams' Redis for
# GCS fault tolerance, with TLS: node-redis.sh).
#
#   bash e2e/node-deps.sh
set -euo pipefail
PACKAGES=(runc libseccomp2 containernetworking-plugins iptables ipset nftables conntrack iproute2
  util-linux debootstrap gcc libc6-dev curl ca-certificates redis-server redis-tools)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then echo "node-deps: all installed"; exit 0; fi
[[ $EUID -eq 0 ]] || { echo "node-deps: missing ${missing[*]}; run as root" >&2; exit 1; }
echo "node-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Packages with a service (redis-server) must not start it: the harness runs its own, in the node's
# namespaces. Debian's invoke-rc.d asks policy-rc.d first; one is put in place for the install only.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e "$policy" ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && own_policy=1; fi
trap '[[ $own_policy == 1 ]] && rm -f "$policy"' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "node-deps: installed ${missing[*]}"
