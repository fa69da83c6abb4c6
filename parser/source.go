package parser

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	yaml4 "go.yaml.in/yaml/v4"
	"gopkg.in/yaml.v3"

	"github.com/hookgen/hookgen/model"
)

// file is one loaded spec file: the root document or a file a $ref names.
type file struct {
	abs  string // absolute path: the identity of the file
	name string // path for messages, as the user would write it
	root *yaml.Node
	// keys indexes the keys of large mappings, so that resolving N $refs
	// into components of N entries costs N lookups, not N² comparisons.
	keys map[*yaml.Node]map[string]int
	// origin is the overlay file each node an overlay added comes from.
	origin map[*yaml.Node]*file
}

// indexFrom is the mapping size from which get uses an index.
const indexFrom = 32

// at is a node with the file it lives in and its JSON pointer there, so that
// every value the parser reads can be located and every $ref resolved
// against the right file.
type at struct {
	f   *file
	n   *yaml.Node
	ptr string
}

func (a at) pos() model.Pos {
	if a.n == nil {
		return model.Pos{File: a.f.name, Line: 1, Col: 1}
	}
	name := a.f.name
	if f, ok := a.f.origin[a.n]; ok {
		name = f.name
	}
	return model.Pos{File: name, Line: max(a.n.Line, 1), Col: max(a.n.Column, 1)}
}

// key returns the position of a mapping key when the value is reported as
// missing or wrong as a whole, which reads better than the value's line.
func (a at) get(key string) (at, bool) {
	if a.n == nil || a.n.Kind != yaml.MappingNode {
		return at{}, false
	}
	if len(a.n.Content) >= 2*indexFrom && a.f != nil {
		idx := a.f.index(a.n)
		if i, ok := idx[key]; ok {
			return at{a.f, a.n.Content[i+1], a.ptr + "/" + escapePtr(key)}, true
		}
		return at{}, false
	}
	for i := 0; i+1 < len(a.n.Content); i += 2 {
		if a.n.Content[i].Value == key {
			return at{a.f, a.n.Content[i+1], a.ptr + "/" + escapePtr(key)}, true
		}
	}
	return at{}, false
}

// index returns the key index of a mapping, building it once. Mappings
// are not changed after loading, except for scalar values and the rewrites
// of checkShape, which drop their mapping's index.
func (f *file) index(n *yaml.Node) map[string]int {
	if idx, ok := f.keys[n]; ok {
		return idx
	}
	if f.keys == nil {
		f.keys = map[*yaml.Node]map[string]int{}
	}
	idx := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if _, dup := idx[n.Content[i].Value]; !dup { // the first wins, as in the scan
			idx[n.Content[i].Value] = i
		}
	}
	f.keys[n] = idx
	return idx
}

// pairs returns a mapping's entries in document order.
func (a at) pairs() []pair {
	if a.n == nil || a.n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]pair, 0, len(a.n.Content)/2)
	for i := 0; i+1 < len(a.n.Content); i += 2 {
		k := a.n.Content[i]
		out = append(out, pair{k.Value, at{a.f, k, a.ptr}, at{a.f, a.n.Content[i+1], a.ptr + "/" + escapePtr(k.Value)}})
	}
	return out
}

// items returns a sequence's elements.
func (a at) items() []at {
	if a.n == nil || a.n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]at, len(a.n.Content))
	for i, n := range a.n.Content {
		out[i] = at{a.f, n, a.ptr + "/" + strconv.Itoa(i)}
	}
	return out
}

type pair struct {
	key      string
	keyAt, v at
}

func escapePtr(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePtr(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// lookup follows a JSON pointer (RFC 6901) from the file's root.
func (f *file) lookup(ptr string) (at, bool) {
	return f.lookupVia(ptr, nil)
}

// lookupVia follows a JSON pointer; through, when set, follows a $ref the
// pointer passes: AsyncAPI tools resolve the whole document before reading
// pointers, so #/channels/echo/messages/echo names a message of the
// channel that channels.echo refers to in another file.
func (f *file) lookupVia(ptr string, through func(at) (at, bool)) (at, bool) {
	cur := at{f, f.root, ""}
	if ptr == "" || ptr == "/" {
		return cur, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return at{}, false
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapePtr(tok)
		if _, _, isRef := refOf(cur); isRef && through != nil {
			if _, own := cur.get(tok); !own {
				var ok bool
				if cur, ok = through(cur); !ok {
					return at{}, false
				}
			}
		}
		switch cur.n.Kind {
		case yaml.MappingNode:
			next, ok := cur.get(tok)
			if !ok {
				return at{}, false
			}
			cur = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(cur.n.Content) {
				return at{}, false
			}
			cur = at{cur.f, cur.n.Content[i], cur.ptr + "/" + tok}
		default:
			return at{}, false
		}
	}
	return cur, true
}

// load reads and parses a file once; later loads return the same *file.
func (p *parser) load(abs, name string, from model.Pos) (*file, error) {
	if f, ok := p.files[abs]; ok {
		return f, nil
	}
	data, err := p.readFile(abs)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, &Error{Pos: from, Msg: fmt.Sprintf("file %s does not exist", name)}
		}
		return nil, &Error{Pos: from, Msg: err.Error()}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(name, data, err)
	}
	f := &file{abs: abs, name: name, root: &doc}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		f.root = doc.Content[0]
	} else {
		return nil, &Error{Pos: model.Pos{File: name, Line: 1, Col: 1}, Msg: "the file is empty"}
	}
	p.files[abs] = f
	if err := p.checkDuplicateKeys(f.root, f); err != nil {
		return nil, err
	}
	return f, nil
}

// syntaxError locates a syntax error that yaml.v3 reports. yaml.v3 names
// only a line, and that one is where the enclosing construct starts,
// counted from 0; go-yaml v4, which shares its grammar, keeps the line and
// column of the problem itself, so the document is read again with it.
func syntaxError(name string, data []byte, err error) error {
	var n yaml4.Node
	var le *yaml4.LoadError
	if err4 := yaml4.Unmarshal(data, &n); errors.As(err4, &le) && le.Mark.Line > 0 {
		msg := le.Message
		if le.ContextMsg != "" && le.ContextMark.Line > 0 && le.ContextMark != le.Mark {
			msg += fmt.Sprintf(" (%s at line %d, column %d)", le.ContextMsg, le.ContextMark.Line, le.ContextMark.Column)
		}
		return &Error{Pos: model.Pos{File: name, Line: le.Mark.Line, Col: max(le.Mark.Column, 1)}, Msg: "invalid YAML or JSON: " + msg}
	}
	return &Error{Pos: model.Pos{File: name, Line: 1, Col: 1}, Msg: "invalid YAML or JSON: " + strings.TrimPrefix(err.Error(), "yaml: ")}
}

// checkDuplicateKeys reports a key given twice in one mapping: yaml.v3 keeps
// both in a node tree, and the second would silently win.
func (p *parser) checkDuplicateKeys(n *yaml.Node, f *file) error {
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]*yaml.Node, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if first, dup := seen[k.Value]; dup {
				return &Error{Pos: model.Pos{File: f.name, Line: k.Line, Col: k.Column}, Msg: fmt.Sprintf("key %q is already defined at line %d", k.Value, first.Line)}
			}
			seen[k.Value] = k
		}
	}
	for _, c := range n.Content {
		if err := p.checkDuplicateKeys(c, f); err != nil {
			return err
		}
	}
	return nil
}

// target is where a $ref points: a file and a JSON pointer in it.
type target struct {
	f   *file
	ptr string
}

// resolveRef finds the node a $ref value names, loading other files as
// needed. Relative file paths resolve against the referencing file.
func (p *parser) resolveRef(from at, ref string) (at, error) {
	filePart, frag, _ := strings.Cut(ref, "#")
	f := from.f
	if filePart != "" {
		if strings.Contains(filePart, "://") {
			return at{}, &Error{Pos: from.pos(), Msg: fmt.Sprintf("$ref %q: only local files can be referenced: save the document beside the spec and refer to it by path", ref)}
		}
		abs := filepath.Join(filepath.Dir(from.f.abs), filepath.FromSlash(filePart))
		name := filepath.ToSlash(filepath.Join(filepath.Dir(from.f.name), filepath.FromSlash(filePart)))
		var err error
		if f, err = p.load(abs, name, from.pos()); err != nil {
			return at{}, err
		}
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return at{}, &Error{Pos: from.pos(), Msg: fmt.Sprintf("$ref %q: the part after # must be a JSON pointer starting with /", ref)}
	}
	t, ok := f.lookupVia(frag, func(a at) (at, bool) {
		if p.following[a.n] {
			return at{}, false // a pointer through its own $ref names nothing
		}
		if p.following == nil {
			p.following = map[*yaml.Node]bool{}
		}
		p.following[a.n] = true
		defer delete(p.following, a.n)
		d, err := p.deref(a)
		return d, err == nil
	})
	if !ok {
		if filePart != "" {
			return at{}, &Error{Pos: from.pos(), Msg: fmt.Sprintf("$ref %q: %s has nothing at %s", ref, f.name, frag)}
		}
		return at{}, &Error{Pos: from.pos(), Msg: fmt.Sprintf("$ref %q: the document has nothing at %s", ref, frag)}
	}
	return t, nil
}

// refOf returns the $ref value of a node that is a reference.
func refOf(a at) (at, string, bool) {
	r, ok := a.get("$ref")
	if !ok || r.n.Kind != yaml.ScalarNode {
		return at{}, "", false
	}
	return r, r.n.Value, true
}

// deref follows a chain of $refs to the node it ends at. A chain that
// comes back to where it started is an error: it names nothing.
func (p *parser) deref(a at) (at, error) {
	seen := map[target]bool{}
	for {
		r, ref, ok := refOf(a)
		if !ok {
			return a, nil
		}
		next, err := p.resolveRef(r, ref)
		if err != nil {
			return at{}, err
		}
		t := target{next.f, next.ptr}
		if seen[t] {
			return at{}, &Error{Pos: r.pos(), Msg: fmt.Sprintf("$ref %q leads back to itself and never reaches a definition", ref)}
		}
		seen[t] = true
		a = next
	}
}

// checkRefs visits every $ref reachable from a node, in this file and the
// files it names, so that a broken reference anywhere is reported at its
// own line before anything else reads the document.
func (p *parser) checkRefs(a at, visited map[*yaml.Node]bool) {
	if a.n == nil || visited[a.n] {
		return
	}
	visited[a.n] = true
	if _, ref, ok := refOf(a); ok {
		next, err := p.deref(a)
		if err != nil {
			p.errs = append(p.errs, asError(err))
			return
		}
		_ = ref
		p.checkRefs(next, visited)
		return
	}
	switch a.n.Kind {
	case yaml.MappingNode:
		for _, kv := range a.pairs() {
			p.checkRefs(kv.v, visited)
		}
	case yaml.SequenceNode:
		for _, it := range a.items() {
			p.checkRefs(it, visited)
		}
	}
}

func asError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Msg: err.Error()}
}

// relativeTo returns target's path relative to the directory of from, with
// forward slashes, as a $ref would spell it.
func relativeTo(from, target string) (string, error) {
	rel, err := filepath.Rel(filepath.Dir(from), target)
	return filepath.ToSlash(rel), err
}
