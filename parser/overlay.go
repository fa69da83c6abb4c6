package parser

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"

	"github.com/hookgen/hookgen/model"
)

// WithOverlays applies OpenAPI Overlay 1.0 or 1.1 documents, in order, to
// the document before it is read: a team keeps its corrections of a
// provider's spec outside the provider's file. Errors in an overlay are
// located in it, and what an overlay adds is located there too.
func WithOverlays(paths ...string) Option {
	return func(p *parser) { p.overlays = append(p.overlays, paths...) }
}

var overlayVersion = regexp.MustCompile(`^1\.[01]\.\d+$`)

// applyOverlays changes the root document by each overlay in turn.
// speakeasy-api/openapi's overlay package does the JSONPath selection and
// the merging on the parser's yaml.v3 tree. Its clones do not keep
// positions, so each node an action adds or rewrites gets the position of
// the node of the overlay (or, for copy, of the document) it came from.
func (p *parser) applyOverlays(doc *file) {
	for _, path := range p.overlays {
		abs, err := filepath.Abs(path)
		if err != nil {
			p.errorf(model.Pos{File: path, Line: 1, Col: 1}, "%v", err)
			continue
		}
		ovf, err := p.load(abs, filepath.ToSlash(path), model.Pos{File: path, Line: 1, Col: 1})
		if err != nil {
			p.errs = append(p.errs, asError(err))
			continue
		}
		actions, ok := p.checkOverlay(at{ovf, ovf.root, ""})
		if !ok {
			continue
		}
		data, _ := p.readFile(abs)
		ov, err := overlay.ParseReader(bytes.NewReader(data))
		if err != nil {
			p.errorf(model.Pos{File: ovf.name, Line: 1, Col: 1}, "reading the overlay: %v", err)
			continue
		}
		for i, action := range ov.Actions {
			before := shapes(doc.root, map[*yaml.Node]string{})
			sources := []source{{&action.Update, ovf}}
			if action.Copy != "" {
				sources = append(sources, source{deepCopy(doc.root), doc})
			}
			one := *ov
			one.Actions = []overlay.Action{action}
			warns, err := one.ApplyToStrict(doc.root)
			target, _ := actions[i].get("target")
			if err != nil {
				p.errorf(target.pos(), "overlay action %d (target %s): %v", i+1, action.Target, err)
				continue
			}
			for _, w := range warns {
				p.warnf(target.pos(), "overlay action %d: %s", i+1, w)
			}
			locate(doc, doc.root, before, sources)
		}
	}
}

// checkOverlay checks what the overlay package would report without a
// position, and returns the actions.
func (p *parser) checkOverlay(o at) ([]at, bool) {
	n := len(p.errs)
	if o.n.Kind != yaml.MappingNode {
		p.errorf(o.pos(), "an overlay must be a mapping, not %s", kindName(o.n))
		return nil, false
	}
	if v, ok := o.get("overlay"); !ok {
		p.errorf(o.pos(), "missing the overlay field: this does not look like an OpenAPI Overlay document")
	} else if !overlayVersion.MatchString(v.n.Value) {
		p.errorf(v.pos(), "unsupported Overlay version %q; hookgen applies 1.0.x and 1.1.x", v.n.Value)
	}
	if info, ok := p.mapping(o, "info", true); ok {
		p.str(info, "title", true)
		p.str(info, "version", true)
	}
	list, ok := o.get("actions")
	if !ok || list.n.Kind != yaml.SequenceNode || len(list.n.Content) == 0 {
		p.errorf(cmpAt(list, ok, o).pos(), "an overlay needs a list of actions")
		return nil, false
	}
	var actions []at
	for _, a := range list.items() {
		a, ok := p.object(a, "an overlay action")
		if !ok {
			continue
		}
		_, update := a.get("update")
		rm, remove := a.get("remove")
		_, cp := a.get("copy")
		switch {
		case p.str(a, "target", true) == "":
		case remove && rm.n.Value == "true" && update:
			p.errorf(rm.pos(), "an overlay action removes or updates its target, not both")
		case !update && !remove && !cp:
			p.errorf(a.pos(), "an overlay action needs update, remove or copy")
		}
		actions = append(actions, a)
	}
	return actions, len(p.errs) == n
}

// cmpAt is v when ok, else the mapping it was looked up in.
func cmpAt(v at, ok bool, in at) at {
	if ok {
		return v
	}
	return in
}

// source is a tree an action's nodes may come from.
type source struct {
	tree *yaml.Node
	f    *file
}

// shapes records each node's kind and value before an action, so that the
// nodes it adds or rewrites can be told from the others.
func shapes(n *yaml.Node, into map[*yaml.Node]string) map[*yaml.Node]string {
	into[n] = shape(n)
	for _, ch := range n.Content {
		shapes(ch, into)
	}
	return into
}

func shape(n *yaml.Node) string { return fmt.Sprint(n.Kind, n.Tag, n.Value, len(n.Content)) }

// deepCopy copies a tree with its positions: a copy action clones from the
// document as it was.
func deepCopy(n *yaml.Node) *yaml.Node {
	cp := *n
	cp.Content = nil
	for _, ch := range n.Content {
		cp.Content = append(cp.Content, deepCopy(ch))
	}
	return &cp
}

// locate gives each node an action added or rewrote the position of the
// first node of the sources with its shape and values, and records the
// file that node is in.
func locate(doc *file, n *yaml.Node, before map[*yaml.Node]string, sources []source) {
	if was, known := before[n]; !known || was != shape(n) {
		for _, s := range sources {
			if m := findSame(s.tree, n); m != nil {
				place(doc, n, m, s.f)
				return
			}
		}
	}
	for _, ch := range n.Content {
		locate(doc, ch, before, sources)
	}
}

// place gives n and its children, which have m's shape, m's positions.
func place(doc *file, n, m *yaml.Node, f *file) {
	n.Line, n.Column = m.Line, m.Column
	if f == doc {
		delete(doc.origin, n)
	} else {
		if doc.origin == nil {
			doc.origin = map[*yaml.Node]*file{}
		}
		doc.origin[n] = f
	}
	for i := range n.Content {
		place(doc, n.Content[i], m.Content[i], f)
	}
}

// findSame returns the first node of tree that has the shape and values of
// n, or nil.
func findSame(tree, n *yaml.Node) *yaml.Node {
	if same(tree, n) {
		return tree
	}
	for _, ch := range tree.Content {
		if m := findSame(ch, n); m != nil {
			return m
		}
	}
	return nil
}

func same(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Value != b.Value || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !same(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
