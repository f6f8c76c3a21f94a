#!/usr/bin/env bash
# CityGML conversion throughput and memory (issue 4): the real Den Haag tile (23 MB) and a
# ~515 MB file made by repeating its city objects (bench/make-large-citygml.py), converted to
# CityJSONSeq and to CityJSON; each run REPEAT times (default 3) and the median kept, because
# this 2-core VM's timings vary by 20% between runs.
#
# There is no CityGML-to-CityJSON converter to run offline (citygml-tools is a Java download
# from GitHub); the reference is the cost of only parsing the same XML with Python's C-accelerated
# ElementTree iterparse (clearing each element after use), which is the floor of any
# Python-based converter.
#
#   bench/citygml.sh            # both files
#   SIZES=small bench/citygml.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"
SHARED=${URBIS_TESTDATA:-../shared/data}
SRC="$SHARED/citygml/v1/denhaag_01.gml"
SIZES=${SIZES:-"small large"}
REPEAT=${REPEAT:-3}
cargo build --release -q -p urbis
URBIS=target/release/urbis
LARGE="$OUT/dh-x22.gml"
: > "$OUT/citygml-raw.txt"

# shellcheck source=bench/lib.sh
source bench/lib.sh

# run NAME CMD...: median wall time and peak RSS of REPEAT runs, appended to citygml-raw.txt
run() {
  local name=$1; shift
  timed "$name" "$@"
  printf '%s %s %s %s\n' "$name" "$MEDIAN" "$RSS_MB" "$TIMES" | tee -a "$OUT/citygml-raw.txt"
}

for size in $SIZES; do
  case $size in
    small) f=$SRC ;;
    large) f=$LARGE; [ -s "$f" ] || python3 bench/make-large-citygml.py "$SRC" "$f" 22 ;;
  esac
  mb=$(stat -c %s "$f")
  echo "$size-file_bytes $mb 0 -" >> "$OUT/citygml-raw.txt"
  run "$size-urbis_to_seq" "$URBIS" convert "$f" "$OUT/g.city.jsonl"
  run "$size-urbis_to_cityjson" "$URBIS" convert "$f" "$OUT/g.city.json"
  run "$size-urbis_info" "$URBIS" info "$f" --json
  run "$size-python_iterparse" python3 -c '
import sys, xml.etree.ElementTree as ET
n = 0
for _, e in ET.iterparse(sys.argv[1]):
    n += 1
    e.clear()
' "$f"
done

python3 - "$OUT/citygml-raw.txt" <<'PY' | tee "$OUT/citygml-results.md"
import sys
rows = {}
for line in open(sys.argv[1]):
    name, secs, mb, _ = line.split(" ", 3)
    rows[name] = (float(secs), int(mb))
print("| file | operation | s (median) | MB/s | peak RSS MB | iterparse s / urbis s |")
print("|---|---|---|---|---|---|")
for size in ["small", "large"]:
    if f"{size}-file_bytes" not in rows:
        continue
    nbytes = rows[f"{size}-file_bytes"][0]
    ref = rows.get(f"{size}-python_iterparse", (float("nan"), 0))[0]
    for op in ["urbis_to_seq", "urbis_to_cityjson", "urbis_info", "python_iterparse"]:
        s, mb = rows.get(f"{size}-{op}", (float("nan"), 0))
        ratio = f"{ref / s:.1f}x" if op.startswith("urbis") else ""
        print(f"| {size} ({nbytes / 1e6:.0f} MB) | {op} | {s:.2f} | {nbytes / 1e6 / s:.0f} | {mb} | {ratio} |")
PY
