#!/usr/bin/env bash
# schemathesis (PyPI) against a fresh tern-demo: every check and every phase, the stateful
# one included, with the write key; the settings are in schemathesis.toml beside this file.
# Exits non-zero on any finding. Usage: Tests/Schemathesis/run.sh [path to tern-demo]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="${1:-$root/.build/debug/tern-demo}"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Uploads write and delete files: a copy of the repository's sample files serves.
cp -R "$root/Public/files" "$work/files"
"$binary" --port 0 --workers 1 --data-dir "$work/data" --files-dir "$work/files" --public-dir "$root/Public" \
  --rate-limit off --log-level error >"$work/stdout" 2>"$work/stderr" &
server=$!
for _ in $(seq 1 600); do
  grep -q '^listening on ' "$work/stdout" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/stderr" >&2; echo "tern-demo exited before listening" >&2; exit 1; }
  sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$work/stdout" | head -1)"
[ -n "$url" ] || { echo "tern-demo did not print its address" >&2; exit 1; }

cd "$work"
python3 -m schemathesis.cli --config-file "$here/schemathesis.toml" run "$url/openapi.json" \
  --checks all --header "Authorization: Bearer demo-key" --no-color
