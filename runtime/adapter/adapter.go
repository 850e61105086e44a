package adapter

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Relation names a table or view in the warehouse.
type Relation struct {
	Database   string // catalog on Databricks; empty on DuckDB's default catalog
	Schema     string
	Identifier string
	Kind       string // "table" | "view" | "" when unknown
}

// Column is a column of a relation as the warehouse reports it.
type Column struct {
	Name     string
	DataType string
}

// Result is what a statement reports.
type Result struct {
	RowsAffected int64 // -1 when the warehouse does not say
	Message      string
}

// Dialect is what the compiler needs from an adapter without connecting:
// its type name (for dispatch) and how it spells relation names.
type Dialect interface {
	// Type is the adapter type used for macro dispatch: "duckdb", "databricks", "spark".
	Type() string
	// DispatchOrder lists the macro prefixes tried in order, e.g.
	// ["spark", "databricks", "default"]; the first existing one wins.
	DispatchOrder() []string
	// QuoteIdent quotes one identifier.
	QuoteIdent(name string) string
	// RelationName renders a relation as it appears in SQL.
	RelationName(r Relation) string
}

// Materialization is the request to build one model.
type Materialization struct {
	Relation            Relation
	Kind                string // view | table | incremental
	SQL                 string // the compiled select
	FullRefresh         bool
	UniqueKey           []string
	IncrementalStrategy string // append | merge | delete+insert | insert_overwrite | replace_where
	PartitionBy         []string
	ClusterBy           []string
	Extra               map[string]any // adapter-specific config (tblproperties, ...)
}

// Adapter is a live connection to a warehouse.
type Adapter interface {
	Dialect
	// Exec runs a statement that returns no rows.
	Exec(ctx context.Context, sql string) (Result, error)
	// Query runs a query and returns its column names and rows.
	Query(ctx context.Context, sql string, args ...any) (cols []string, rows [][]any, err error)
	// ListRelations returns every relation of a schema with its columns,
	// in one round trip per schema (nil map when the schema does not exist).
	ListRelations(ctx context.Context, database, schema string) (map[string]RelationInfo, error)
	// CreateSchema creates a schema if it does not exist.
	CreateSchema(ctx context.Context, database, schema string) error
	// Materialize builds a model atomically: readers see the old relation
	// until the new one is complete, and a failure leaves the old one in place.
	Materialize(ctx context.Context, m Materialization) (Result, error)
	// LoadTable replaces a table with the given rows (seeds), atomically.
	LoadTable(ctx context.Context, r Relation, cols []Column, rows [][]any) (Result, error)
	// Close releases the connection.
	Close() error
}

// RelationInfo is a relation with its columns.
type RelationInfo struct {
	Relation Relation
	Columns  []Column
}

// Config is a target's output block from profiles.yml after rendering.
type Config struct {
	Name    string         // target name (dev, prod, spark, ...)
	Type    string         // adapter type
	Schema  string         // default schema
	Threads int            // 0 when unset
	Fields  map[string]any // every key of the output block
}

// Factory opens an adapter for a target.
type Factory func(ctx context.Context, cfg Config) (Adapter, error)

// DialectFactory builds a Dialect for a target without connecting.
type DialectFactory func(cfg Config) (Dialect, error)

// Registry maps adapter types to their factories. The CLI builds one and
// registers the adapters it links; there is no package-level state.
type Registry struct {
	mu       sync.RWMutex
	open     map[string]Factory
	dialects map[string]DialectFactory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{open: map[string]Factory{}, dialects: map[string]DialectFactory{}}
}

// Register adds an adapter type.
func (r *Registry) Register(typ string, open Factory, dialect DialectFactory) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.open[typ] = open
	r.dialects[typ] = dialect
}

// Types lists the registered adapter types, sorted.
func (r *Registry) Types() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.open))
	for t := range r.open {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Open connects to the target's warehouse.
func (r *Registry) Open(ctx context.Context, cfg Config) (Adapter, error) {
	r.mu.RLock()
	f, ok := r.open[cfg.Type]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("target %q: unknown adapter type %q (known: %v)", cfg.Name, cfg.Type, r.Types())
	}
	return f(ctx, cfg)
}

// Dialect returns the dialect of a target without connecting.
func (r *Registry) Dialect(cfg Config) (Dialect, error) {
	r.mu.RLock()
	f, ok := r.dialects[cfg.Type]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("target %q: unknown adapter type %q (known: %v)", cfg.Name, cfg.Type, r.Types())
	}
	return f(cfg)
}
