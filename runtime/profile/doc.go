// Package profile resolves a target from profiles.yml, in dbt's layout: a
// profile with `target:` and `outputs:`, values that may use
// `{{ env "NAME" "default" }}`. With no profiles.yml anywhere, the built-in
// default target `dev` is an embedded DuckDB file at
// warehouse/techstore.duckdb under the project folder.
package profile
