#!/usr/bin/env bash
# `make cluster` from a clean clone, as CI runs it: start everything, send a read and an
# idempotent transfer through HAProxy, stop everything and check no process is left.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'HAPROXY_PORT=$port Cluster/cluster.sh stop >/dev/null 2>&1 || true' EXIT
HAPROXY_PORT=$port make -s cluster
curl -sf "http://127.0.0.1:$port/users/1" >/dev/null
for attempt in 1 2; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/transfers" \
    -H 'Authorization: Bearer demo-key' -H "Idempotency-Key: smoke-$$" -H 'Content-Type: application/json' \
    -d '{"from":"alice","to":"bob","amount":0.01}')
  [ "$status" = 201 ] || { echo "transfer $attempt through HAProxy: $status" >&2; exit 1; }
done
pids=$(cat data/cluster/*.pid)
Cluster/cluster.sh stop
for pid in $pids; do
  if kill -0 "$pid" 2>/dev/null; then echo "process $pid still runs after cluster-stop" >&2; exit 1; fi
done
echo "cluster smoke test passed"
