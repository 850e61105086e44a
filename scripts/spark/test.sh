#!/usr/bin/env bash
# `make test-spark`: installs what is missing, starts the local Spark Thrift
# server with Delta, runs the Go tests tagged `spark` against it (the
# adapter's, then any end-to-end package that has them), and stops the
# server again, also on failure or Ctrl-C. Prints the time of each phase.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
# shellcheck source=env.sh
. "$here/env.sh"

t0=$SECONDS
started=0
if ! { [ -f "$SPARK_PID_FILE" ] && kill -0 "$(cat "$SPARK_PID_FILE")" 2>/dev/null; }; then
	started=1
fi
cleanup() {
	if [ "$started" = 1 ]; then
		"$here/stop.sh" || true
	fi
}
trap cleanup EXIT
"$here/start.sh"
t1=$SECONDS
echo "spark: install + start took $((t1 - t0))s"

# Packages with spark-tagged tests: the adapter first, then the rest.
pkgs=$(grep -rl --include='*_test.go' '^//go:build spark' . | xargs -n1 dirname | sort -u | sed 's|^\./|./|')
echo "spark: testing $(echo "$pkgs" | tr '\n' ' ')"
# One package at a time: they share one 2-core Spark.
# shellcheck disable=SC2086
go test -tags spark -count=1 -p 1 -timeout 25m $pkgs
echo "spark: tests took $((SECONDS - t1))s (total $((SECONDS - t0))s)"
