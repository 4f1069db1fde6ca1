#!/usr/bin/env bash
# Builds the Python driver environments under <repo>/.peers/python/ (one venv per library, since
# both python-gearman forks and gear must not share site-packages):
#   .peers/python/gear        gear 0.16.0        (gear_driver.py, gear_server.py)
#   .peers/python/pygearman   pygearman 0.2.6    (pygearman_driver.py)
# Idempotent: a venv whose stamp matches its requirements file and whose imports work is kept.
# PYTHON may name the interpreter (default: python3, which must be 3.8 or newer).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
out="$root/.peers/python"
python="${PYTHON:-python3}"

fail() { echo "python drivers: $*" >&2; exit 1; }

command -v "$python" >/dev/null 2>&1 || fail "no $python on PATH"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)' \
  || fail "$python is older than 3.8"
pyver="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
mkdir -p "$out"

# build NAME REQUIREMENTS IMPORT-CHECK
build() {
  local name="$1" req="$here/$2" check="$3" venv="$out/$1"
  local stamp="$venv/.gearspec-stamp"
  local want
  want="$(sha256sum "$req" | cut -d' ' -f1) python $pyver"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
    echo "python drivers: $name up to date ($venv)"
    return
  fi
  echo "python drivers: creating venv $name with $python $pyver"
  rm -rf "$venv"
  "$python" -m venv "$venv" || fail "python -m venv $venv failed"
  echo "python drivers: installing $2 into $name"
  timeout 600 "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
      --require-hashes --only-binary :all: --no-deps -r "$req" \
    || fail "pip install -r $req failed (exit $?)"
  "$venv/bin/python" -c "$check" || fail "$name: import check failed"
  echo "$want" > "$stamp"
  echo "python drivers: $name ready"
}

build gear requirements-gear.txt 'import gear, pbr.version, importlib.metadata as m; assert m.version("gear") == "0.16.0"'
build pygearman requirements-pygearman.txt 'import gearman, importlib.metadata as m; assert m.version("pygearman") == "0.2.6"'
echo "python drivers: done"
