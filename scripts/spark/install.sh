#!/usr/bin/env bash
# Installs what the local Spark Thrift server needs, idempotently: a Python
# virtual environment with pyspark 3.5 (cached under ~/.cache/techstore) and
# Java 17 when missing. The Delta jars come from Maven Central on first start
# (ivy cache, also under ~/.cache/techstore).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

if ! command -v java >/dev/null 2>&1; then
	echo "spark: java not found; installing openjdk-17-jre-headless" >&2
	apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

mkdir -p "$SPARK_CACHE" "$SPARK_IVY"
have=""
if [ -x "$SPARK_VENV/bin/python" ]; then
	have=$("$SPARK_VENV/bin/python" -c 'import pyspark; print(pyspark.__version__)' 2>/dev/null || true)
fi
if [ "$have" != "$SPARK_PYSPARK_VERSION" ] || [ ! -x "$SPARK_VENV/bin/spark-submit" ]; then
	[ -n "$have" ] && echo "spark: venv has pyspark $have, want $SPARK_PYSPARK_VERSION; reinstalling" >&2
	rm -rf "$SPARK_VENV"
	echo "spark: creating $SPARK_VENV (pyspark==$SPARK_PYSPARK_VERSION)" >&2
	python3 -m venv "$SPARK_VENV"
	"$SPARK_VENV/bin/pip" install -q "pyspark==$SPARK_PYSPARK_VERSION"
fi

jars=$("$SPARK_VENV/bin/python" -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')
if ls "$jars"/spark-hive-thriftserver_*.jar >/dev/null 2>&1; then
	echo "spark: thrift server jar present in $jars" >&2
else
	echo "spark: thrift server jar missing from $jars; start.sh adds it to --packages" >&2
fi

# Delta on the server's own class path: resolve io.delta:delta-spark (and
# delta-storage) through ivy once, then copy the jars into pyspark/jars, so
# the server needs no --packages at start and its classes never depend on
# per-run copies under the local dirs.
if ! ls "$jars"/delta-spark_*.jar >/dev/null 2>&1; then
	echo "spark: resolving $SPARK_DELTA_PACKAGE into $SPARK_IVY" >&2
	noop=$(mktemp --suffix=.py)
	: >"$noop"
	SPARK_HOME=$(dirname "$jars") PYSPARK_PYTHON="$SPARK_VENV/bin/python" \
		"$SPARK_VENV/bin/spark-submit" --master 'local[1]' --packages "$SPARK_DELTA_PACKAGE" \
		--conf "spark.jars.ivy=$SPARK_IVY" --conf spark.ui.enabled=false "$noop" >/dev/null 2>&1
	rm -f "$noop"
	found=0
	for j in "$SPARK_IVY"/jars/io.delta_delta-spark_*.jar "$SPARK_IVY"/jars/io.delta_delta-storage-*.jar; do
		[ -f "$j" ] || continue
		cp "$j" "$jars/$(basename "$j" | sed 's/^io\.delta_//')"
		found=$((found + 1))
	done
	if [ "$found" -lt 2 ]; then
		echo "spark: could not resolve $SPARK_DELTA_PACKAGE (see $SPARK_IVY)" >&2
		exit 1
	fi
fi
