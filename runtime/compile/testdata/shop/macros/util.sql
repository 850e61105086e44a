{{- define "clean_email" -}} lower(trim({{ . }})) {{- end -}}

{{- define "default__day_diff" -}} datediff({{ index . 0 }}, {{ index . 1 }}) {{- end -}}
{{- define "duckdb__day_diff" -}} date_diff('day', {{ index . 0 }}, {{ index . 1 }}) {{- end -}}

{{- define "test_positive" -}}
select * from {{ .model }} where {{ .column_name }} <= 0
{{- end -}}
