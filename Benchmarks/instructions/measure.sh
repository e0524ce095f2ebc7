#!/usr/bin/env bash
# `make bench-instructions`: user-space instructions per request for Tern's bench server,
# counted by callgrind, which is repeatable to a few instructions on this machine, where
# wall-clock req/s can vary by a third between identical runs. Per request =
# (Ir after 7000 requests - Ir after 2000) / 5000, so start-up and shutdown cancel out.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${BINARY:-$here/../.build/release/TernBench}
files=$here/../work/files
port=18399
routes=("/plaintext" "/users/1" "/users/1|If-None-Match: \"5a3edfd28277b1ca\"" "/files/1mb.bin|Range: bytes=0-1023")
printf '%-34s %s\n' route "instructions/request"
for entry in "${routes[@]}"; do
  path=${entry%%|*}
  header=$([ "$entry" != "$path" ] && echo "${entry#*|}" || true)
  totals=()
  for count in 2000 7000; do
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$binary" --port $port --files "$files" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
    python3 "$here/client.py" $port "$path" $count ${header:+"$header"}
    kill -TERM $pid; wait $pid || true
    totals+=("$(grep -E '^(summary|totals):' "$out" | head -1 | awk '{print $2}')")
    rm -f "$out"
  done
  printf '%-34s %d\n' "GET $path${header:+ ($header)}" $(( (totals[1] - totals[0]) / 5000 ))
done
