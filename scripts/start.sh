#!/usr/bin/env bash
# `make start`: from a fresh clone to the API in one command.
#
#   1. build bin/techstore (the first build downloads the modules and builds
#      the DuckDB driver with cgo: 1-2 minutes);
#   2. generate the TechStore data at SCALE into warehouse/techstore.duckdb,
#      unless the warehouse already holds it (see "data stamp" below);
#   3. `techstore build`: seeds, bronze, silver, gold and every data test,
#      unless nothing changed since the last successful build ("build stamp");
#   4. `techstore docs generate`: target/docs/index.html;
#   5. `techstore serve` on ADDR, in the foreground. Ctrl-C or SIGTERM stops it
#      gracefully (exit status 0 on SIGTERM).
#
# Stamps (plain text files in warehouse/, next to the DuckDB file):
#   warehouse/.start-data   scale, seed and a hash of the generator's sources
#                           (ingest/*.go). Data are reused when the stamp
#                           matches, the DuckDB file exists and the warehouse
#                           answers 1,100 x SCALE raw customers.
#   warehouse/.start-build  a hash of the data stamp, the engine's Go sources
#                           and every project file (project.yml, profiles.yml,
#                           selectors.yml, models/, macros/, seeds/, tests/).
#                           The build is skipped when it matches; it is
#                           written only after a build that passed.
# Delete them (or `make clean`) to force a full rebuild.
#
# Environment: SCALE (1), SEED (42), ADDR (127.0.0.1:8080), GO (go).
# The server's process id is written to target/serve.pid.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${SCALE:-1}
SEED=${SEED:-42}
ADDR=${ADDR:-127.0.0.1:8080}
GO=${GO:-go}
BIN=bin/techstore
DB=warehouse/techstore.duckdb
DATA_STAMP=warehouse/.start-data
BUILD_STAMP=warehouse/.start-build

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '%s==> %s%s\n' "$bold" "$*" "$plain"; }
note() { printf '    %s\n' "$*"; }
die() {
	printf 'make start: %s\n' "$*" >&2
	exit 1
}

# step TITLE CMD...: runs CMD, printing a line every 10 s while it runs (for
# steps that are silent on their own) and the time it took.
step() {
	local title=$1 t0=$SECONDS start=${EPOCHREALTIME/,/.} ticker rc=0
	shift
	say "$title"
	(while sleep 10; do note "... still working ($((SECONDS - t0)) s)"; done) &
	ticker=$!
	"$@" || rc=$?
	kill "$ticker" 2>/dev/null || true
	wait "$ticker" 2>/dev/null || true
	if [ "$rc" -ne 0 ]; then
		return "$rc"
	fi
	note "done in $(awk -v a="$start" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.1f", b - a }') s"
}

# hash_files PATH...: one sha256 over the names and contents of the files.
hash_files() {
	find "$@" -type f ! -name '*_test.go' ! -path '*/testdata/*' -print0 2>/dev/null |
		LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64
}

# --- preflight: only Go and a C compiler are needed ---------------------------
command -v "$GO" >/dev/null || die "Go is not installed (or not on PATH): install Go 1.26 from https://go.dev/dl/"
cc=${CC:-cc}
command -v "$cc" >/dev/null || command -v gcc >/dev/null ||
	die "no C compiler found (the DuckDB driver is built with cgo): install one, e.g. 'apt-get install gcc' or 'xcode-select --install'"
[[ $SCALE =~ ^[1-9][0-9]*$ ]] || die "SCALE=$SCALE: give a positive whole number, e.g. make start SCALE=10"
[[ $SEED =~ ^[0-9]+$ ]] || die "SEED=$SEED: give a whole number, e.g. make start SEED=7"
host=${ADDR%:*}
port=${ADDR##*:}
[[ $port =~ ^[0-9]+$ && -n $host ]] || die "ADDR=$ADDR: give host:port, e.g. make start ADDR=127.0.0.1:8090"
if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
	die "$ADDR is already in use (another 'make start' or 'techstore serve'?): stop it, or pick another port: make start ADDR=$host:8090"
fi

# --- 1. the binary -------------------------------------------------------------
mkdir -p bin warehouse target
if [ -x "$BIN" ]; then
	title="build $BIN"
else
	title="build $BIN (the first build, with the DuckDB driver through cgo, takes 1-2 minutes)"
fi
step "$title" env CGO_ENABLED=1 "$GO" build -o "$BIN" ./cmd/techstore

# --- 2. the data ---------------------------------------------------------------
data_stamp="scale=$SCALE seed=$SEED ingest=$(hash_files ingest)"
want_customers=$((1100 * SCALE))
reuse=no
if [ -f "$DB" ] && [ -f "$DATA_STAMP" ] && [ "$(cat "$DATA_STAMP")" = "$data_stamp" ]; then
	# Ask the warehouse too: the stamp may predate a manual `techstore ingest`.
	got=$("$BIN" show --inline 'select count(*) as n from {{ source "techstore" "customers" }}' --output csv 2>/dev/null | tail -n 1 || true)
	if [ "$got" = "$want_customers" ]; then
		reuse=yes
	fi
fi
if [ "$reuse" = yes ]; then
	say "reusing the TechStore data in $DB (scale $SCALE, seed $SEED)"
else
	rm -f "$DATA_STAMP" "$BUILD_STAMP"
	step "generate the TechStore data at scale $SCALE (seed $SEED) into $DB" \
		"$BIN" ingest --scale "$SCALE" --seed "$SEED" --replace
	printf '%s\n' "$data_stamp" >"$DATA_STAMP"
fi

# --- 3. every layer with its tests -----------------------------------------------
build_stamp=$(
	{
		printf '%s\n' "$data_stamp"
		hash_files go.mod go.sum cmd runtime internal api lineage generator ingest
		hash_files project.yml profiles.yml selectors.yml models macros seeds tests
	} | sha256sum | cut -c1-64
)
if [ -f "$BUILD_STAMP" ] && [ "$(cat "$BUILD_STAMP")" = "$build_stamp" ]; then
	say "the warehouse is up to date (no model, macro, seed, test or engine change since the last build)"
else
	rm -f "$BUILD_STAMP"
	step "techstore build: seeds, bronze, silver, gold and their data tests" "$BIN" build ||
		die "techstore build failed: the lines above name each failing model or test; fix it and run 'make start' again"
	printf '%s\n' "$build_stamp" >"$BUILD_STAMP"
fi

# --- 4. the lineage docs site ------------------------------------------------------
docs=target/docs/index.html
if "$BIN" docs generate --help >/dev/null 2>&1; then
	step "techstore docs generate" "$BIN" docs generate
else
	docs="(not available in this version: techstore docs generate)"
fi

# --- 5. serve ------------------------------------------------------------------------
base="http://$ADDR"
cat <<EOF

TechStore is ready. The API is starting on $base (Ctrl-C stops it).

  API docs (try it out)   $base/docs
  OpenAPI 3.1 document    $base/openapi.json
  lineage docs site       $(pwd)/$docs   (open it in a browser)

  Three requests to start with:
    curl -s '$base/api/sales/summary'
    curl -s '$base/api/customers/top-customers?limit=3'
    curl -s '$base/api/products/performance?limit=5&sort=-profit'

EOF
echo $$ >target/serve.pid
exec "$BIN" serve --addr "$ADDR"
