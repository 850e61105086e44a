package manifest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// jsonString is encoding/json's spelling of s without HTML escaping.
func jsonString(t testing.TB, s string) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func TestAppendString(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", `""`},
		{"short plain", "abc", `"abc"`},
		{"eight plain", "abcdefgh", `"abcdefgh"`},
		{"long plain", "select id from t where a >= 10", `"select id from t where a >= 10"`},
		{"quote after a plain block", "abcdefgh\"", `"abcdefgh\""`},
		{"backslash inside a block", "abc\\defghij", `"abc\\defghij"`},
		{"newline and tab", "a\nbcdefghij\tk", `"a\nbcdefghij\tk"`},
		{"control byte", "abcdefg\x01", `"abcdefg\u0001"`},
		{"NUL", "\x00abcdefgh", `"\u0000abcdefgh"`},
		{"DEL stays", "abcdefg\x7f", "\"abcdefg\x7f\""},
		{"html not escaped", "<a>&</a>xyz", `"<a>&</a>xyz"`},
		{"utf-8", "préfixe — ok", `"préfixe — ok"`},
		{"invalid utf-8", "abcdefg\xff", `"abcdefg\ufffd"`},
		{"line separator", "abcdefgh\u2028", `"abcdefgh\u2028"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(appendString(nil, c.in))
			if got != c.want {
				t.Errorf("appendString(%q) = %s, want %s", c.in, got, c.want)
			}
			if j := jsonString(t, c.in); got != j {
				t.Errorf("appendString(%q) = %s, encoding/json %s", c.in, got, j)
			}
		})
	}
}

// TestAppendStringEveryOffset puts each kind of byte that needs care at
// every offset around the eight-byte blocks appendString reads, alone and
// twice in a row, and compares with encoding/json.
func TestAppendStringEveryOffset(t *testing.T) {
	specials := []string{"\"", "\\", "\n", "\x01", "\x1f", "\x7f", " ", "é", "€", "𝄞", "\u2028", "\u2029", "\xff", "\xe2\x80"}
	for _, sp := range specials {
		for p := 0; p <= 17; p++ {
			for _, tail := range []int{0, 3, 9} {
				for _, in := range []string{
					strings.Repeat("a", p) + sp + strings.Repeat("b", tail),
					strings.Repeat("a", p) + sp + sp + strings.Repeat("b", tail),
				} {
					if got, want := string(appendString([]byte("x"), in)), "x"+jsonString(t, in); got != want {
						t.Fatalf("appendString(%q) = %s, encoding/json %s", in, got, want)
					}
				}
			}
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "abcdefgh", "a\"b\\c\nd", "\xff\xfe", "é\u2029", strings.Repeat("x", 17) + "\x1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendString(nil, s)), jsonString(t, s); got != want {
			t.Errorf("appendString(%q) = %s, encoding/json %s", s, got, want)
		}
	})
}

// BenchmarkAppendString encodes a model's SQL (plain ASCII with newlines).
func BenchmarkAppendString(b *testing.B) {
	sql := strings.Repeat("    select id, amount, created_at, updated_at from \"silver\".\"m_l1_00042\"\n", 8)
	buf := make([]byte, 0, 4096)
	b.SetBytes(int64(len(sql)))
	for i := 0; i < b.N; i++ {
		buf = appendString(buf[:0], sql)
	}
}

// TestAppendConfig: the map-free config encoder writes what encoding/json
// writes for ConfigMap, for every optional key alone and all together.
func TestAppendConfig(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name string
		cfg  project.Config
	}{
		{"zero", project.Config{}},
		{"model defaults", project.Config{Enabled: true, Materialized: "view", Tags: []string{"synth"}}},
		{"names", project.Config{Enabled: true, Materialized: "table", Database: "cat", Schema: "silver", Alias: "x"}},
		{"incremental", project.Config{Materialized: "incremental", UniqueKey: []string{"id", "d"}, IncrementalStrategy: "merge",
			PartitionBy: []string{"d"}, ClusterBy: []string{"c"}, FullRefresh: &no}},
		{"hooks", project.Config{PreHook: []string{"a"}, PostHook: []string{"b", "c\n\"q\""}, FullRefresh: &yes}},
		{"test", project.Config{Enabled: true, Materialized: "test", Severity: "warn", WarnIf: "!= 0", ErrorIf: "> 10", Where: "x > 1", StoreFailures: true}},
		{"seed", project.Config{Enabled: true, Materialized: "seed", ColumnTypes: map[string]string{"b": "int", "a": "varchar"}}},
		{"extra keys", project.Config{Materialized: "table", Extra: map[string]any{"file_format": "delta", "alias": "overridden", "zz": 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var w bytes.Buffer
			enc := json.NewEncoder(&w)
			enc.SetEscapeHTML(false) // as the manifest writes
			if err := enc.Encode(ConfigMap(c.cfg)); err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSuffix(w.String(), "\n")
			got, err := appendConfig(nil, &c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("appendConfig:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestAppendMarshalString: ids in parent_map, child_map and object keys are
// spelled as json.Marshal spells them, HTML escaping included.
func TestAppendMarshalString(t *testing.T) {
	for _, s := range []string{"", "model.p.m", "model.p.a&b", "test.p.x<y>", "é\u2028\"\\\n", "bad\xff"} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendMarshalString(nil, s); string(got) != string(want) {
			t.Errorf("appendMarshalString(%q) = %s, json.Marshal %s", s, got, want)
		}
	}
}
