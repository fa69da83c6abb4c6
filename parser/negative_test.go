package parser_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/parser"
)

var update = flag.Bool("update", false, "rewrite the expected error.txt files")

var located = regexp.MustCompile(`^[^:\s]+:\d+:\d+: \S`)

// TestNegative parses every spec under testdata/negative. Each folder holds
// one broken spec and, in error.txt, the exact located message it must get.
func TestNegative(t *testing.T) {
	dirs, err := filepath.Glob("testdata/negative/*")
	if err != nil || len(dirs) < 10 {
		t.Fatalf("want at least 10 negative cases, found %d (%v)", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			spec := filepath.Join(dir, "spec.yaml")
			if _, err := os.Stat(spec); err != nil {
				spec = filepath.Join(dir, "spec.json")
			}
			_, err := parser.ParseFile(spec)
			if err == nil {
				t.Fatalf("%s parsed without error", spec)
			}
			got := err.Error() + "\n"
			for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
				if !located.MatchString(line) {
					t.Errorf("not a file:line:col: message: %q", line)
				}
			}
			want := filepath.Join(dir, "error.txt")
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test ./parser -run TestNegative -update)", err)
			}
			if got != string(exp) {
				t.Errorf("wrong error for %s\n got: %s\nwant: %s", spec, got, exp)
			}
		})
	}
}
