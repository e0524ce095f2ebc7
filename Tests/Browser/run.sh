#!/usr/bin/env bash
# `make browser-test`: tern-demo on a free port with a fresh database, then the page driven
# by headless Chromium. The screenshot is left in .build/browser-test/page.png.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/.build/browser-test"
rm -rf "$work" && mkdir -p "$work"
# The page uploads and deletes files: a copy of the sample files serves.
cp -R "$root/Public/files" "$work/files"
"$root/.build/release/tern-demo" --port 0 --workers 1 --data-dir "$work/data" \
  --public-dir "$root/Public" --files-dir "$work/files" > "$work/stdout" 2> "$work/stderr" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "^listening on " "$work/stdout" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/stdout")
[ -n "$url" ] || { echo "tern-demo did not start"; cat "$work/stderr"; exit 1; }
python3 "$root/Tests/Browser/browser_test.py" "$url" "$work/page.png"
