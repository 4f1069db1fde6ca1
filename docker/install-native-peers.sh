#!/usr/bin/env bash
# Installs every Gearman peer gearspec drives natively, from Debian 12 packages (idempotent, root).
# Used by .ci/run and by users who want the native provider (GEARSPEC_PEERS=native).
set -euo pipefail
PACKAGES=(
  gearman-job-server      # C gearmand 1.1.20 (/usr/sbin/gearmand)
  gearman-server          # Perl Gearman::Server 1.130 (/usr/bin/gearmand)
  gearman-tools           # libgearman CLI: gearman, gearadmin
  libgearman-dev          # headers for the C driver
  php8.2-cli php8.2-gearman   # PHP pecl gearman over libgearman
  libgearman-client-perl  # Perl Gearman::Client / Gearman::Worker
  gcc libc6-dev           # builds the C driver
  tshark                  # pcap import tests take a real capture
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "native peers: all packages present"
  exit 0
fi
echo "native peers: installing ${missing[*]}"
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
echo "native peers: installed"
