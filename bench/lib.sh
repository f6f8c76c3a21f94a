# Shared by the bench scripts (sourced). Needs OUT (a folder) and REPEAT (runs per measurement).

# timed NAME CMD...: runs CMD $REPEAT times under /usr/bin/time and sets MEDIAN (median wall
# seconds), RSS_MB (largest peak RSS, MiB) and TIMES (every run's seconds). Exit code 1 is a
# verdict (validation found errors), not a failure; a higher one is reported on stderr. This
# VM's timings vary by 20% and more between single runs, hence the median.
timed() {
  local name=$1; shift
  local times=() rss=0
  for _ in $(seq "$REPEAT"); do
    local rc=0
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/last.err" || rc=$?
    if [ "$rc" -gt 1 ]; then
      echo "FAILED: $name: $(tail -3 "$OUT/last.err")" >&2
    fi
    local t; t=$(tail -1 "$OUT/time.txt")
    times+=("${t%% *}")
    local kb=${t##* }
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  MEDIAN=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS_MB=$((rss / 1024))
  TIMES="${times[*]}"
}
