#!/usr/bin/env bash
# make cluster / make cluster-stop: PostgreSQL in ./data/postgres, three tern-demo instances on
# free ports, HAProxy on 127.0.0.1:8080 in front of them; every process recorded by PID in
# ./data/cluster and stopped by it.
#
#   Cluster/cluster.sh start [INSTANCES]    (default 3; HAPROXY_PORT=8080)
#   Cluster/cluster.sh postgres             (PostgreSQL alone)
#   Cluster/cluster.sh stop
#
# CLUSTER_DATA=DIR puts it all in DIR instead of ./data (make bench does); DEMO_FLAGS adds
# options to every instance's command line.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
data="${CLUSTER_DATA:-$root/data}"
state="$data/cluster"
pgdata="$data/postgres"
haproxy_port="${HAPROXY_PORT:-8080}"
read -r -a demo_flags <<< "${DEMO_FLAGS:-}"
demo="$root/.build/release/tern-demo"

# PostgreSQL refuses to run as root: as root, its programs run as the postgres user (setpriv
# execs them, so a PID recorded is the program's own).
as_postgres=()
if [ "$(id -u)" = 0 ]; then as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups); fi

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] || { echo "error: PostgreSQL's server is not installed (apt-get install postgresql)" >&2; exit 1; }
  echo "$bin"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # command, what, log
  for _ in $(seq 1 300); do "${@:1:$#-2}" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "error: ${*: -2:1} did not come up; see ${*: -1}" >&2; exit 1
}

# As root, the postgres user must reach ./data/postgres: a folder above it that it cannot
# enter (a checkout under a private temporary folder) gets search permission only (o+x).
reachable_by_postgres() {
  [ "$(id -u)" = 0 ] || return 0
  local dir="$1"
  while [ "$dir" != "/" ]; do
    if ! "${as_postgres[@]}" test -x "$dir"; then
      echo "granting search permission on $dir so the postgres user can reach $pgdata"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
}

start_postgres() {
  local bin port
  bin=$(pg_bin)
  mkdir -p "$pgdata" "$state"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$pgdata" "$state"
    reachable_by_postgres "$data"
  fi
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    echo "initdb $pgdata"
    "${as_postgres[@]}" "$bin/initdb" -D "$pgdata" -U tern --auth=trust -E UTF8 --locale=C >/dev/null
  fi
  if alive "$state/postgres.pid"; then return; fi
  port=$(free_port)
  echo "$port" > "$state/postgres.port"
  "${as_postgres[@]}" "$bin/postgres" -D "$pgdata" -p "$port" -k "$state" -c listen_addresses=127.0.0.1 -c max_connections=200 \
    > "$state/postgres.log" 2>&1 &
  echo $! > "$state/postgres.pid"
  wait_for "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" "PostgreSQL" "$state/postgres.log"
  "$bin/psql" -h 127.0.0.1 -p "$port" -U tern -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'tern'" | grep -q 1 \
    || "$bin/createdb" -h 127.0.0.1 -p "$port" -U tern tern
  echo "PostgreSQL on 127.0.0.1:$port (data in $pgdata)"
}

start_instances() {
  local count=$1 url="postgresql://tern@127.0.0.1:$(cat "$state/postgres.port")/tern" servers=""
  for index in $(seq 1 "$count"); do
    if ! alive "$state/instance-$index.pid"; then
      local port
      port=$(free_port)
      "$demo" --port "$port" --database-url "$url" --data-dir "$state/instance-$index" --trusted-proxies 127.0.0.1 \
        "${demo_flags[@]}" > "$state/instance-$index.log" 2>&1 &
      echo $! > "$state/instance-$index.pid"
      echo "$port" > "$state/instance-$index.port"
      wait_for grep -q "listening on" "$state/instance-$index.log" "tern-demo instance $index" "$state/instance-$index.log"
      echo "tern-demo instance $index on 127.0.0.1:$port (log: $state/instance-$index.log)"
    fi
    servers="$servers    server instance$index 127.0.0.1:$(cat "$state/instance-$index.port")"$'\n'
  done
  printf '%s' "$servers" > "$state/servers"
}

start_haproxy() {
  alive "$state/haproxy.pid" && return
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || { echo "error: HAProxy is not installed (apt-get install haproxy)" >&2; exit 1; }
  # Keep-alive to the instances; an idle pooled connection is closed within pool-purge-delay
  # (5 s), well before an instance's own idle timeout (60 s), so HAProxy never reuses one the
  # instance is closing. Only connection failures are retried (a request never sent): a POST
  # that reached an instance is never sent twice; clients retry it with their Idempotency-Key.
  cat > "$state/haproxy.cfg" <<CONFIG
global
    maxconn 8000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-keep-alive 10s
    option http-keep-alive
    option forwardfor
    retries 3
    retry-on conn-failure
    option redispatch 1
frontend api
    bind 127.0.0.1:$haproxy_port
    default_backend instances
backend instances
    balance roundrobin
    http-reuse safe
    option httpchk GET /healthz
    http-check expect status 200
    default-server check inter 1s fall 2 rise 2 pool-purge-delay 5s
$(cat "$state/servers")
CONFIG
  "$(command -v haproxy || echo /usr/sbin/haproxy)" -db -f "$state/haproxy.cfg" > "$state/haproxy.log" 2>&1 &
  echo $! > "$state/haproxy.pid"
  wait_for curl -sf "http://127.0.0.1:$haproxy_port/healthz" "HAProxy" "$state/haproxy.log"
  echo "HAProxy on http://127.0.0.1:$haproxy_port (health checks on /healthz)"
}

stop_all() {
  local pidfile
  for pidfile in "$state"/haproxy.pid "$state"/instance-*.pid "$state"/postgres.pid; do
    [ -f "$pidfile" ] || continue
    if alive "$pidfile"; then
      # SIGTERM: HAProxy stops, instances drain and exit 0; SIGINT: PostgreSQL's fast shutdown.
      local signal=TERM
      [ "$(basename "$pidfile")" = postgres.pid ] && signal=INT
      kill -"$signal" "$(cat "$pidfile")"
      for _ in $(seq 1 150); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
      echo "stopped $(basename "$pidfile" .pid)"
    fi
    rm -f "$pidfile"
  done
}

case "${1:-start}" in
  start)
    [ -x "$demo" ] || { echo "error: $demo is missing; run make build" >&2; exit 1; }
    start_postgres
    start_instances "${2:-3}"
    start_haproxy
    echo "make cluster-stop stops it all"
    ;;
  postgres) start_postgres ;;
  stop) stop_all ;;
  *) echo "usage: $0 start [instances] | postgres | stop" >&2; exit 2 ;;
esac
