package generator_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/hookgen/hookgen/config"
	"github.com/hookgen/hookgen/generator"
	"github.com/hookgen/hookgen/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files with the generator's output")

// goldenCases are the specs whose output is checked in: every package of
// specs/hookgen.yaml, and the test spec that exercises every construct.
func goldenCases(t *testing.T) []config.Package {
	t.Helper()
	cfg, err := config.Load("../specs/hookgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return append(cfg.Packages, config.Package{
		Spec:    "testdata/constructs/spec.json",
		Package: "constructs",
		Out:     "testdata/constructs/golden",
	}, config.Package{
		Spec:    "testdata/edgecases/spec.yaml",
		Package: "edgecases",
		Out:     "testdata/edgecases/golden",
	}, config.Package{
		Spec:    "testdata/unnamed/spec.yaml",
		Package: "unnamed",
		Out:     "testdata/unnamed/golden",
	}, config.Package{
		Spec:    "testdata/integrity/spec.yaml",
		Package: "integrity",
		Out:     "testdata/integrity/golden",
	})
}

func generate(t testing.TB, p config.Package) []generator.File {
	t.Helper()
	api, err := parser.ParseFile(p.Spec)
	if err != nil {
		t.Fatalf("%s:\n%v", p.Spec, err)
	}
	files, err := generator.Generate(api, generator.Config{Package: p.Package, Spec: filepath.Base(p.Spec)})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGolden regenerates every golden package in memory and compares it
// byte for byte with what is checked in. Run with -update to accept a
// change.
func TestGolden(t *testing.T) {
	for _, p := range goldenCases(t) {
		t.Run(p.Package, func(t *testing.T) {
			files := generate(t, p)
			if *update {
				writeGolden(t, p.Out, files)
				return
			}
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
				want, err := os.ReadFile(filepath.Join(p.Out, f.Name))
				if err != nil {
					t.Errorf("%v (run go test ./generator -update)", err)
					continue
				}
				if !bytes.Equal(want, f.Content) {
					t.Errorf("%s differs from the generator's output (run go test ./generator -update and review the diff):\n%s",
						filepath.Join(p.Out, f.Name), firstDiff(want, f.Content))
				}
			}
			// Hand-written tests may live beside the output; a file
			// carrying the generated header that is not generated any more
			// would be stale.
			entries, _ := os.ReadDir(p.Out)
			for _, e := range entries {
				path := filepath.Join(p.Out, e.Name())
				if !e.IsDir() && !slices.Contains(names, e.Name()) && isGenerated(path) {
					t.Errorf("%s is not generated any more; remove it", path)
				}
			}
		})
	}
}

// TestDeterministic generates each package twice: the bytes must not differ.
func TestDeterministic(t *testing.T) {
	for _, p := range goldenCases(t) {
		a, b := generate(t, p), generate(t, p)
		if len(a) != len(b) {
			t.Fatalf("%s: %d files, then %d", p.Spec, len(a), len(b))
		}
		for i := range a {
			if a[i].Name != b[i].Name || !bytes.Equal(a[i].Content, b[i].Content) {
				t.Errorf("%s: %s differs between two runs:\n%s", p.Spec, a[i].Name, firstDiff(a[i].Content, b[i].Content))
			}
		}
	}
}

func isGenerated(path string) bool {
	data, err := os.ReadFile(path)
	return err == nil && generator.IsGenerated(data)
}

// writeGolden replaces the generated files of dir, keeping hand-written ones.
func writeGolden(t *testing.T, dir string, files []generator.File) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if path := filepath.Join(dir, e.Name()); !e.IsDir() && isGenerated(path) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// firstDiff shows the first line where two texts part, with its number.
func firstDiff(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl []byte
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if !bytes.Equal(wl, gl) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + string(wl) + "\n  got:  " + string(gl)
		}
	}
	return "(same lines, different bytes)"
}
