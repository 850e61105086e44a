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
