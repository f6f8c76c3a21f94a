#!/usr/bin/env bash
# Store and server benchmark: import the ~500 MB generated Den Haag file into a new SQLite
# store, then load `urbis serve` with wrk: latency of a bbox query returning 100 features from
# one client, and throughput with 32 concurrent clients, with the server's memory sampled.
#
#   bench/store.sh            (needs wrk: apt-get install wrk; python3 for the generator)
#
# Figures go to target/bench/store-results.md. Each wrk run is bounded in time (DURATION).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"
DURATION=${DURATION:-20}
SRC=../shared/data/cityjson/medium/denhaag_01.city.json
BIG="$OUT/dh-14x13.city.json"
DB="$OUT/store-bench.db"
PORT=${PORT:-8097}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 2; }
cargo build --release -q -p urbis
URBIS=target/release/urbis
[ -s "$BIG" ] || python3 ../shared/tools/make-large-cityjson.py "$SRC" "$BIG" 14 13
rm -f "$DB" "$DB-wal" "$DB-shm"

echo "== import $(du -h "$BIG" | cut -f1) into a new store"
/usr/bin/time -f "%e %M" -o "$OUT/import-time.txt" \
  "$URBIS" import "$BIG" --db "$DB" --collection dh --json > "$OUT/import.json"
read -r secs kb < "$OUT/import-time.txt"
objects=$(python3 -c "import json; print(json.load(open('$OUT/import.json'))['files'][0]['objects'])")
features=$(python3 -c "import json; print(json.load(open('$OUT/import.json'))['files'][0]['features'])")
rate=$(python3 -c "print(round($objects / $secs))")
echo "import: $features features, $objects objects in $secs s = $rate objects/s, peak RSS $((kb / 1024)) MB, store $(du -h "$DB" | cut -f1)"

"$URBIS" serve --db "$DB" --bind "127.0.0.1:$PORT" 2>"$OUT/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done
# A map view in the middle of the tiles: the first 100 of its ~130 features.
URL="http://127.0.0.1:$PORT/collections/dh/items?limit=100&bbox=4.302,52.122,4.306,52.126"
n=$(curl -s "$URL" | python3 -c "import json,sys; print(json.load(sys.stdin)['numberReturned'])")
[ "$n" = 100 ] || { echo "the benchmark box returned $n features, not 100" >&2; exit 1; }

sample_rss() { while kill -0 "$SERVER" 2>/dev/null; do ps -o rss= -p "$SERVER"; sleep 1; done; }
rss_before=$(ps -o rss= -p "$SERVER")

echo "== one client, ${DURATION}s"
wrk -t1 -c1 -d"${DURATION}s" --latency "$URL" | tee "$OUT/wrk-1.txt"
echo "== 32 clients, ${DURATION}s"
sample_rss > "$OUT/rss.txt" &
SAMPLER=$!
wrk -t2 -c32 -d"${DURATION}s" --latency "$URL" | tee "$OUT/wrk-32.txt"
kill $SAMPLER 2>/dev/null || true
rss_max=$(sort -n "$OUT/rss.txt" | tail -1)

p() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
errors=$(grep -E "Non-2xx|Socket errors" "$OUT/wrk-32.txt" || true)
{
  echo "| figure | value |"
  echo "|---|---|"
  echo "| import, $(du -h "$BIG" | cut -f1) Den Haag 14x13 | $secs s, $rate objects/s ($features features), peak RSS $((kb / 1024)) MB |"
  echo "| store size | $(du -h "$DB" | cut -f1) |"
  echo "| bbox, 100 features, 1 client: p50 / p99 | $(p 50% "$OUT/wrk-1.txt") / $(p 99% "$OUT/wrk-1.txt") |"
  echo "| bbox, 100 features, 32 clients: requests/s | $(awk '/Requests\/sec/ { print $2 }' "$OUT/wrk-32.txt") |"
  echo "| 32 clients: p50 / p99 | $(p 50% "$OUT/wrk-32.txt") / $(p 99% "$OUT/wrk-32.txt") |"
  echo "| errors | ${errors:-none} |"
  echo "| server RSS before / max under load | $((rss_before / 1024)) MB / $((rss_max / 1024)) MB |"
} | tee "$OUT/store-results.md"
