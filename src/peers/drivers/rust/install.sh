#!/usr/bin/env bash
# Builds the rustygear driver (pinned by Cargo.toml + Cargo.lock) and installs the rustygeard
# job server (=0.15.0, --locked) into <repo>/.peers/rust/. Idempotent: a step is skipped when
# its binary is newer than its inputs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
out="$root/.peers/rust"
driver="$out/target/release/rustygear-driver"
geard="$out/bin/rustygeard"
GEARD_VERSION="0.15.0"
# Compiled crates are kept outside the clone, so a fresh clone (CI) links instead of compiling
# everything again; cargo's own fingerprints decide what is still fresh.
cache="${GEARSPEC_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gearspec}/rust"

fail() { echo "rust install: $*" >&2; exit 1; }
step() { echo "rust install: $*"; }

command -v cargo >/dev/null 2>&1 || fail "cargo not found (need Rust/cargo 1.7x or newer)"
mkdir -p "$out"

# 1. The driver: rebuild only when a source, Cargo.toml or Cargo.lock is newer than the binary.
if [[ -x "$driver" && -z "$(find "$here/src" "$here/Cargo.toml" "$here/Cargo.lock" -newer "$driver" -print -quit)" ]]; then
    step "driver up to date ($driver)"
else
    step "fetching the driver's pinned crates"
    (cd "$here" && timeout 600 cargo fetch --locked) || fail "cargo fetch failed (crates.io unreachable?)"
    step "building the driver (cargo build --release --locked; build cache $cache)"
    (cd "$here" && CARGO_TARGET_DIR="$cache/target" timeout 1800 cargo build --release --locked --offline) \
        || fail "cargo build of the driver failed"
    mkdir -p "$(dirname "$driver")"
    install -m 0755 "$cache/target/release/rustygear-driver" "$driver"
fi

# 2. rustygeard: the published crate with its own published Cargo.lock (--locked).
if [[ -x "$geard" ]] && "$geard" --version 2>/dev/null | grep -q " $GEARD_VERSION\$"; then
    step "rustygeard $GEARD_VERSION up to date ($geard)"
else
    step "installing rustygeard $GEARD_VERSION (cargo install --locked)"
    CARGO_TARGET_DIR="$cache/target-rustygeard" timeout 2400 \
        cargo install rustygeard --version "=$GEARD_VERSION" --locked --root "$out" --force \
        || fail "cargo install rustygeard failed"
fi

[[ -x "$driver" ]] || fail "driver binary missing after build: $driver"
[[ -x "$geard" ]] || fail "rustygeard binary missing after install: $geard"
step "ready: $driver, $geard"
