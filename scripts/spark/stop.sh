#!/usr/bin/env bash
# Stops the local Spark Thrift server that start.sh started (by its pid
# file only). Idempotent. SPARK_CLEAN=1 also removes the warehouse and
# metastore so the next start is empty.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

if [ -f "$SPARK_PID_FILE" ]; then
	pid=$(cat "$SPARK_PID_FILE")
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for _ in $(seq 1 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -9 "$pid" 2>/dev/null || true
		fi
		echo "spark: stopped (pid $pid)"
	fi
	rm -f "$SPARK_PID_FILE"
else
	echo "spark: not running"
fi
if [ "${SPARK_CLEAN:-0}" = 1 ]; then
	rm -rf "$SPARK_RUN_DIR/warehouse" "$SPARK_RUN_DIR/metastore_db" "$SPARK_RUN_DIR/tmp"
fi
