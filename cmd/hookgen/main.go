// Command hookgen turns a webhook provider's AsyncAPI 2.x or 3.x document
// into a Go package that receives that provider's callbacks.
//
// In a repository of your own, put a go:generate line beside the spec:
//
//	//go:generate go tool hookgen generate -spec doordash.yaml -package doordash -out .
//
// In this repository, `hookgen generate` regenerates every package that
// specs/hookgen.yaml lists.
package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/hookgen/hookgen/config"
	"github.com/hookgen/hookgen/generator"
	"github.com/hookgen/hookgen/parser"
)

const usage = `hookgen turns a webhook provider's AsyncAPI 2.x or 3.x document into a
Go package that receives its callbacks: typed payloads, a Handler with one
method per event, an authenticating http.Handler, the spec's examples and a
test kit.

Usage:

  hookgen generate [-config FILE]
        regenerate every package the config lists (default specs/hookgen.yaml)

  hookgen generate -spec FILE -package NAME -out DIR [-side provider|receiver] [-overlay FILE]...
        generate one package, e.g. from a //go:generate line:
        //go:generate go tool hookgen generate -spec doordash.yaml -package doordash -out .

  hookgen lint [-format text|json] [-strict] [-side S] [-overlay FILE]... [-config FILE] [SPEC...]
        check specs without generating: structure, examples against their
        schemas, routing, unused schemas (default: every spec of the config)

  hookgen send -spec FILE -url BASE [-message KEY] [-example NAME] [credentials]
        replay the spec's examples to a receiver (BASE + each channel's path),
        print each answer, exit 1 unless all were 200. Credentials:
        -basic user:pass, -bearer TOKEN, -client-credentials id:secret
        -token-url URL, -api-key KEY, -secret S (x-hookgen-hmac),
        -mac-key id:secret -mac-issued RFC3339 (when the key was issued),
        -private-key FILE (PEM; x-hookgen-signature)

  hookgen version
        print hookgen's version

Problems in a spec are reported as file:line:col: message, and hookgen exits
with status 1. Nothing is written unless the whole package generates.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "generate":
		return generate(args[1:], stdout, stderr)
	case "lint":
		return lint(args[1:], stdout, stderr)
	case "send":
		return send(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "hookgen", version())
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "hookgen: unknown command %q\n", args[0])
	if near := nearest(args[0], commands); near != "" {
		fmt.Fprintf(stderr, "did you mean hookgen %s?\n", near)
	}
	fmt.Fprintf(stderr, "\n%s", usage)
	return 2
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

func generate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hookgen generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "specs/hookgen.yaml", "the config file listing specs to generate")
	spec := fs.String("spec", "", "one AsyncAPI document to generate (instead of -config)")
	pkg := fs.String("package", "", "with -spec: the Go package name")
	out := fs.String("out", "", "with -spec: the output directory")
	side := sideFlag(fs)
	overlays := overlayFlag(fs)
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hookgen generate: unexpected argument %q (flags go before it; did you mean -spec %s?)\n", fs.Arg(0), fs.Arg(0))
		return 2
	}
	var pkgs []config.Package
	if *spec != "" {
		configSet := false
		fs.Visit(func(f *flag.Flag) { configSet = configSet || f.Name == "config" })
		if configSet {
			fmt.Fprintln(stderr, "hookgen generate: use -config or -spec, not both")
			return 2
		}
		if *pkg == "" || *out == "" {
			fmt.Fprintln(stderr, "hookgen generate: -spec needs -package and -out")
			return 2
		}
		pkgs = []config.Package{{Spec: *spec, Package: *pkg, Out: *out, Side: *side, Overlays: *overlays}}
	} else {
		cfg, err := config.Load(*cfgPath)
		if err != nil {
			fmt.Fprintln(stderr, "hookgen:", err)
			return 1
		}
		pkgs = cfg.Packages
		for i := range pkgs {
			pkgs[i].Side = cmp.Or(*side, pkgs[i].Side)
			pkgs[i].Overlays = append(pkgs[i].Overlays, *overlays...)
		}
	}
	failed := false
	for _, p := range pkgs {
		if err := generateOne(p, stderr); err != nil {
			fmt.Fprintln(stderr, err)
			failed = true
			continue
		}
		fmt.Fprintf(stdout, "hookgen: %s -> %s\n", p.Spec, p.Out)
	}
	if failed {
		return 1
	}
	return 0
}

// generateOne parses one spec and writes its package, all or nothing.
// Lint's warnings are printed to stderr; they do not stop generation.
func generateOne(p config.Package, stderr io.Writer) error {
	api, warns, err := parser.Lint(relToCwd(p.Spec), parseOptions(p)...)
	if err != nil {
		return err
	}
	for _, w := range warns {
		fmt.Fprintf(stderr, "%s: warning: %s\n", w.Pos, w.Msg)
	}
	files, err := generator.Generate(api, generator.Config{Package: p.Package, Spec: filepath.Base(p.Spec)})
	if err != nil {
		return err
	}
	return write(p.Out, files)
}

// sideFlag defines -side, which says which side of the exchange a spec
// describes.
func sideFlag(fs *flag.FlagSet) *string {
	return fs.String("side", "", "the side the spec describes, provider or receiver; overrides its x-hookgen-side (docs/asyncapi.md)")
}

// overlayFlag defines -overlay, which may be given several times.
func overlayFlag(fs *flag.FlagSet) *[]string {
	var paths []string
	fs.Func("overlay", "an OpenAPI Overlay `FILE` to apply to the spec before reading it; repeat to apply several, in order", func(s string) error {
		paths = append(paths, s)
		return nil
	})
	return &paths
}

// parseOptions are the parser options of a package: its side and overlays.
func parseOptions(p config.Package) []parser.Option {
	var opts []parser.Option
	if p.Side != "" {
		opts = append(opts, parser.WithSide(parser.Side(p.Side)))
	}
	var overlays []string
	for _, o := range p.Overlays {
		overlays = append(overlays, relToCwd(o))
	}
	if len(overlays) > 0 {
		opts = append(opts, parser.WithOverlays(overlays...))
	}
	return opts
}

// relToCwd shortens a path for messages: errors read specs/x.yaml:3:1, not
// a path that names the user's machine.
func relToCwd(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// write puts the files in dir, leaves unchanged files untouched, and removes
// generated files that the spec no longer produces.
func write(dir string, files []generator.File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, f := range files {
		keep[f.Name] = true
		path := filepath.Join(dir, f.Name)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, f.Content) {
			continue
		}
		if err := replaceFile(path, f.Content); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if keep[name] || !(strings.HasSuffix(name, ".gen.go") || strings.HasSuffix(name, ".gen_test.go")) {
			continue
		}
		path := filepath.Join(dir, name)
		if isGenerated(path) {
			errs = append(errs, os.Remove(path))
		}
	}
	return errors.Join(errs...)
}

// replaceFile replaces path in one step (a temporary file renamed over it),
// so that a failure half-way never leaves a truncated file behind.
func replaceFile(path string, content []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(content)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func isGenerated(path string) bool {
	data, err := os.ReadFile(path)
	return err == nil && generator.IsGenerated(data)
}
