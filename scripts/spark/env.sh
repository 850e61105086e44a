# Shared settings of the local Spark Thrift server scripts (sourced, not run).
# Everything lives outside the repository: the virtual environment and the
# ivy cache under ~/.cache/techstore (kept between runs), the warehouse,
# metastore and logs under a run folder (default /tmp/techstore-spark).
SPARK_CACHE=${SPARK_CACHE:-$HOME/.cache/techstore}
SPARK_VENV=${SPARK_VENV:-$SPARK_CACHE/spark-venv}
SPARK_IVY=${SPARK_IVY:-$SPARK_CACHE/ivy}
SPARK_RUN_DIR=${SPARK_RUN_DIR:-${TMPDIR:-/tmp}/techstore-spark}
SPARK_HOST=${SPARK_HOST:-127.0.0.1}
SPARK_PORT=${SPARK_PORT:-10001}
SPARK_HTTP_PATH=${SPARK_HTTP_PATH:-cliservice}
# Delta 3.3.2 is built against Spark 3.5.3; with later 3.5.x pyspark
# releases CREATE OR REPLACE TABLE ... AS SELECT fails ("does not support
# truncate in batch mode"), so the pin is exact.
SPARK_PYSPARK_VERSION=${SPARK_PYSPARK_VERSION:-3.5.3}
SPARK_DELTA_PACKAGE=${SPARK_DELTA_PACKAGE:-io.delta:delta-spark_2.12:3.3.2}
SPARK_DRIVER_MEMORY=${SPARK_DRIVER_MEMORY:-3g}
SPARK_PID_FILE=$SPARK_RUN_DIR/thriftserver.pid
SPARK_LOG=$SPARK_RUN_DIR/thriftserver.log
