#!/usr/bin/env bash
# Installs the Debian packages the e2e node step needs (as root; a no-op when all are there):
# runc (with libseccomp: seccomp RuntimeDefault), the CNI plugins (bridge, host-local,
# loopback in /usr/lib/cni), iptables/ipset/conntrack (kube-proxy, kube-router's firewall),
# nftables, iproute2, util-linux (unshare, nsenter), debootstrap (the Ray image's rootfs),
# gcc + libc6-dev (the static pause binary), curl, prometheus (Debian's 2.42: the metrics check's
# scraper, built into a node image by node-images.sh; its service is never started here).
#
#   bash e2e/node-deps.sh
set -euo pipefail
PACKAGES=(runc libseccomp2 containernetworking-plugins iptables ipset nftables conntrack iproute2
  util-linux debootstrap gcc libc6-dev curl ca-certificates prometheus)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then echo "node-deps: all installed"; exit 0; fi
[[ $EUID -eq 0 ]] || { echo "node-deps: missing ${missing[*]}; run as root" >&2; exit 1; }
echo "node-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# no package starts a service on this machine (prometheus would listen on :9090): policy-rc.d says no
restore_policy=""
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && restore_policy=1
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}"
[[ -n "$restore_policy" ]] && rm -f /usr/sbin/policy-rc.d
echo "node-deps: installed ${missing[*]}"
