package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/hookgen/hookgen/config"
	"github.com/hookgen/hookgen/parser"
)

// finding is one line of lint's output.
type finding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// lint checks specs and prints every finding, errors and warnings, one per
// line and sorted: file:line:col: error|warning: message.
func lint(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hookgen lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "specs/hookgen.yaml", "the config file listing the specs (when no SPEC is given)")
	format := fs.String("format", "text", "output format: text or json")
	strict := fs.Bool("strict", false, "exit 1 on warnings too")
	side := sideFlag(fs)
	overlays := overlayFlag(fs)
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "hookgen lint: -format must be text or json, not %q\n", *format)
		return 2
	}
	var specs []config.Package
	for _, spec := range fs.Args() {
		specs = append(specs, config.Package{Spec: spec, Overlays: *overlays})
	}
	if len(specs) == 0 {
		cfg, err := config.Load(*cfgPath)
		if err != nil {
			fmt.Fprintln(stderr, "hookgen:", err)
			return 1
		}
		specs = cfg.Packages
		for i := range specs {
			specs[i].Overlays = append(specs[i].Overlays, *overlays...)
		}
	}
	var all parser.ErrorList
	for _, spec := range specs {
		spec.Side = cmp.Or(*side, spec.Side)
		_, warns, err := parser.Lint(relToCwd(spec.Spec), parseOptions(spec)...)
		if err != nil {
			list := parser.Errors(err)
			if list == nil {
				fmt.Fprintln(stderr, "hookgen:", err)
				return 1
			}
			all = append(all, list...)
		}
		all = append(all, warns...)
	}
	all = parser.Sorted(all)
	errs, warns := 0, 0
	out := make([]finding, 0, len(all))
	for _, e := range all {
		sev := "error"
		if e.Warning {
			sev = "warning"
			warns++
		} else {
			errs++
		}
		out = append(out, finding{e.Pos.File, e.Pos.Line, e.Pos.Col, sev, e.Msg})
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(stderr, "hookgen:", err)
			return 1
		}
	} else {
		for _, f := range out {
			fmt.Fprintf(stdout, "%s:%d:%d: %s: %s\n", f.File, f.Line, f.Col, f.Severity, f.Message)
		}
	}
	if errs > 0 || (*strict && warns > 0) {
		return 1
	}
	return 0
}
