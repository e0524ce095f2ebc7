#!/usr/bin/env bash
# `make bench-instructions`: user-space instructions per request, counted by callgrind, which
# is repeatable to a few instructions on this machine, where wall-clock req/s can vary by a
# third between identical runs. Per request = Ir of 5000 requests / 5000, counted in one
# process after 2000 others (callgrind_control zeroes the counts, then dumps them), so neither
# start-up nor shutdown is counted: subtracting a 2000-request run from a 7000-request one
# once gave half the figure, the two start-ups having differed. Every thread counts (the
# demo's SQLite writer too).
#
# Tern's bench server (the framework alone), then tern-demo as shipped on SQLite (every
# default middleware and its access log; the rate limit raised so that nothing is refused).
# BINARY= and DEMO= name other builds of them (a before/after comparison).
set -euo pipefail
# One hash seed for every run: a dictionary's layout (and the cost of a lookup or of walking
# it) otherwise changes with each process's random seed, by a thousand instructions a request.
export SWIFT_DETERMINISTIC_HASHING=1
here=$(cd "$(dirname "$0")" && pwd)
binary=${BINARY:-$here/../.build/release/TernBench}
demo=${DEMO:-$here/../../.build/release/tern-demo}
files=$here/../work/files
port=18399
transfer='POST:/transfers:{"from":"alice","to":"bob","amount":0.01}'

# measure NAME COMMAND... -- PATH [HEADER]
measure() {
  local name=$1; shift
  local command=() path header
  while [ "$1" != -- ]; do command+=("$1"); shift; done
  shift
  path=$1 header=${2:-}
  out=$(mktemp -d)
  data=$(mktemp -d)
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind" "${command[@]//@DATA@/$data}" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
  python3 "$here/client.py" $port "$path" 2000 ${header:+"$header"}
  callgrind_control --zero $pid >/dev/null 2>&1
  python3 "$here/client.py" $port "$path" 5000 ${header:+"$header"}
  callgrind_control --dump $pid >/dev/null 2>&1
  kill -TERM $pid; wait $pid || true
  # The dump is the first numbered file; the counts since it are written at exit, unnumbered.
  total=$(grep -E '^(summary|totals):' "$out/callgrind.1" | head -1 | awk '{print $2}')
  rm -rf "$out" "$data"
  printf '%-44s %d\n' "$name" $(( total / 5000 ))
}

# Valgrind 3.19 cannot read DWARF 5 (the main package's release build carries it, and
# swift-crypto's C++ in every build that links it): both servers run from copies without
# debug information (the instructions are the same).
stripped_bench=$(mktemp)
stripped=$(mktemp)
trap 'rm -f "$stripped_bench" "$stripped"' EXIT
objcopy --strip-debug "$binary" "$stripped_bench"
chmod +x "$stripped_bench"
objcopy --strip-debug "$demo" "$stripped"

printf '%-44s %s\n' route "instructions/request"
bench=("$stripped_bench" --port $port --files "$files")
measure "GET /plaintext" "${bench[@]}" -- /plaintext
measure "GET /users/1" "${bench[@]}" -- /users/1
measure "GET /users/1 (304)" "${bench[@]}" -- /users/1 'If-None-Match: "5a3edfd28277b1ca"'
measure "GET /files/1mb.bin (Range: bytes=0-1023)" "${bench[@]}" -- /files/1mb.bin 'Range: bytes=0-1023'

shipped=("$stripped" --port $port --workers 1 --rate-limit 100000000/1 --data-dir @DATA@ --files-dir "$files")
measure "tern-demo GET /users/1" "${shipped[@]}" -- /users/1
measure "tern-demo GET /users/1 (access log off)" "${shipped[@]}" --access-log off -- /users/1
measure "tern-demo GET /users/1 (304)" "${shipped[@]}" -- /users/1 'If-None-Match: "1-1"'
measure "tern-demo POST /transfers" "${shipped[@]}" -- "$transfer" 'Authorization: Bearer demo-key'
