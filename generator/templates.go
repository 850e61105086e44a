package generator

import (
	"fmt"
	"text/template"
)

// modelSrc and goldSrc are the templates of a model's file and of gold_gen.go.
const modelSrc = `{{/* one gold model */ -}}
` + Header + `
{{- with .Source}}
// Source: {{.}}
{{- end}}

package {{.Package}}

{{with .Model -}}
import (
	"cmp"
	"context"
{{- if .Key}}
	"fmt"
{{- end}}
	"net/http"
{{- if .NullableEnums}}
	"slices"
{{- end}}
{{- if .Strconv}}
	"strconv"
{{- end}}

	"github.com/danielgtaylor/huma/v2"

	"github.com/techstore-analytics/techstore/api/table"
)

// {{.Type}} is one row of gold.{{.Name}}.
{{- with .Description}}
//
// {{comment .}}
{{- end}}
type {{.Type}} struct {
{{- range .Fields}}
	{{.Field}} {{.GoType}} {{.StructT}}
{{- end}}
}

{{- if .NullableEnums}}
// TransformSchema admits null in the enums of nullable columns.
func ({{.Type}}) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	for _, c := range []string{ {{- range $i, $c := .NullableEnums}}{{if $i}}, {{end}}{{q $c}}{{end -}} } {
		if p := s.Properties[c]; p != nil && len(p.Enum) > 0 && !slices.Contains(p.Enum, any(nil)) {
			p.Enum = append(p.Enum, nil)
		}
	}
	return s
}

{{end -}}
// {{.Type}}List is a page of {{.Name}} rows.
type {{.Type}}List struct {
	Items  []{{.Type}} ` + "`" + `json:"items" doc:"The rows of this page."` + "`" + `
	Total  int ` + "`" + `json:"total" doc:"Rows matching the filters, over all pages."` + "`" + `
	Limit  int ` + "`" + `json:"limit" doc:"The page size asked for."` + "`" + `
	Offset int ` + "`" + `json:"offset" doc:"Rows skipped before this page."` + "`" + `
}

// Names of gold.{{.Name}} and its columns, for hand-written code.
const (
	{{.Type}}Model = {{q .Name}}
	{{.Type}}Path  = {{q .API.Path}}
{{- range .Fields}}
	Col{{$.Model.Type}}{{.Field}} = {{q .Name}}
{{- end}}
)
{{range .Fields}}{{if .Enum}}
// {{$.Model.Type}}{{.Field}}Values lists the accepted values of {{$.Model.Name}}.{{.Name}}.
func {{$.Model.Type}}{{.Field}}Values() []string {
	return []string{ {{- range $i, $v := .Enum}}{{if $i}}, {{end}}{{q $v}}{{end -}} }
}
{{end}}{{end}}
// {{.Var}}Spec describes gold.{{.Name}} for the snapshot store.
func {{.Var}}Spec() table.Spec[{{.Type}}] {
	return table.Spec[{{.Type}}]{
		Model:       {{q .Name}},
		Path:        {{q .API.Path}},
		Key:         {{q .API.Key}},
{{- with .Key}}
		KeyOf:       func(r *{{$.Model.Type}}) string { {{.Str}} },
{{- end}}
		Filters:     []string{ {{- range $i, $f := .Filters}}{{if $i}}, {{end}}{{q $f.Name}}{{end -}} },
		DefaultSort: {{q .API.DefaultSort}},
		Columns: []table.Col[{{.Type}}]{
{{- range .Fields}}
			{
				Name:     {{q .Name}},
				Type:     {{q .DataType}},
				Sortable: {{if .Cmp}}true{{else}}false{{end}},
				Scan:     func(r *{{$.Model.Type}}, v any) (err error) { {{.Scan}}; return err },
{{- if .Cmp}}
				Cmp:      func(a, b *{{$.Model.Type}}) int { return {{.Cmp}} },
{{- if .SortKey}}
				{{.SortKey}}: func(r *{{$.Model.Type}}) {{.KeyType}} { return {{.KeyExpr}} },
{{- end}}
{{- end}}
				IsNull:   func(r *{{$.Model.Type}}) bool { return {{.IsNull}} },
				Str: func(r *{{$.Model.Type}}) string {
					{{.Str}}
				},
			},
{{- end}}
		},
	}
}

// List{{.Type}}Input is the query of GET {{.API.Path}}.
type List{{.Type}}Input struct {
	table.Page
	Sort string ` + "`" + `query:"sort" enum:"{{.SortKeys}}" doc:"Order by a numeric or date column; prefix - for descending (e.g. -{{.FirstSortable}}). Default {{.API.DefaultSort}}."` + "`" + `
{{- range .Filters}}
	{{.Field}} string {{.Param}}
{{- end}}
}
{{- with .Key}}

// Get{{$.Model.Type}}Input is the path of GET {{$.Model.API.Path}}/{{"{"}}{{.Name}}{{"}"}}.
type Get{{$.Model.Type}}Input struct {
	{{.Field}} {{if eq .GoType "table.Dec2"}}float64{{else}}{{.GoType}}{{end}} {{.Param}}
}
{{- end}}

// register{{.Type}} registers the generated operations of {{.Name}};
// withList false leaves its list path to a hand-written operation.
func register{{.Type}}(api huma.API, cur func() *Gold, withList bool) {
	if withList {
	huma.Register(api, huma.Operation{
		OperationID: "list-{{.Kebab}}",
		Method:      http.MethodGet,
		Path:        {{q .API.Path}},
		Summary:     {{printf "List %s rows" .Name | q}},
		Description: {{printf "%s Paginated (limit, offset); sortable by: %s." (comment .Description) .Sortable | q}},
		Tags:        []string{ {{- q .Tag -}} },
	}, func(ctx context.Context, in *List{{.Type}}Input) (*table.Out[{{.Type}}List], error) {
		g := cur()
		if g == nil {
			return nil, table.NoSnapshot()
		}
		b, err := g.{{.Type}}.List(table.Query{Sort: in.Sort, Offset: in.Offset, Limit: in.Limit, Filters: []table.Filter{
{{- range .Filters}}
			{Column: {{q .Name}}, Value: in.{{.Field}}},
{{- end}}
		}})
		if err != nil {
			return nil, err
		}
		return table.Respond[{{.Type}}List](b), nil
	})
	}
{{- with .Key}}
	huma.Register(api, huma.Operation{
		OperationID: "get-{{$.Model.Kebab}}",
		Method:      http.MethodGet,
		Path:        {{printf "%s/{%s}" $.Model.API.Path .Name | q}},
		Summary:     {{printf "Get one %s row by %s" $.Model.Name .Name | q}},
		Description: {{printf "The %s row whose %s is the path value; 404 when there is none." $.Model.Name .Name | q}},
		Tags:        []string{ {{- q $.Model.Tag -}} },
	}, func(ctx context.Context, in *Get{{$.Model.Type}}Input) (*table.Out[{{$.Model.Type}}], error) {
		g := cur()
		if g == nil {
			return nil, table.NoSnapshot()
		}
		k := {{.KeyStr}}
		b, ok := g.{{$.Model.Type}}.Get(k)
		if !ok {
			return nil, huma.Error404NotFound(fmt.Sprintf({{printf "no %s row has %s %%s; list the rows at %s" $.Model.Name .Name $.Model.API.Path | q}}, k))
		}
		return table.Respond[{{$.Model.Type}}](b), nil
	})
{{- end}}
}
{{- end}}
`

const goldSrc = Header + `
{{- with .Source}}
// Source: {{.}}
{{- end}}

package {{.Package}}

import (
	"context"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"github.com/techstore-analytics/techstore/api/table"
)

// Gold holds every gold table of one snapshot; it is never modified once built.
type Gold struct {
{{- range .Models}}
	{{.Type}} *table.Table[{{.Type}}]
{{- end}}
}

// GoldModels lists the gold models the API serves, sorted.
func GoldModels() []string {
	return []string{
{{- range .Models}}
		{{q .Name}},
{{- end}}
	}
}

// GoldLoad says how LoadGold keeps each gold table; the zero value keeps
// every table's typed rows.
type GoldLoad struct {
{{- range .Models}}
	{{.Type}} table.LoadOptions[{{.Type}}]
{{- end}}
}

// LoadGold reads every gold table from src.
func LoadGold(ctx context.Context, src table.Source, opt GoldLoad) (*Gold, error) {
	g := &Gold{}
	var err error
{{- range .Models}}
	if g.{{.Type}}, err = table.Load(ctx, src, {{.Var}}Spec(), opt.{{.Type}}); err != nil {
		return nil, err
	}
{{- end}}
	return g, nil
}

// GoldColumns returns every gold model's contract columns, in order.
func GoldColumns() map[string][]table.Column {
	return map[string][]table.Column{
{{- range .Models}}
		{{q .Name}}: {
{{- range .Fields}}
			{Name: {{q .Name}}, Type: {{q .DataType}}},
{{- end}}
		},
{{- end}}
	}
}

// Counts returns the row count of every gold table.
func (g *Gold) Counts() map[string]int {
	return map[string]int{
{{- range .Models}}
		{{q .Name}}: g.{{.Type}}.Len(),
{{- end}}
	}
}

// RegisterGold registers the generated operations of every gold model;
// cur returns the snapshot a request reads (nil before the first load).
// Lists whose path is in handwritten are left to hand-written operations.
func RegisterGold(api huma.API, cur func() *Gold, handwritten ...string) {
{{- range .Models}}
	register{{.Type}}(api, cur, !slices.Contains(handwritten, {{q .API.Path}}))
{{- end}}
}
`

// templates parses the templates; each Generate call has its own.
func templates() (model, gold *template.Template, err error) {
	model, err = template.New("model").Funcs(funcs()).Parse(modelSrc)
	if err != nil {
		return nil, nil, fmt.Errorf("parse model template: %w", err)
	}
	gold, err = template.New("gold").Funcs(funcs()).Parse(goldSrc)
	if err != nil {
		return nil, nil, fmt.Errorf("parse gold template: %w", err)
	}
	return model, gold, nil
}
