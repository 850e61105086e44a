{{/*
  Everything that differs between DuckDB and Databricks/Spark SQL (ANSI mode
  on) lives here, as dispatched macros: `{{ dispatch "datediff" a b }}` renders
  duckdb__datediff on DuckDB, databricks__datediff on Databricks and Spark,
  else default__datediff. Arguments are SQL expressions (strings); with
  several arguments dot is a list, so `index . 0` is the first one.
  Regular expressions given to these macros use no backslashes, so the same
  pattern text means the same thing in both string-literal grammars.
*/}}

{{/* datediff: whole days from start (arg 0) to end (arg 1), as integer. */}}
{{ define "duckdb__datediff" }}cast(datediff('day', {{ index . 0 }}, {{ index . 1 }}) as integer){{ end }}
{{ define "databricks__datediff" }}datediff({{ index . 1 }}, {{ index . 0 }}){{ end }}

{{/* dateadd_days: the date arg 0 plus arg 1 days (negative: earlier). */}}
{{ define "duckdb__dateadd_days" }}cast(({{ index . 0 }}) + cast({{ index . 1 }} as integer) as date){{ end }}
{{ define "databricks__dateadd_days" }}date_add({{ index . 0 }}, {{ index . 1 }}){{ end }}

{{/* add_months: the date arg 0 plus arg 1 months; the day is clamped to the
     month's last day (2024-02-29 - 12 months = 2023-02-28) on both. */}}
{{ define "duckdb__add_months" }}cast(({{ index . 0 }}) + to_months(cast({{ index . 1 }} as integer)) as date){{ end }}
{{ define "databricks__add_months" }}add_months({{ index . 0 }}, {{ index . 1 }}){{ end }}

{{/* date_trunc: first day of the unit (day, week = ISO Monday, month,
     quarter, year) containing the date or timestamp arg 1, as a date. */}}
{{ define "default__date_trunc" }}cast(date_trunc('{{ index . 0 }}', {{ index . 1 }}) as date){{ end }}

{{/* week_start: the Monday of the ISO week of the date. */}}
{{ define "default__week_start" }}cast(date_trunc('week', {{ . }}) as date){{ end }}

{{/* safe_divide: arg 0 / arg 1 as a double, NULL when arg 1 is 0 or NULL
     (Spark with ANSI on raises on division by zero; nullif avoids it). */}}
{{ define "default__safe_divide" }}(cast({{ index . 0 }} as double) / nullif({{ index . 1 }}, 0)){{ end }}

{{/* round_money: DECIMAL(18,2), rounded half away from zero. Going through
     DECIMAL(38,10) first makes a double such as 2.675 (stored as
     2.67499999...) round as the decimal an analyst reads, the same on both. */}}
{{ define "default__round_money" }}cast(round(cast({{ . }} as decimal(38,10)), 2) as decimal(18,2)){{ end }}

{{/* round_pct: a 0-100 percentage as DECIMAL(5,2), half away from zero. */}}
{{ define "default__round_pct" }}cast(round(cast({{ . }} as decimal(38,10)), 2) as decimal(5,2)){{ end }}

{{/* round_ratio: a non-money ratio as a double with 4 decimals. */}}
{{ define "default__round_ratio" }}round(cast({{ . }} as double), 4){{ end }}

{{/* to_money: exact cast of a DECIMAL(10,2)-like value to DECIMAL(18,2). */}}
{{ define "default__to_money" }}cast({{ . }} as decimal(18,2)){{ end }}

{{/* concat: NULL when any part is NULL, on both (DuckDB's concat() skips
     NULLs, its || operator does not). */}}
{{ define "duckdb__concat" }}({{ range $i, $p := . }}{{ if $i }} || {{ end }}{{ $p }}{{ end }}){{ end }}
{{ define "databricks__concat" }}concat({{ range $i, $p := . }}{{ if $i }}, {{ end }}{{ $p }}{{ end }}){{ end }}

{{/* regexp_replace_all: replace every match of the pattern arg 1 in arg 0 by
     the literal arg 2 (patterns and replacements are written without quotes). */}}
{{ define "duckdb__regexp_replace_all" }}regexp_replace({{ index . 0 }}, '{{ index . 1 }}', '{{ index . 2 }}', 'g'){{ end }}
{{ define "databricks__regexp_replace_all" }}regexp_replace({{ index . 0 }}, '{{ index . 1 }}', '{{ index . 2 }}'){{ end }}

{{/* regexp_like: true when the pattern arg 1 matches somewhere in arg 0
     (anchor it with ^...$ for a whole-string match). */}}
{{ define "duckdb__regexp_like" }}regexp_matches({{ index . 0 }}, '{{ index . 1 }}'){{ end }}
{{ define "databricks__regexp_like" }}({{ index . 0 }} rlike '{{ index . 1 }}'){{ end }}

{{/* title_case: first letter of each space-separated word upper case, the
     rest lower case (Spark's initcap; DuckDB has none, so split and map). */}}
{{ define "duckdb__title_case" }}array_to_string(list_transform(string_split(lower({{ . }}), ' '), lambda w: upper(left(w, 1)) || substr(w, 2)), ' '){{ end }}
{{ define "databricks__title_case" }}initcap(lower({{ . }})){{ end }}

{{/* current_as_of_date: the calendar date of the latest order_date in the
     orders relation given as the argument. Never the wall clock. */}}
{{ define "duckdb__current_as_of_date" }}(select cast(max(order_date) as date) from {{ . }}){{ end }}
{{ define "databricks__current_as_of_date" }}(select to_date(max(order_date)) from {{ . }}){{ end }}

{{/* date_series: a complete SELECT returning one row per period start
     (column period_start, a date) from arg 1 to arg 2 inclusive, stepping by
     the interval arg 3 (e.g. "1 month", "7 day"), for each row of the
     relation arg 0 that holds the bounds; arg 4 lists columns of that
     relation to carry along ("" for none). */}}
{{ define "duckdb__date_series" }}select cast(series_d as date) as period_start{{ if index . 4 }}, {{ index . 4 }}{{ end }} from (select unnest(generate_series(cast({{ index . 1 }} as timestamp), cast({{ index . 2 }} as timestamp), interval {{ index . 3 }})) as series_d{{ if index . 4 }}, {{ index . 4 }}{{ end }} from {{ index . 0 }}) series_rows{{ end }}
{{ define "databricks__date_series" }}select explode(sequence(cast({{ index . 1 }} as date), cast({{ index . 2 }} as date), interval {{ index . 3 }})) as period_start{{ if index . 4 }}, {{ index . 4 }}{{ end }} from {{ index . 0 }}{{ end }}
