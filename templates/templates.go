// Package templates holds the text/template sources of the files hookgen
// generates that are not Go: today, each package's README (its event
// catalog). Go files are built with jennifer instead.
package templates

import (
	"embed"
	"strings"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// Readme renders a generated package's README.md.
var Readme = template.Must(template.New("readme.md.tmpl").Funcs(template.FuncMap{
	"cell": cell,
}).ParseFS(files, "readme.md.tmpl"))

// cell makes text safe inside a Markdown table cell: one line, no bare pipes.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}
