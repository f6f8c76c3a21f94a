#!/usr/bin/env bash
# Planning-analysis benchmark: `urbis analyze metrics` over the ~500 MB generated Den Haag file
# (whole CityJSON and CityJSONSeq; target ≥ 20,000 Buildings/s end to end) and `urbis analyze
# sun` over Delft (1 m ground grid, 09:00–15:00 at 1 minute; target ≤ 30 s).
# Usage: bash bench/analysis.sh   (needs GNU time; makes the big file if missing)
# Results go to target/bench/analysis-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"
SRC=../shared/data/cityjson/medium/denhaag_01.city.json
BIG="$OUT/dh-14x13.city.json"
[ -s "$BIG" ] || python3 ../shared/tools/make-large-cityjson.py "$SRC" "$BIG" 14 13
cargo build --release -q -p urbis
URBIS=target/release/urbis
SEQ="$OUT/dh-14x13.city.jsonl"
[ -s "$SEQ" ] || "$URBIS" convert "$BIG" "$SEQ"
run() { # label, then the command; prints "label | seconds | peak MB | summary line"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/analysis-time.txt" "$@" > "$OUT/analysis-out.txt"
  read -r secs kb < "$OUT/analysis-time.txt"
  echo "| $label | $secs | $((kb / 1024)) | $(head -1 "$OUT/analysis-out.txt" | sed 's/^[^:]*: //') |"
}
{
  echo "| run | wall s | peak MB | result |"
  echo "|---|---|---|---|"
  run "metrics, $(basename "$BIG") ($(du -m "$BIG" | cut -f1) MB)" "$URBIS" analyze metrics "$BIG"
  run "metrics, $(basename "$BIG") run 2" "$URBIS" analyze metrics "$BIG"
  run "metrics, $(basename "$BIG") run 3" "$URBIS" analyze metrics "$BIG"
  run "metrics, $(basename "$SEQ")" "$URBIS" analyze metrics "$SEQ"
  run "sun, delft.city.json, 1 m grid, 09:00-15:00 / 1 min" "$URBIS" analyze sun ../shared/data/cityjson/medium/delft.city.json --date 2026-12-21
} | tee "$OUT/analysis-results.md"
buildings=$(grep -o '[0-9]* Buildings' "$OUT/analysis-results.md" | head -1 | cut -d' ' -f1)
awk -v n="$buildings" -F'|' 'NR > 2 && /metrics/ {printf "%s: %.0f Buildings/s\n", $2, n / $3}' "$OUT/analysis-results.md"
