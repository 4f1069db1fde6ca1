#!/usr/bin/env bash
# Sets up Podman as the container engine for gearspec's container provider:
# packages, /etc/containers/containers.conf, local debian:<release>-slim base images made with
# debootstrap (no registry is reachable), and the Docker-compatible API socket.
# Usage: setup-podman.sh [RELEASE...]   (default: bookworm; the release matrix also needs
# bullseye and trixie: `npx gearspec peers releases` lists them).
# Idempotent: a second run with everything in place takes under a second. Run as root.
# Every step is bounded in time. Stop the service with docker/stop-podman.sh.
set -euo pipefail

SOCK=/run/podman/podman.sock
PIDFILE=/run/gearspec-podman.pid
SERVICE_LOG=/var/log/gearspec-podman.log
CONF=/etc/containers/containers.conf
MIRROR=${GEARSPEC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
RELEASES=("${@:-bookworm}")
for r in "${RELEASES[@]}"; do
  case "$r" in bullseye|bookworm|trixie) ;; *) printf 'setup-podman: ERROR: unknown Debian release %s (bullseye, bookworm or trixie)\n' "$r" >&2; exit 2 ;; esac
done
t0=$(date +%s.%N)

log() { printf 'setup-podman: %s\n' "$*"; }
die() { printf 'setup-podman: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: sudo bash $0"

# 1. Packages. apt-get update only when the install cannot proceed without it.
missing=()
for p in podman runc debootstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    timeout 300 apt-get update -qq
    timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  log "packages present (podman runc debootstrap)"
fi

# 2. Engine settings this VM needs. nofile must not exceed the hard limit (no CAP_SYS_RESOURCE);
#    crun rejects the hybrid cgroup layout, runc works; exit_command_delay stops conmon lingering.
hard_nofile=$(ulimit -Hn)
nofile=20000
if [ "$hard_nofile" != unlimited ] && [ "$hard_nofile" -lt "$nofile" ]; then nofile=$hard_nofile; fi
desired=$(cat <<CONFEOF
# Written by gearspec docker/setup-podman.sh (its step 2 says why each line is needed).
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
exit_command_delay = 5
CONFEOF
)
if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$desired" ]; then
  log "$CONF already configured"
else
  [ -f "$CONF" ] && ! grep -q 'gearspec' "$CONF" && cp "$CONF" "$CONF.before-gearspec"
  mkdir -p "$(dirname "$CONF")"
  printf '%s\n' "$desired" > "$CONF"
  log "wrote $CONF"
fi

answers() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }
# `podman image exists` costs about a second per call here; the API answers in milliseconds.
sock_ok=0
answers && sock_ok=1
image_exists() {
  if [ "$sock_ok" = 1 ]; then
    [ "$(curl -sS --max-time 5 --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' "http://d/v1.40/images/$1/json")" = 200 ]
  else
    podman image exists "$1"
  fi
}

# 3. Base images: debootstrap once per release, import, and tag each as the name Dockerfiles
#    use, so that FROM debian:<release>-slim resolves locally and nothing is pulled.
base_image() {
  local release=$1 base="localhost/debian:$1" slim="docker.io/library/debian:$1-slim" rootfs
  if ! image_exists "$base"; then
    rootfs=$(mktemp -d /var/tmp/gearspec-rootfs.XXXXXX)
    log "debootstrap --variant=minbase $release from $MIRROR (about 30-60 s)"
    if ! timeout 900 debootstrap --variant=minbase "$release" "$rootfs" "$MIRROR" >"/var/log/gearspec-debootstrap-$release.log" 2>&1; then
      rm -rf "$rootfs"
      die "debootstrap $release failed; see /var/log/gearspec-debootstrap-$release.log"
    fi
    tar -C "$rootfs" -c . | timeout 300 podman import --quiet - "$base" >/dev/null
    rm -rf "$rootfs"
    log "imported $base"
  else
    log "$base present"
  fi
  if ! image_exists "$slim"; then
    podman tag "$base" "$slim"
    log "tagged $slim"
  fi
}
for r in "${RELEASES[@]}"; do base_image "$r"; done

# 4. The Docker-compatible API socket, started detached; its pid is kept so that
#    stop-podman.sh stops exactly this process.
if [ "$sock_ok" = 1 ] || answers; then
  log "service already answers on $SOCK"
else
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    log "service pid $(cat "$PIDFILE") is running but the socket does not answer yet"
  else
    mkdir -p "$(dirname "$SOCK")"
    rm -f "$SOCK"
    setsid podman system service --time=0 "unix://$SOCK" >"$SERVICE_LOG" 2>&1 </dev/null &
    echo $! > "$PIDFILE"
    log "started podman system service, pid $(cat "$PIDFILE"), log $SERVICE_LOG"
  fi
  deadline=$((SECONDS + 30))
  until answers; do
    [ $SECONDS -lt $deadline ] || die "socket $SOCK did not answer within 30 s; see $SERVICE_LOG"
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || die "podman system service exited; see $SERVICE_LOG"
    sleep 0.2
  done
  log "socket answers"
fi

elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "ready in ${elapsed} s. gearspec sets these itself when the socket exists; for other tools:"
cat <<ENVEOF
export DOCKER_HOST=unix://$SOCK
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
export GEARSPEC_PEERS=container
ENVEOF
