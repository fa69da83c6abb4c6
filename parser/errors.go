package parser

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hookgen/hookgen/model"
)

// Error is a problem in a spec, located at the node that causes it.
type Error struct {
	Pos model.Pos
	Msg string
	// Warning marks a finding that does not stop generation.
	Warning bool
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every problem found in one document, sorted by position.
type ErrorList []*Error

func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sorted returns findings in file order, each once.
func Sorted(l ErrorList) ErrorList { return l.sorted() }

// sorted returns the list in file order, each problem once: a broken $ref
// that several paths reach is still one mistake.
func (l ErrorList) sorted() ErrorList {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
	return slices.CompactFunc(l, func(a, b *Error) bool { return *a == *b })
}

// warnf records a located finding that does not stop generation.
func (p *parser) warnf(pos model.Pos, format string, args ...any) {
	p.warns = append(p.warns, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// errorf records a located problem; parsing goes on so that one run reports
// as many problems as it can.
func (p *parser) errorf(pos model.Pos, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}
