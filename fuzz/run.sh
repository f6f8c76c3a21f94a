#!/usr/bin/env bash
# Coverage-guided fuzzing of the readers with libFuzzer, on the stable toolchain (no nightly
# needed: SanitizerCoverage is switched on through stable codegen flags; `cargo fuzz` works too
# where a nightly toolchain is available).
#
#   fuzz/run.sh cityjson_reader 300      # target, seconds
#   fuzz/run.sh cityjsonseq_reader 300
#   fuzz/run.sh validator 300            # OFF/OBJ/POLY/CityJSON through urbis-validate
#   fuzz/run.sh citygml_reader 300       # CityGML 1/2/3
#   fuzz/run.sh cql2_text 300            # the server's CQL2 text and JSON filter parsers
#   fuzz/run.sh cql2_json 300
#
# -max_len is 200,000 bytes: libFuzzer's default (4 KB) is too small to reach the nesting
# depths that overflow a recursive parser's stack.
# Seeds come from ../shared/data; the corpus and any crash-* reproducer stay under fuzz/.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:-cityjson_reader}
seconds=${2:-60}
data=${URBIS_TESTDATA:-../../shared/data}
triple=$(rustc -vV | sed -n 's/^host: //p')
RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing" \
  cargo build --release --target "$triple" --target-dir target/cov --bin "$target"
corpus=corpus/$target
mkdir -p "$corpus"
if [ -z "$(ls -A "$corpus")" ]; then
  if [ "$target" = validator ]; then
    # The first byte picks the format: 0 OFF, 1 OBJ, 2 POLY, 3 CityJSON.
    n=0
    for f in "$data"/val3dity-suite/data/test_*/*.{off,obj,poly} "$data"/cityjson/tiny/*.json; do
      case $f in *.off) k=0 ;; *.obj) k=1 ;; *.poly) k=2 ;; *) k=3 ;; esac
      { printf "\\$(printf '%03o' $k)"; cat "$f"; } > "$corpus/seed$n"; n=$((n + 1))
    done
  elif [ "$target" = citygml_reader ]; then
    # The small CityGML files of every version (the large ones slow each run down).
    find "$data"/citygml -name '*.gml' -size -400k -exec cp {} "$corpus"/ \;
  elif [ "$target" = cql2_text ]; then
    printf '%s' "height > 10 AND name LIKE 'A%'" > "$corpus/and"
    printf '%s' "NOT (a = 1 OR b IN ('x', 'y')) AND S_INTERSECTS(geometry, BBOX(4, 52, 5, 53))" > "$corpus/nested"
  elif [ "$target" = cql2_json ]; then
    printf '%s' '{"op":"and","args":[{"op":">","args":[{"property":"h"},10]},{"op":"not","args":[{"op":"isNull","args":[{"property":"n"}]}]}]}' > "$corpus/and"
  elif [ "$target" = cityjsonseq_reader ]; then
    for f in "$data"/cityjsonseq/*.jsonl; do tail -n +2 "$f" | head -3 > "$corpus/$(basename "$f")"; done
  else
    cp "$data"/cityjson/tiny/*.json "$corpus"/
  fi
fi
exec "target/cov/$triple/release/$target" -max_total_time="$seconds" -max_len=200000 -rss_limit_mb=2048 "$corpus"
