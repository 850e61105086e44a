#!/usr/bin/env bash
# Load test of the API with wrk: builds the binary, makes (or reuses) a
# warehouse at scale $SCALE, serves it, and runs wrk on three endpoints.
#
#   bench/api/run.sh                    # scale 100, 64 connections, 30 s each
#   SCALE=1 DURATION=10s bench/api/run.sh
#
# Environment: SCALE (100), DURATION (30s), CONNECTIONS (64), THREADS (2),
# ADDR (127.0.0.1:18089), BENCH_DIR (/tmp/techstore-bench-scale$SCALE; the
# warehouse is kept there and reused), DUCKDB (use this warehouse file as is).
# Prints req/s and latency percentiles per endpoint and the server's memory.
set -euo pipefail

SCALE=${SCALE:-100}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
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

echo "== serve on $ADDR"
(cd "$PROJ" && exec "$BIN" serve --addr "$ADDR" --log-requests=false >"$BENCH_DIR/serve.log" 2>&1) &
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
echo "== after load: $(rss)"
printf '%-45s %12s %9s %9s %9s\n' endpoint req/s p50 p99 errors
for path in "/api/customers/analytics/$ID" "/api/products/performance?limit=50" "/api/sales/summary"; do
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://$ADDR$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {e = e $0 "; "} END {print (e == "" ? "0" : e)}' <<<"$out")
  printf '%-45s %12s %9s %9s %9s\n' "$path" "$rps" "$p50" "$p99" "$errs"
done
echo "== server memory: $(rss)"
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
