#!/usr/bin/env bash
# Benchmarks of urbis against cjio (PyPI) and a bare serde_json::Value parse, in one run, on
# the large files made from the real Den Haag tile by ../shared/tools/make-large-cityjson.py.
#
#   bench/run.sh            # 43 MB and 500 MB files (the 500 MB cjio runs take minutes)
#   SIZES=small bench/run.sh
#   SKIP_CJIO=1 bench/run.sh
#   SKIP_CJVAL=1 bench/run.sh   # cjval (cargo install cjval) is the baseline of `validate`
#   REPEAT_ALL=5 bench/run.sh   # runs per measurement (default 3 on the small file, 1 on the large)
#   CJIO_OPS="info upgrade" bench/run.sh   # only these cjio operations (cjio convert of the
#                                          # 500 MB file takes over 20 minutes)
#
# Peak RSS is reported in MiB (as /usr/bin/time's KiB / 1024), file sizes in MB (10^6 bytes);
# the "RSS / file" column compares them in the same unit.
#
# Prints a Markdown table (also written to target/bench/results.md): wall time (s) and peak
# RSS (MB) per tool and operation, and the ratios urbis/baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"
SHARED=${URBIS_TESTDATA:-../shared/data}
SRC="$SHARED/cityjson/v2-upgraded/denhaag_01.city.json"
SIZES=${SIZES:-"small large"}

cargo build --release -q -p urbis -p urbis-cityjson --example value_parse
URBIS=target/release/urbis
VALUE=target/release/examples/value_parse

if [ -z "${SKIP_CJIO:-}" ]; then
  if [ ! -x "$OUT/venv/bin/cjio" ]; then
    python3 -m venv "$OUT/venv"
    "$OUT/venv/bin/pip" install -q cjio
  fi
  CJIO="$OUT/venv/bin/cjio"
fi
if [ -z "${SKIP_CJVAL:-}" ]; then
  [ -x "$OUT/cjval/bin/cjval" ] || cargo install -q cjval --features build-binary --root "$OUT/cjval"
  CJVAL="$OUT/cjval/bin/cjval"
fi

# shellcheck source=bench/lib.sh
source bench/lib.sh

# measure NAME CMD...: appends "NAME median-seconds peakMB" to $OUT/raw.txt
measure() {
  local name=$1; shift
  timed "$name" "$@"
  printf '%s %s %s %s\n' "${name%% *}" "${name#* }" "$MEDIAN" "$RSS_MB" | tee -a "$OUT/raw.txt"
}

: > "$OUT/raw.txt"
for size in $SIZES; do
  case $size in
    small) nx=4; ny=4 ;;
    large) nx=14; ny=13 ;;
  esac
  # Every measurement is the median of REPEAT runs: 3 on the small file, 1 on the large one
  # (its cjio runs take minutes) unless REPEAT_ALL is set.
  REPEAT=${REPEAT_ALL:-$([ "$size" = small ] && echo 3 || echo 1)}
  f="$OUT/dh-${nx}x${ny}.city.json"
  [ -s "$f" ] || python3 ../shared/tools/make-large-cityjson.py "$SRC" "$f" "$nx" "$ny"
  mb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN { printf "%.2f", b / 1e6 }')
  bbox="78248 457604 79500 458800"
  measure "$size value_parse" "$VALUE" "$f"
  measure "$size urbis_info" "$URBIS" info "$f" --json
  measure "$size urbis_convert" "$URBIS" convert "$f" "$OUT/u.city.jsonl"
  measure "$size urbis_subset" "$URBIS" subset "$f" "$OUT/u-sub.city.json" --bbox $bbox
  measure "$size urbis_upgrade" "$URBIS" upgrade "$f" "$OUT/u-up.city.json"
  measure "$size urbis_schema" "$URBIS" validate "$f" --schema-only --json
  measure "$size urbis_validate" "$URBIS" validate "$f" --json
  measure "$size urbis_seq_validate" "$URBIS" validate "$OUT/u.city.jsonl" --json
  measure "$size urbis_seq_info" "$URBIS" info "$OUT/u.city.jsonl" --json
  measure "$size urbis_seq_to_seq" "$URBIS" convert "$OUT/u.city.jsonl" "$OUT/u2.city.jsonl"
  if [ -n "${CJVAL:-}" ]; then
    measure "$size cjval_schema" "$CJVAL" -s "$f"
  fi
  if [ -n "${CJIO:-}" ]; then
    ops=" ${CJIO_OPS:-info convert subset upgrade} "
    [[ $ops == *" info "* ]] && measure "$size cjio_info" "$CJIO" "$f" info
    [[ $ops == *" convert "* ]] && measure "$size cjio_convert" "$CJIO" "$f" export jsonl "$OUT/c.city.jsonl"
    [[ $ops == *" subset "* ]] && measure "$size cjio_subset" "$CJIO" "$f" subset --bbox $bbox save "$OUT/c-sub.city.json"
    [[ $ops == *" upgrade "* ]] && measure "$size cjio_upgrade" "$CJIO" "$f" upgrade save "$OUT/c-up.city.json"
  fi
  echo "$size file_mb $mb 0" >> "$OUT/raw.txt"
done

python3 - "$OUT/raw.txt" <<'PY' | tee "$OUT/results.md"
import sys, collections
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    size, name, secs, mb = line.split()
    rows[size][name] = (float(secs), int(mb))
print("| file | operation | urbis s | urbis MiB | RSS / file | cjio s | cjio MiB | cjio/urbis | Value parse s | Value/urbis |")
print("|---|---|---|---|---|---|---|---|---|---|")
for size, r in rows.items():
    fmb = r.get("file_mb", (0, 0))[0]
    vs = r.get("value_parse", (float("nan"), 0))[0]
    for op in ["info", "convert", "subset", "upgrade"]:
        us, umb = r.get("urbis_" + op, (float("nan"), 0))
        cs, cmb = r.get("cjio_" + op, (float("nan"), 0))
        ratio = umb * 1.048576 / fmb if fmb else float("nan")
        print(f"| {size} ({fmb:.0f} MB) | {op} | {us:.2f} | {umb} | {ratio:.2f}x | {cs:.2f} | {cmb} | {cs/us:.1f}x | {vs:.2f} | {vs/us:.2f}x |")
    for op in ["seq_info", "seq_to_seq"]:
        us, umb = r.get("urbis_" + op, (float("nan"), 0))
        print(f"| {size} ({fmb:.0f} MB) | {op} (CityJSONSeq in) | {us:.2f} | {umb} | | | | | | |")
    us, umb = r.get("urbis_schema", (float("nan"), 0))
    cs, cmb = r.get("cjval_schema", (float("nan"), 0))
    print(f"| {size} ({fmb:.0f} MB) | validate --schema-only vs cjval | {us:.2f} | {umb} | | {cs:.2f} | {cmb} | {cs/us:.1f}x (RSS 1/{cmb/max(umb,1):.0f}) | | |")
    for op in ["validate", "seq_validate"]:
        us, umb = r.get("urbis_" + op, (float("nan"), 0))
        print(f"| {size} ({fmb:.0f} MB) | {op} (schema + geometry) | {us:.2f} | {umb} | | | | | | |")
    print(f"| {size} ({fmb:.0f} MB) | serde_json::Value parse | | | | | | | {vs:.2f} ({r.get('value_parse',(0,0))[1]} MiB) | |")
PY
