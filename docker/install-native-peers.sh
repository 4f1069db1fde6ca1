#!/usr/bin/env bash
# Installs every peer of gearspec's registry natively (Debian packages, and the pinned npm, PyPI,
# Go and crates.io packages of the other languages under .peers/): a shorthand for
# `gearspec peers install [NAME...]`, which reads the registry (src/peers/registry/records.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || { echo "gearspec is not built yet: run npm ci first" >&2; exit 2; }
exec node bin/gearspec.js peers install "$@"
