#!/usr/bin/env bash
# Times two urbis binaries in the same run on the same inputs: the operations of BENCHMARKS.md's
# rows (info, convert, validate, CityGML reading, import, tiles from a file and from the store,
# building metrics from a file and from the store). For refactorings that must not slow urbis
# down:
#
#   bench/compare-speed.sh OLD_BINARY NEW_BINARY [SHARED_DATA_DIR]
#   REPEAT=5 bench/compare-speed.sh ...      # runs per measurement (default 3; median reported)
#
# The inputs: the real Den Haag tile (CityJSON, 2,498 features) and its CityGML, and a generated
# 20,000-building district as CityJSONSeq (made by the old binary, in a temporary folder).
# Prints a Markdown table: median seconds and peak RSS (MiB) of each binary, and new/old.
set -euo pipefail
old=${1:?usage: compare-speed.sh OLD_BINARY NEW_BINARY [SHARED_DATA_DIR]}
new=${2:?usage: compare-speed.sh OLD_BINARY NEW_BINARY [SHARED_DATA_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
data=${3:-$here/../../shared/data}
REPEAT=${REPEAT:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

json=$data/cityjson/v2-upgraded/denhaag_01.city.json
gml=$data/citygml/v1/denhaag_01.gml
seq=$OUT/district.city.jsonl
"$old" generate --layout district --buildings 20000 --to cityjsonseq "$seq" 2>/dev/null
for side in old new; do "${!side}" import --db "$OUT/$side.db" --collection d "$seq" > /dev/null 2>&1; done

# name|arguments; @DB@ is replaced by old or new (each binary its own store).
ops=(
  "info (CityJSON)|info $json"
  "convert CityJSON → CityJSONSeq|convert $json $OUT/o.city.jsonl"
  "validate (CityJSON)|validate $json"
  "convert CityGML → CityJSON|convert $gml $OUT/o.city.json"
  "validate (district, CityJSONSeq)|validate $seq"
  "import (district)|import --db $OUT/@DB@.import.db --collection d --on-conflict replace $seq"
  "tiles (district file)|tiles $seq --output $OUT/t"
  "tiles --collection (district)|tiles --db $OUT/@DB@.db --collection d --output $OUT/t"
  "analyze metrics (district file)|analyze metrics --csv $OUT/m.csv $seq"
  "analyze metrics --collection (district)|analyze metrics --db $OUT/@DB@.db --collection d --csv $OUT/m.csv"
)
echo "| operation | old s | new s | new/old | old RSS MiB | new RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|"
for op in "${ops[@]}"; do
  name=${op%%|*} args=${op#*|}
  declare -A t=() r=()
  for side in old new; do
    # shellcheck disable=SC2086
    timed "$name $side" "${!side}" ${args//@DB@/$side}
    t[$side]=$MEDIAN r[$side]=$RSS_MB
  done
  ratio=$(awk -v a="${t[old]}" -v b="${t[new]}" 'BEGIN { printf (a > 0 ? "%.2f" : "-"), b / a }')
  echo "| $name | ${t[old]} | ${t[new]} | $ratio | ${r[old]} | ${r[new]} |"
done
