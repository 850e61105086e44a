package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Layers is the depth of the generated DAG.
const Layers = 10

// perFolder is how many models share a folder (and a YAML file).
const perFolder = 100

// Generate writes a project with n models into dir (created if needed).
func Generate(dir string, n int) error {
	if n < Layers {
		return fmt.Errorf("synth: want at least %d models, got %d", Layers, n)
	}
	write := func(rel, text string) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		return nil
	}
	if err := write("project.yml", `name: synth
profile: synth
vars:
  min_amount: 10
  as_of_date: "2026-10-31"
models:
  synth:
    +materialized: view
    +tags: [synth]
    l0:
      +materialized: table
      +schema: bronze
    l9:
      +schema: gold
`); err != nil {
		return err
	}
	if err := write("profiles.yml", "synth:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse/synth.duckdb\n      schema: main\n"); err != nil {
		return err
	}
	if err := write("macros/helpers.sql", `{{- define "money" -}} cast(round({{ . }}, 2) as decimal(18,2)) {{- end -}}
{{- define "default__day_diff" -}} datediff({{ index . 0 }}, {{ index . 1 }}) {{- end -}}
{{- define "duckdb__day_diff" -}} date_diff('day', {{ index . 0 }}, {{ index . 1 }}) {{- end -}}
{{- define "safe_div" -}} case when {{ index . 1 }} = 0 then null else {{ index . 0 }} / {{ index . 1 }} end {{- end -}}
`); err != nil {
		return err
	}
	var src strings.Builder
	src.WriteString("version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n")
	for t := 0; t < 10; t++ {
		fmt.Fprintf(&src, "      - name: t%d\n        columns:\n          - name: id\n            tests: [not_null]\n", t)
	}
	if err := write("models/sources.yml", src.String()); err != nil {
		return err
	}
	per := n / Layers
	name := func(layer, i int) string { return fmt.Sprintf("m_l%d_%05d", layer, i) }
	for layer := 0; layer < Layers; layer++ {
		count := per
		if layer == Layers-1 {
			count = n - per*(Layers-1)
		}
		var yml strings.Builder
		folderStart := 0
		flush := func(end int) error {
			if yml.Len() == 0 {
				return nil
			}
			rel := fmt.Sprintf("models/l%d/f%03d/schema.yml", layer, folderStart/perFolder)
			err := write(rel, yml.String())
			yml.Reset()
			folderStart = end
			return err
		}
		for i := 0; i < count; i++ {
			if i%perFolder == 0 {
				if err := flush(i); err != nil {
					return err
				}
				yml.WriteString("version: 2\nmodels:\n")
			}
			var sql strings.Builder
			if i%7 == 0 {
				sql.WriteString("{{ config \"materialized\" \"incremental\" \"unique_key\" \"id\" \"tags\" (list \"hourly\") }}\n")
			}
			sql.WriteString("-- synthetic model ")
			sql.WriteString(name(layer, i))
			sql.WriteString("\nwith base as (\n")
			if layer == 0 {
				fmt.Fprintf(&sql, "    select id, amount, created_at, updated_at from {{ source \"raw\" \"t%d\" }}\n", i%10)
			} else {
				parents := 2 + i%2
				for k := 0; k < parents; k++ {
					if k > 0 {
						sql.WriteString("    union all\n")
					}
					p := (i*7 + k*13) % per
					fmt.Fprintf(&sql, "    select id, amount, created_at, updated_at from {{ ref %q }}\n", name(layer-1, p))
				}
			}
			sql.WriteString(")\nselect\n    id,\n    {{ include \"money\" \"amount\" }} as amount,\n")
			sql.WriteString("    {{ dispatch \"day_diff\" \"created_at\" \"updated_at\" }} as age_days,\n")
			sql.WriteString("    {{ include \"safe_div\" \"amount\" \"2\" }} as half,\n")
			sql.WriteString("    '{{ var \"as_of_date\" }}' as as_of_date\nfrom base\nwhere amount >= {{ var \"min_amount\" }}\n")
			sql.WriteString("{{ if is_incremental }}  and updated_at > (select max(updated_at) from {{ this }}){{ end }}\n")
			rel := fmt.Sprintf("models/l%d/f%03d/%s.sql", layer, i/perFolder, name(layer, i))
			if err := write(rel, sql.String()); err != nil {
				return err
			}
			fmt.Fprintf(&yml, "  - name: %s\n    description: Synthetic model %d of layer %d.\n    columns:\n", name(layer, i), i, layer)
			yml.WriteString("      - name: id\n        description: Identifier.\n        data_type: bigint\n        tests: [unique, not_null]\n")
			yml.WriteString("      - name: amount\n        description: Amount in euros.\n        data_type: decimal(18,2)\n")
			yml.WriteString("      - name: age_days\n        description: Days between creation and update.\n        data_type: integer\n")
		}
		if err := flush(count); err != nil {
			return err
		}
	}
	return nil
}
