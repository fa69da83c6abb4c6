package generator

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestEmitterFiles holds each emitter to the generator file named after
// the file it renders (handler.go renders handler.gen.go), so a reader
// finds what writes a generated file without searching.
func TestEmitterFiles(t *testing.T) {
	for _, e := range emitters {
		fn := runtime.FuncForPC(reflect.ValueOf(e.emit).Pointer())
		file, _ := fn.FileLine(fn.Entry())
		base := strings.TrimSuffix(e.name, ".go")
		want := strings.ReplaceAll(strings.ReplaceAll(base, ".gen_test", "test"), ".gen", "") + ".go"
		if got := filepath.Base(file); got != want {
			t.Errorf("%s is rendered by %s in %s, want it in %s", e.name, fn.Name(), got, want)
		}
	}
}

// TestDocsTable holds the table of generated files in docs/receiving.md
// to the emitters: the same files, in the same order, described alike.
func TestDocsTable(t *testing.T) {
	data, err := os.ReadFile("../docs/receiving.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "| `") && strings.Contains(line, ".gen") || strings.HasPrefix(line, "| `README.md`") {
			rows = append(rows, line)
		}
	}
	var want []string
	for _, e := range emitters {
		want = append(want, "| `"+e.name+"` | "+e.what+" |")
	}
	want = append(want, "| `README.md` | "+readmeWhat+" |")
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("docs/receiving.md lists the generated files as\n%s\nbut the generator writes\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}
