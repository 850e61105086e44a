// Package databricks is the adapter for Databricks SQL warehouses (profile
// `type: databricks`) and for open-source Spark Thrift servers reached over
// HTTP (`type: spark`, `method: http`), both through
// github.com/databricks/databricks-sql-go.
//
// Relations are Unity Catalog names (`catalog`.`schema`.`table`, or
// `schema`.`table` without a catalog, as on a local Spark). Tables are Delta
// tables built with CREATE OR REPLACE TABLE ... USING DELTA AS, which Delta
// commits atomically; incremental models use MERGE INTO, INSERT INTO,
// INSERT OVERWRITE or REPLACE WHERE; configs partition_by,
// liquid_clustered_by, tblproperties, location_root and optimize shape the
// DDL.
//
// Profile fields (profiles.yml output block): host, http_path, port (443;
// 10001 for spark), catalog, schema, and either token (a personal access
// token) or client_id + client_secret (OAuth machine-to-machine); for spark
// user and password (Basic auth; defaults "techstore"). connect_timeout and
// query_timeout take seconds or durations; retries (4), retry_wait_min
// (1s) and retry_wait_max (30s) tune the retries on transient failures:
// HTTP 429/503 and lost connections are retried by the driver, statements
// that never left or are safe to repeat (CREATE OR REPLACE, MERGE, ...) and
// Delta commit conflicts by the adapter; SQL errors are not retried.
// Secrets are never printed. Metadata (ListRelations) is one statement per
// schema: information_schema on Databricks, SHOW TABLE EXTENDED on Spark,
// whose Delta tables report their columns when the server runs with
// spark.databricks.delta.catalog.update.enabled=true (scripts/spark).
//
// The Spark mode differs only in its HTTP transport (see SparkTransport): it
// adds the Basic auth Spark's servlet wants, asks OpenSession for the
// HIVE_CLI_SERVICE_PROTOCOL_V10 protocol so Spark answers with column-based
// results, and copies Spark's errorMessage into the field the driver reads
// so a failing statement shows Spark's message. The Databricks path never
// goes through it.
package databricks
