#!/usr/bin/env bash
# Installs the pinned Node Gearman libraries (package-lock.json) into this folder's node_modules,
# where the drivers (*.mjs) resolve them. Idempotent: a no-op when every package in the lock is
# already installed at its locked version. Nothing is built natively.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

step() { printf 'node drivers: %s\n' "$*"; }
die() { printf 'node drivers: error: %s\n' "$*" >&2; exit 1; }

step "checking node and npm"
command -v node >/dev/null 2>&1 || die "node is not installed (Node 18 or newer is needed)"
command -v npm >/dev/null 2>&1 || die "npm is not installed"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 18 ] || die "node $(node -v) is too old (Node 18 or newer is needed)"
[ -f package-lock.json ] || die "package-lock.json is missing in $here"

# Exact check: every entry of the lock present in node_modules with its locked version.
lock_satisfied() {
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    for (const [path, meta] of Object.entries(lock.packages || {})) {
      if (!path.startsWith("node_modules/") || meta.optional || meta.dev) continue;
      let pkg;
      try { pkg = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")); } catch { process.exit(1); }
      if (pkg.version !== meta.version) process.exit(1);
    }
  ' 2>/dev/null
}

step "checking node_modules against package-lock.json"
if lock_satisfied; then
  step "already installed (abraxas, gearman, gearmanode, node-gearman at their locked versions)"
  exit 0
fi

step "npm ci (pinned by package-lock.json)"
timeout 600 npm ci --no-audit --no-fund --loglevel=error \
  || die "npm ci failed or timed out (exit $?); is the npm registry reachable?"

lock_satisfied || die "node_modules does not match package-lock.json after npm ci"
step "installed"
