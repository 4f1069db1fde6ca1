#!/usr/bin/env bash
# Builds the gearspec Go driver (github.com/mikespook/gearman-go, pinned in go.mod/go.sum) and the
# Go job server appscode/g2 (pinned in g2/go.mod/go.sum) into <repo>/.peers/go/. Idempotent: a
# build whose output is newer than its sources is skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
out="$root/.peers/go"

say() { echo "go/install: $*"; }
die() { echo "go/install: ERROR: $*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "the go toolchain is not installed (need Go >= 1.26)"
# Static binaries (they are also copied into a container); never switch toolchains or edit go.mod.
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"
mkdir -p "$out"

# fresh TARGET DIR: true when TARGET exists and is newer than every file of DIR's module (not nested ones).
fresh() {
  local target="$1" dir="$2"
  [[ -x "$target" ]] || return 1
  [[ -z "$(find "$dir" -maxdepth 1 -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -newer "$target" -print -quit)" ]]
}

build() { # NAME DIR PACKAGE OUTPUT
  local name="$1" dir="$2" pkg="$3" target="$4"
  if fresh "$target" "$dir"; then
    say "$name: up to date ($target)"
    return
  fi
  say "$name: downloading pinned modules"
  (cd "$dir" && timeout 600 go mod download) || die "$name: go mod download failed (is the Go module proxy reachable?)"
  say "$name: go mod verify"
  (cd "$dir" && timeout 300 go mod verify >/dev/null) || die "$name: go mod verify failed"
  say "$name: building $target"
  (cd "$dir" && timeout 900 go build -trimpath -o "$target.tmp" "$pkg") || die "$name: go build failed"
  mv -f "$target.tmp" "$target"
}

say "go: $(go version)"
build "gearman-go driver" "$here" . "$out/gearman-go-driver"
build "g2 gearmand" "$here/g2" github.com/appscode/g2/cmd/gearmand "$out/g2-gearmand"
say "done"
