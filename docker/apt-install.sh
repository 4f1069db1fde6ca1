#!/usr/bin/env bash
# Installs the Debian packages named as arguments (idempotent, root, every step bounded in time).
# `gearspec peers install` calls it with the packages of the registry's peers; .ci/run calls it
# for the test tools. Packages already installed are skipped without touching apt.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian: present: $*"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "debian: installing ${missing[*]} needs root (sudo)" >&2; exit 2; }
echo "debian: installing ${missing[*]}"
# Installing gearman-job-server would start a system gearmand on 4730; tests never use 4730, but
# a service we did not ask for is noise, so deny service starts during the install.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
timeout 600 apt-get update -qq
timeout 1200 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "debian: installed ${missing[*]}"
