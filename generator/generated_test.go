package generator_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/imports"
)

// generatedGo are the Go files of every checked-in generated package.
func generatedGo(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"../generated/*/*.gen*.go", "testdata/*/golden/*.gen*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no generated files found")
	}
	return files
}

// TestGoimportsClean: goimports would change no generated file.
func TestGoimportsClean(t *testing.T) {
	for _, path := range generatedGo(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out, err := imports.Process(path, src, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !bytes.Equal(src, out) {
			t.Errorf("goimports would change %s", path)
		}
	}
}

// TestShortFunctions keeps every generated function readable: none of the
// provider packages' generated functions reaches 300 lines.
func TestShortFunctions(t *testing.T) {
	m, err := filepath.Glob("../generated/*/*.gen*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, path := range m {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if n := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1; n >= 300 {
				t.Errorf("%s: %s is %d lines long", path, fn.Name.Name, n)
			}
		}
	}
}
