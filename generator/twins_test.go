package generator_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/config"
	"github.com/hookgen/hookgen/generator"
	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/parser"
)

// twinDir holds the AsyncAPI 3.0 twins of the provider specs: each a hand
// translation of the 2.6 spec of the same name in its parent folder.
const twinDir = "../specs/v3"

// twinVersion is the AsyncAPI version every twin is written in.
const twinVersion = "3.0.0"

// A twinDifference is a string that may differ between the file generated
// from a spec and the one generated from its twin: Orig in the one, Twin in
// the other, exactly once in each.
type twinDifference struct {
	File, Orig, Twin string
	Why              string
}

// twinDifferences lists every difference a spec and its twin may make in
// the generated package, and no other:
//   - doc.gen.go and README.md name the AsyncAPI version of the spec;
//   - README.md's channel table names each channel's operation as the
//     document says it, publish in AsyncAPI 2 and receive in AsyncAPI 3,
//     for what the receiver receives.
//
// It also checks what the generator does not render: each channel's
// operation id, summary and description must be the original's.
//
// Both are generated with the same Config, so the spec's file name, which
// the same two files mention, is the same.
func twinDifferences(orig, twin *model.API) ([]twinDifference, error) {
	if !strings.HasPrefix(orig.AsyncAPI, "2.") || twin.AsyncAPI != twinVersion {
		return nil, fmt.Errorf("AsyncAPI versions %q and %q: want a 2.x original and a %s twin", orig.AsyncAPI, twin.AsyncAPI, twinVersion)
	}
	version := func(v string) string { return "(AsyncAPI " + v + ")" }
	diffs := []twinDifference{
		{"doc.gen.go", version(orig.AsyncAPI), version(twin.AsyncAPI), "the package comment names the AsyncAPI version"},
		{"README.md", version(orig.AsyncAPI), version(twin.AsyncAPI), "the README names the AsyncAPI version"},
	}
	if len(orig.Channels) != len(twin.Channels) {
		return nil, fmt.Errorf("%d channels in the original, %d in the twin", len(orig.Channels), len(twin.Channels))
	}
	for i, oc := range orig.Channels {
		tc := twin.Channels[i]
		if oc.Path != tc.Path {
			return nil, fmt.Errorf("channel %d is %q in the original, %q in the twin", i+1, oc.Path, tc.Path)
		}
		if oc.Operation != "publish" || tc.Operation != "receive" {
			return nil, fmt.Errorf("channel %q: operation %q in the original, %q in the twin; want publish and receive (the documents describe the receiver)",
				oc.Path, oc.Operation, tc.Operation)
		}
		// The generator renders none of these, so the files cannot show
		// whether the twin kept them.
		for _, f := range [][3]string{
			{"operation id", oc.OperationID, tc.OperationID},
			{"operation summary", oc.OperationSummary, tc.OperationSummary},
			{"operation description", oc.OperationDescription, tc.OperationDescription},
		} {
			if f[1] != f[2] {
				return nil, fmt.Errorf("channel %q: %s %q in the original, %q in the twin", oc.Path, f[0], f[1], f[2])
			}
		}
		row := func(op string) string { return "| `" + oc.Path + "` | " + op + " |" }
		diffs = append(diffs, twinDifference{"README.md", row(oc.Operation), row(tc.Operation), "the channel table names the operation of channel " + oc.Path})
	}
	return diffs, nil
}

// TestV3Twins parses every provider spec of specs/hookgen.yaml and its
// AsyncAPI 3.0 twin in specs/v3, generates both with the same Config, and
// requires the same files with the same contents, but for the differences
// twinDifferences lists.
func TestV3Twins(t *testing.T) {
	cfg, err := config.Load("../specs/hookgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, p := range cfg.Packages {
		want[filepath.Base(p.Spec)] = true
	}
	entries, err := os.ReadDir(twinDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !want[e.Name()] {
			t.Errorf("%s/%s is no twin of a spec of specs/hookgen.yaml; remove it or list its original there", twinDir, e.Name())
		}
	}
	for _, p := range cfg.Packages {
		t.Run(p.Package, func(t *testing.T) {
			twinSpec := filepath.Join(twinDir, filepath.Base(p.Spec))
			gc := generator.Config{Package: p.Package, Spec: filepath.Base(p.Spec)}
			origAPI, origFiles := parseAndGenerate(t, p.Spec, gc)
			twinAPI, twinFiles := parseAndGenerate(t, twinSpec, gc)
			diffs, err := twinDifferences(origAPI, twinAPI)
			if err != nil {
				t.Fatalf("%s and %s: %v", p.Spec, twinSpec, err)
			}
			compareTwins(t, p.Spec, twinSpec, origFiles, twinFiles, diffs)
		})
	}
}

func parseAndGenerate(t *testing.T, spec string, cfg generator.Config) (*model.API, []generator.File) {
	t.Helper()
	api, err := parser.ParseFile(spec)
	if err != nil {
		t.Fatalf("%s:\n%v", spec, err)
	}
	files, err := generator.Generate(api, cfg)
	if err != nil {
		t.Fatalf("%s:\n%v", spec, err)
	}
	return api, files
}

// compareTwins reports every file that one package has and the other has
// not, and every file whose twin differs in more than diffs allow.
func compareTwins(t *testing.T, origSpec, twinSpec string, orig, twin []generator.File, diffs []twinDifference) {
	t.Helper()
	names := func(files []generator.File) []string {
		var out []string
		for _, f := range files {
			out = append(out, f.Name)
		}
		return out
	}
	if o, w := names(orig), names(twin); !slices.Equal(o, w) {
		t.Errorf("%s generates the files %v, its twin %s the files %v", origSpec, o, twinSpec, w)
	}
	byName := map[string][]byte{}
	for _, f := range twin {
		byName[f.Name] = f.Content
	}
	for _, f := range orig {
		got, ok := byName[f.Name]
		if !ok {
			continue
		}
		normalised, err := normaliseTwin(f.Name, f.Content, got, diffs)
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if !bytes.Equal(f.Content, normalised) {
			t.Errorf("%s differs between %s (-) and its twin %s (+), after normalising the differences twinDifferences lists:\n%s",
				f.Name, origSpec, twinSpec, contextDiff(f.Content, normalised, 3))
		}
	}
}

// normaliseTwin replaces, in the twin's file, each difference of that file
// with what the original's file says. Each must occur exactly once in each
// file, so that the normalisation touches nothing else.
func normaliseTwin(name string, orig, twin []byte, diffs []twinDifference) ([]byte, error) {
	for _, d := range diffs {
		if d.File != name || d.Orig == d.Twin {
			continue
		}
		if n := bytes.Count(orig, []byte(d.Orig)); n != 1 {
			return nil, fmt.Errorf("%s: want %q once in the original's file, found it %d times", d.Why, d.Orig, n)
		}
		if n := bytes.Count(twin, []byte(d.Twin)); n != 1 {
			return nil, fmt.Errorf("%s: want %q once in the twin's file, found it %d times", d.Why, d.Twin, n)
		}
		twin = bytes.Replace(twin, []byte(d.Twin), []byte(d.Orig), 1)
	}
	return twin, nil
}

// contextDiff shows where two texts first part: up to n common lines
// before, then up to n+1 lines of each from there, numbered.
func contextDiff(want, got []byte, n int) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	if i == len(w) && i == len(g) {
		return "(same lines, different bytes)"
	}
	var b strings.Builder
	for j := max(0, i-n); j < i; j++ {
		fmt.Fprintf(&b, "  %5d  %s\n", j+1, w[j])
	}
	for j := i; j < len(w) && j <= i+n; j++ {
		fmt.Fprintf(&b, "- %5d  %s\n", j+1, w[j])
	}
	for j := i; j < len(g) && j <= i+n; j++ {
		fmt.Fprintf(&b, "+ %5d  %s\n", j+1, g[j])
	}
	return b.String()
}
