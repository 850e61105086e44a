package medallion

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	duckdbdrv "github.com/duckdb/duckdb-go/v2"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/profile"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// repoRoot is the project folder: this package sits at internal/medallion.
const repoRoot = "../.."

// projectPaths are the parts of the repository that make the dbt-style project.
func projectPaths() []string {
	return []string{"project.yml", "selectors.yml", "models", "macros", "seeds", "tests"}
}

// newProject copies the project into a temporary folder with a profile
// whose dev target is a DuckDB file there, so runs write their target/
// and warehouse beside the copy and never in the repository.
func newProject(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range projectPaths() {
		if err := copyTree(filepath.Join(repoRoot, p), filepath.Join(dir, p)); err != nil {
			t.Fatalf("copy project: %v", err)
		}
	}
	profiles := "techstore:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n      threads: 4\n"
	if err := os.WriteFile(filepath.Join(dir, "profiles.yml"), []byte(profiles), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// session is a project copy on an open DuckDB warehouse.
type session struct {
	dir    string
	cfg    adapter.Config
	db     *duckdb.Adapter
	engine *compile.Engine
}

// openSession resolves the copy's profile, opens its warehouse and loads
// the raw data set into schema techstore.
func openSession(ctx context.Context, t *testing.T, dir, rawFile string) *session {
	t.Helper()
	cfg, err := profile.Resolve(dir, dir, "")
	if err != nil {
		t.Fatalf("resolve profile: %v", err)
	}
	db, err := duckdb.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open warehouse: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	raw, err := os.ReadFile(rawFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, string(raw)); err != nil {
		t.Fatalf("load %s: %v", rawFile, err)
	}
	return &session{dir: dir, cfg: cfg, db: db}
}

// compile loads and renders the project with the given vars.
func (s *session) compile(ctx context.Context, t testing.TB, vars map[string]any) {
	t.Helper()
	e, err := compile.Load(ctx, s.dir, compile.Options{Target: s.cfg, Dialect: duckdb.Dialect{}, Vars: vars})
	if err != nil {
		t.Fatalf("compile project: %v", err)
	}
	s.engine = e
}

// runner adapts the compile engine to the executor, as the CLI does.
type runner struct{ e *compile.Engine }

func (r runner) Render(n *project.Node, inc bool) (string, error) {
	return r.e.Render(n, compile.RenderContext{IsIncremental: inc})
}

func (r runner) RenderSQL(name, text string, n *project.Node) (string, error) {
	return r.e.RenderSQL(name, text, n)
}

func (r runner) Relation(id string) adapter.Relation { return r.e.Relation(id) }

// build runs `build` over the nodes keep accepts (every node when nil), in
// DAG order, and returns the summary.
func (s *session) build(ctx context.Context, t *testing.T, keep func(*project.Node) bool) exec.RunSummary {
	t.Helper()
	return s.run(ctx, t, "build", keep)
}

// run runs a command (build, run, test) over the nodes keep accepts.
func (s *session) run(ctx context.Context, t *testing.T, command string, keep func(*project.Node) bool) exec.RunSummary {
	t.Helper()
	var ids []string
	for _, id := range s.engine.DAG.Nodes() {
		n, ok := s.engine.Project.Nodes[id]
		if !ok || (keep != nil && !keep(n)) {
			continue
		}
		ids = append(ids, id)
	}
	sum, err := exec.Run(ctx, s.db, runner{s.engine}, s.engine.Project, ids, exec.Options{
		Command:    command,
		Threads:    4,
		TargetDir:  filepath.Join(s.dir, "target"),
		TargetName: s.cfg.Name,
	})
	if err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	return sum
}

// query returns the column names and the rows of q as text (see cell).
func (s *session) query(ctx context.Context, t *testing.T, q string) ([]string, [][]string) {
	t.Helper()
	cols, rows, err := s.db.Query(ctx, q)
	if err != nil {
		t.Fatalf("query %q: %v", q, err)
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, v := range r {
			out[i][j] = cell(v)
		}
	}
	return cols, out
}

// cell writes a warehouse value as the test's expectations spell it:
// NULL, integers in decimal, DECIMALs with exactly their scale (so a
// DECIMAL(18,2) reads 4250.00), doubles in their shortest form, dates as
// YYYY-MM-DD.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case duckdbdrv.Decimal:
		return decimalText(x.Value, int(x.Scale))
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	case []byte:
		return string(x)
	default:
		return fmt.Sprint(x)
	}
}

func decimalText(v *big.Int, scale int) string {
	s := new(big.Int).Abs(v).String()
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if v.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// failures lists the nodes of a run that did not succeed or pass, with
// their messages, for a readable test failure.
func failures(sum exec.RunSummary) []string {
	var out []string
	for _, r := range sum.Results {
		if r.Status != exec.StatusSuccess && r.Status != exec.StatusPass {
			out = append(out, fmt.Sprintf("%s %s: %s", r.Node.UniqueID, r.Status, r.Message))
		}
	}
	return out
}

// describeTest names a generic test by what it checks, e.g.
// "silver_customers.email expression_is_true = lower(trim(email))", and a
// singular test by its name.
func describeTest(p *project.Project, n *project.Node) string {
	if n.TestMetadata == nil {
		return n.Name
	}
	model := n.AttachedNode
	if a, ok := p.Nodes[n.AttachedNode]; ok {
		model = a.Name
	}
	if n.ColumnName != "" {
		model += "." + n.ColumnName
	}
	desc := model + " " + n.TestMetadata.Name
	if e, ok := n.TestMetadata.Args["expression"]; ok {
		desc += " " + fmt.Sprint(e)
	}
	if to, ok := n.TestMetadata.Args["to"]; ok {
		desc += " " + fmt.Sprint(to)
	}
	return desc
}

// jsonText is a compact JSON of v for failure messages.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
