package project

import "encoding/json"

// ResourceType is the kind of a node, spelled as dbt spells it.
type ResourceType string

// Resource types known to the engine.
const (
	Model     ResourceType = "model"
	Test      ResourceType = "test"
	Seed      ResourceType = "seed"
	SourceRT  ResourceType = "source"
	Operation ResourceType = "operation"
)

// Materializations.
const (
	MatView        = "view"
	MatTable       = "table"
	MatIncremental = "incremental"
	MatEphemeral   = "ephemeral"
	MatSeed        = "seed"
	MatTest        = "test"
)

// Project is a loaded project: every node, source and macro, ready for the
// DAG and the compiler. Nodes, Sources and Macros are keyed by unique id
// (model.<project>.<name>, test.<project>.<name>, seed.<project>.<name>,
// source.<project>.<source>.<table>) or, for macros, by template name.
type Project struct {
	Name    string
	Profile string
	Root    string // absolute path of the project folder
	Version string

	Vars map[string]any // project vars after --vars overrides

	ModelPaths []string
	MacroPaths []string
	SeedPaths  []string
	TestPaths  []string

	OnRunStart []string
	OnRunEnd   []string

	Nodes   map[string]*Node
	Sources map[string]*Source
	Macros  map[string]*Macro

	// MacroFiles are the macro files as read, in path order, for the
	// template parser (each may define several macros).
	MacroFiles []File `json:"-"`
	// PropsFiles are the properties (YAML) files as read, in path order:
	// partial parsing compares an edited one with what it was
	// (DescriptionEdits).
	PropsFiles []File `json:"-"`
	// SelectorsFile is the path of selectors.yml relative to Root, "" when absent.
	SelectorsFile string `json:"-"`
}

// File is a project file as read: path relative to the project root, and text.
type File struct {
	Path string
	Text string
}

// Node is a model, seed or test.
type Node struct {
	UniqueID     string       `json:"unique_id"`
	Name         string       `json:"name"`
	ResourceType ResourceType `json:"resource_type"`
	PackageName  string       `json:"package_name"`
	// Path is relative to the node's resource folder (models/, seeds/, tests/),
	// OriginalFilePath relative to the project root.
	Path             string   `json:"path"`
	OriginalFilePath string   `json:"original_file_path"`
	PatchPath        string   `json:"patch_path,omitempty"` // the YAML file that describes it
	FQN              []string `json:"fqn"`

	Database string `json:"database,omitempty"`
	Schema   string `json:"schema"`
	Alias    string `json:"alias"`

	RawCode      string `json:"raw_code"`
	CompiledCode string `json:"compiled_code,omitempty"`
	Checksum     string `json:"checksum"` // sha256 of RawCode (or the CSV for seeds)

	Config      Config            `json:"config"`
	Tags        []string          `json:"tags"`
	Description string            `json:"description"`
	Columns     []*Column         `json:"-"` // in YAML order; manifest writes a map
	Meta        map[string]any    `json:"meta,omitempty"`
	DependsOn   DependsOn         `json:"depends_on"`
	Refs        []string          `json:"-"` // model/seed names passed to ref, in order of first use
	SourceRefs  [][2]string       `json:"-"` // (source, table) pairs passed to source
	Contract    map[string]string `json:"-"` // reserved

	// BaseConfig is the raw configuration from project.yml folder defaults
	// and the YAML properties, merged, before the file's own config calls.
	BaseConfig map[string]any `json:"-"`
	// Tests are the model-level generic tests declared in YAML (column
	// tests live on Columns).
	Tests []TestSpec `json:"-"`
	// PatchLine is the line of the node's entry in PatchPath (0 when none).
	PatchLine int `json:"-"`

	// Tests only.
	TestMetadata *TestMetadata `json:"test_metadata,omitempty"`
	AttachedNode string        `json:"attached_node,omitempty"` // unique id of the tested model/seed/source
	ColumnName   string        `json:"column_name,omitempty"`
}

// DependsOn lists the unique ids of upstream nodes and sources, and the
// macros the node's template uses (directly or through other macros).
type DependsOn struct {
	Nodes  []string `json:"nodes"`
	Macros []string `json:"macros"`
}

// Column is a documented column of a model, seed or source table.
type Column struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	DataType    string         `json:"data_type,omitempty"`
	Tags        []string       `json:"tags,omitempty"`
	Meta        map[string]any `json:"meta,omitempty"`
	Tests       []TestSpec     `json:"-"`
}

// TestSpec is a test as written in YAML under a model or column:
// `- unique`, `- accepted_values: {values: [...]}`, and so on.
type TestSpec struct {
	Name   string         // generic test name (not_null, relationships, my_macro_test, ...)
	Args   map[string]any // kwargs except config
	Config Config         // severity, where, warn_if, error_if, store_failures, tags
	File   string         // YAML file and line it was declared on, for errors
	Line   int
}

// TestMetadata identifies a generic test and its arguments, as in dbt.
// dbt's kwargs are the test's arguments with column_name (for a test on
// a column) and model added: Kwargs puts them together when asked, so
// that 20,000 tests do not each hold a copy.
type TestMetadata struct {
	Name      string
	Namespace string
	Args      map[string]any // as declared in YAML; shared, never modified
	Column    string         // the tested column; "" for a test on the whole model
	Model     string         // kwargs.model: "{{ get_where_subquery(ref('x')) }}"
}

// Kwargs returns dbt's kwargs: Args, then column_name (when Column is
// set) and model over them.
func (t *TestMetadata) Kwargs() map[string]any {
	m := make(map[string]any, len(t.Args)+2)
	for k, v := range t.Args {
		m[k] = v
	}
	if t.Column != "" {
		m["column_name"] = t.Column
	}
	m["model"] = t.Model
	return m
}

// MarshalJSON writes the metadata as dbt's manifest does: name, kwargs
// and namespace when set.
func (t TestMetadata) MarshalJSON() ([]byte, error) {
	out := struct {
		Name      string         `json:"name"`
		Kwargs    map[string]any `json:"kwargs"`
		Namespace string         `json:"namespace,omitempty"`
	}{t.Name, t.Kwargs(), t.Namespace}
	return json.Marshal(out)
}

// Config is a node's configuration after merging project defaults, YAML
// and the file's own config calls (file > YAML > project; tags accumulate).
type Config struct {
	Enabled             bool     `json:"enabled"`
	Materialized        string   `json:"materialized"`
	Tags                []string `json:"tags"`
	Database            string   `json:"database,omitempty"`
	Schema              string   `json:"schema,omitempty"`
	Alias               string   `json:"alias,omitempty"`
	UniqueKey           []string `json:"unique_key,omitempty"`
	IncrementalStrategy string   `json:"incremental_strategy,omitempty"`
	PartitionBy         []string `json:"partition_by,omitempty"`
	ClusterBy           []string `json:"cluster_by,omitempty"`
	PreHook             []string `json:"pre-hook,omitempty"`
	PostHook            []string `json:"post-hook,omitempty"`
	FullRefresh         *bool    `json:"full_refresh,omitempty"`
	// Tests.
	Severity      string `json:"severity,omitempty"` // warn | error (default error)
	WarnIf        string `json:"warn_if,omitempty"`  // default "!= 0"
	ErrorIf       string `json:"error_if,omitempty"` // default "!= 0"
	Where         string `json:"where,omitempty"`
	StoreFailures bool   `json:"store_failures,omitempty"`
	// Seeds: declared column types (column -> SQL type).
	ColumnTypes map[string]string `json:"column_types,omitempty"`
	// Extra holds every other key (tblproperties, liquid_clustered_by,
	// location_root, file_format, on_schema_change, ...), adapter-specific.
	Extra map[string]any `json:"extra,omitempty"`
}

// Source is one table of a declared source.
type Source struct {
	UniqueID         string         `json:"unique_id"` // source.<project>.<source>.<table>
	SourceName       string         `json:"source_name"`
	Name             string         `json:"name"` // table name
	Database         string         `json:"database,omitempty"`
	Schema           string         `json:"schema"`
	Identifier       string         `json:"identifier"`
	Description      string         `json:"description"`
	Columns          []*Column      `json:"-"`
	OriginalFilePath string         `json:"original_file_path"`
	FQN              []string       `json:"fqn"`
	Tags             []string       `json:"tags"`
	Meta             map[string]any `json:"meta,omitempty"`
	Loader           string         `json:"loader,omitempty"`
	// Tests are the table-level generic tests declared in YAML.
	Tests []TestSpec `json:"-"`
	// Line is the line of the table's entry in OriginalFilePath.
	Line int `json:"-"`
}

// Macro is a named template from macros/*.sql (`{{ define "name" }}...{{ end }}`).
type Macro struct {
	UniqueID         string   `json:"unique_id"` // macro.<project>.<name>
	Name             string   `json:"name"`
	OriginalFilePath string   `json:"original_file_path"`
	Line             int      `json:"line"`
	Body             string   `json:"macro_sql"`
	Checksum         string   `json:"checksum"`
	DependsOnMacros  []string `json:"depends_on_macros"` // names used via include/dispatch
}
