#!/usr/bin/env bash
# Compile benchmark: generates synthetic layered projects (2,000 and 10,000
# models, YAML properties and two tests per model), builds bin/techstore and
# times `techstore compile` of the whole project from a cold process with
# /usr/bin/time -v (wall clock, CPU time and peak RSS). Each size runs RUNS
# times (default 5); the table shows the median and the worst wall clock,
# the median CPU time (user+sys; on a busy machine wall clock includes
# waiting for a core, CPU time does not) and the largest peak RSS.
# Usage: bench/compile/run.sh [sizes...]   e.g. bench/compile/run.sh 2000 10000
# BIN=path/to/techstore measures that binary instead of building bin/techstore
# (e.g. one built from an older commit, for a before/after comparison).
# Every run is a full load (TECHSTORE_NO_PARTIAL_PARSE=1). CACHE=1 measures
# partial parsing instead: the warm-up run writes target/partial_parse.bin
# and every timed run restores the project from it (a cache hit). EDIT=1
# measures the edit loop: before each timed run one model file gets a new
# line (a comment), so each run restores the project, renders that model
# again and rewrites the manifest (copying its unchanged parts).
# EDIT=desc rewrites a model's description in a YAML properties file (on
# its line): each run restores the project and sets the new description.
# EDIT=yaml adds a comment line at the top of that YAML file, which moves
# every entry below it: a change partial parsing does not apply, so each
# run loads in full and writes the cache (behind the manifest) for the
# next one.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
edit=""
desc=""
if [ "${EDIT:-0}" = 1 ]; then
  unset TECHSTORE_NO_PARTIAL_PARSE
  mode="partial parse after a one-line edit of one model (EDIT=1)"
  edit=models/l5/f000/m_l5_00000.sql
elif [ "${EDIT:-0}" = desc ]; then
  unset TECHSTORE_NO_PARTIAL_PARSE
  mode="partial parse after a model's description is edited in a YAML file (EDIT=desc)"
  edit=models/l5/f000/schema.yml
  desc=1
elif [ "${EDIT:-0}" = yaml ]; then
  unset TECHSTORE_NO_PARTIAL_PARSE
  mode="partial parse after a one-line edit of a YAML file: full load, cache written (EDIT=yaml)"
  edit=models/l5/f000/schema.yml
elif [ "${CACHE:-0}" = 1 ]; then
  unset TECHSTORE_NO_PARTIAL_PARSE
  mode="partial parse cache hit (CACHE=1)"
else
  export TECHSTORE_NO_PARTIAL_PARSE=1
  mode="full load (no partial parse cache)"
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2000 10000)
bin=${BIN:-}
if [ -z "$bin" ]; then
  make -s build
  bin=bin/techstore
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $mode"
printf '%-8s %-8s %-12s %-12s %-12s %-12s\n' models nodes median_ms worst_ms cpu_ms peak_rss_mb
for n in "${sizes[@]}"; do
  proj="$work/synth$n"
  go run ./bench/compile -models "$n" -out "$proj"
  # Files written less than 2 s before a compile are always read again by
  # partial parsing (racily clean, see runtime/partial); a project being
  # worked on was mostly written long before. Let the new one settle.
  sleep 2.5
  "$bin" compile --project-dir "$proj" >/dev/null   # warm the page cache
  ms=(); rss=(); cpu=()
  for r in $(seq "$RUNS"); do
    if [ -n "$edit" ]; then
      # one model (or properties file) of the middle layer
      if [[ $edit == *.sql ]]; then
        echo "-- edited for run $r" >>"$proj/$edit"
      elif [ -n "$desc" ]; then
        # the first model's description, on its line
        sed -i -E "0,/description: Synthetic model.*/s//description: Synthetic model, edited for run $r./" "$proj/$edit"
      else
        sed -i "1i # edited for run $r" "$proj/$edit"
      fi
    fi
    # The files the previous run wrote (a 55 MB manifest at 10k) reach
    # the disk in the background seconds later; flush them first, so that
    # this writeback does not land inside the next measurement.
    sync
    /usr/bin/time -v "$bin" compile --project-dir "$proj" >"$work/out" 2>"$work/time"
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/time")
    # m:ss.cc -> ms
    ms+=("$(awk -v t="$wall" 'BEGIN{n=split(t,a,":"); s=a[n]; if(n>1) s+=a[n-1]*60; printf "%d", s*1000}')")
    rss+=("$(awk -F': ' '/Maximum resident set size/{printf "%d", $2/1024}' "$work/time")")
    cpu+=("$(awk -F': ' '/User time|System time/{s+=$2} END{printf "%d", s*1000}' "$work/time")")
  done
  nodes=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['nodes']))" "$proj/target/manifest.json" 2>/dev/null || echo "?")
  sorted=($(printf '%s\n' "${ms[@]}" | sort -n))
  maxrss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
  cpus=($(printf '%s\n' "${cpu[@]}" | sort -n))
  printf '%-8s %-8s %-12s %-12s %-12s %-12s\n' "$n" "$nodes" "${sorted[$((RUNS/2))]}" "${sorted[$((RUNS-1))]}" "${cpus[$((RUNS/2))]}" "$maxrss"
done
