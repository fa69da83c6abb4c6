package generator

import (
	"fmt"
	"path"
	"strings"

	"github.com/dave/jennifer/jen"
)

// doc writes the package comment.
func (g *gen) doc(f *jen.File) {
	a := g.api
	var b strings.Builder
	fmt.Fprintf(&b, "Package %s receives the webhook callbacks of %s", g.cfg.Package, a.Title)
	if a.Version != "" {
		fmt.Fprintf(&b, " (version %s)", a.Version)
	}
	b.WriteString(".")
	if a.Description != "" {
		b.WriteString("\n\n" + a.Description)
	}
	fmt.Fprintf(&b, "\n\nhookgen generated it from %s (AsyncAPI %s); see README.md for the event catalog.", path.Base(g.cfg.Spec), a.AsyncAPI)
	for _, line := range strings.Split(wrap(b.String()), "\n") {
		f.PackageComment(line)
	}
}
