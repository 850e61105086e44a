#!/usr/bin/env bash
# Interleaved before/after comparison of techstore binaries on one project:
# every round runs each binary once (compile, a new process, a full load
# unless NOPP=0), so that a machine whose speed drifts treats them alike.
# Prints, per binary, the median wall clock and CPU time (user+sys) and
# every wall time in run order.
# Usage: bench/compile/ab.sh N PROJECT BIN...
#   e.g. bench/compile/ab.sh 9 /tmp/synth10000 /tmp/techstore-old bin/techstore
# (a project from `go run ./bench/compile -models 10000 -out /tmp/synth10000`;
# an old binary from `git worktree add /tmp/old <rev>` and `go build`).
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
n=$1 proj=$2
shift 2
bins=("$@")
if [ "${NOPP:-1}" = 1 ]; then
  export TECHSTORE_NO_PARTIAL_PARSE=1
fi
declare -A walls cpus
for b in "${bins[@]}"; do
  "$b" compile --project-dir "$proj" >/dev/null # warm the page cache
done
for _ in $(seq "$n"); do
  for b in "${bins[@]}"; do
    sync
    read -r wall user sys < <({ /usr/bin/time -f "%e %U %S" "$b" compile --project-dir "$proj" >/dev/null; } 2>&1 | tail -1)
    walls[$b]+="$(awk -v x="$wall" 'BEGIN{printf "%d", x*1000}') "
    cpus[$b]+="$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%d", (u+s)*1000}') "
  done
done
median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
printf '%-40s %-12s %-12s %s\n' binary wall_med_ms cpu_med_ms walls_ms
for b in "${bins[@]}"; do
  printf '%-40s %-12s %-12s %s\n' "$b" "$(echo "${walls[$b]}" | median)" "$(echo "${cpus[$b]}" | median)" "${walls[$b]}"
done
