#!/usr/bin/env bash
# The proof of the README (CI runs it after make test and make test-e2e).
#
# From a fresh clone of this repository's committed HEAD in a temporary
# folder, on a free 127.0.0.1 port:
#   1. `make start` in the background; wait for /ready (the first build
#      builds the DuckDB driver with cgo: allow READY_TIMEOUT, default 900 s);
#      check the banner (API docs URL, docs site path, three example requests), /docs,
#      /openapi.json and target/docs/index.html;
#   2. request every `<!-- example: NAME -->` block of the README and compare
#      status and JSON text with what the README shows (go run ./scripts/readmecheck);
#   3. stop the server with SIGTERM (its pid is target/serve.pid): `make start`
#      must exit with status 0 within 10 s;
#   4. `make start` again: it must reuse the data and skip the build, then
#      answer the examples again;
#   5. run every ```sh block marked `<!-- run -->` in the README (the modeler's
#      walkthrough, the selector, state and query examples), in order, in the
#      clone, while the server runs, and check what the README says of them;
#      then `techstore retry`, `techstore docs serve` and the error messages of
#      the README's troubleshooting section;
#   6. SIGTERM again, same checks as 3;
#   7. `make start SCALE=10`: regenerates, rebuilds, serves 10x the products.
# With --update, step 2 rewrites the JSON blocks of the work tree's README.md
# from the server's answers instead (review the diff), and the script stops.
#
# Where the README's other commands are run:
#   make start              here (steps 1, 4); ADDR=... here (every run uses it)
#   make start SCALE=10     here (step 7; SCALE_CHECK=0 skips it; ~15 s more)
#   make test, make test-e2e                 .ci/run
#   kill $(cat target/serve.pid)             here (steps 3, 6)
#   curl examples                            here (steps 2, 4)
#   techstore ingest (--replace, refusal)    internal/cli/ingest_test.go
#   techstore run-operation, run, retry, test, show
#                                            internal/cli/run_test.go (and retry here)
#   techstore generate (--check)             generator tests, api freshness test
#   techstore docs generate / docs serve     here (steps 1, 5)
#   --target spark (ingest, build)           make test-spark (scripts/spark/test.sh)
#   --target prod (Databricks)               runtime/adapter/databricks unit tests;
#                                            the same adapter runs on Spark above
#   troubleshooting messages                 here (step 5: port in use, unknown target,
#                                            empty and bad selectors, ingest refusal,
#                                            unknown ref); the locked DuckDB file:
#                                            runtime/adapter/duckdb tests; chromium
#                                            missing: lineage/site/e2e
#   bench/* commands                         by hand (figures in the README)
#
# Needs git, curl, go and make. Environment: READY_TIMEOUT (900), KEEP=1 keeps
# the temporary folder, SCALE_CHECK (10): the scale of the last `make start`
# run, 0 to skip it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UPDATE=no
[ "${1:-}" = "--update" ] && UPDATE=yes
READY_TIMEOUT=${READY_TIMEOUT:-900}
for tool in git curl go make; do
	command -v "$tool" >/dev/null || { echo "readme-check: $tool is needed (apt-get install -y $tool)" >&2; exit 1; }
done
SCALE_CHECK=${SCALE_CHECK:-10}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/readme-check.XXXXXX")
clone="$tmp/techstore"
make_pid=""
docs_pid=""

log() { printf '[readme-check %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() {
	log "FAIL: $*"
	exit 1
}
cleanup() {
	local rc=$?
	if [ -n "$docs_pid" ]; then
		kill -TERM "$docs_pid" 2>/dev/null || true
		wait "$docs_pid" 2>/dev/null || true
	fi
	if [ -n "$make_pid" ] && kill -0 "$make_pid" 2>/dev/null; then
		[ -f "$clone/target/serve.pid" ] && kill -TERM "$(cat "$clone/target/serve.pid")" 2>/dev/null || true
		sleep 1
		kill -TERM "$make_pid" 2>/dev/null || true
		wait "$make_pid" 2>/dev/null || true
	fi
	if [ "${KEEP:-}" = 1 ] || [ $rc -ne 0 ]; then
		log "logs and clone kept in $tmp"
	else
		rm -rf "$tmp"
	fi
	exit $rc
}
trap cleanup EXIT

# A port nobody listens on.
port=""
for p in $(seq 18480 18580); do
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		port=$p
		break
	fi
done
[ -n "$port" ] || fail "no free port in 18480-18580"
addr="127.0.0.1:$port"
base="http://$addr"

log "cloning $ROOT into $clone"
git clone -q "$ROOT" "$clone"
cd "$clone"
log "testing commit $(git rev-parse --short HEAD) on $addr"

# start N [make args...]: `make start` in the background, logging to start-N.log;
# waits for /ready.
start() {
	local n=$1 t0=$SECONDS
	shift
	rm -f target/serve.pid
	make start ADDR="$addr" "$@" >"$tmp/start-$n.log" 2>&1 &
	make_pid=$!
	log "make start${*:+ $*} (run $n, pid $make_pid): waiting for $base/ready (up to $READY_TIMEOUT s)"
	until curl -sf "$base/ready" >/dev/null 2>&1; do
		if ! kill -0 "$make_pid" 2>/dev/null; then
			tail -n 40 "$tmp/start-$n.log"
			fail "make start (run $n) exited before the API was ready (log: $tmp/start-$n.log)"
		fi
		[ $((SECONDS - t0)) -lt "$READY_TIMEOUT" ] || {
			tail -n 40 "$tmp/start-$n.log"
			fail "the API was not ready within $READY_TIMEOUT s"
		}
		sleep 1
	done
	log "ready after $((SECONDS - t0)) s"
}

# stop N: SIGTERM to the server; make start must exit 0 within 10 s.
stop() {
	local n=$1 pid waited=0 rc=0
	[ -f target/serve.pid ] || fail "target/serve.pid is missing: make start must write the server's pid"
	pid=$(cat target/serve.pid)
	log "SIGTERM to the server (pid $pid)"
	kill -TERM "$pid"
	while kill -0 "$make_pid" 2>/dev/null; do
		[ $waited -lt 100 ] || fail "make start (run $n) still running 10 s after SIGTERM"
		sleep 0.1
		waited=$((waited + 1))
	done
	wait "$make_pid" || rc=$?
	make_pid=""
	[ $rc -eq 0 ] || {
		tail -n 20 "$tmp/start-$n.log"
		fail "make start (run $n) exited with status $rc after SIGTERM, want 0"
	}
	grep -q "shutting down" "$tmp/start-$n.log" || fail "the server did not log its graceful shutdown"
	log "stopped cleanly in $((waited / 10)).$((waited % 10)) s, exit status 0"
}

# expect FILE TEXT WHAT: FILE contains TEXT.
expect() {
	grep -qF -- "$2" "$1" || fail "$3: '$2' not found in $1"
}

examples() {
	if [ "$UPDATE" = yes ]; then
		go run ./scripts/readmecheck -readme "$ROOT/README.md" -base "$base" -update
		log "rewrote the examples of $ROOT/README.md: review with git diff README.md"
		return
	fi
	go run ./scripts/readmecheck -readme README.md -base "$base" || fail "README examples differ from the server's answers"
}

# --- 1. first run ------------------------------------------------------------------
start 1
l="$tmp/start-1.log"
expect "$l" "generate the TechStore data at scale 1" "first run generates the data"
expect "$l" "Done. PASS=" "first run builds"
expect "$l" "$base/docs" "banner: API docs URL"
expect "$l" "target/docs/index.html" "banner: docs site path"
[ "$(grep -c "curl -s '$base/" "$l")" -ge 3 ] || fail "banner: three example requests"
while IFS= read -r url; do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$url")
	[ "$code" = 200 ] || fail "banner example $url: status $code, want 200"
done < <(grep -o "curl -s '$base/[^']*'" "$l" | sed -E "s/^curl -s '(.*)'$/\1/")
[ -s target/docs/index.html ] || fail "target/docs/index.html was not written"
for path in /health /docs /openapi.json /openapi.yaml; do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
	[ "$code" = 200 ] || fail "GET $path: status $code, want 200"
done

# --- 2. the examples ------------------------------------------------------------------
examples
if [ "$UPDATE" = yes ]; then
	stop 1
	exit 0
fi

# --- 3. SIGTERM ------------------------------------------------------------------------
stop 1

# --- 4. second run reuses ----------------------------------------------------------
start 2
l="$tmp/start-2.log"
expect "$l" "reusing the TechStore data" "second run reuses the data"
expect "$l" "the warehouse is up to date" "second run skips the build"
if grep -q "Done. PASS=" "$l"; then fail "second run rebuilt the warehouse"; fi
examples

# --- 5. the README's commands ------------------------------------------------------
awk '
	/^<!-- run -->$/ { want = 1; next }
	want && /^```sh$/ { inblock = 1; want = 0; next }
	inblock && /^```$/ { inblock = 0; print ""; next }
	inblock { print; next }
	{ want = 0 }
' README.md >"$tmp/readme-commands.sh"
[ "$(grep -c 'bin/techstore' "$tmp/readme-commands.sh")" -ge 10 ] || fail "found too few <!-- run --> commands in the README"
log "running the README's commands ($(grep -c . "$tmp/readme-commands.sh") lines, log: $tmp/commands.log)"
bash -euo pipefail -x "$tmp/readme-commands.sh" >"$tmp/commands.log" 2>&1 || {
	tail -n 30 "$tmp/commands.log"
	fail "a README command failed (log: $tmp/commands.log)"
}
c="$tmp/commands.log"
expect "$c" "Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4" "walkthrough: build of the new model and its three tests"
expect "$c" "Previewing node 'gold_brand_revenue'" "walkthrough: show"
expect target/docs/index.html "gold_brand_revenue" "walkthrough: the new model in the docs site"
expect target/openlineage.ndjson '"eventType":"COMPLETE"' "run --openlineage-file writes the events"
bin/techstore lineage --select gold_brand_revenue --columns --format csv >"$tmp/lineage.csv"
expect "$tmp/lineage.csv" "model.techstore.silver_order_items,line_total,model.techstore.gold_brand_revenue,revenue,aggregated" "walkthrough: column lineage of revenue"
[ "$(bin/techstore ls --select 'state:modified+' --state target/prev --resource-type model)" = gold_brand_revenue ] ||
	fail "state:modified+ should list exactly the model changed in the README's example"
bin/techstore retry >"$tmp/retry.log" 2>&1 || fail "techstore retry (log: $tmp/retry.log)"
# docs serve on another free port, then SIGTERM.
dport=$((port + 1))
while (exec 3<>"/dev/tcp/127.0.0.1/$dport") 2>/dev/null; do dport=$((dport + 1)); done
bin/techstore docs serve --port "$dport" >"$tmp/docs-serve.log" 2>&1 &
docs_pid=$!
for _ in $(seq 100); do curl -sf -o "$tmp/docs-served.html" "http://127.0.0.1:$dport/" && break; sleep 0.1; done
expect "$tmp/docs-served.html" "gold_brand_revenue" "docs serve serves the page"
kill -TERM "$docs_pid"
wait "$docs_pid" || fail "docs serve exited non-zero after SIGTERM"
docs_pid=""
# The troubleshooting section's messages, from the real binary and make start.
# must_say WANT_STATUS TEXT CMD...: CMD exits with WANT_STATUS (or "nonzero")
# and prints TEXT.
must_say() {
	local want=$1 text=$2 rc=0
	shift 2
	"$@" >"$tmp/trouble.log" 2>&1 || rc=$?
	if [ "$want" = nonzero ]; then
		[ $rc -ne 0 ] || fail "$* exited 0, want an error"
	else
		[ $rc -eq "$want" ] || fail "$* exited $rc, want $want"
	fi
	expect "$tmp/trouble.log" "$text" "troubleshooting: $*"
}
must_say nonzero "already in use" make start ADDR="$addr"
must_say nonzero 'has no output "nope"' bin/techstore build --target nope
must_say 0 "The selection criterion 'tag:nope' does not match any enabled nodes" bin/techstore ls --select tag:nope
must_say nonzero 'invalid selector "tag::x" at column 5' bin/techstore ls --select 'tag::x'
must_say nonzero "already holds data" bin/techstore ingest
mkdir -p "$tmp/profiles" && printf 'other:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: x.duckdb}\n' >"$tmp/profiles/profiles.yml"
must_say nonzero 'no profile "techstore" (profiles there: other)' bin/techstore ls --profiles-dir "$tmp/profiles"
cp models/gold/gold_brand_revenue.sql "$tmp/model.sql"
sed -i 's/ref "silver_order_items"/ref "silver_order_item"/' models/gold/gold_brand_revenue.sql
must_say nonzero 'did you mean "silver_order_items"' bin/techstore compile
cp "$tmp/model.sql" models/gold/gold_brand_revenue.sql
# The server reloaded after the builds above and still answers.
curl -sf "$base/ready" >/dev/null || fail "/ready after the README's commands"

# --- 6. SIGTERM again ------------------------------------------------------------------
stop 2

# --- 7. another scale: make start SCALE=10 regenerates and rebuilds -------------
if [ "$SCALE_CHECK" != 0 ]; then
	start 3 SCALE="$SCALE_CHECK"
	expect "$tmp/start-3.log" "generate the TechStore data at scale $SCALE_CHECK" "SCALE=$SCALE_CHECK regenerates"
	expect "$tmp/start-3.log" "Done. PASS=" "SCALE=$SCALE_CHECK rebuilds"
	n=$(curl -s "$base/ready" | grep -o '"gold_product_performance":[0-9]*' | cut -d: -f2)
	[ "$n" = $((220 * SCALE_CHECK)) ] || fail "SCALE=$SCALE_CHECK: $n products in gold, want $((220 * SCALE_CHECK))"
	stop 3
fi

log "OK: the README's examples and commands hold"
