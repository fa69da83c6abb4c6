package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// commandHelp is what `hookgen <command> -h` prints above the flags.
var commandHelp = map[string]struct{ synopsis, about, example string }{
	"generate": {
		"hookgen generate [-config FILE] | -spec FILE -package NAME -out DIR [flags]",
		"Generate the Go receiver package of one spec, or of every package a\nhookgen.yaml lists.",
		"hookgen generate -spec doordash.yaml -package doordash -out . -overlay fixes.yaml",
	},
	"lint": {
		"hookgen lint [flags] [SPEC...]",
		"Check specs without generating: structure, examples against their\nschemas, routing, unused schemas. Without SPEC, every spec of the config.",
		"hookgen lint -strict -format json specs/grubhub.yaml",
	},
	"send": {
		"hookgen send -spec FILE -url BASE [flags]",
		"Replay the spec's examples to a receiver at BASE + each channel's path,\nsigned or authenticated as the flags say, and the handshakes recognised by\ntheir query; check each reply against its schema and each handshake's\nanswer. Exit 1 unless every answer is 200 with a valid reply.",
		"hookgen send -spec doordash.yaml -url http://127.0.0.1:8080/doordash -basic hookgen:secret",
	},
}

var commands = []string{"generate", "lint", "send", "version", "help"}

// parseFlags parses a command's flags. With -h it prints the command's
// help to stdout; a flag it does not know gets the nearest one suggested.
// ok is false when the command should exit with code.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	name := strings.TrimPrefix(fs.Name(), "hookgen ")
	fs.Usage = func() {} // the help is printed below, where it belongs
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		h := commandHelp[name]
		fmt.Fprintf(stdout, "Usage: %s\n\n%s\n\nExample:\n  %s\n\nFlags:\n", h.synopsis, h.about, h.example)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0, false
	}
	if bad, found := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); found {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if near := nearest(strings.TrimLeft(bad, "-"), names); near != "" {
			fmt.Fprintf(stderr, "did you mean -%s?\n", near)
		}
	}
	fmt.Fprintf(stderr, "run 'hookgen %s -h' for its flags\n", name)
	return 2, false
}

// nearest returns the candidate closest to s, if it is close enough to be
// what was meant: at most a third of its letters wrong.
func nearest(s string, candidates []string) string {
	best, bestDist := "", len(s)/3+1
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Damerau–Levenshtein distance (with adjacent swaps) of
// a and b: the usual typos, a letter missing, extra, wrong or two swapped,
// each count one.
func editDistance(a, b string) int {
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
