package generator_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestTypeCheck compiles the generator's in-memory output of every golden
// case, test files included, so a change that breaks the generated code
// fails here even before the golden files are updated.
func TestTypeCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checking loads the packages' dependencies")
	}
	overlay := map[string][]byte{}
	var dirs []string
	for _, c := range goldenCases(t) {
		if c.ErrorFile != "" {
			continue
		}
		dir, err := filepath.Abs(c.Out)
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
		for _, f := range generate(t, c) {
			if strings.HasSuffix(f.Name, ".go") {
				overlay[filepath.Join(dir, f.Name)] = f.Content
			}
		}
	}
	cfg := &packages.Config{
		Mode:    packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
		Tests:   true,
		Overlay: overlay,
	}
	pkgs, err := packages.Load(cfg, dirs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < len(dirs) {
		t.Fatalf("loaded %d packages for %d directories", len(pkgs), len(dirs))
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			t.Errorf("%s: %v", p.PkgPath, e)
		}
	})
}
