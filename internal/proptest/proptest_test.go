// Package proptest checks hookgen's invariant on random AsyncAPI 2.6
// documents: when generation succeeds, the package compiles and its own
// generated tests pass.
package proptest_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generator"
	"github.com/hookgen/hookgen/parser"
)

var (
	count = flag.Int("proptest.n", 2, "how many random documents to check")
	seed  = flag.Uint64("proptest.seed", 0, "the first document's seed (0: from the clock)")
)

// TestInvariant generates a package from each random document, then runs
// go test on it (which type-checks it and vets it too). A failing seed is
// printed with its document; rerun it with -proptest.seed.
func TestInvariant(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on generated packages")
	}
	first := *seed
	if first == 0 {
		first = uint64(time.Now().UnixNano())
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// Inside the module, so the generated package imports this hookgen; a
	// dot directory, so ./... never sees it.
	work, err := os.MkdirTemp(root, ".proptest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	for i := range uint64(*count) {
		s := first + i
		doc := newDoc(rand.New(rand.NewPCG(s, 0))).build()
		data, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := check(root, filepath.Join(work, fmt.Sprint("p", s)), data); err != nil {
			t.Errorf("seed %d (-proptest.seed=%d -proptest.n=1): %v\ndocument:\n%s", s, s, err, data)
		}
	}
}

// check generates the package of data into dir and runs its tests.
func check(root, dir string, data []byte) error {
	api, err := parser.Parse("spec.json", data)
	if err != nil {
		return fmt.Errorf("a valid document is refused: %v", err)
	}
	files, err := generator.Generate(api, generator.Config{Package: "prop", Spec: "spec.json"})
	if err != nil {
		return fmt.Errorf("a valid document does not generate: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Content, 0o644); err != nil {
			return err
		}
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "test", "-count=1", "./"+filepath.ToSlash(rel))
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("generated package fails go test: %v\n%s", err, out)
	}
	return nil
}
