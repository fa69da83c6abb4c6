package parser_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hookgen/hookgen/parser"
)

// FuzzParse feeds arbitrary documents to the parser, seeded with the real
// specs and the negative cases: it must never panic, and every failure must
// be a list of located errors.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../specs/*.yaml")
	v3, _ := filepath.Glob("../specs/v3/*.yaml")
	seeds = append(seeds, v3...)
	more, _ := filepath.Glob("testdata/negative/*/spec.*")
	for _, path := range append(seeds, more...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := parser.LintData("fuzz.yaml", data) // parsing and lint's checks
		if err == nil {
			return
		}
		var list parser.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error is not an ErrorList: %v", err)
		}
		for _, e := range list {
			if e.Pos.File == "" || e.Pos.Line < 1 || e.Pos.Col < 1 {
				t.Fatalf("unlocated error: %v", e)
			}
		}
	})
}
