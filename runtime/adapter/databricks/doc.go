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
// The Spark mode differs only in its HTTP transport (see SparkTransport): it
// adds the Basic auth Spark's servlet wants, asks OpenSession for the
// HIVE_CLI_SERVICE_PROTOCOL_V10 protocol so Spark answers with column-based
// results, and copies Spark's errorMessage into the field the driver reads
// so a failing statement shows Spark's message. The Databricks path never
// goes through it.
package databricks
