package parser

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/hookgen/hookgen/model"
)

// messageChecks is what lint needs of a message beyond the model: its
// node, kin-openapi's schemas and its examples' nodes.
type messageChecks struct {
	at       at
	payload  *openapi3.Schema
	headers  *openapi3.Schema
	examples []exampleAt
}

type exampleAt struct {
	ex *model.Example
	at at
}

// lint looks for what is legal but probably wrong in a parsed document.
func (p *parser) lint(api *model.API) {
	for _, c := range api.Channels {
		for _, m := range c.Messages {
			p.lintExamples(c, m)
		}
	}
	p.lintUnused(api)
	for _, s := range api.SecuritySchemes {
		for _, f := range s.Flows {
			if f.TokenURL == "" && (f.Kind == "clientCredentials" || f.Kind == "password" || f.Kind == "authorizationCode") {
				p.warnf(s.Pos, "security scheme %s: the %s flow has an empty tokenUrl", s.Key, f.Kind)
			}
		}
	}
}

// checkSchemes reports, as an error, a scheme a delivery requires that
// hookgen cannot verify: generating a receiver for it would fail closed.
func (p *parser) checkSchemes(api *model.API) {
	for _, s := range api.SecuritySchemes {
		if required(api, s) && s.Type != "" && !verifiable(s) {
			hint := ""
			if s.Type == "asymmetricEncryption" {
				hint = "say how deliveries are signed with x-hookgen-signature (docs/spec-extensions.md), "
			}
			p.errorf(s.Pos, "security scheme %s of type %s: hookgen cannot verify it on an HTTP request (it verifies userPassword, http basic and bearer, httpApiKey, apiKey, oauth2, openIdConnect, and asymmetricEncryption with x-hookgen-signature): %srequire another scheme for this server, or none and configure WithVerifier (docs/scope.md)", s.Key, s.Type, hint)
		}
	}
}

// required reports whether a delivery may have to satisfy s.
func required(api *model.API, s *model.SecurityScheme) bool {
	for _, req := range api.Security {
		for _, u := range req {
			if u.Scheme == s {
				return true
			}
		}
	}
	return false
}

func verifiable(s *model.SecurityScheme) bool {
	switch s.Type {
	case "userPassword", "httpApiKey", "apiKey", "oauth2", "openIdConnect":
		return true
	case "asymmetricEncryption":
		return s.KeySignature != nil
	case "http":
		return strings.EqualFold(s.Scheme, "basic") || strings.EqualFold(s.Scheme, "bearer")
	}
	return false
}

// lintExamples validates each example against the message's schemas and
// checks that its discriminator value routes to its own message.
func (p *parser) lintExamples(c *model.Channel, m *model.Message) {
	chk := p.checks[m]
	if chk == nil {
		return
	}
	for i, ea := range chk.examples {
		name := ea.ex.Name
		if name == "" {
			name = "#" + strconv.Itoa(i+1)
		}
		bad := map[string]bool{}
		if pl, ok := ea.at.get("payload"); ok && chk.payload != nil {
			for _, f := range validate(chk.payload, ea.ex.Payload) {
				bad["payload/"+f.ptr] = true
				p.warnf(child(pl, strings.Split(f.ptr, "/")...).pos(), "example %s of message %s: %s%s", name, m.Key, f.where("payload"), f.msg)
			}
		}
		if h, ok := ea.at.get("headers"); ok && chk.headers != nil {
			raw, _ := json.Marshal(typedHeaders(ea.ex.Headers, m.Headers))
			for _, f := range validate(chk.headers, raw) {
				bad["headers/"+f.ptr] = true
				p.warnf(child(h, strings.Split(f.ptr, "/")...).pos(), "example %s of message %s: %s%s", name, m.Key, f.where("headers"), f.msg)
			}
		}
		p.lintRoute(c, m, ea, name, bad)
	}
}

// lintRoute warns when an example's discriminator value would route it to
// another message, or to none.
func (p *parser) lintRoute(c *model.Channel, m *model.Message, ea exampleAt, name string, bad map[string]bool) {
	d := c.Discriminator
	if d == nil || d.In == model.InChannel {
		return
	}
	var got string
	var found bool
	var node at
	pl, hasPayload := ea.at.get("payload")
	switch d.In {
	case model.InPayload:
		if !hasPayload || bad["payload"+model.Pointer(d.Name)] {
			return
		}
		node, found = nodeAt(pl, model.PayloadPath(d.Name))
		if found {
			got = node.n.Value
		}
	case model.InHeader:
		h, ok := ea.at.get("headers")
		if !ok {
			return
		}
		for _, kv := range h.pairs() {
			if strings.EqualFold(kv.key, d.Name) {
				node, got, found = kv.v, kv.v.n.Value, true
			}
		}
	}
	if !found {
		p.warnf(ea.at.pos(), "example %s of message %s has no %s %s, so it would not reach %s", name, m.Key, d.In, d.Name, m.Key)
		return
	}
	for _, r := range d.Routes {
		if r.Value != got {
			continue
		}
		if r.Inner != nil {
			p.lintInner(c, m, ea, name, bad, got)
			return
		}
		if r.Message != m {
			p.warnf(node.pos(), "example %s of message %s has %s %s = %q, which routes to %s", name, m.Key, d.In, d.Name, got, r.Message.Key)
		}
		return
	}
	p.warnf(node.pos(), "example %s of message %s has %s %s = %q, which no message of channel %s has: it would reach the unknown-event hook", name, m.Key, d.In, d.Name, got, c.Path)
}

// lintInner is lintRoute for an example whose discriminator value is the
// envelope outer: the value inside it names the message.
func (p *parser) lintInner(c *model.Channel, m *model.Message, ea exampleAt, name string, bad map[string]bool, outer string) {
	var inner string
	for _, r := range c.Discriminator.Routes {
		if r.Value == outer && r.Inner != nil {
			inner = r.Inner.Name
		}
	}
	pl, _ := ea.at.get("payload")
	if bad["payload"+model.Pointer(inner)] {
		return
	}
	node, found := nodeAt(pl, model.PayloadPath(inner))
	if !found {
		p.warnf(ea.at.pos(), "example %s of message %s has no payload %s, so it would not reach %s", name, m.Key, inner, m.Key)
		return
	}
	for _, r := range c.Discriminator.Routes {
		if r.Value != outer || r.Inner == nil || r.Inner.Value != node.n.Value {
			continue
		}
		if r.Message != m {
			p.warnf(node.pos(), "example %s of message %s has payload %s = %q, which routes to %s", name, m.Key, inner, node.n.Value, r.Message.Key)
		}
		return
	}
	p.warnf(node.pos(), "example %s of message %s has payload %s = %q, which no message in the %s envelope of channel %s has: it would reach the unknown-event hook",
		name, m.Key, inner, node.n.Value, outer, c.Path)
}

// nodeAt returns the node at path in the mapping a, through mappings.
func nodeAt(a at, path []string) (at, bool) {
	for _, k := range path {
		var ok bool
		if a, ok = a.get(k); !ok {
			return at{}, false
		}
	}
	return a, true
}

// finding is one validation failure at a JSON pointer in the value.
type finding struct {
	ptr string
	msg string
}

func (f finding) where(part string) string {
	if f.ptr == "" {
		return part + ": "
	}
	return part + " /" + f.ptr + ": "
}

// validate checks a JSON value against a schema with kin-openapi.
func validate(s *openapi3.Schema, raw []byte) []finding {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return []finding{{msg: err.Error()}}
	}
	err := s.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors())
	if err == nil {
		return nil
	}
	var errs []error
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		errs = multi
	} else {
		errs = []error{err}
	}
	var out []finding
	for _, e := range errs {
		var se *openapi3.SchemaError
		if !errors.As(e, &se) {
			out = append(out, finding{msg: e.Error()})
			continue
		}
		msg := se.Reason
		if i := strings.LastIndex(msg, "': "); i >= 0 {
			msg = msg[i+3:] // kin-openapi repeats the path before the reason
		}
		ptr := make([]string, len(se.JSONPointer()))
		for i, t := range se.JSONPointer() {
			ptr[i] = escapePtr(t)
		}
		out = append(out, finding{ptr: strings.Join(ptr, "/"), msg: msg})
	}
	return out
}

// lintUnused warns about component schemas and messages nothing uses.
func (p *parser) lintUnused(api *model.API) {
	used := map[*model.Type]bool{}
	var walk func(t *model.Type)
	walk = func(t *model.Type) {
		if t == nil || used[t] {
			return
		}
		used[t] = true
		walk(t.Elem)
		for _, f := range t.Fields {
			walk(f.Type)
		}
		for _, v := range t.Variants {
			walk(v.Type)
		}
	}
	for _, m := range api.Messages {
		walk(m.Payload)
		walk(m.Headers)
		if m.Reply != nil {
			for _, r := range m.Reply.Messages {
				walk(r.Payload)
				walk(r.Headers)
			}
		}
	}
	for _, c := range api.Channels {
		for _, prm := range c.Parameters {
			walk(prm.Schema)
		}
	}
	comps := p.schemas.comps
	schemas, _ := comps.get("schemas")
	for _, kv := range schemas.pairs() {
		t, err := p.deref(kv.v)
		if err != nil {
			continue
		}
		if typ := p.schemas.memo[memoKey(t)]; typ != nil && !used[typ] && !p.schemas.mergedFrom[typ] {
			p.warnf(kv.keyAt.pos(), "schema %s is not used by any message", kv.key)
		}
	}
	msgs, _ := comps.get("messages")
	for _, kv := range msgs.pairs() {
		t, err := p.deref(kv.v)
		if err != nil {
			continue
		}
		if _, ok := p.messages[target{t.f, t.ptr}]; !ok {
			p.warnf(kv.keyAt.pos(), "message %s is not used by any channel", kv.key)
		}
	}
}

// typedHeaders reads example header values as their schema types: on the
// wire every header is text, so "1" is an integer header's 1.
func typedHeaders(values map[string]string, t *model.Type) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		out[k] = v
		if t == nil {
			continue
		}
		for _, f := range t.Fields {
			if !strings.EqualFold(f.Name, k) || f.Type.Kind == model.String {
				continue
			}
			var typed any
			if json.Unmarshal([]byte(v), &typed) == nil {
				out[k] = typed
			}
		}
	}
	return out
}
