package generator

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Contract is the set of gold models that declare meta.api.
type Contract struct {
	Models []Model
}

// Model is one gold model's contract.
type Model struct {
	Name        string
	Description string
	File        string // YAML file, for errors
	Line        int
	API         API
	Columns     []Column
}

// API is a model's meta.api block.
type API struct {
	Path        string
	Key         string
	Filters     []string
	DefaultSort string
}

// Column is a contract column.
type Column struct {
	Name        string
	DataType    string
	Description string
	NotNull     bool
	Unique      bool
	Enum        []string // accepted_values
	Line        int

	defaultSort bool
}

// Sortable reports whether the API sorts by the column: numbers, dates and
// the model's default_sort column.
func (c Column) Sortable() bool {
	if c.defaultSort {
		return true
	}
	switch baseType(c.DataType) {
	case "bigint", "integer", "decimal", "double", "date", "timestamp":
		return true
	}
	return false
}

var decimalRE = regexp.MustCompile(`^decimal\((\d+),\s*(\d+)\)$`)

// baseType normalizes a data type: decimal(p,s) -> decimal.
func baseType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if decimalRE.MatchString(t) {
		return "decimal"
	}
	return t
}

// decimalScale returns s of decimal(p,s).
func decimalScale(t string) int {
	m := decimalRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(t)))
	if m == nil {
		return -1
	}
	s, _ := strconv.Atoi(m[2])
	return s
}

const supportedTypes = "bigint, integer, decimal(p,s), double, varchar, date, timestamp, boolean"

var pathRE = regexp.MustCompile(`^/api(/[a-z0-9][a-z0-9-]*)+$`)
var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// yaml shapes.
type yFile struct {
	Models []yaml.Node `yaml:"models"`
}

type yModel struct {
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	Meta        map[string]any `yaml:"meta"`
	Config      struct {
		Meta map[string]any `yaml:"meta"`
	} `yaml:"config"`
	Columns []yaml.Node `yaml:"columns"`
}

type yColumn struct {
	Name        string `yaml:"name"`
	DataType    string `yaml:"data_type"`
	Description string `yaml:"description"`
	Tests       []any  `yaml:"tests"`
	DataTests   []any  `yaml:"data_tests"`
}

// LoadDir reads every *.yml and *.yaml file of dir (sorted by name) and
// returns the models that declare meta.api.
func LoadDir(dir string) (*Contract, error) {
	var files []string
	for _, pat := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return nil, fmt.Errorf("list contracts in %s: %w", dir, err)
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("no gold contracts (*.yml) in %s: write the gold models' YAML there, or pass the folder that holds them", dir)
	}
	srcs := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read contract: %w", err)
		}
		srcs[f] = b
	}
	return Parse(srcs)
}

// Parse reads contracts from YAML sources keyed by file name.
func Parse(srcs map[string][]byte) (*Contract, error) {
	names := make([]string, 0, len(srcs))
	for n := range srcs {
		names = append(names, n)
	}
	sort.Strings(names)
	c := &Contract{}
	seenModel := map[string]string{}
	seenPath := map[string]string{}
	for _, file := range names {
		var f yFile
		if err := yaml.NewDecoder(bytes.NewReader(srcs[file])).Decode(&f); err != nil {
			if err.Error() == "EOF" {
				continue
			}
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for i := range f.Models {
			mn := &f.Models[i]
			m, ok, err := parseModel(file, mn)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			where := fmt.Sprintf("%s:%d", file, m.Line)
			if prev, dup := seenModel[m.Name]; dup {
				return nil, fmt.Errorf("%s: model %s is also described at %s; describe it once", where, m.Name, prev)
			}
			seenModel[m.Name] = where
			if prev, dup := seenPath[m.API.Path]; dup {
				return nil, fmt.Errorf("%s: model %s: meta.api.path %s is also used at %s; give each model its own path", where, m.Name, m.API.Path, prev)
			}
			seenPath[m.API.Path] = where
			c.Models = append(c.Models, m)
		}
	}
	sort.Slice(c.Models, func(i, j int) bool { return c.Models[i].Name < c.Models[j].Name })
	return c, nil
}

func parseModel(file string, n *yaml.Node) (Model, bool, error) {
	var ym yModel
	if err := n.Decode(&ym); err != nil {
		return Model{}, false, fmt.Errorf("%s:%d: %w", file, n.Line, err)
	}
	meta := ym.Meta
	if meta == nil {
		meta = ym.Config.Meta
	}
	apiRaw, ok := meta["api"]
	if !ok {
		return Model{}, false, nil
	}
	m := Model{Name: ym.Name, Description: strings.TrimSpace(ym.Description), File: file, Line: n.Line}
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: model %s: %s", file, line, m.Name, fmt.Sprintf(format, args...))
	}
	if !identRE.MatchString(m.Name) {
		return m, false, errf(n.Line, "name %q is not a lower-case identifier", m.Name)
	}
	am, ok := apiRaw.(map[string]any)
	if !ok {
		return m, false, errf(n.Line, "meta.api must be a mapping with path, key, filters, default_sort")
	}
	for k, v := range am {
		switch k {
		case "path", "key", "default_sort":
			s, ok := v.(string)
			if !ok {
				return m, false, errf(n.Line, "meta.api.%s must be a string, got %v", k, v)
			}
			switch k {
			case "path":
				m.API.Path = s
			case "key":
				m.API.Key = s
			default:
				m.API.DefaultSort = s
			}
		case "filters":
			l, ok := v.([]any)
			if !ok {
				return m, false, errf(n.Line, "meta.api.filters must be a list of column names")
			}
			for _, x := range l {
				s, ok := x.(string)
				if !ok {
					return m, false, errf(n.Line, "meta.api.filters: %v is not a column name", x)
				}
				m.API.Filters = append(m.API.Filters, s)
			}
		default:
			return m, false, errf(n.Line, "meta.api.%s is not known; use path, key, filters, default_sort", k)
		}
	}
	if !pathRE.MatchString(m.API.Path) {
		return m, false, errf(n.Line, "meta.api.path %q must look like /api/area/name (lower case, digits, dashes)", m.API.Path)
	}
	seen := map[string]bool{}
	for i := range ym.Columns {
		cn := &ym.Columns[i]
		var yc yColumn
		if err := cn.Decode(&yc); err != nil {
			return m, false, fmt.Errorf("%s:%d: %w", file, cn.Line, err)
		}
		col := Column{Name: yc.Name, DataType: strings.ToLower(strings.TrimSpace(yc.DataType)), Description: strings.TrimSpace(yc.Description), Line: cn.Line}
		if !identRE.MatchString(col.Name) {
			return m, false, errf(cn.Line, "column name %q is not a lower-case identifier", col.Name)
		}
		if seen[col.Name] {
			return m, false, errf(cn.Line, "column %s is listed twice", col.Name)
		}
		seen[col.Name] = true
		switch baseType(col.DataType) {
		case "bigint", "integer", "decimal", "double", "varchar", "date", "timestamp", "boolean":
		case "":
			return m, false, errf(cn.Line, "column %s has no data_type; add one of: %s", col.Name, supportedTypes)
		default:
			return m, false, errf(cn.Line, "column %s: data_type %q is not supported; use one of: %s", col.Name, yc.DataType, supportedTypes)
		}
		for _, t := range append(yc.Tests, yc.DataTests...) {
			if err := applyTest(&col, t); err != nil {
				return m, false, errf(cn.Line, "column %s: %v", col.Name, err)
			}
		}
		m.Columns = append(m.Columns, col)
	}
	if len(m.Columns) == 0 {
		return m, false, errf(n.Line, "no columns: list every column with name, data_type and description")
	}
	col := func(name string) (Column, bool) {
		for _, c := range m.Columns {
			if c.Name == name {
				return c, true
			}
		}
		return Column{}, false
	}
	if m.API.Key != "" {
		c, ok := col(m.API.Key)
		if !ok {
			return m, false, errf(n.Line, "meta.api.key %q is not a column; use one of: %s", m.API.Key, strings.Join(colNames(m.Columns), ", "))
		}
		switch baseType(c.DataType) {
		case "bigint", "integer", "varchar":
		default:
			return m, false, errf(n.Line, "meta.api.key %s has type %s; a key must be bigint, integer or varchar", c.Name, c.DataType)
		}
		if !c.NotNull {
			return m, false, errf(c.Line, "key column %s needs a not_null test", c.Name)
		}
	}
	for _, f := range m.API.Filters {
		if _, ok := col(f); !ok {
			return m, false, errf(n.Line, "meta.api.filters: %q is not a column; use one of: %s", f, strings.Join(colNames(m.Columns), ", "))
		}
	}
	if m.API.DefaultSort == "" {
		m.API.DefaultSort = m.API.Key
	}
	if m.API.DefaultSort == "" {
		for _, c := range m.Columns {
			if c.Sortable() {
				m.API.DefaultSort = c.Name
				break
			}
		}
	}
	ds := strings.TrimPrefix(m.API.DefaultSort, "-")
	if c, ok := col(ds); !ok || baseType(c.DataType) == "boolean" {
		return m, false, errf(n.Line, "meta.api.default_sort %q is not a numeric, date or varchar column; use one of: %s", m.API.DefaultSort, strings.Join(colNames(m.Columns), ", "))
	}
	// The default order is a valid sort key too.
	for i := range m.Columns {
		if m.Columns[i].Name == ds {
			m.Columns[i].defaultSort = true
		}
	}
	return m, true, nil
}

func applyTest(c *Column, t any) error {
	switch x := t.(type) {
	case string:
		switch x {
		case "not_null":
			c.NotNull = true
		case "unique":
			c.Unique = true
		}
	case map[string]any:
		for name, args := range x {
			switch name {
			case "not_null":
				c.NotNull = true
			case "unique":
				c.Unique = true
			case "accepted_values":
				am, _ := args.(map[string]any)
				if inner, ok := am["arguments"].(map[string]any); ok {
					am = inner
				}
				vals, ok := am["values"].([]any)
				if !ok {
					return fmt.Errorf("accepted_values needs values: [a, b, ...]")
				}
				for _, v := range vals {
					s := fmt.Sprint(v)
					if strings.Contains(s, ",") {
						return fmt.Errorf("accepted value %q contains a comma, which an API enum cannot carry; rename the value", s)
					}
					if !slices.Contains(c.Enum, s) {
						c.Enum = append(c.Enum, s)
					}
				}
			}
		}
	}
	return nil
}

func colNames(cs []Column) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func sortableNames(cs []Column) []string {
	var out []string
	for _, c := range cs {
		if c.Sortable() {
			out = append(out, c.Name)
		}
	}
	return out
}
