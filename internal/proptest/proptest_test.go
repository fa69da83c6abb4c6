// Package proptest checks hookgen's invariant on random AsyncAPI 2.6, 3.0
// and 3.1 documents: the receiver serves the channels and messages the
// document says it receives, and when generation succeeds, the package
// compiles and its own generated tests pass.
package proptest_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generator"
	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/parser"
)

var (
	count = flag.Int("proptest.n", 2, "how many random documents to check")
	seed  = flag.Uint64("proptest.seed", 0, "the first document's seed (0: from the clock)")
	form  = flag.String("proptest.asyncapi", "", "write every document in this version, "+
		"2.6.0, 3.0.0 or 3.1.0 (empty: the seed picks one)")
)

// versions are the AsyncAPI versions a random API is written in. Each
// seed writes its API in one of them, the seed modulo 3: running go test
// on a generated package is what an iteration costs, so one form per
// iteration checks more APIs in the same time, consecutive seeds cover
// every version, and both forms must meet the same expectation (served).
// To tell a version's bug from one of the API, rerun the failing seed
// with -proptest.asyncapi set to another version.
var versions = []string{"2.6.0", "3.0.0", "3.1.0"}

// TestInvariant generates a package from each random document, then runs
// go test on it (which type-checks it and vets it too). A failing seed is
// printed with its document; rerun it with -proptest.seed.
func TestInvariant(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on generated packages")
	}
	if *form != "" && !slices.Contains(versions, *form) {
		t.Fatalf("-proptest.asyncapi=%s: the builder writes %v", *form, versions)
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
		a := newDoc(rand.New(rand.NewPCG(s, 0))).build()
		version := versions[s%uint64(len(versions))]
		if *form != "" {
			version = *form
		}
		data, err := json.MarshalIndent(a.document(version), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := check(root, filepath.Join(work, fmt.Sprint("p", s)), data, a.served()); err != nil {
			t.Errorf("seed %d, AsyncAPI %s (-proptest.seed=%d -proptest.n=1): %v\ndocument:\n%s", s, version, s, err, data)
		}
	}
}

// check reads data, checks that the channels it serves have the messages
// of want, by path, then generates its package into dir and runs its
// tests.
func check(root, dir string, data []byte, want map[string][]string) error {
	api, err := parser.Parse("spec.json", data)
	if err != nil {
		return fmt.Errorf("a valid document is refused: %v", err)
	}
	if got, want := served(api), servePaths(want); !reflect.DeepEqual(got, want) {
		return fmt.Errorf("the model serves, by path, messages %v; the document says %v", got, want)
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

// served returns, by the path each of api's channels is served at, the
// keys of its messages, sorted, and under "" the keys of api.Messages, the
// messages received on any channel.
func served(api *model.API) map[string][]string {
	out := map[string][]string{}
	var all []string
	for _, c := range api.Channels {
		var keys []string
		for _, m := range c.Messages {
			keys = append(keys, m.Key)
		}
		out[model.ServePath(c.Path)] = slices.Sorted(slices.Values(keys))
	}
	for _, m := range api.Messages {
		all = append(all, m.Key)
	}
	out[""] = slices.Sorted(slices.Values(all))
	return out
}

// servePaths returns want keyed by the paths its channels are served at,
// and under "" every message of it once, sorted: what served returns
// when the parser serves what want says.
func servePaths(want map[string][]string) map[string][]string {
	out := map[string][]string{}
	var all []string
	for path, keys := range want {
		out[model.ServePath(path)] = keys
		all = append(all, keys...)
	}
	slices.Sort(all)
	out[""] = slices.Compact(all)
	return out
}
