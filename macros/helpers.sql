{{/*
  Project helpers used through `{{ include "name" args... }}`. They are the
  same on every warehouse; what differs goes through dispatch (see
  cross_dialect.sql).
*/}}

{{/* as_of_date: the project var as_of_date as a date when it is set, else the
     date of the latest order in the orders relation given as the argument.
     The var may arrive as text or as a YAML date; only YYYY-MM-DD is used. */}}
{{ define "as_of_date" }}{{ $d := var "as_of_date" "" }}{{ if $d }}cast('{{ $d | toString | trunc 10 }}' as date){{ else }}{{ dispatch "current_as_of_date" . }}{{ end }}{{ end }}

{{/* is_revenue: the common definition of a revenue order (metrics.md), on the
     raw status columns; never NULL. */}}
{{ define "is_revenue" }}coalesce(status <> 'cancelled' and payment_status not in ('failed', 'refunded'), false){{ end }}

{{/* normalize_spaces: trim and collapse runs of spaces. */}}
{{ define "normalize_spaces" }}trim({{ dispatch "regexp_replace_all" . "[ ]+" " " }}){{ end }}

{{/* bronze_metadata: the ingestion columns every bronze model adds. */}}
{{ define "bronze_metadata" }}cast('{{ var "batch_ts" "1970-01-01 00:00:00" }}' as timestamp) as _ingested_at,
    '{{ . }}' as _source,
    '{{ var "batch_id" "manual" }}' as _batch_id{{ end }}
