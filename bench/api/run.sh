#!/usr/bin/env bash
# Load test of the API with wrk: builds the binary, makes (or reuses) a
# warehouse at scale $SCALE, serves it, and runs wrk on three endpoints.
#
#   bench/api/run.sh                    # scale 100, 64 connections, 30 s each
#   SCALE=1 DURATION=10s bench/api/run.sh
#
# Environment: SCALE (100), DURATION (30s), CONNECTIONS (64), THREADS (wrk threads, 1),
# ADDR (127.0.0.1:18089), BENCH_DIR (/tmp/techstore-bench-scale$SCALE; the
# warehouse is kept there and reused), DUCKDB (use this warehouse file as is),
# RELOADS (3: POST /admin/reload calls during a last wrk run on the customer
# endpoint; 0 skips that run), SERVER_PROCS (GOMAXPROCS of the server; unset:
# every core. With wrk on the same 2 cores, SERVER_PROCS=1 leaves wrk a core
# and lowers the latency tail; say which one a figure was measured with).
# Prints req/s and latency percentiles per endpoint, the server's memory, and
# for the reload run: each reload's duration, the peak RSS while reloading
# (sampled every 20 ms) and the peak RSS of the whole run (VmHWM).
set -euo pipefail

SCALE=${SCALE:-100}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
# One wrk thread: it sends over 50,000 requests/s on its own, and wrk and the server
# share this machine's cores; a second wrk thread only takes CPU from the server and
# shows up as scheduling delay in the server's p99 (THREADS=2 measures that case).
THREADS=${THREADS:-1}
RELOADS=${RELOADS:-3}
SERVER_PROCS=${SERVER_PROCS:-}
ADDR=${ADDR:-127.0.0.1:18089}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/techstore-bench-scale$SCALE}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
mkdir -p "$BENCH_DIR/proj"
BIN="$BENCH_DIR/techstore"
echo "== build"
(cd "$ROOT" && CGO_ENABLED=1 go build -o "$BIN" ./cmd/techstore)

WAREHOUSE=${DUCKDB:-$BENCH_DIR/warehouse.duckdb}
PROJ="$BENCH_DIR/proj"
# A copy of the project, so runs write their target/ there, not in the repo.
for f in project.yml selectors.yml models macros seeds tests; do
  [ -e "$ROOT/$f" ] && rm -rf "${PROJ:?}/$f" && cp -r "$ROOT/$f" "$PROJ/"
done
cat >"$PROJ/profiles.yml" <<YAML
techstore:
  target: bench
  outputs:
    bench:
      type: duckdb
      path: $WAREHOUSE
      threads: 2
YAML

if [ ! -s "$WAREHOUSE" ]; then
  echo "== warehouse at scale $SCALE: $WAREHOUSE"
  t0=$(date +%s)
  (cd "$PROJ" && "$BIN" ingest --scale "$SCALE" --replace >/dev/null)
  t1=$(date +%s)
  (cd "$PROJ" && "$BIN" build >"$BENCH_DIR/build.log" 2>&1) || { tail -20 "$BENCH_DIR/build.log"; exit 1; }
  t2=$(date +%s)
  echo "ingest $((t1 - t0)) s, build $((t2 - t1)) s"
else
  echo "== reusing $WAREHOUSE"
fi

echo "== serve on $ADDR (GOMAXPROCS ${SERVER_PROCS:-unset: every core})"
TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
PROCS_ENV=()
[ -n "$SERVER_PROCS" ] && PROCS_ENV=("GOMAXPROCS=$SERVER_PROCS")
(cd "$PROJ" && TECHSTORE_RELOAD_TOKEN=$TOKEN exec env "${PROCS_ENV[@]}" "$BIN" serve --addr "$ADDR" --log-requests=false >"$BENCH_DIR/serve.log" 2>&1) &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  if curl -fsS "http://$ADDR/ready" >/dev/null 2>&1; then break; fi
  kill -0 $PID 2>/dev/null || { cat "$BENCH_DIR/serve.log"; exit 1; }
  sleep 0.2
done
curl -fsS "http://$ADDR/ready"; echo
# A customer that exists: the one with the highest CLV.
ID=$(curl -fsS "http://$ADDR/api/customers/top-customers?limit=1" | sed -n 's/.*"customer_id":\([0-9]*\).*/\1/p')
echo "load-test customer id: $ID"

rss() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2/1024}' "/proc/$PID/status"; echo; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
echo "== after load: $(rss)"
row() { # label, wrk output
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$2")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$2")
  errs=$(awk '/Non-2xx|Socket errors/ {e = e $0 "; "} END {print (e == "" ? "0" : e)}' <<<"$2")
  printf '%-45s %12s %9s %9s %9s\n' "$1" "$rps" "$p50" "$p99" "$errs"
}
printf '%-45s %12s %9s %9s %9s\n' endpoint req/s p50 p99 errors
for path in "/api/customers/analytics/$ID" "/api/products/performance?limit=50" "/api/sales/summary"; do
  row "$path" "$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://$ADDR$path")"
done
echo "== server memory: $(rss)"

if [ "$RELOADS" -gt 0 ]; then
  # wrk on the customer endpoint while the snapshot reloads RELOADS times:
  # two snapshots are alive during each reload.
  WRK_OUT="$BENCH_DIR/wrk-reload.txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://$ADDR/api/customers/analytics/$ID" >"$WRK_OUT" &
  WRK=$!
  PEAK_FILE="$BENCH_DIR/reload-peak-kb"
  echo 0 >"$PEAK_FILE"
  (peak=0; while kill -0 $WRK 2>/dev/null; do
     r=$(rss_kb); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo "$peak" >"$PEAK_FILE"
     sleep 0.02
   done) &
  SAMPLER=$!
  sleep 2
  took=()
  for i in $(seq 1 "$RELOADS"); do
    kill -0 $WRK 2>/dev/null || { echo "wrk ended before reload $i; raise DURATION" >&2; break; }
    res=$(curl -sS -o "$BENCH_DIR/reload-$i.json" -w '%{http_code} %{time_total}' -X POST \
      -H "Authorization: Bearer $TOKEN" "http://$ADDR/admin/reload")
    [ "${res%% *}" = 200 ] || { echo "reload $i answered ${res%% *}: $(cat "$BENCH_DIR/reload-$i.json")" >&2; exit 1; }
    took+=("${res#* }s")
    sleep 1
  done
  wait $WRK
  wait $SAMPLER
  row "/api/customers/analytics/$ID + ${#took[@]} reloads" "$(cat "$WRK_OUT")"
  echo "== reloads took: ${took[*]}; peak RSS during this run $(($(cat "$PEAK_FILE") / 1024)) MB (sampled every 20 ms)"
  echo "== server memory: $(rss)(VmHWM: the peak of the whole run)"
fi
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
