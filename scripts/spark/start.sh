#!/usr/bin/env bash
# Starts a local Spark Thrift server (HiveThriftServer2) with Delta Lake in
# HTTP transport mode on 127.0.0.1, the engine a Databricks SQL warehouse
# runs, for the `spark` tests and `--target spark`. Idempotent: installs
# what is missing (install.sh), does nothing when the server already
# answers, and waits until it accepts an HTTP request.
#
#   scripts/spark/start.sh        # prints the log path, then "spark: ready ..."
#   scripts/spark/stop.sh
#
# Settings (env): SPARK_PORT (10001), SPARK_HTTP_PATH (cliservice),
# SPARK_RUN_DIR (warehouse, metastore and log; /tmp/techstore-spark),
# SPARK_CACHE (~/.cache/techstore: venv + ivy), SPARK_DRIVER_MEMORY (3g).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

url="http://$SPARK_HOST:$SPARK_PORT/$SPARK_HTTP_PATH"

# answers: the servlet is up (any HTTP status, 401 without credentials).
answers() {
	local code
	code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' -X POST "$url" 2>/dev/null || true)
	[ -n "$code" ] && [ "$code" != "000" ]
}

if [ -f "$SPARK_PID_FILE" ] && kill -0 "$(cat "$SPARK_PID_FILE")" 2>/dev/null && answers; then
	echo "spark: already running (pid $(cat "$SPARK_PID_FILE")), log $SPARK_LOG"
	echo "spark: ready at $url"
	exit 0
fi

"$here/install.sh"

mkdir -p "$SPARK_RUN_DIR/warehouse" "$SPARK_RUN_DIR/tmp"
jars=$("$SPARK_VENV/bin/python" -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')
# Delta is on the class path (install.sh copies it into pyspark/jars).
packages=""
if ! ls "$jars"/spark-hive-thriftserver_*.jar >/dev/null 2>&1; then
	ver=$("$SPARK_VENV/bin/python" -c 'import pyspark; print(pyspark.__version__)')
	packages="--packages org.apache.spark:spark-hive-thriftserver_2.12:$ver"
fi

export SPARK_HOME
SPARK_HOME=$(dirname "$jars")
export PATH="$SPARK_VENV/bin:$PATH"
export PYSPARK_PYTHON="$SPARK_VENV/bin/python"
export SPARK_LOCAL_IP=$SPARK_HOST
export SPARK_LOCAL_DIRS="$SPARK_RUN_DIR/tmp"

echo "spark: starting thrift server, log $SPARK_LOG"
# The metastore (Derby) and the warehouse live in the run folder: started
# from there so derby.log and metastore_db never land in the repository.
(
	cd "$SPARK_RUN_DIR"
	exec nohup "$SPARK_VENV/bin/spark-submit" \
		--class org.apache.spark.sql.hive.thriftserver.HiveThriftServer2 \
		--name techstore-thriftserver \
		--master 'local[2]' \
		--driver-memory "$SPARK_DRIVER_MEMORY" \
		$packages \
		--conf "spark.jars.ivy=$SPARK_IVY" \
		--conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
		--conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
		--conf spark.sql.ansi.enabled=true \
		--conf spark.sql.session.timeZone=UTC \
		--conf spark.sql.shuffle.partitions=2 \
		--conf spark.default.parallelism=2 \
		--conf spark.ui.enabled=false \
		--conf spark.databricks.delta.snapshotPartitions=1 \
		--conf spark.databricks.delta.stateReconstructionValidation.enabled=false \
		--conf spark.databricks.delta.stats.collect=false \
		--conf spark.databricks.delta.catalog.update.enabled=true \
		--conf spark.sql.adaptive.enabled=false \
		--conf spark.databricks.delta.properties.defaults.enableDeletionVectors=false \
		--conf "spark.sql.warehouse.dir=$SPARK_RUN_DIR/warehouse" \
		--conf "spark.driver.extraJavaOptions=-Dderby.system.home=$SPARK_RUN_DIR -Duser.timezone=UTC" \
		--hiveconf hive.server2.transport.mode=http \
		--hiveconf "hive.server2.thrift.bind.host=$SPARK_HOST" \
		--hiveconf "hive.server2.thrift.http.port=$SPARK_PORT" \
		--hiveconf "hive.server2.thrift.http.path=$SPARK_HTTP_PATH" \
		--hiveconf "javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=$SPARK_RUN_DIR/metastore_db;create=true" \
		>"$SPARK_LOG" 2>&1 </dev/null &
	echo $! >"$SPARK_PID_FILE"
)

pid=$(cat "$SPARK_PID_FILE")
# A cold start downloads Delta into the ivy cache; allow a few minutes.
deadline=$((SECONDS + ${SPARK_START_TIMEOUT:-300}))
until answers; do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "spark: the thrift server exited during start; last lines of $SPARK_LOG:" >&2
		tail -n 30 "$SPARK_LOG" >&2
		rm -f "$SPARK_PID_FILE"
		exit 1
	fi
	if [ $SECONDS -ge $deadline ]; then
		echo "spark: no answer at $url after ${SPARK_START_TIMEOUT:-300}s; see $SPARK_LOG" >&2
		exit 1
	fi
	sleep 2
done
echo "spark: ready at $url (pid $pid)"
