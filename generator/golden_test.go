package generator_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/config"
	"github.com/hookgen/hookgen/generator"
	"github.com/hookgen/hookgen/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files and error.txt files with the generator's output")

// located is how every line of an error.txt starts: file:line:col: message.
var located = regexp.MustCompile(`^[^:\s]+:\d+:\d+: \S`)

// A goldenCase is a spec and what generating it must give: the package
// checked in at Out or, when ErrorFile is set, the error that file holds.
type goldenCase struct {
	config.Package
	ErrorFile string
}

// goldenCases are every package of specs/hookgen.yaml and every folder of
// testdata (see testdata/README.md): adding a case is adding a folder.
func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	cfg, err := config.Load("../specs/hookgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	for _, p := range cfg.Packages {
		cases = append(cases, goldenCase{Package: p})
	}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		c, err := testdataCase(e.Name())
		if err != nil {
			t.Error(err)
			continue
		}
		cases = append(cases, c)
	}
	return cases
}

// testdataCase reads the layout of testdata/<name>: one spec, and golden/
// or error.txt to say whether the spec generates or fails. Paths use
// forward slashes so that error texts read the same on every system.
func testdataCase(name string) (goldenCase, error) {
	dir := "testdata/" + name
	var specs []string
	for _, s := range []string{"spec.yaml", "spec.json"} {
		if exists(dir + "/" + s) {
			specs = append(specs, dir+"/"+s)
		}
	}
	golden, errFile := exists(dir+"/golden"), exists(dir+"/error.txt")
	switch {
	case len(specs) != 1:
		return goldenCase{}, fmt.Errorf("%s: want one spec.yaml or spec.json, found %d", dir, len(specs))
	case golden && errFile:
		return goldenCase{}, fmt.Errorf("%s has both golden/ and error.txt: its spec either generates or fails; remove one", dir)
	case !golden && !errFile:
		return goldenCase{}, fmt.Errorf("%s has neither golden/ nor error.txt: create the one you expect and run go test ./generator -run TestGolden -update", dir)
	}
	c := goldenCase{Package: config.Package{Spec: specs[0], Package: name}}
	if golden {
		c.Out = dir + "/golden"
	} else {
		c.ErrorFile = dir + "/error.txt"
	}
	return c, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// run parses and generates one case.
func run(c goldenCase) ([]generator.File, error) {
	var opts []parser.Option
	if len(c.Overlays) > 0 {
		opts = append(opts, parser.WithOverlays(c.Overlays...))
	}
	api, err := parser.ParseFile(c.Spec, opts...)
	if err != nil {
		return nil, err
	}
	return generator.Generate(api, generator.Config{Package: c.Package.Package, Spec: filepath.Base(c.Spec)})
}

// generate is run for a case that must generate.
func generate(t testing.TB, c goldenCase) []generator.File {
	t.Helper()
	files, err := run(c)
	if err != nil {
		t.Fatalf("%s:\n%v", c.Spec, err)
	}
	return files
}

// errorText is what error.txt holds: the error with paths relative to the
// case folder, so that it does not depend on where the test runs.
func errorText(c goldenCase, err error) string {
	return strings.ReplaceAll(err.Error(), path.Dir(c.Spec)+"/", "") + "\n"
}

// TestGolden regenerates every case in memory and compares the package
// byte for byte with what is checked in, or the error with error.txt. Run
// with -update to accept a change.
func TestGolden(t *testing.T) {
	cases := goldenCases(t)
	var folders, failing int
	for _, c := range cases {
		if strings.HasPrefix(c.Spec, "testdata/") {
			folders++
		}
		if c.ErrorFile != "" {
			failing++
		}
	}
	if folders < 15 || failing < 3 {
		t.Errorf("found %d case folders in testdata, %d of them errors; want at least 15 and 3", folders, failing)
	}
	for _, c := range cases {
		t.Run(c.Package.Package, func(t *testing.T) {
			if c.ErrorFile != "" {
				checkError(t, c)
			} else {
				checkGolden(t, c)
			}
		})
	}
}

// checkGolden compares a case's generated files with its golden package.
func checkGolden(t *testing.T, c goldenCase) {
	files := generate(t, c)
	if *update {
		writeGolden(t, c.Out, files)
		return
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
		want, err := os.ReadFile(filepath.Join(c.Out, f.Name))
		if err != nil {
			t.Errorf("%v (run go test ./generator -update)", err)
			continue
		}
		if !bytes.Equal(want, f.Content) {
			t.Errorf("%s differs from the generator's output (run go test ./generator -update and review the diff):\n%s",
				filepath.Join(c.Out, f.Name), firstDiff(want, f.Content))
		}
	}
	// Hand-written tests may live beside the output; a file carrying the
	// generated header that is not generated any more would be stale.
	entries, _ := os.ReadDir(c.Out)
	for _, e := range entries {
		file := filepath.Join(c.Out, e.Name())
		if !e.IsDir() && !slices.Contains(names, e.Name()) && isGenerated(file) {
			t.Errorf("%s is not generated any more; remove it", file)
		}
	}
}

// checkError compares the error a case's spec gives with its error.txt.
func checkError(t *testing.T, c goldenCase) {
	_, err := run(c)
	if err == nil {
		t.Fatalf("%s generated without error; want the error in %s", c.Spec, c.ErrorFile)
	}
	got := errorText(c, err)
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if !located.MatchString(line) {
			t.Fatalf("%s: not a file:line:col: message: %q", c.Spec, line)
		}
	}
	if *update {
		if err := os.WriteFile(c.ErrorFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(c.ErrorFile)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s gives another error than %s (run go test ./generator -update and review the diff):\n got: %swant: %s",
			c.Spec, c.ErrorFile, got, want)
	}
}

// TestDeterministic generates each case twice: the bytes, or the error,
// must not differ.
func TestDeterministic(t *testing.T) {
	for _, c := range goldenCases(t) {
		a, errA := run(c)
		b, errB := run(c)
		if errA != nil || errB != nil {
			if errA == nil || errB == nil || errA.Error() != errB.Error() {
				t.Errorf("%s: error %v, then %v", c.Spec, errA, errB)
			}
			continue
		}
		if len(a) != len(b) {
			t.Fatalf("%s: %d files, then %d", c.Spec, len(a), len(b))
		}
		for i := range a {
			if a[i].Name != b[i].Name || !bytes.Equal(a[i].Content, b[i].Content) {
				t.Errorf("%s: %s differs between two runs:\n%s", c.Spec, a[i].Name, firstDiff(a[i].Content, b[i].Content))
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
