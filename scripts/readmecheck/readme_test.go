package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// block writes one example in the README's layout.
func block(marker, curl, json string) string {
	return marker + "\n```sh\n" + curl + "\n```\n```json\n" + json + "\n```\n"
}

func TestParse(t *testing.T) {
	ok := block("<!-- example: top -->", "curl -s 'http://127.0.0.1:8080/api/x?limit=2'", `{"a": 1}`)
	cases := []struct {
		name    string
		text    string
		want    []Example // Name, URL, Status, Expected compared
		wantErr string    // substring of the error
	}{
		{name: "none", text: "# title\n\nno examples\n"},
		{name: "one", text: "intro\n\n" + ok, want: []Example{{Name: "top", URL: "http://127.0.0.1:8080/api/x?limit=2", Status: 200, Expected: `{"a": 1}`}}},
		{name: "status and blank lines between blocks",
			text: "<!-- example: gone status=404 -->\n\n```sh\ncurl -s 'http://127.0.0.1:8080/api/y/9'\n```\n\n```json\n{\n  \"status\": 404\n}\n```\n",
			want: []Example{{Name: "gone", URL: "http://127.0.0.1:8080/api/y/9", Status: 404, Expected: "{\n  \"status\": 404\n}"}}},
		{name: "two", text: ok + "\ntext\n" + block("<!-- example: second -->", "curl -s 'http://127.0.0.1:8080/b'", `[1, 2]`),
			want: []Example{{Name: "top", URL: "http://127.0.0.1:8080/api/x?limit=2", Status: 200, Expected: `{"a": 1}`}, {Name: "second", URL: "http://127.0.0.1:8080/b", Status: 200, Expected: `[1, 2]`}}},
		{name: "duplicate name", text: ok + ok, wantErr: `README.md:8: example "top": the name is already used at line 1`},
		{name: "unknown attribute", text: block("<!-- example: top code=3 -->", "curl -s 'http://127.0.0.1:8080/a'", `{}`), wantErr: `unknown attribute "code=3"`},
		{name: "no sh block", text: "<!-- example: top -->\n```json\n{}\n```\n", wantErr: "line 2: expected a ```sh block"},
		{name: "not curl", text: block("<!-- example: top -->", "wget http://127.0.0.1:8080/a", `{}`), wantErr: "write the request as curl -s"},
		{name: "other host", text: block("<!-- example: top -->", "curl -s 'http://localhost:9999/a'", `{}`), wantErr: "must start with http://127.0.0.1:8080/"},
		{name: "two commands", text: "<!-- example: top -->\n```sh\ncurl -s 'http://127.0.0.1:8080/a'\ncurl -s 'http://127.0.0.1:8080/b'\n```\n```json\n{}\n```\n", wantErr: "must hold one line"},
		{name: "no json block", text: "<!-- example: top -->\n```sh\ncurl -s 'http://127.0.0.1:8080/a'\n```\ntext\n", wantErr: "line 5: expected a ```json block"},
		{name: "unclosed json", text: "<!-- example: top -->\n```sh\ncurl -s 'http://127.0.0.1:8080/a'\n```\n```json\n{}\n", wantErr: "line 5: the ```json block is not closed"},
		{name: "invalid json", text: block("<!-- example: top -->", "curl -s 'http://127.0.0.1:8080/a'", `{"a": }`), wantErr: "(line 6) is not valid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse("README.md", tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d examples, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Name != w.Name || g.URL != w.URL || g.Status != w.Status || g.Expected != w.Expected {
					t.Errorf("example %d = {%q %q %d %q}, want {%q %q %d %q}", i, g.Name, g.URL, g.Status, g.Expected, w.Name, w.URL, w.Status, w.Expected)
				}
			}
		})
	}
}

func TestSame(t *testing.T) {
	cases := []struct {
		name string
		a, b string
		want bool
	}{
		{"whitespace only", "{\n  \"a\": [1, 2],\n  \"b\": \"x y\"\n}", `{"a":[1,2],"b":"x y"}`, true},
		{"key order matters", `{"a":1,"b":2}`, `{"b":2,"a":1}`, false},
		{"number spelling matters", `{"price":1.50}`, `{"price":1.5}`, false},
		{"space inside a string matters", `{"a":"x y"}`, `{"a":"xy"}`, false},
		{"different value", `{"total":1090}`, `{"total":1091}`, false},
		{"escaped and literal string", `{"q":"a\u0026b é"}`, `{"q":"a&b \u00e9"}`, true},
		{"null is not zero", `{"a":null}`, `{"a":0}`, false},
		{"missing key", `{"a":1,"b":2}`, `{"a":1}`, false},
		{"array order matters", `[1,2]`, `[2,1]`, false},
		{"nested", `{"a":[{"b":[true,null]}]}`, `{ "a" : [ { "b" : [ true , null ] } ] }`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Same([]byte(tc.a), []byte(tc.b))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Same(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestPretty(t *testing.T) {
	long := `{"items":[{"customer_id":42,"name":"Manuel Gómez Ramírez","email":"manuel@example.com","country":"Spain","city":"Alicante"}],"total":1,"limit":1,"offset":0}`
	cases := []struct {
		name, in, want string
	}{
		{"scalar", `1.50`, `1.50`},
		{"short object on one line", `{"a":1,"b":[true,null],"c":"x"}`, `{"a": 1, "b": [true, null], "c": "x"}`},
		{"empty containers", `{"a":{},"b":[]}`, `{"a": {}, "b": []}`},
		{"long object expands, short children stay inline", long,
			"{\n" +
				"  \"items\": [\n" +
				"    {\n" +
				"      \"customer_id\": 42,\n" +
				"      \"name\": \"Manuel Gómez Ramírez\",\n" +
				"      \"email\": \"manuel@example.com\",\n" +
				"      \"country\": \"Spain\",\n" +
				"      \"city\": \"Alicante\"\n" +
				"    }\n" +
				"  ],\n" +
				"  \"total\": 1,\n" +
				"  \"limit\": 1,\n" +
				"  \"offset\": 0\n" +
				"}"},
		{"html characters kept literal", `{"q":"a<b&c"}`, `{"q": "a<b&c"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Pretty([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Pretty(%s) =\n%s\nwant\n%s", tc.in, got, tc.want)
			}
			if same, err := Same([]byte(tc.in), []byte(got)); err != nil || !same {
				t.Errorf("Pretty changed the value: Same = %v, %v", same, err)
			}
		})
	}
	for _, bad := range []string{`{"a":}`, `{"a":1} x`, ``} {
		if _, err := Pretty([]byte(bad)); err == nil {
			t.Errorf("Pretty(%q): no error", bad)
		}
	}
}

func TestRewrite(t *testing.T) {
	text := "# t\n" + block("<!-- example: a -->", "curl -s 'http://127.0.0.1:8080/a'", "{\"old\": 1}") +
		"middle\n" + block("<!-- example: b -->", "curl -s 'http://127.0.0.1:8080/b'", "{\n  \"old\": 2\n}") + "end\n"
	ex, err := Parse("README.md", text)
	if err != nil {
		t.Fatal(err)
	}
	got := Rewrite(text, ex, map[string]string{"a": "{\n  \"new\": 1\n}", "b": "[]"})
	want := "# t\n" + block("<!-- example: a -->", "curl -s 'http://127.0.0.1:8080/a'", "{\n  \"new\": 1\n}") +
		"middle\n" + block("<!-- example: b -->", "curl -s 'http://127.0.0.1:8080/b'", "[]") + "end\n"
	if got != want {
		t.Errorf("Rewrite:\n%s\nwant:\n%s", got, want)
	}
}

// TestRun checks a README against a real HTTP server on loopback: matching
// answers pass, a changed answer or status fails, -update rewrites.
func TestRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/one":
			w.Write([]byte(`{"id":1,"price":9.50}`))
		case "/api/missing":
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"status":404}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cases := []struct {
		name     string
		readme   string
		update   bool
		wantErr  string
		wantOut  string
		wantFile string // README after the run, when update
	}{
		{name: "matches", readme: block("<!-- example: one -->", "curl -s 'http://127.0.0.1:8080/api/one'", "{\n  \"id\": 1,\n  \"price\": 9.50\n}") +
			block("<!-- example: missing status=404 -->", "curl -s 'http://127.0.0.1:8080/api/missing'", `{"status": 404}`),
			wantOut: "all 2 README examples match the server"},
		{name: "changed value", readme: block("<!-- example: one -->", "curl -s 'http://127.0.0.1:8080/api/one'", `{"id": 1, "price": 9.5}`),
			wantErr: "1 of 1 README examples differ", wantOut: "README: {\"id\": 1, \"price\": 9.5}"},
		{name: "changed status", readme: block("<!-- example: missing -->", "curl -s 'http://127.0.0.1:8080/api/missing'", `{"status": 404}`),
			wantErr: "1 of 1 README examples differ", wantOut: "status 404, the README says 200"},
		{name: "update", readme: "x\n" + block("<!-- example: one -->", "curl -s 'http://127.0.0.1:8080/api/one'", `{}`), update: true,
			wantFile: "x\n" + block("<!-- example: one -->", "curl -s 'http://127.0.0.1:8080/api/one'", `{"id": 1, "price": 9.50}`)},
		{name: "no examples", readme: "# nothing\n", wantErr: "has no <!-- example: name --> blocks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "README.md")
			if err := os.WriteFile(path, []byte(tc.readme), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err := run(context.Background(), &out, path, srv.URL, tc.update, 5*time.Second)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("output %q does not contain %q", out.String(), tc.wantOut)
			}
			if tc.wantFile != "" {
				got, _ := os.ReadFile(path)
				if string(got) != tc.wantFile {
					t.Errorf("README after update:\n%s\nwant:\n%s", got, tc.wantFile)
				}
			}
		})
	}
}

// TestRepositoryREADME keeps the repository's README parseable: every example
// block is well formed and there are enough of them to cover the API.
func TestRepositoryREADME(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := Parse("README.md", string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) < 6 {
		t.Errorf("README.md has %d API examples, want at least 6", len(ex))
	}
}
