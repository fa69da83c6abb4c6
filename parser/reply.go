package parser

import (
	"net/http"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hookgen/hookgen/model"
)

// Extensions of replies and handshakes; docs/spec-extensions.md documents
// them.
const (
	extReply     = "x-hookgen-reply"
	extHandshake = "x-hookgen-handshake"
)

// reply2 reads an x-hookgen-reply: the message the receiver answers with,
// written as an AsyncAPI 2 operation's message is (a Message Object, a
// $ref to one, or oneOf them), answered on the request itself.
func (p *parser) reply2(ext at, fallbackKey, defaultCT string) *model.Reply {
	a, err := p.deref(ext)
	if err != nil {
		p.errs = append(p.errs, asError(err))
		return nil
	}
	if a.n.Kind != yaml.MappingNode {
		p.errorf(a.pos(), "%s must be a message (or a $ref to one, or oneOf them), not %s", extReply, kindName(a.n))
		return nil
	}
	sites := []at{ext}
	if one, ok := a.get("oneOf"); ok {
		if one.n.Kind != yaml.SequenceNode {
			p.errorf(one.pos(), "%s oneOf must be a list, not %s", extReply, kindName(one.n))
			return nil
		}
		sites = one.items()
	}
	r := &model.Reply{Pos: ext.pos()}
	for _, s := range sites {
		if m := p.message(s, fallbackKey, "", defaultCT); m != nil {
			r.Messages = append(r.Messages, m)
		}
	}
	return r
}

// messageReply reads the x-hookgen-reply of a message, which wins over its
// operation's reply, in either version.
func (p *parser) messageReply(m *model.Message, a at, defaultCT string) {
	if ext, ok := a.get(extReply); ok {
		m.Reply = p.reply2(ext, m.Key+"Reply", defaultCT)
	}
}

// warnUnanswered says, at the reply, which replies hookgen does not
// write: one sent elsewhere, or one of several messages.
func (p *parser) warnUnanswered(api *model.API) {
	seen := map[*model.Reply]bool{}
	for _, m := range api.Messages {
		r := m.Reply
		if r == nil || r.Answered() || seen[r] || m.Handshake != nil {
			continue
		}
		seen[r] = true
		switch {
		case r.Address != "":
			p.warnf(r.Pos, "the reply of %s goes to %s, not back on the request: hookgen answers a delivery on its own request only, so its handler returns no reply", m.Key, r.Address)
		case len(r.Messages) == 0:
			p.warnf(r.Pos, "the reply of %s names no message: its handler returns no reply", m.Key)
		default:
			p.warnf(r.Pos, "the reply of %s may be any of %d messages: hookgen answers with one message, so its handler returns no reply; list one", m.Key, len(r.Messages))
		}
	}
}

// handshake reads a message's x-hookgen-handshake: what recognises the
// handshake and what answers it. Its content type is settled once the
// message's reply is known (finishHandshakes).
func (p *parser) handshake(m *model.Message, a at) {
	ext, ok := a.get(extHandshake)
	if !ok {
		return
	}
	ext, ok = p.object(ext, extHandshake)
	if !ok {
		return
	}
	h := &model.Handshake{Method: http.MethodPost, Pos: ext.pos()}
	var answerAt, confirmAt at
	for _, kv := range ext.pairs() {
		switch kv.key {
		case "answer":
			answerAt = kv.v
		case "confirm":
			confirmAt = kv.v
			h.Confirm = p.scalar(kv.v, kv.key)
		case "method":
			h.Method = strings.ToUpper(p.scalar(kv.v, kv.key))
			if h.Method != http.MethodGet && h.Method != http.MethodPost {
				p.errorf(kv.v.pos(), "%s method must be GET or POST, not %q", extHandshake, h.Method)
			}
		case "query":
			q, ok := p.object(kv.v, extHandshake+" query")
			if !ok {
				continue
			}
			for _, qp := range q.pairs() {
				v := ""
				if qp.v.n.Tag != "!!null" {
					v = p.scalar(qp.v, qp.key)
				}
				h.Query = append(h.Query, model.QueryParam{Name: qp.key, Value: v})
			}
			if len(h.Query) == 0 {
				p.errorf(kv.v.pos(), "%s query names no parameter", extHandshake)
			}
		case "verifyToken":
			h.VerifyToken = p.scalar(kv.v, kv.key)
		default:
			p.errorf(kv.keyAt.pos(), "%s has no field %q; it knows answer, confirm, method, query, verifyToken", extHandshake, kv.key)
		}
	}
	if confirmAt.n != nil {
		if !p.confirm(h, confirmAt) {
			return
		}
	} else if answerAt.n == nil {
		p.errorf(ext.pos(), "%s needs an answer: what the receiver answers the handshake with", extHandshake)
		return
	}
	if len(h.Query) == 0 {
		if h.Method != http.MethodPost {
			p.errorf(ext.pos(), "%s: a %s handshake has no body to route by: say which query parameters recognise it with query", extHandshake, h.Method)
		}
		if h.VerifyToken != "" {
			p.errorf(ext.pos(), "%s: verifyToken is a query parameter of a handshake recognised by its query", extHandshake)
		}
	}
	if answerAt.n == nil { // confirmed, answered with no body
		m.Handshake = h
		return
	}
	h.Answer = p.answer(answerAt, len(h.Query) > 0)
	if h.Answer != nil {
		m.Handshake = h
	}
}

// confirm checks a handshake's confirm, the JSON pointer to the URL the
// receiver GETs (Amazon SNS's /SubscribeURL), and finds the aws-sns
// scheme whose certificate hosts that URL must be on: the document's
// only one. The URL is read from the body, so the handshake is routed,
// and authenticated, as any message.
func (p *parser) confirm(h *model.Handshake, v at) bool {
	ptr := strings.TrimPrefix(h.Confirm, "$message.payload#")
	if !strings.HasPrefix(ptr, "/") || len(ptr) < 2 {
		p.errorf(v.pos(), "%s confirm %q: name the URL to GET by a JSON pointer into the body, such as /SubscribeURL", extHandshake, h.Confirm)
		return false
	}
	h.Confirm = ptr
	if len(h.Query) > 0 {
		p.errorf(v.pos(), "%s confirm reads the body, which a handshake recognised by its query is answered without: route it by the channel's discriminator instead", extHandshake)
		return false
	}
	var found []*model.SecurityScheme
	for _, s := range p.api.SecuritySchemes {
		if s.KeySignature.PlainJSON() {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 1:
		h.ConfirmScheme = found[0]
		return true
	case 0:
		p.errorf(v.pos(), "%s confirm GETs a URL the provider signed, on the certificate hosts of an %s scheme of format %s, and the document has none", extHandshake, extKeySig, model.KeySignatureAWSSNS)
	default:
		p.errorf(v.pos(), "%s confirm: the document has %d %s schemes of format %s; hookgen confirms with one", extHandshake, len(found), extKeySig, model.KeySignatureAWSSNS)
	}
	return false
}

// answer reads one value of a handshake's answer. A handshake recognised
// by its query is answered before its body is read, so nothing of the
// body can be in its answer.
func (p *parser) answer(a at, byQuery bool) *model.Answer {
	a, err := p.deref(a)
	if err != nil {
		p.errs = append(p.errs, asError(err))
		return nil
	}
	ans := &model.Answer{Pos: a.pos()}
	switch a.n.Kind {
	case yaml.ScalarNode:
		if a.n.Tag == "!!str" && strings.HasPrefix(a.n.Value, "$") {
			if !p.expression(ans, a, byQuery) {
				return nil
			}
			return ans
		}
		ans.Const = jsonOf(a.n)
		return ans
	case yaml.SequenceNode:
		p.errorf(a.pos(), "an %s answer is a value, an object of values, {const: ...} or {hmac: ...}, not a list", extHandshake)
		return nil
	}
	if c, ok := a.get("const"); ok && len(a.n.Content) == 2 {
		ans.Const = jsonOf(c.n)
		return ans
	}
	if v, ok := a.get("hmac"); ok && (len(a.n.Content) == 2 || len(a.n.Content) == 4) {
		if v.n.Kind != yaml.ScalarNode || !strings.HasPrefix(v.n.Value, "$") {
			p.errorf(v.pos(), "%s hmac signs a value of the request: a runtime expression such as $message.payload#/token, not %s", extHandshake, kindName(v.n))
			return nil
		}
		if !p.expression(ans, v, byQuery) {
			return nil
		}
		var key string
		if s, ok := a.get("scheme"); ok {
			key = p.scalar(s, "scheme")
		} else if len(a.n.Content) == 4 {
			p.errorf(a.pos(), "%s hmac takes one more field, scheme", extHandshake)
			return nil
		}
		if byQuery {
			p.errorf(a.pos(), "%s: a handshake recognised by its query is answered before it is authenticated, so not with an HMAC of a secret", extHandshake)
			return nil
		}
		ans.HMAC = p.hmacScheme(key, a)
		if ans.HMAC == nil {
			return nil
		}
		return ans
	}
	for _, kv := range a.pairs() {
		v := p.answer(kv.v, byQuery)
		if v == nil {
			return nil
		}
		ans.Fields = append(ans.Fields, model.AnswerField{Name: kv.key, Value: v})
	}
	return ans
}

// expression reads a runtime expression naming a value of the request
// into ans.
func (p *parser) expression(ans *model.Answer, a at, byQuery bool) bool {
	e := a.n.Value
	switch {
	case strings.HasPrefix(e, "$message.payload#"):
		ans.From, ans.Name = model.FromPayload, strings.TrimPrefix(e, "$message.payload#")
		if !strings.HasPrefix(ans.Name, "/") {
			p.errorf(a.pos(), "%s: %q: the payload's value is named by a JSON pointer, such as $message.payload#/challenge", extHandshake, e)
			return false
		}
		if byQuery {
			p.errorf(a.pos(), "%s: %q: a handshake recognised by its query is answered before its body is read, so its answer cannot come from the payload", extHandshake, e)
			return false
		}
	case strings.HasPrefix(e, "$message.header#/"):
		ans.From, ans.Name = model.FromHeader, http.CanonicalHeaderKey(strings.TrimPrefix(e, "$message.header#/"))
	case strings.HasPrefix(e, "$request.query."):
		ans.From, ans.Name = model.FromQuery, strings.TrimPrefix(e, "$request.query.")
		if !byQuery {
			p.errorf(a.pos(), "%s: %q: only a handshake recognised by its query (query: ...) is answered from the query", extHandshake, e)
			return false
		}
	default:
		p.errorf(a.pos(), "%s: %q is not a value of the request: write $message.payload#/<pointer>, $message.header#/<name> or $request.query.<name> (a string starting with $ is read as one; write {const: ...} for a fixed one)", extHandshake, e)
		return false
	}
	if ans.Name == "" {
		p.errorf(a.pos(), "%s: %q names no value", extHandshake, e)
		return false
	}
	return true
}

// hmacScheme returns the signature scheme whose secret an HMAC answer is
// computed with: the one named, else the document's only one.
func (p *parser) hmacScheme(key string, a at) *model.SecurityScheme {
	var found []*model.SecurityScheme
	for _, s := range p.api.SecuritySchemes {
		if s.Signature != nil && s.Signature.Format != model.SignatureHTTPMAC && (key == "" || s.Key == key) {
			found = append(found, s)
		}
	}
	switch {
	case len(found) == 1:
		return found[0]
	case key != "":
		p.errorf(a.pos(), "%s hmac: scheme %q is no security scheme with an %s signature", extHandshake, key, extHMAC)
	case len(found) == 0:
		p.errorf(a.pos(), "%s hmac: the document has no security scheme with an %s signature whose secret could sign the answer", extHandshake, extHMAC)
	default:
		p.errorf(a.pos(), "%s hmac: the document has %d signature schemes: name the one whose secret signs the answer with scheme", extHandshake, len(found))
	}
	return nil
}

// finishHandshakes settles each handshake's content type, now that the
// messages' replies are known: the reply's, else JSON for an object and
// text for anything else.
func (p *parser) finishHandshakes(api *model.API) {
	for _, m := range api.Messages {
		h := m.Handshake
		if h == nil || h.Answer == nil {
			continue
		}
		object := len(h.Answer.Fields) > 0 || (h.Answer.Const != nil && h.Answer.Const[0] == '{')
		if r := m.Reply; r.Answered() {
			h.ContentType = r.Messages[0].ContentType
		}
		switch {
		case h.ContentType == "" && object:
			h.ContentType = "application/json"
		case h.ContentType == "":
			h.ContentType = "text/plain"
		case object && !model.IsJSONMediaType(h.ContentType):
			p.errorf(h.Pos, "%s of %s answers an object, but its reply's content type is %s, not JSON", extHandshake, m.Key, h.ContentType)
		}
		if h.Answer.Const == nil && len(h.Answer.Fields) == 0 && h.Answer.From == "" {
			p.errorf(h.Pos, "%s of %s has an empty answer", extHandshake, m.Key)
		}
	}
}

// checkConfirms checks, once the payload types are known, that each
// handshake's confirm names a string property of its payload: the URL is
// read from the decoded body.
func (p *parser) checkConfirms(api *model.API) {
	for _, m := range api.Messages {
		h := m.Handshake
		if h == nil || h.Confirm == "" {
			continue
		}
		if f, why := resolve(m.Payload, model.PayloadPath(h.Confirm)); f == nil {
			p.errorf(h.Pos, "%s confirm %s: not in the payload of %s: %s", extHandshake, h.Confirm, m.Key, why)
		} else if t := f.Type; t.NullableOf() != nil || t.Kind != model.String {
			p.errorf(h.Pos, "%s confirm %s: the payload of %s has %s there, not the URL's string", extHandshake, h.Confirm, m.Key, article(t.Kind.String()))
		}
	}
}

// routedMessages are the messages of c that its discriminator routes:
// all but the handshakes recognised by their query parameters.
func routedMessages(c *model.Channel) []*model.Message {
	return slices.DeleteFunc(slices.Clone(c.Messages), func(m *model.Message) bool {
		return m.Handshake != nil && len(m.Handshake.Query) > 0
	})
}
