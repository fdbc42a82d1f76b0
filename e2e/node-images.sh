#!/usr/bin/env bash
# Assembles the container images the e2e node runs, as docker-archive tarballs (no registry
# reaches this machine; `node.sh` imports them with `ctr -n k8s.io images import`).
#
#   bash e2e/node-images.sh pause   OUT_DIR   # static C pause binary      -> pause.tar
#   bash e2e/node-images.sh coredns OUT_DIR   # $E2E_BIN/coredns            -> coredns.tar
#   bash e2e/node-images.sh ray     OUT_DIR   # Debian rootfs + Ray wheels + serve_app/ -> ray.tar
#
# Image names: PAUSE_IMAGE, COREDNS_IMAGE and RAY_IMAGE below (RAY_IMAGE is the exact reference
# the e2e stack renders, so the kubelet finds it without a pull). Needs root (debootstrap,
# chroot), gcc with a static libc, debootstrap, python3, and the Ray venv of build-tools.sh
# (its pip downloads the wheels, so the rootfs's Python must be the same minor version).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

RAY_VERSION="${RAY_VERSION:-2.60.0}"
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}" # Python 3.11, as the Ray venv of build-tools.sh
PAUSE_IMAGE="${PAUSE_IMAGE:-registry.k8s.io/pause:e2e}"
COREDNS_IMAGE="${COREDNS_IMAGE:-registry.k8s.io/coredns/coredns:v1.15.0}"
RAY_IMAGE="${RAY_IMAGE:-docker.io/rayproject/ray:$RAY_VERSION}"
ARCHIVE="$HERE/docker_archive.py"

# The Debian mirror this machine's apt uses (never a host named in the repository).
debian_mirror() {
  local m
  m="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1)"
  [[ -n "$m" ]] || m="$(awk '$1 == "deb" && $3 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)"
  [[ -n "$m" ]] || { echo "node-images: no Debian mirror found in the apt sources" >&2; return 1; }
  echo "$m"
}

build_pause() {
  local out="$1" tmp
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' RETURN
  # The sandbox's only process: sleeps, reaps zombies, exits on SIGINT/SIGTERM.
  cat >"$tmp/pause.c" <<'EOF'
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
static void quit(int sig) { (void)sig; _exit(0); }
static void reap(int sig) { (void)sig; while (waitpid(-1, 0, WNOHANG) > 0) {} }
int main(void) {
  signal(SIGINT, quit); signal(SIGTERM, quit); signal(SIGCHLD, reap);
  for (;;) pause();
}
EOF
  mkdir -p "$tmp/rootfs"
  gcc -static -Os -s -o "$tmp/rootfs/pause" "$tmp/pause.c"
  python3 "$ARCHIVE" "$tmp/rootfs" "$out/pause.tar" "$PAUSE_IMAGE" --entrypoint '["/pause"]' --user 65535:65535
}

build_coredns() {
  local out="$1" tmp
  [[ -x "$E2E_BIN/coredns" ]] || { echo "node-images: $E2E_BIN/coredns missing (build-tools.sh coredns)" >&2; return 1; }
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/rootfs/etc"
  cp "$E2E_BIN/coredns" "$tmp/rootfs/coredns"
  echo 'nonroot:x:65532:65532::/:/sbin/nologin' >"$tmp/rootfs/etc/passwd"
  python3 "$ARCHIVE" "$tmp/rootfs" "$out/coredns.tar" "$COREDNS_IMAGE" --entrypoint '["/coredns"]'
}

build_ray() {
  local out="$1" root wheels mirror
  [[ -x "$E2E_VENV/bin/pip" ]] || { echo "node-images: the Ray venv is missing (build-tools.sh ray)" >&2; return 1; }
  mirror="$(debian_mirror)"
  root="$E2E_CACHE/src/ray-rootfs"; wheels="$E2E_CACHE/src/ray-wheels"
  rm -rf "$root" "$wheels"; mkdir -p "$root" "$wheels"
  # A minimal Debian with what KubeRay's commands and probes use: bash, wget, Python 3.
  # Ray with Serve (ray[default,serve]): the node step runs RayServices as well as RayClusters and RayJobs.
  debootstrap --variant=minbase --include=python3,python3-venv,wget,ca-certificates,procps \
    "$DEBIAN_SUITE" "$root" "$mirror"
  # user ray, uid 1000 in group users (100), home /home/ray (as in rayproject/ray)
  echo 'ray:x:1000:100::/home/ray:/bin/bash' >>"$root/etc/passwd"
  echo 'ray:!:19000::::::' >>"$root/etc/shadow"
  mkdir -p "$root/home/ray"; chown 1000:100 "$root/home/ray"
  # Wheels come through this machine's pip (its certificates and index settings); the rootfs's
  # own Python installs them offline into a venv.
  local pyv
  pyv="$(chroot "$root" python3 -c 'import sys;print("%d.%d"%sys.version_info[:2])')"
  [[ "$pyv" == "$("$E2E_VENV/bin/python" -c 'import sys;print("%d.%d"%sys.version_info[:2])')" ]] ||
    { echo "node-images: rootfs Python $pyv differs from the Ray venv's" >&2; return 1; }
  "$E2E_VENV/bin/pip" download -q --disable-pip-version-check -d "$wheels" "ray[default,serve]==$RAY_VERSION"
  mkdir -p "$root/tmp/wheels"
  unshare --mount --propagation private bash -c "
    set -e
    mount --bind '$wheels' '$root/tmp/wheels'
    mount -t proc proc '$root/proc'
    chroot '$root' python3 -m venv /opt/ray-venv
    chroot '$root' /opt/ray-venv/bin/pip install -q --no-index --disable-pip-version-check --find-links /tmp/wheels 'ray[default,serve]==$RAY_VERSION'
    chroot '$root' /opt/ray-venv/bin/ray --version"
  rmdir "$root/tmp/wheels"
  # The e2e RayService's application (serve_app.echo:app), importable as a team's image would have it
  mkdir -p "$root/opt/ray-venv/lib/python$pyv/site-packages/serve_app"
  cp "$HERE"/serve_app/*.py "$root/opt/ray-venv/lib/python$pyv/site-packages/serve_app/"
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc "$root"/usr/share/man "$wheels"
  python3 "$ARCHIVE" "$root" "$out/ray.tar" "$RAY_IMAGE" \
    --env PATH=/opt/ray-venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env HOME=/home/ray --env LANG=C.UTF-8 --user 1000 --workdir /home/ray --cmd '["bash"]'
  rm -rf "$root"
}

what="${1:-}"; out="${2:-}"
[[ -n "$what" && -n "$out" ]] || { echo "usage: $0 pause|coredns|ray OUT_DIR" >&2; exit 2; }
mkdir -p "$out"
case "$what" in
  pause) build_pause "$out" ;;
  coredns) build_coredns "$out" ;;
  ray) build_ray "$out" ;;
  *) echo "node-images: unknown image $what" >&2; exit 2 ;;
esac
