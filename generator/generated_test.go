package generator_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// TestSameImportNames: a package is imported under one name in every
// generated file, so code reads alike across files and packages.
func TestSameImportNames(t *testing.T) {
	fset := token.NewFileSet()
	names := map[string]map[string]string{} // path → name → a file using it
	for _, path := range generatedGo(t) {
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			name := p[strings.LastIndex(p, "/")+1:]
			if spec.Name != nil {
				name = spec.Name.Name
			}
			if names[p] == nil {
				names[p] = map[string]string{}
			}
			names[p][name] = path
		}
	}
	for p, byName := range names {
		if len(byName) > 1 {
			t.Errorf("%s is imported under several names: %v", p, byName)
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
