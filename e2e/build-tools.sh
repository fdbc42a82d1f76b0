#!/usr/bin/env bash
# Builds (once) every real tool the end-to-end harness runs, into a cache directory
# outside the repository, and reuses what is already there.
#
#   bash e2e/build-tools.sh [TOOL...]      TOOL: etcd kubernetes kuberay pulumi
#                                                        pulumi-kubernetes ray (default: these)
#                                                        containerd coredns kube-router
#                                                        node-images (the node step's; or: node)
#                                                        pulumi-yaml (the multi-language step's)
#
# Cache: ${RAY_ON_ACK_E2E_CACHE:-$HOME/.cache/ray-on-ack-e2e}
#   bin/        the binaries (put this on PATH)
#   gomod/      GOMODCACHE (~3 GB), gocache/ GOCACHE (emptied after each build unless
#               E2E_KEEP_GOCACHE=1: it grows to ~11 GB and only speeds up rebuilds)
#   ray-venv/   a Python virtualenv with ray[default]
#   images/     the node step's images as docker-archive tarballs (pause, coredns, ray)
#   stamps/     one file per tool: the build key it was built with (version + wrapper module hash)
#   logs/       one build log per tool; times.txt records how long each build took
#
# Go modules that carry `replace` directives cannot be `go install`ed directly: they are
# built from the small wrapper modules under e2e/tools/ (their go.sum pins every
# dependency). A tool whose stamp matches is not rebuilt. Exit status is non-zero if any
# requested tool failed; the others are still built.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

# ---- pinned versions -------------------------------------------------------------------
PULUMI_VERSION=v3.248.0
# github.com/pulumi/pulumi-kubernetes/provider/v4 has no semver tags of its own path, and the
# module proxy serves only this pseudo-version of it (see tools/pulumi-kubernetes/go.mod).
PULUMI_K8S_PROVIDER_VERSION=v4.0.0-20260115033456-f47bc2d6f199
KUBERNETES_VERSION=v1.37.2
KUBERAY_VERSION=v1.6.2
ETCD_VERSION=v3.6.16
RAY_VERSION=2.60.0
CONTAINERD_VERSION=v2.4.2   # Kubernetes 1.36+ needs containerd 2.x; Debian 12 has 1.6
COREDNS_VERSION=v1.15.0
KUBE_ROUTER_VERSION=v2.1.0  # its firewall (NetworkPolicy) controller only
PULUMI_YAML_VERSION=v1.25.0 # the YAML language host, for the multi-language step
DEBIAN_SUITE=bookworm       # the Ray image's rootfs: Python 3.11, as the Ray venv here
BUILD_SCRIPT_REV=1   # bump to force rebuilds after changing how a tool is built

export GOMODCACHE="$E2E_CACHE/gomod"
export GOCACHE="$E2E_CACHE/gocache"
export GOFLAGS="-trimpath -buildvcs=false -mod=readonly"
export GOTOOLCHAIN=local
export CGO_ENABLED=0
mkdir -p "$E2E_BIN" "$E2E_CACHE/stamps" "$E2E_CACHE/logs" "$GOMODCACHE" "$GOCACHE"
TIMES="$E2E_CACHE/logs/times.txt"

need() { command -v "$1" >/dev/null 2>&1 || { echo "build-tools: '$1' is required but not on PATH" >&2; return 1; }; }

# key TOOL VERSION [WRAPPER_DIR]: what a cached build must match to be reused
key_for() {
  local tool="$1" version="$2" dir="${3:-}"
  local h=""
  if [[ -n "$dir" ]]; then
    # every file of the wrapper module (go.mod, go.sum, Go sources, installed scripts)
    h="$(cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  fi
  echo "$tool $version wrapper=$h go=$(go env GOVERSION 2>/dev/null) rev=$BUILD_SCRIPT_REV"
}

is_fresh() { # TOOL KEY BINARY...
  local tool="$1" key="$2"; shift 2
  [[ -f "$E2E_CACHE/stamps/$tool" && "$(cat "$E2E_CACHE/stamps/$tool")" == "$key" ]] || return 1
  local b; for b in "$@"; do [[ -x "$E2E_BIN/$b" ]] || return 1; done
}

# run_build TOOL KEY "BINARIES" COMMAND...: run COMMAND (logged, timed) unless fresh
run_build() {
  local tool="$1" key="$2" bins="$3"; shift 3
  # shellcheck disable=SC2086
  if is_fresh "$tool" "$key" $bins; then
    echo "build-tools: $tool up to date ($key)"
    return 0
  fi
  local log="$E2E_CACHE/logs/$tool.log" start end
  echo "build-tools: building $tool ($key) ... log: $log"
  start=$(date +%s)
  if ( set -e; "$@" ) >"$log" 2>&1; then
    end=$(date +%s)
    echo "$key" >"$E2E_CACHE/stamps/$tool"
    echo "$(date -u +%FT%TZ) $tool $((end - start))s ($key)" >>"$TIMES"
    echo "build-tools: built $tool in $((end - start))s"
    # The Go build cache of these builds is ~11 GB; it only speeds up rebuilds after a wrapper
    # module changes. Drop it unless asked to keep it (the module cache stays: no re-download).
    if [[ "${E2E_KEEP_GOCACHE:-}" != 1 ]]; then go clean -cache >/dev/null 2>&1 || true; fi
  else
    end=$(date +%s)
    rm -f "$E2E_CACHE/stamps/$tool"
    echo "build-tools: FAILED to build $tool after $((end - start))s; last lines of $log:" >&2
    tail -n 25 "$log" >&2
    return 1
  fi
}

# ---- individual tools ------------------------------------------------------------------
build_etcd() {
  local dir="$HERE/tools/etcd"
  run_build etcd "$(key_for etcd "$ETCD_VERSION" "$dir")" "etcd" \
    bash -c "cd '$dir' && go build -ldflags='-s -w' -o '$E2E_BIN/etcd' ./cmd/etcd && '$E2E_BIN/etcd' --version"
}

build_kubernetes() {
  local dir="$HERE/tools/kubernetes" v="$KUBERNETES_VERSION" minor
  minor="$(echo "$v" | cut -d. -f2)"
  local ld="-s -w"
  local p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ld+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  # One `go build` for the control plane and the node's commands: they share most packages.
  local cmds="kube-apiserver kube-controller-manager kubectl kubelet kube-scheduler kube-proxy" pkgs="" c
  for c in $cmds; do pkgs+=" k8s.io/kubernetes/cmd/$c"; done
  run_build kubernetes "$(key_for kubernetes "$v" "$dir")" "$cmds" \
    bash -c "cd '$dir' && go build -ldflags='$ld' -o '$E2E_BIN/'$pkgs && '$E2E_BIN/kube-apiserver' --version && '$E2E_BIN/kubelet' --version"
}

build_kuberay() {
  # No replace directives: installs straight from the module (its own go.sum pins the deps).
  local v="$KUBERAY_VERSION"
  run_build kuberay "$(key_for kuberay "$v")" "kuberay-operator" \
    bash -c "GOFLAGS='-trimpath -buildvcs=false' GOBIN='$E2E_CACHE/gobin-kuberay' go install -ldflags='-s -w' github.com/ray-project/kuberay/ray-operator@$v && mv -f '$E2E_CACHE/gobin-kuberay/ray-operator' '$E2E_BIN/kuberay-operator' && '$E2E_BIN/kuberay-operator' --help 2>&1 | head -3"
}

build_pulumi() {
  local dir="$HERE/tools/pulumi" v="$PULUMI_VERSION"
  local ld="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$v"
  run_build pulumi "$(key_for pulumi "$v" "$dir")" "pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs pulumi-analyzer-policy" \
    bash -c "cd '$dir' && go build -ldflags='$ld' -o '$E2E_BIN/' github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./cmd/pulumi-language-nodejs \
      && install -m 0755 '$dir/pulumi-resource-pulumi-nodejs' '$dir/pulumi-analyzer-policy' '$E2E_BIN/' \
      && '$E2E_BIN/pulumi' version"
}

build_pulumi_kubernetes() {
  local dir="$HERE/tools/pulumi-kubernetes" v="$PULUMI_K8S_PROVIDER_VERSION"
  local ld="-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${v#v}"
  run_build pulumi-kubernetes "$(key_for pulumi-kubernetes "$v" "$dir")" "pulumi-resource-kubernetes" \
    bash -c "set -e
      src='$E2E_CACHE/src/pulumi-kubernetes'; rm -rf \"\$src\"; mkdir -p \"\$src\"; cp -R '$dir'/. \"\$src\"/
      cd \"\$src\"
      go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
      mod=\$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)
      [ -n \"\$mod\" ] || { echo 'cannot locate the provider module source' >&2; exit 1; }
      # what upstream's go:generate step writes: the schema with its version, both files compacted
      python3 - \"\$mod/cmd/pulumi-resource-kubernetes\" cmd/pulumi-resource-kubernetes '${v#v}' <<'PY'
import json, sys
src, dst, version = sys.argv[1:4]
schema = json.load(open(src + '/schema.json'))
schema['version'] = version
json.dump(schema, open(dst + '/schema-embed.json', 'w'), separators=(',', ':'))
json.dump(json.load(open(src + '/terraform-mapping.json')), open(dst + '/terraform-mapping-embed.json', 'w'), separators=(',', ':'))
PY
      go build -ldflags='$ld' -o '$E2E_BIN/' ./cmd/pulumi-resource-kubernetes"
}

build_ray() {
  local venv="$E2E_CACHE/ray-venv" py
  py="${RAY_ON_ACK_E2E_PYTHON:-$(command -v python3)}"
  run_build ray "ray $RAY_VERSION python=$("$py" -c 'import sys;print("%d.%d"%sys.version_info[:2])') rev=$BUILD_SCRIPT_REV" "" \
    bash -c "rm -rf '$venv' && '$py' -m venv '$venv' && '$venv/bin/pip' install -q --disable-pip-version-check 'ray[default]==$RAY_VERSION' && '$venv/bin/ray' --version"
}

# go_install TOOL VERSION "BINARIES" LDFLAGS TAGS PACKAGE@VERSION...: modules without `replace`
# directives install straight from the proxy (their own go.sum pins the dependencies)
go_install() {
  local tool="$1" v="$2" bins="$3" ld="$4" tags="$5"; shift 5
  local gobin="$E2E_CACHE/gobin-$tool" b
  local mv_cmds=""
  for b in $bins; do mv_cmds+=" && mv -f '$gobin/$b' '$E2E_BIN/$b'"; done
  run_build "$tool" "$(key_for "$tool" "$v")" "$bins" \
    bash -c "GOFLAGS='-trimpath -buildvcs=false' GOBIN='$gobin' go install -tags '$tags' -ldflags='$ld' $*$mv_cmds"
}

build_containerd() {
  local v="$CONTAINERD_VERSION" m=github.com/containerd/containerd/v2
  go_install containerd "$v" "containerd ctr containerd-shim-runc-v2" "-s -w -X $m/version.Version=$v" no_btrfs \
    "$m/cmd/containerd@$v" "$m/cmd/ctr@$v" "$m/cmd/containerd-shim-runc-v2@$v"
}

build_coredns() {
  go_install coredns "$COREDNS_VERSION" coredns "-s -w" "" "github.com/coredns/coredns@$COREDNS_VERSION"
}

build_kube_router() {
  local v="$KUBE_ROUTER_VERSION" m=github.com/cloudnativelabs/kube-router/v2
  go_install kube-router "$v" kube-router "-s -w -X $m/pkg/version.Version=$v" "" "$m/cmd/kube-router@$v"
}

# The YAML language host: the multi-language step runs a Pulumi YAML program against the
# package's component provider (provider/).
build_pulumi_yaml() {
  local v="$PULUMI_YAML_VERSION" m=github.com/pulumi/pulumi-yaml
  go_install pulumi-yaml "$v" pulumi-language-yaml "-s -w -X $m/pkg/version.Version=$v" "" "$m/cmd/pulumi-language-yaml@$v"
}

# The node's images (node-images.sh): rebuilt when a version or the scripts that make them change.
build_node_images() {
  local h
  h="$(cat "$HERE/node-images.sh" "$HERE/docker_archive.py" "$HERE"/serve_app/*.py | sha256sum | cut -c1-16)"
  local key="node-images ray=$RAY_VERSION debian=$DEBIAN_SUITE coredns=$COREDNS_VERSION scripts=$h rev=$BUILD_SCRIPT_REV"
  if is_fresh node-images "$key" && [[ -f "$E2E_CACHE/images/ray.tar" && -f "$E2E_CACHE/images/pause.tar" && -f "$E2E_CACHE/images/coredns.tar" ]]; then
    echo "build-tools: node-images up to date ($key)"; return 0
  fi
  rm -f "$E2E_CACHE/stamps/node-images"
  run_build node-images "$key" "" \
    bash -c "for i in pause coredns ray; do RAY_VERSION='$RAY_VERSION' DEBIAN_SUITE='$DEBIAN_SUITE' COREDNS_IMAGE='registry.k8s.io/coredns/coredns:$COREDNS_VERSION' bash '$HERE/node-images.sh' \$i '$E2E_CACHE/images'; done"
}

# ---- main ------------------------------------------------------------------------------
main() {
  local tools=("$@") failed=() t
  [[ ${#tools[@]} -gt 0 ]] || tools=(ray etcd kubernetes kuberay pulumi pulumi-kubernetes)
  if [[ "${tools[*]}" == node ]]; then tools=(ray kubernetes containerd coredns kube-router node-images); fi
  need go || exit 1
  for t in "${tools[@]}"; do
    case "$t" in
      etcd) build_etcd || failed+=("$t") ;;
      kubernetes) build_kubernetes || failed+=("$t") ;;
      kuberay) build_kuberay || failed+=("$t") ;;
      pulumi) build_pulumi || failed+=("$t") ;;
      pulumi-kubernetes) build_pulumi_kubernetes || failed+=("$t") ;;
      ray) { need python3 && build_ray; } || failed+=("$t") ;;
      containerd) build_containerd || failed+=("$t") ;;
      coredns) build_coredns || failed+=("$t") ;;
      kube-router) build_kube_router || failed+=("$t") ;;
      node-images) build_node_images || failed+=("$t") ;;
      pulumi-yaml) build_pulumi_yaml || failed+=("$t") ;;
      *) echo "build-tools: unknown tool '$t'" >&2; failed+=("$t") ;;
    esac
  done
  if [[ ${#failed[@]} -gt 0 ]]; then
    echo "build-tools: failed: ${failed[*]}" >&2
    exit 1
  fi
  echo "build-tools: all requested tools ready in $E2E_BIN"
}

main "$@"
exit $?
