#!/usr/bin/env bash
# Runs two urbis binaries on the same inputs and compares what they write, byte for byte:
# `info --json`, `convert` (CityJSON and CityJSONSeq), `validate --json`, `tiles` (tileset.json
# and every GLB), `analyze metrics --csv` (from a file and from a collection), `export` of a
# collection, and the OGC API responses of `serve` over the same store. Exit codes are
# compared too. For refactorings that must not change behaviour:
#
#   bench/compare-outputs.sh OLD_BINARY NEW_BINARY [SHARED_DATA_DIR]
#
# Prints one line per difference and a summary; exits 1 when anything differs that
# compare-outputs.known does not explain. Timings
# (`"seconds"` members, `timeStamp`) are the only thing masked. The shared data is read in place.
set -euo pipefail

old=${1:?usage: compare-outputs.sh OLD_BINARY NEW_BINARY [SHARED_DATA_DIR]}
new=${2:?usage: compare-outputs.sh OLD_BINARY NEW_BINARY [SHARED_DATA_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
data=${3:-$here/../../shared/data}
[ -d "$data/cityjson" ] || { echo "no shared data at $data" >&2; exit 2; }
work=$(mktemp -d)
# KEEP=1 keeps the outputs for a look (the folder is printed).
if [ -n "${KEEP:-}" ]; then echo "outputs in $work"; else trap 'rm -rf "$work"' EXIT; fi

# The inputs: every CityJSON, CityJSONSeq and CityGML file of the shared data, and the
# CityJSON corpus's conformance and invalid cases.
mapfile -t inputs < <(
  cd "$data" && find cityjson cityjsonseq citygml cityjson-corpus/cases -type f \
    \( -name '*.city.json' -o -name '*.city.jsonl' -o -name '*.gml' -o -name 'invalid_*.json' \) | sort
)
# Stored and served: one of each format, a geographic model (made below) among them.
stored=(cityjson/medium/delft.city.json cityjsonseq/3dbag_b2.city.jsonl citygml/v1/berlin_open_data_sample.gml citygml/v3/building_lod3_epsg25832.gml)

mask() { # drop timings from JSON output
  sed -E 's/"seconds": ?[0-9.e+-]+/"seconds":0/g' "$1" > "$1.masked" && mv "$1.masked" "$1"
}

# run BINARY OUTDIR: every output of BINARY into OUTDIR.
run() {
  local bin=$1 out=$2 port=$3
  mkdir -p "$out"
  # A geographic model (EPSG:4979), made by the old binary for both, for the metric paths.
  local geo=$work/geographic.city.json
  [ -f "$geo" ] || "$old" reproject --to EPSG:4979 "$data/cityjson/medium/delft.city.json" "$geo" 2>/dev/null
  local all=("${inputs[@]/#/$data/}" "$geo")
  for path in "${all[@]}"; do
    local n; n=$(echo "${path#"$data"/}" | tr '/' '_')
    local d=$out/$n; mkdir -p "$d"
    { "$bin" info --json "$path" > "$d/info.json" 2>/dev/null; echo "info $?"; } >> "$d/rc" || true
    { "$bin" validate --json "$path" > "$d/validate.json" 2>/dev/null; echo "validate $?"; } >> "$d/rc" || true
    { "$bin" convert "$path" "$d/out.city.json" 2>/dev/null; echo "convert $?"; } >> "$d/rc" || true
    { "$bin" convert "$path" "$d/out.city.jsonl" 2>/dev/null; echo "convert-seq $?"; } >> "$d/rc" || true
    { "$bin" analyze metrics --csv "$d/metrics.csv" "$path" > /dev/null 2>&1; echo "metrics $?"; } >> "$d/rc" || true
    { "$bin" tiles "$path" --output "$d/tiles" > /dev/null 2>&1; echo "tiles $?"; } >> "$d/rc" || true
    mask "$d/info.json"; mask "$d/validate.json"
  done
  # The store: one collection per stored input, then what reads it.
  local db=$out/store.db
  local i=0
  for s in "${stored[@]}" geographic; do
    local path=$data/$s; [ "$s" = geographic ] && path=$geo
    "$bin" import --db "$db" --collection "c$i" "$path" > /dev/null 2>&1 || echo "import $s failed" >> "$out/rc"
    { "$bin" analyze metrics --db "$db" --collection "c$i" --csv "$out/c$i.metrics.csv" > /dev/null 2>&1; echo "c$i metrics $?"; } >> "$out/rc" || true
    { "$bin" tiles --db "$db" --collection "c$i" --output "$out/c$i.tiles" > /dev/null 2>&1; echo "c$i tiles $?"; } >> "$out/rc" || true
    { "$bin" export --db "$db" --collection "c$i" "$out/c$i.export.city.jsonl" > /dev/null 2>&1; echo "c$i export $?"; } >> "$out/rc" || true
    { "$bin" export --db "$db" --collection "c$i" "$out/c$i.export.obj" > /dev/null 2>&1; echo "c$i export-obj $?"; } >> "$out/rc" || true
    i=$((i + 1))
  done
  "$bin" serve --db "$db" --bind "127.0.0.1:$port" > /dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" > /dev/null && break; sleep 0.1; done
  local base=http://127.0.0.1:$port
  local urls=(/ "/?f=html" /conformance /api /collections "/collections?f=html")
  for c in $(seq 0 $((i - 1))); do
    local id
    id=$(curl -s "$base/collections/c$c/items?limit=1" | jq -r '.features[0].id // empty')
    urls+=("/collections/c$c" "/collections/c$c?f=html" "/collections/c$c/queryables"
      "/collections/c$c/items" "/collections/c$c/items?limit=3&offset=2" "/collections/c$c/items?f=html"
      "/collections/c$c/items?limit=50&crs=http://www.opengis.net/def/crs/EPSG/0/4326"
      "/collections/c$c/items?bbox=4.3,51.9,4.4,52.1&limit=20"
      "/collections/c$c/items/$id" "/collections/c$c/items/$id?f=html"
      "/collections/c$c/items?filter=measuredHeight%20%3E%2010&limit=20"
      "/collections/c$c/3dtiles/tileset.json" "/collections/c$c/sun")
  done
  local k=0
  for u in "${urls[@]}"; do
    curl -s -o "$out/http.$k.body" -w '%{http_code} %{content_type}\n' "$base$u" > "$out/http.$k.status"
    # The response time is the only thing that may differ.
    sed -i -E 's/"timeStamp":"[^"]*"/"timeStamp":"T"/' "$out/http.$k.body"
    echo "$u" >> "$out/http.$k.status"
    k=$((k + 1))
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$db" "$db"-* ; rm -rf "$db.tiles"
}

echo "old: $old"; echo "new: $new"
run "$old" "$work/old" 18931
run "$new" "$work/new" 18931
# Absolute paths name the run's folder: the same for both once it is replaced.
for side in old new; do
  { grep -rlI -e "$work/$side" "$work/$side" || true; } | xargs -r sed -i "s#$work/$side#OUT#g"
done
files=$(cd "$work/old" && find . -type f | wc -l)
# Differences explained in compare-outputs.known are reported, not failed.
known=$here/compare-outputs.known
diff -rq "$work/old" "$work/new" | sed -E "s#^Files $work/old/([^ ]+) and .*#\1#" > "$work/diff.txt" || true
expected=0 unexpected=0
while read -r f; do
  why=$(awk -F'\t' -v f="$f" '$1 == f { print $2 }' "$known")
  if [ -n "$why" ]; then
    expected=$((expected + 1)); echo "expected: $f ($why)"
  else
    unexpected=$((unexpected + 1)); echo "DIFFERENT: $f"
  fi
done < "$work/diff.txt"
summary="$files files (${#inputs[@]} inputs + a geographic model, ${#stored[@]} + 1 stored collections, the OGC API responses)"
if [ "$unexpected" -gt 0 ]; then
  echo "$unexpected of $summary differ ($expected more as expected)"
  exit 1
fi
echo "identical: $summary, but for $expected known differences"
