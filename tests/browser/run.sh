#!/usr/bin/env bash
# Runs the browser tests against a real `recd serve` with a small demo shop on a free loopback
# port. Usage: tests/browser/run.sh RECD_BINARY OUTPUT_DIR
# Without Chromium or the npm packages (./test.sh installs both) it exits 77: skipped.
set -euo pipefail
RECD=$1
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || [ ! -d "$HERE/node_modules/playwright-core" ] || ! command -v node >/dev/null; then
  echo "skipped: needs $CHROMIUM, node and tests/browser/node_modules (./test.sh installs them)"
  exit 77
fi
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/in" "$OUT"
"$RECD" demo-shop --out "$WORK/in" --items 400 --users 200 --sessions 1500 >/dev/null
for f in catalog users events; do
  "$RECD" import --data-dir "$WORK/data" --format $f "$WORK/in/$f.jsonl" >/dev/null
done
"$RECD" serve --data-dir "$WORK/data" --listen 127.0.0.1:0 >"$WORK/serve.log" 2>&1 &
PID=$!
URL=""
for _ in $(seq 1 100); do
  URL=$(grep -o 'serving on http://[0-9.:]*' "$WORK/serve.log" | head -1 | sed 's/serving on //') || true
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { cat "$WORK/serve.log"; echo "recd did not start"; exit 1; }
curl -sf -X POST "$URL/v1/webhooks" -d '{"url":"http://127.0.0.1:9/hook","triggers":["price_drop","back_in_stock"]}' >/dev/null
node "$HERE/shop_and_dashboard.mjs" "$URL" "$OUT"
