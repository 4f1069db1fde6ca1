#!/usr/bin/env bash
# Stops the Podman API service docker/setup-podman.sh started, by the pid it recorded.
# Containers gearspec left behind (label gearspec=1) are removed first. Idempotent.
set -euo pipefail
PIDFILE=/run/gearspec-podman.pid
SOCK=/run/podman/podman.sock

if command -v podman >/dev/null; then
  ids=$(timeout 30 podman ps -aq --filter label=gearspec=1 || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    timeout 60 podman rm -f $ids >/dev/null && echo "stop-podman: removed leftover gearspec containers: $(echo $ids | wc -w)"
  fi
fi
if [ ! -f "$PIDFILE" ]; then
  echo "stop-podman: no $PIDFILE; nothing to stop"
  exit 0
fi
pid=$(cat "$PIDFILE")
if kill -0 "$pid" 2>/dev/null && grep -q 'podman' "/proc/$pid/cmdline" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  echo "stop-podman: stopped pid $pid"
else
  echo "stop-podman: pid $pid is not running"
fi
rm -f "$PIDFILE" "$SOCK"
