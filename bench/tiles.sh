#!/usr/bin/env bash
# 3D Tiles benchmark: tiling the ~500 MB generated Den Haag file (time, peak RSS) and serving a
# cached tile (wrk, one client). Results go to target/bench/tiles-results.md.
# Usage: bash bench/tiles.sh   (needs wrk and GNU time; makes the big file if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"
SRC=../shared/data/cityjson/medium/denhaag_01.city.json
BIG="$OUT/dh-14x13.city.json"
[ -s "$BIG" ] || python3 ../shared/tools/make-large-cityjson.py "$SRC" "$BIG" 14 13
cargo build --release -q -p urbis
URBIS=target/release/urbis
rm -rf "$OUT/tiles-big"
/usr/bin/time -v "$URBIS" tiles "$BIG" -o "$OUT/tiles-big" --json > "$OUT/tiles-big.json" 2> "$OUT/tiles-time.txt"
secs=$(grep -o '"seconds": [0-9.]*' "$OUT/tiles-big.json" | cut -d' ' -f2)
rss=$(awk '/Maximum resident/ {print $6}' "$OUT/tiles-time.txt")
# Serving: the Delft tile set from a store, one cached ~3 MB tile, one client.
DB="$OUT/tiles-bench.db"
rm -rf "$DB" "$DB"-* "$DB.tiles"
"$URBIS" import ../shared/data/cityjson/medium/delft.city.json --db "$DB" --collection delft 2>/dev/null
"$URBIS" serve --db "$DB" --bind 127.0.0.1:18282 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 1
curl -sf http://127.0.0.1:18282/collections/delft/3dtiles/tileset.json > /dev/null
tile=$(ls -S "$DB.tiles"/delft/*/tiles/ | head -1)
size=$(stat -c %s "$DB.tiles"/delft/*/tiles/"$tile")
wrk -t1 -c1 -d10s --latency "http://127.0.0.1:18282/collections/delft/3dtiles/tiles/$tile" > "$OUT/tiles-wrk.txt"
p50=$(awk '$1 == "50%" {print $2}' "$OUT/tiles-wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$OUT/tiles-wrk.txt")
{
  echo "| measure | value |"
  echo "|---|---|"
  echo "| tiling $(basename "$BIG") ($(du -m "$BIG" | cut -f1) MB) | ${secs} s, peak RSS $((rss / 1024)) MB |"
  echo "| $(grep -o '"features": [0-9]*' "$OUT/tiles-big.json") / $(grep -o '"triangles": [0-9]*' "$OUT/tiles-big.json") / $(grep -o '"tiles": [0-9]*' "$OUT/tiles-big.json") | |"
  echo "| serving cached tile $tile ($((size / 1024)) KiB), 1 client | p50 $p50, p99 $p99 |"
} | tee "$OUT/tiles-results.md"
