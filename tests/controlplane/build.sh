#!/usr/bin/env bash
# Builds the real components the end-to-end tests run against, from Go modules at the versions
# pinned in versions.env: kube-apiserver, kube-controller-manager and kubectl from
# k8s.io/kubernetes, etcd from go.etcd.io/etcd/server/v3, helm from helm.sh/helm/v4; and
# takes the Gateway API CRDs (standard channel) from the sigs.k8s.io/gateway-api module.
#
# Binaries go to a cache outside the clone, one folder per component and version
# ($APPASSET_TOOLS_DIR, default ~/.cache/appasset-operator/tools), so a fresh clone reuses
# them and a second run builds nothing. Prints the cache folder on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

tools_dir=${APPASSET_TOOLS_DIR:-$HOME/.cache/appasset-operator/tools}
mkdir -p "$tools_dir"

# Static binaries, no cgo: the same flags Kubernetes' own release build uses for these.
export CGO_ENABLED=0
export GOFLAGS=-buildvcs=false

# build_into NAME VERSION CMD...: runs CMD with $out set to a scratch folder, then moves the
# folder into place in one rename, so an interrupted build never leaves a half-filled cache.
build_into() {
  local name=$1 version=$2
  shift 2
  local dest="$tools_dir/$name-$version"
  if [ -f "$dest/.complete" ]; then
    return 0
  fi
  echo "building $name $version into $dest" >&2
  local started=$SECONDS
  out=$(mktemp -d "$tools_dir/.$name-$version.XXXXXX")
  chmod 755 "$out"
  "$@"
  touch "$out/.complete"
  rm -rf "$dest"
  mv "$out" "$dest"
  echo "built $name $version in $((SECONDS - started))s" >&2
}

kubernetes() {
  local minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  local pkg=k8s.io/component-base/version
  local client=k8s.io/client-go/pkg/version
  local date
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local ldflags="-s -w"
  for p in $pkg $client; do
    ldflags+=" -X $p.gitVersion=$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  (cd "$here/kubernetes" && go build -trimpath -ldflags "$ldflags" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl)
}

etcd() {
  (cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$out/etcd" \
    go.etcd.io/etcd/server/v3)
}

helm() {
  local v=helm.sh/helm/v4/internal/version
  GOBIN="$out" go install -trimpath \
    -ldflags "-s -w -X $v.version=$HELM_VERSION -X $v.metadata=" \
    "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
}

gateway_api() {
  local dir
  dir=$(cd "$out" && go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp "$dir"/config/crd/standard/gateway.networking.k8s.io_*.yaml "$out/"
  chmod 644 "$out"/*.yaml
}

build_into gateway-api "$GATEWAY_API_VERSION" gateway_api
build_into etcd "$ETCD_VERSION" etcd
build_into helm "$HELM_VERSION" helm
build_into kubernetes "$KUBERNETES_VERSION" kubernetes

echo "$tools_dir"
