package parser

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hookgen/hookgen/model"
)

// Side is the party an AsyncAPI document describes. docs/asyncapi.md gives
// the rule that follows from it.
type Side string

// The sides of a webhook exchange.
const (
	// SideProvider: the document describes the provider, whose operations
	// send (AsyncAPI 3) or offer to subscribe to (AsyncAPI 2) what the
	// receiver receives.
	SideProvider Side = "provider"
	// SideReceiver: the document describes the receiver, whose operations
	// receive (AsyncAPI 3) or are published to (AsyncAPI 2).
	SideReceiver Side = "receiver"
)

func (s Side) valid() bool { return s == SideProvider || s == SideReceiver }

// extSide names, at a document's root, the side the document describes.
const extSide = "x-hookgen-side"

// serveSends decides whether the receiver receives the messages of the
// document's sending operations (send, subscribe) or of its receiving ones
// (receive, publish). The WithSide option decides, else x-hookgen-side; a
// document that goes one way only is served as it is; one that goes both
// ways describes the provider, and the receiving operations are left out
// with a warning.
func (p *parser) serveSends(doc, ops at, sends, receives int, send, receive string) bool {
	side := p.side
	if side == "" {
		if v, ok := doc.get(extSide); ok {
			side = Side(p.scalar(v, extSide))
			if !side.valid() {
				p.errorf(v.pos(), "%s must be %s or %s, not %q", extSide, SideProvider, SideReceiver, v.n.Value)
				return true
			}
		}
	}
	switch {
	case side != "":
		return side == SideProvider
	case sends > 0 && receives > 0:
		p.warnf(ops.pos(), "the document has %d %s and %d %s operations: hookgen takes it to describe the provider and serves what it sends (%s); "+
			"set %s: %s at the document's root to serve the %s operations instead (docs/asyncapi.md)",
			sends, send, receives, receive, send, extSide, SideReceiver, receive)
		return true
	}
	return sends > 0
}

// opSecurity is what one served operation asks for.
type opSecurity struct {
	name     string
	declared bool
	reqs     []model.SecurityRequirement
	pos      model.Pos
}

// requirements reads a security list: in AsyncAPI 2 a list of mappings of
// scheme names to scopes, each an alternative; in AsyncAPI 3 a list of
// security schemes (most often $refs to components), each an alternative
// of one scheme, with the scopes it lists.
func (p *parser) requirements(sec at, v3 bool, owner string) []model.SecurityRequirement {
	if sec.n.Kind != yaml.SequenceNode {
		p.errorf(sec.pos(), "security must be a list of requirements, not %s", kindName(sec.n))
		return nil
	}
	var out []model.SecurityRequirement
	for i, req := range sec.items() {
		if v3 {
			if u, ok := p.schemeUse(req, owner, i); ok {
				out = append(out, model.SecurityRequirement{u})
			}
			continue
		}
		if req.n.Kind != yaml.MappingNode {
			p.errorf(req.pos(), "a security requirement must be a mapping of scheme names to scopes, not %s", kindName(req.n))
			continue
		}
		var r model.SecurityRequirement
		for _, kv := range req.pairs() {
			scheme, ok := p.schemes[kv.key]
			if !ok {
				p.errorf(kv.keyAt.pos(), "security requirement names %q, which is not in components.securitySchemes", kv.key)
				continue
			}
			r = append(r, model.SecurityUse{Scheme: scheme, Scopes: p.strings(kv.v)})
		}
		out = append(out, r)
	}
	return out
}

// schemeUse reads one AsyncAPI 3 security entry: a $ref to a component
// scheme, or a scheme written in place, which gets a key of its owner's
// name unless an identical scheme already has one.
func (p *parser) schemeUse(req at, owner string, i int) (model.SecurityUse, bool) {
	a, err := p.deref(req)
	if err != nil {
		p.errs = append(p.errs, asError(err))
		return model.SecurityUse{}, false
	}
	var scheme *model.SecurityScheme
	if key, ok := strings.CutPrefix(a.ptr, "/components/securitySchemes/"); ok && a.f == p.root && !strings.Contains(key, "/") {
		scheme = p.schemes[unescapePtr(key)]
	}
	if scheme == nil {
		text := string(jsonOf(a.n))
		for _, s := range p.api.SecuritySchemes {
			if p.inline[s] == text {
				scheme = s
			}
		}
		if scheme == nil {
			key := inlineSchemeKey(owner, i)
			if scheme = p.securityScheme(key, a); scheme == nil {
				return model.SecurityUse{}, false
			}
			p.api.SecuritySchemes = append(p.api.SecuritySchemes, scheme)
			p.schemes[key] = scheme
			p.inline[scheme] = text
		}
	}
	var scopes []string
	if sc, ok := a.get("scopes"); ok {
		if sc.n.Kind != yaml.SequenceNode {
			p.errorf(sc.pos(), "scopes must be a list of scope names, not %s", kindName(sc.n))
		}
		scopes = p.strings(sc)
	}
	return model.SecurityUse{Scheme: scheme, Scopes: scopes}, true
}

// inlineSchemeKey names a scheme written in place after what holds it:
// "server production" and "operation sendAuthRevoke" give productionSecurity
// and sendAuthRevokeSecurity.
func inlineSchemeKey(owner string, i int) string {
	_, name, _ := strings.Cut(owner, " ")
	key := name + "Security"
	if i > 0 {
		key += fmt.Sprint(i + 1)
	}
	return key
}

// security joins the servers' requirements with the served operations':
// a delivery satisfies one alternative of its server and one of its
// operation. Every channel of a generated package is authenticated the
// same way, so operations that ask for different things are an error.
func (p *parser) security(api *model.API) []model.SecurityRequirement {
	var servers []model.SecurityRequirement
	for _, s := range api.Servers {
		for _, r := range s.Security {
			if !slices.ContainsFunc(servers, func(o model.SecurityRequirement) bool { return sameRequirement(o, r) }) {
				servers = append(servers, r)
			}
		}
	}
	var first *opSecurity
	var joined []model.SecurityRequirement
	for i := range p.ops {
		op := &p.ops[i]
		reqs := servers
		if op.declared {
			reqs = join(servers, op.reqs)
		}
		if first == nil {
			first, joined = op, reqs
			continue
		}
		if !slices.EqualFunc(joined, reqs, sameRequirement) {
			p.errorf(op.pos, "operation %s asks for other security than operation %s (at %s): a generated package authenticates every delivery the same way; "+
				"give them the same security, or generate a package per operation (docs/scope.md)", op.name, first.name, first.pos)
			return nil
		}
	}
	if first == nil {
		return servers
	}
	return joined
}

// join gives the alternatives of satisfying one of a and one of b.
func join(a, b []model.SecurityRequirement) []model.SecurityRequirement {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	var out []model.SecurityRequirement
	for _, x := range a {
		for _, y := range b {
			r := slices.Clone(x)
			for _, u := range y {
				if !slices.ContainsFunc(r, func(v model.SecurityUse) bool { return v.Scheme == u.Scheme }) {
					r = append(r, u)
				}
			}
			out = append(out, r)
		}
	}
	return out
}

func sameRequirement(a, b model.SecurityRequirement) bool {
	return slices.EqualFunc(a, b, func(x, y model.SecurityUse) bool {
		return x.Scheme == y.Scheme && slices.Equal(x.Scopes, y.Scopes)
	})
}
