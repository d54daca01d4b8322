#!/usr/bin/env bash
# Installs what is missing, builds recd, loads the demo shop on first start and serves it on
# http://127.0.0.1:8080 (RECD_LISTEN and RECD_DATA_DIR override the address and the data dir).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
recd_install_packages
recd_build

RECD=build/release/src/recd
DATA_DIR=${RECD_DATA_DIR:-data/demo-shop}
LISTEN=${RECD_LISTEN:-127.0.0.1:8080}
if [ ! -e "$DATA_DIR/CURRENT" ]; then
  echo "==> creating the demo shop in $DATA_DIR"
  mkdir -p data/demo-input "$DATA_DIR"
  "$RECD" demo-shop --out data/demo-input
  "$RECD" import --data-dir "$DATA_DIR" --format catalog data/demo-input/catalog.jsonl
  "$RECD" import --data-dir "$DATA_DIR" --format users data/demo-input/users.jsonl
  "$RECD" import --data-dir "$DATA_DIR" --format events data/demo-input/events.jsonl
  # An evaluation report for the dashboard (a synthetic session log recd makes itself, ~1 s).
  "$RECD" eval --quiet --dataset synthetic-sessions --protocol session --test-days 1 --k 10,20 \
    --model popularity --model 'vsknn(k=100)' --model sr --html "$DATA_DIR/eval-report.html" >/dev/null
fi

URL="http://$LISTEN"
cat <<MSG

recd is starting on $URL with the demo shop.

  Demo shop:  $URL/shop        (click products: "Recommended for you" updates live)
  Dashboard:  $URL/dashboard   (live rates, models, retrain, shopper inspector)

Or try, in another terminal:

  curl -s $URL/v1/users/u-0001/recommendations?n=5
  curl -s -X POST $URL/v1/events -d '{"user":"u-0001","item":"sku-00047","type":"purchase"}'
  curl -s $URL/v1/users/u-0001/recommendations?n=5        # sku-00047 gone, its neighbours in
  curl -s $URL/v1/items/sku-00047/similar?n=5
  curl -s "$URL/v1/popular?n=5&category=electronics"
  curl -s $URL/v1/trending?n=5
  curl -s $URL/v1/models
  curl -s $URL/metrics | head
  curl -sN $URL/v1/users/u-0001/stream?n=5    # stays open: post an event and watch

The whole API is in docs/api.md. Stop with Ctrl-C.

MSG
exec "$RECD" serve --data-dir "$DATA_DIR" --listen "$LISTEN"
