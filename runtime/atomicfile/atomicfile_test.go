package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	errFill := errors.New("fill failed half-way")
	tests := []struct {
		name     string
		old      string // content before; "" for no file
		fill     func(io.Writer) error
		want     string // content after
		wantErr  bool
		wantMode os.FileMode
	}{
		{name: "new file in a new folder", fill: text("hello\n"), want: "hello\n", wantMode: 0o644},
		{name: "replaces the old content", old: "old\n", fill: text("new\n"), want: "new\n", wantMode: 0o644},
		{name: "a failing fill leaves the old file", old: "old\n", want: "old\n", wantErr: true, wantMode: 0o600,
			fill: func(w io.Writer) error { io.WriteString(w, "half"); return errFill }},
		{name: "a failing fill leaves no file", want: "", wantErr: true,
			fill: func(w io.Writer) error { return errFill }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "a", "b")
			path := filepath.Join(dir, "out.json")
			if tc.old != "" {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tc.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := Write(path, 0o644, tc.fill)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Write: err = %v, want error: %v", err, tc.wantErr)
			}
			if tc.wantErr && !errors.Is(err, errFill) {
				t.Errorf("Write: err = %v, want the fill's error", err)
			}
			b, rerr := os.ReadFile(path)
			switch {
			case tc.want == "" && !errors.Is(rerr, os.ErrNotExist):
				t.Errorf("file exists after a failed first write: %q, %v", b, rerr)
			case tc.want != "" && string(b) != tc.want:
				t.Errorf("content = %q, %v; want %q", b, rerr, tc.want)
			}
			if tc.want != "" {
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != tc.wantMode {
					t.Errorf("mode = %v, want %v", st.Mode().Perm(), tc.wantMode)
				}
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.txt")
	if err := WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "abc" {
		t.Fatalf("content = %q, %v; want abc", b, err)
	}
}

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}
