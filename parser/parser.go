// Package parser reads an AsyncAPI 2.0–2.6 or 3.0–3.1 document (YAML or
// JSON, with $refs to local pointers and to other files), checks it, and
// builds the model hookgen generates code from. Both versions give the
// same model.
//
// Every problem is reported as file:line:col: message. Payload schemas are
// read with kin-openapi; the parser keeps positions itself from the yaml.v3
// node tree.
package parser

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/hookgen/hookgen/model"
)

type parser struct {
	files    map[string]*file
	readFile func(abs string) ([]byte, error)
	root     *file
	errs     ErrorList

	// warns are findings that do not stop generation: lint reports them.
	warns ErrorList
	// checks keeps what lint needs of each message beyond the model.
	checks map[*model.Message]*messageChecks
	// chans keeps each channel's node, where its extensions are located.
	chans map[*model.Channel]at

	api      *model.API
	schemes  map[string]*model.SecurityScheme
	messages map[target]*model.Message
	msgKeys  map[string]*model.Message
	inbound  map[*model.Message]bool
	// inline holds, for each security scheme written in place, its text:
	// the same scheme written again is the same scheme.
	inline  map[*model.SecurityScheme]string
	schemas *schemaReader
	// ops are the served operations' security, joined with the servers'
	// when the whole document is read.
	ops []opSecurity

	side     Side     // as an option set it; the document's extension otherwise
	overlays []string // applied to the root document, in order
	// following are the $refs a JSON pointer is being followed through,
	// so that one through itself ends.
	following map[*yaml.Node]bool
}

// ParseFile reads the AsyncAPI document at path and the files it references.
// Errors are an ErrorList; each names file:line:col.
func ParseFile(path string, opts ...Option) (*model.API, error) {
	api, _, err := parse(path, nil, false, opts)
	return api, err
}

// Parse reads an AsyncAPI document held in memory. name locates errors and
// anchors relative $refs, which are read from disk.
func Parse(name string, data []byte, opts ...Option) (*model.API, error) {
	if data == nil {
		data = []byte{}
	}
	api, _, err := parse(name, data, false, opts)
	return api, err
}

// Lint parses the document at path like ParseFile and also returns the
// warnings: findings that do not stop generation but that a spec's author
// should see (examples that break their schemas, examples routed to another
// message, unused schemas, ...). Warnings have Warning set.
func Lint(path string, opts ...Option) (*model.API, ErrorList, error) {
	return parse(path, nil, true, opts)
}

// An Option changes how a document is read.
type Option func(*parser)

// WithSide says which side of the exchange the document describes, which
// decides the operations whose messages are received; it overrides the
// document's x-hookgen-side. docs/asyncapi.md gives the rule.
func WithSide(s Side) Option { return func(p *parser) { p.side = s } }

// parse reads a document; with warnings it also runs lint's checks, whose
// example validation costs more than the rest of parsing.
func parse(name string, data []byte, warnings bool, opts []Option) (*model.API, ErrorList, error) {
	_, api, warns, err := parseWith(name, data, warnings, opts)
	return api, warns, err
}

// parseWith is parse that also returns the parser, which holds what the
// model does not: kin-openapi's schemas of the messages.
func parseWith(name string, data []byte, warnings bool, opts []Option) (*parser, *model.API, ErrorList, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, nil, nil, err
	}
	p := &parser{
		inbound:  map[*model.Message]bool{},
		inline:   map[*model.SecurityScheme]string{},
		files:    map[string]*file{},
		messages: map[target]*model.Message{},
		msgKeys:  map[string]*model.Message{},
		checks:   map[*model.Message]*messageChecks{},
		chans:    map[*model.Channel]at{},
		schemes:  map[string]*model.SecurityScheme{},
		readFile: func(path string) ([]byte, error) {
			if path == abs && data != nil {
				return data, nil
			}
			return os.ReadFile(path)
		},
	}
	for _, o := range opts {
		o(p)
	}
	if p.side != "" && !p.side.valid() {
		return nil, nil, nil, fmt.Errorf("side %q: a document describes the %s or the %s", p.side, SideProvider, SideReceiver)
	}
	root, err := p.load(abs, filepath.ToSlash(name), model.Pos{File: name, Line: 1, Col: 1})
	if err != nil {
		return nil, nil, nil, ErrorList{asError(err)}
	}
	p.root = root
	if len(p.overlays) > 0 {
		p.applyOverlays(root)
		root.keys = nil // the overlays changed mappings it may index
		if len(p.errs) > 0 {
			return nil, nil, nil, p.errs.sorted()
		}
	}
	api := p.document(at{root, root.root, ""})
	if len(p.errs) > 0 {
		return nil, nil, nil, p.errs.sorted()
	}
	p.checkSchemes(api)
	if warnings {
		p.lint(api)
	}
	if len(p.errs) > 0 {
		return nil, nil, nil, p.errs.sorted()
	}
	return p, api, p.warns.sorted(), nil
}

var (
	version2 = regexp.MustCompile(`^2\.[0-6]\.\d+$`)
	version3 = regexp.MustCompile(`^3\.[01]\.\d+$`)
)

func (p *parser) document(doc at) *model.API {
	if doc.n.Kind != yaml.MappingNode {
		p.errorf(doc.pos(), "an AsyncAPI document must be a mapping, not %s", kindName(doc.n))
		return nil
	}
	v, ok := doc.get("asyncapi")
	if !ok {
		p.errorf(doc.pos(), "missing the asyncapi field: this does not look like an AsyncAPI document")
		return nil
	}
	v3 := version3.MatchString(v.n.Value)
	if !v3 && !version2.MatchString(v.n.Value) {
		p.errorf(v.pos(), "unsupported AsyncAPI version %q; hookgen reads 2.0.0 to 2.6.0, 3.0.x and 3.1.x", v.n.Value)
		return nil
	}
	p.checkRefs(doc, map[*yaml.Node]bool{})
	if len(p.errs) > 0 {
		return nil // every later step follows $refs
	}
	api := &model.API{AsyncAPI: v.n.Value, Pos: doc.pos(), Extensions: p.extensions(doc), BodyLimit: p.bodyLimit(doc)}
	p.api = api
	if info, ok := p.mapping(doc, "info", true); ok {
		api.Title = p.str(info, "title", true)
		api.Version = p.str(info, "version", true)
		api.Description = p.str(info, "description", false)
	}
	comps, _ := p.mapping(doc, "components", false)
	p.schemas = newSchemaReader(p, comps)
	if ss, ok := p.mapping(comps, "securitySchemes", false); ok {
		for _, kv := range ss.pairs() {
			if s := p.securityScheme(kv.key, kv.v); s != nil {
				api.SecuritySchemes = append(api.SecuritySchemes, s)
				p.schemes[kv.key] = s
			}
		}
	}
	if servers, ok := p.mapping(doc, "servers", false); ok {
		for _, kv := range servers.pairs() {
			if s := p.server(kv.key, kv.v, v3); s != nil {
				api.Servers = append(api.Servers, s)
			}
		}
	}
	defaultCT := p.str(doc, "defaultContentType", false)
	if v3 {
		p.channels3(doc, defaultCT)
	} else {
		p.channels2(doc, defaultCT)
	}
	p.finishHandshakes(api)
	p.warnUnanswered(api)
	if len(p.errs) == 0 {
		api.Security = p.security(api)
	}
	if len(p.errs) == 0 {
		api.Types = p.schemas.finish()
		p.checkForms(api)
		p.checkConfirms(api)
	}
	if len(p.errs) == 0 {
		for _, c := range api.Channels {
			p.discriminate(c)
		}
		p.batches(api)
	}
	return api
}

// channels2 reads AsyncAPI 2's channels, each named by its path and
// holding its operations.
func (p *parser) channels2(doc at, defaultCT string) {
	chans, ok := p.mapping(doc, "channels", true)
	if !ok {
		return
	}
	var sends, receives int
	for _, kv := range chans.pairs() {
		c, _ := p.deref(kv.v)
		if _, ok := c.get("subscribe"); ok {
			sends++
		}
		if _, ok := c.get("publish"); ok {
			receives++
		}
	}
	opName := "publish"
	if p.serveSends(doc, chans, sends, receives, "subscribe", "publish") {
		opName = "subscribe"
	}
	// "hooks" and "/hooks" would be served at one path.
	paths := map[string]at{}
	for _, kv := range chans.pairs() {
		if !p.samePath(paths, kv.key, kv.keyAt) {
			continue
		}
		if c := p.channel(kv.key, kv.v, defaultCT, opName); c != nil {
			p.api.Channels = append(p.api.Channels, c)
		}
	}
	switch {
	case len(p.api.Channels) > 0 || len(p.errs) > 0:
	case sends+receives == 0:
		p.errorf(chans.pos(), "no channel has a publish or subscribe operation: there is no message to receive")
	default:
		p.errorf(chans.pos(), "no channel has a %s operation, which the side the document describes would receive (docs/asyncapi.md)", opName)
	}
}

// samePath records the path a channel is served at and reports, as an
// error, a second channel served at the same one.
func (p *parser) samePath(paths map[string]at, address string, where at) bool {
	path := model.ServePath(address)
	if other, dup := paths[path]; dup {
		p.errorf(where.pos(), "channel %q is served at the same path as channel %q (at %s)", address, other.n.Value, other.pos())
		return false
	}
	paths[path] = where
	return true
}

func (p *parser) server(name string, a at, v3 bool) *model.Server {
	a, ok := p.object(a, "server "+name)
	if !ok {
		return nil
	}
	s := &model.Server{
		Name:        name,
		Protocol:    p.str(a, "protocol", true),
		Description: p.str(a, "description", false),
		Extensions:  p.extensions(a),
		Pos:         a.pos(),
	}
	if v3 {
		s.URL = p.str(a, "host", true) + p.str(a, "pathname", false)
	} else {
		s.URL = p.str(a, "url", true)
	}
	if proto := strings.ToLower(s.Protocol); proto != "" && proto != "http" && proto != "https" {
		v, _ := a.get("protocol")
		p.warnf(v.pos(), "server %s: hookgen receives HTTP webhooks; protocol %s is ignored (the generated Server serves HTTP, and a Dispatcher can take deliveries from any transport)", name, s.Protocol)
	}
	p.ignoredBindings(a, "server "+name)
	if sec, ok := a.get("security"); ok {
		s.Security = p.requirements(sec, v3, "server "+name)
	}
	return s
}

func (p *parser) securityScheme(key string, a at) *model.SecurityScheme {
	a, ok := p.object(a, "security scheme "+key)
	if !ok {
		return nil
	}
	s := &model.SecurityScheme{
		Key:              key,
		Type:             p.str(a, "type", true),
		Description:      p.str(a, "description", false),
		Name:             p.str(a, "name", false),
		In:               p.str(a, "in", false),
		Scheme:           p.str(a, "scheme", false),
		BearerFormat:     p.str(a, "bearerFormat", false),
		OpenIDConnectURL: p.str(a, "openIdConnectUrl", false),
		Extensions:       p.extensions(a),
		Pos:              a.pos(),
	}
	if flows, ok := p.mapping(a, "flows", false); ok {
		for _, kv := range flows.pairs() {
			f, ok := p.object(kv.v, "OAuth flow "+kv.key)
			if !ok {
				continue
			}
			flow := model.OAuthFlow{
				Kind:             kv.key,
				AuthorizationURL: p.str(f, "authorizationUrl", false),
				TokenURL:         p.str(f, "tokenUrl", false),
				RefreshURL:       p.str(f, "refreshUrl", false),
				Scopes:           map[string]string{},
			}
			scopesKey := "scopes"
			if _, ok := f.get("availableScopes"); ok {
				scopesKey = "availableScopes" // AsyncAPI 3
			}
			if scopes, ok := p.mapping(f, scopesKey, false); ok {
				for _, sc := range scopes.pairs() {
					flow.Scopes[sc.key] = sc.v.n.Value
				}
			}
			s.Flows = append(s.Flows, flow)
		}
	}
	s.Signature = p.signature(s, a)
	s.BodyKey = p.bodyKey(s, a)
	s.KeySignature = p.keySignature(s, a)
	return s
}

// channel reads an AsyncAPI 2 channel and its operation opName, the one
// that carries what the receiver receives; a channel without it is not
// served.
func (p *parser) channel(path string, a at, defaultCT, opName string) *model.Channel {
	a, ok := p.object(a, "channel "+path)
	if !ok {
		return nil
	}
	op, ok := p.mapping(a, opName, false)
	if !ok {
		if _, other := a.get(otherOp2(opName)); !other {
			p.warnf(a.pos(), "channel %q has no publish or subscribe operation, so no message arrives on it: it is not served", path)
		}
		return nil
	}
	c := &model.Channel{
		Path:        path,
		Description: p.str(a, "description", false),
		Extensions:  p.extensions(a),
		Pos:         a.pos(),
	}
	p.ignoredBindings(a, "channel "+path)
	p.chans[c] = a
	if params, ok := p.mapping(a, "parameters", false); ok {
		for _, kv := range params.pairs() {
			pa, ok := p.object(kv.v, "parameter "+kv.key)
			if !ok {
				continue
			}
			if !strings.Contains(path, "{"+kv.key+"}") {
				p.errorf(kv.keyAt.pos(), "parameter %q does not appear in the channel name %q", kv.key, path)
			}
			param := &model.Parameter{
				Name:        kv.key,
				Description: p.str(pa, "description", false),
				Location:    p.str(pa, "location", false),
				Pos:         pa.pos(),
			}
			if sch, ok := pa.get("schema"); ok {
				p.schemas.site(sch, c.Path+"."+kv.key, func(t *model.Type, _ *openapi3.Schema) { param.Schema = t })
			}
			c.Parameters = append(c.Parameters, param)
		}
	}
	p.ignoredBindings(op, "the "+opName+" operation of channel "+path)
	c.Operation = opName
	c.OperationID = p.str(op, "operationId", false)
	c.OperationSummary = p.str(op, "summary", false)
	c.OperationDescription = p.str(op, "description", false)
	sec := opSecurity{name: cmp.Or(c.OperationID, opName+" "+path), pos: op.pos()}
	if s, ok := op.get("security"); ok {
		sec.reqs, sec.declared, sec.pos = p.requirements(s, false, "the "+opName+" operation of channel "+path), true, s.pos()
	}
	p.ops = append(p.ops, sec)
	msg, ok := op.get("message")
	if !ok {
		p.errorf(op.pos(), "the %s operation of channel %q has no message", opName, path)
		return c
	}
	c.Messages = p.operationMessages(msg, c, defaultCT)
	if ext, ok := op.get(extReply); ok {
		if r := p.reply2(ext, cmp.Or(c.OperationID, c.Path+" "+opName)+"Reply", defaultCT); r != nil {
			for _, m := range c.Messages {
				if m.Reply == nil {
					m.Reply = r
				}
			}
		}
	}
	return c
}

func otherOp2(op string) string {
	if op == "publish" {
		return "subscribe"
	}
	return "publish"
}

// ignoredBindings warns of the protocol bindings of the object a that
// hookgen does not read: every binding but http, which describes what
// hookgen serves anyway.
func (p *parser) ignoredBindings(a at, what string) {
	b, ok := a.get("bindings")
	if !ok || b.n.Kind != yaml.MappingNode {
		return
	}
	for _, kv := range b.pairs() {
		if kv.key != "http" && !strings.HasPrefix(kv.key, "x-") {
			p.warnf(kv.keyAt.pos(), "%s: hookgen receives HTTP webhooks; its %s bindings are ignored", what, kv.key)
		}
	}
}

// operationMessages reads an operation's message: one message, or oneOf.
func (p *parser) operationMessages(site at, c *model.Channel, defaultCT string) []*model.Message {
	a, err := p.deref(site)
	if err != nil {
		p.errs = append(p.errs, asError(err))
		return nil
	}
	var sites []at
	one, ok := a.get("oneOf")
	kw := "oneOf"
	if !ok {
		// Not AsyncAPI 2, but written for it: a delivery is still one of
		// the messages, so anyOf reads as oneOf.
		one, ok = a.get("anyOf")
		kw = "anyOf"
	}
	if ok {
		if one.n.Kind != yaml.SequenceNode {
			p.errorf(one.pos(), "message %s must be a list, not %s", kw, kindName(one.n))
			return nil
		}
		sites = one.items()
	} else {
		sites = []at{site} // not a, which would hide the $ref a key can come from
	}
	var out []*model.Message
	byName := map[string]model.Pos{}
	for i, s := range sites {
		fallback := cmp.Or(c.OperationID, c.Path+" "+c.Operation)
		if len(sites) > 1 {
			fallback += " " + strconv.Itoa(i+1)
		}
		m := p.message(s, fallback, "", defaultCT)
		if m == nil {
			continue
		}
		p.receive(m)
		if m.Name != "" {
			if first, dup := byName[m.Name]; dup {
				p.errorf(s.pos(), "channel %q has two messages named %q (the other at %s)", c.Path, m.Name, first)
				continue
			}
			byName[m.Name] = s.pos()
		}
		out = append(out, m)
	}
	return out
}

// receive lists m among the messages the receiver receives, once.
func (p *parser) receive(m *model.Message) {
	if !p.inbound[m] {
		p.inbound[m] = true
		p.api.Messages = append(p.api.Messages, m)
	}
}

// message reads a message once, however many channels name it. id is the
// key AsyncAPI 3 gives it in its channel, which names it unless it is a
// component.
func (p *parser) message(site at, fallbackKey, id, defaultCT string) *model.Message {
	a, err := p.deref(site)
	if err != nil {
		p.errs = append(p.errs, asError(err))
		return nil
	}
	if m, ok := p.messages[target{a.f, a.ptr}]; ok {
		return m
	}
	a, ok := p.object(a, "message")
	if !ok {
		return nil
	}
	traits := p.traitList(a, "message trait")
	get := func(key string) (at, bool) {
		if v, ok := a.get(key); ok {
			return v, true
		}
		for _, t := range traits {
			if v, ok := t.get(key); ok {
				return v, true
			}
		}
		return at{}, false
	}
	str := func(key string) string {
		v, ok := get(key)
		if !ok {
			return ""
		}
		return p.scalar(v, key)
	}
	m := &model.Message{
		Name:        str("name"),
		Title:       str("title"),
		Summary:     str("summary"),
		Description: str("description"),
		ContentType: str("contentType"),
		Extensions:  p.extensions(a),
		Pos:         a.pos(),
	}
	if m.ContentType == "" {
		m.ContentType = defaultCT
	}
	m.Key = messageKey(site, a, cmp.Or(id, str("messageId")), m.Name, fallbackKey)
	if other, dup := p.msgKeys[m.Key]; dup {
		p.errorf(a.pos(), "two different messages are both called %q (the other at %s)", m.Key, other.Pos)
		return nil
	}
	p.msgKeys[m.Key] = m
	p.ignoredBindings(a, "message "+m.Key)
	p.messages[target{a.f, a.ptr}] = m
	p.checks[m] = &messageChecks{at: a}
	if d, ok := get("deprecated"); ok {
		m.Deprecated = d.n.Value == "true"
	}
	if sf, ok := get("schemaFormat"); ok {
		p.schemaFormat(sf)
	}
	pl, ok := get("payload")
	if !ok {
		p.notASchema(site, a)
	}
	if pl, ok := p.multiFormat(pl, ok); ok {
		p.schemas.site(pl, siteHint(a, pl, m.Key), func(t *model.Type, kin *openapi3.Schema) { m.Payload, p.checks[m].payload = t, kin })
	}
	if h, ok := p.multiFormat(get("headers")); ok {
		p.schemas.site(h, siteHint(a, h, m.Key+"Headers"), func(t *model.Type, kin *openapi3.Schema) { m.Headers, p.checks[m].headers = t, kin })
	}
	if cid, ok := get("correlationId"); ok {
		if cid, err := p.deref(cid); err != nil {
			p.errs = append(p.errs, asError(err))
		} else if cid, ok := p.object(cid, "correlationId"); ok {
			m.CorrelationID = p.str(cid, "location", true)
			if !strings.HasPrefix(m.CorrelationID, "$message.header#") && !strings.HasPrefix(m.CorrelationID, "$message.payload#") {
				p.errorf(cid.pos(), "correlationId location %q must start with $message.header# or $message.payload#", m.CorrelationID)
			}
		}
	}
	if ex, ok := get("examples"); ok {
		m.Examples = p.examples(ex, p.checks[m])
	}
	p.messageReply(m, a, defaultCT)
	p.handshake(m, a)
	return m
}

// siteHint names an inline payload or headers schema after its message,
// unless it comes from elsewhere, such as a trait that several messages
// share: then after where it is defined ("commonHeaders.headers").
func siteHint(msg, site at, byMessage string) string {
	if site.f == msg.f && strings.HasPrefix(site.ptr, msg.ptr+"/") {
		return byMessage
	}
	name := nameFromPtr(site.ptr)
	if parent, last, ok := strings.Cut(name, "."); ok && strings.HasSuffix(strings.ToLower(parent), last) {
		return parent // commonHeaders.headers reads as commonHeaders
	}
	return name
}

// messageKey names a message: its component key, messageId or name, else
// the last segment of the $ref that reaches it (a key in a file of
// messages, or the file's own name), else its operation (fallback).
func messageKey(site, a at, messageID, name, fallback string) string {
	if rest, ok := strings.CutPrefix(a.ptr, "/components/messages/"); ok && !strings.Contains(rest, "/") {
		return unescapePtr(rest)
	}
	switch {
	case messageID != "":
		return messageID
	case name != "":
		return name
	}
	if site.f == a.f && site.ptr == a.ptr {
		return fallback // not reached through a $ref
	}
	if a.ptr == "" {
		base := filepath.Base(a.f.name)
		return strings.TrimSuffix(base, filepath.Ext(base))
	}
	last := unescapePtr(a.ptr[strings.LastIndex(a.ptr, "/")+1:])
	if _, err := strconv.Atoi(last); err != nil && last != "message" {
		return last
	}
	return fallback // a list index or an operation's message says nothing
}

// traitList returns the traits of a message or an operation; its own
// fields win over them.
func (p *parser) traitList(a at, what string) []at {
	tr, ok := a.get("traits")
	if !ok {
		return nil
	}
	if tr.n.Kind != yaml.SequenceNode {
		p.errorf(tr.pos(), "traits must be a list, not %s", kindName(tr.n))
		return nil
	}
	var out []at
	for _, t := range tr.items() {
		t, err := p.deref(t)
		if err != nil {
			p.errs = append(p.errs, asError(err))
			continue
		}
		if t, ok := p.object(t, what); ok {
			out = append(out, t)
		}
	}
	return out
}

// schemaKeywords are JSON Schema keywords that a message object lacks.
var schemaKeywords = []string{"type", "properties", "allOf", "items", "required", "enum", "const", "additionalProperties"}

// notASchema refuses a message without a payload that reads as a schema,
// such as a message $ref pointing into components.schemas: the schema
// would be lost and the message would carry nothing.
func (p *parser) notASchema(site, a at) {
	for _, kw := range schemaKeywords {
		if _, ok := a.get(kw); !ok {
			continue
		}
		if r, ref, ok := refOf(site); ok {
			p.errorf(r.pos(), "message $ref %q points at a schema, not a message: write message: {payload: {$ref: %q}}", ref, ref)
		} else {
			p.errorf(a.pos(), "this message has schema keywords (%s) but no payload: a message's schema goes under payload", kw)
		}
		return
	}
}

func (p *parser) examples(a at, checks *messageChecks) []*model.Example {
	if a.n.Kind != yaml.SequenceNode {
		p.errorf(a.pos(), "examples must be a list, not %s", kindName(a.n))
		return nil
	}
	var out []*model.Example
	for _, e := range a.items() {
		e, ok := p.object(e, "example")
		if !ok {
			continue
		}
		name := p.str(e, "name", false)
		if inner, key, ok := p.wrappedExample(e); ok {
			e, name = inner, cmp.Or(p.str(inner, "name", false), key)
		}
		_, hasPayload := e.get("payload")
		if _, hasHeaders := e.get("headers"); !hasPayload && !hasHeaders {
			p.errorf(e.pos(), "an example needs a payload or headers (a Message Example Object); this one has %s", keysOf(e))
			continue
		}
		ex := &model.Example{
			Name:       name,
			Summary:    p.str(e, "summary", false),
			Extensions: p.extensions(e),
			Pos:        e.pos(),
		}
		checks.examples = append(checks.examples, exampleAt{ex: ex, at: e})
		if pl, ok := e.get("payload"); ok {
			ex.Payload = jsonOf(pl.n)
		}
		if h, ok := e.get("headers"); ok {
			if h.n.Kind != yaml.MappingNode {
				p.errorf(h.pos(), "example headers must be a mapping, not %s", kindName(h.n))
			}
			for _, kv := range h.pairs() {
				if kv.v.n.Kind != yaml.ScalarNode {
					p.errorf(kv.v.pos(), "example header %s must be a single value, not %s", kv.key, kindName(kv.v.n))
					continue
				}
				if ex.Headers == nil {
					ex.Headers = map[string]string{}
				}
				ex.Headers[kv.key] = kv.v.n.Value
			}
		}
		out = append(out, ex)
	}
	return out
}

// wrappedExample unwraps the forms of examples that tooling other than
// AsyncAPI's writes: Microcks' named examples, a list of {name: example},
// and an example wrapped in an x- key. The key names the example unless
// it is an x- key.
func (p *parser) wrappedExample(e at) (at, string, bool) {
	kvs := e.pairs()
	if len(kvs) != 1 || slices.Contains([]string{"name", "summary", "payload", "headers"}, kvs[0].key) {
		return at{}, "", false
	}
	inner, err := p.deref(kvs[0].v)
	if err != nil || inner.n.Kind != yaml.MappingNode {
		return at{}, "", false
	}
	_, hasPayload := inner.get("payload")
	if _, hasHeaders := inner.get("headers"); !hasPayload && !hasHeaders {
		return at{}, "", false
	}
	if strings.HasPrefix(kvs[0].key, "x-") {
		return inner, "", true
	}
	return inner, kvs[0].key, true
}

// keysOf lists a mapping's keys for a message, "nothing" when it has none.
func keysOf(a at) string {
	var keys []string
	for _, kv := range a.pairs() {
		keys = append(keys, kv.key)
	}
	if len(keys) == 0 {
		return "nothing"
	}
	return "only " + strings.Join(keys, ", ")
}

// ---- typed reads with located errors ----

// object derefs a node and checks that it is a mapping.
func (p *parser) object(a at, what string) (at, bool) {
	a, err := p.deref(a)
	if err != nil {
		p.errs = append(p.errs, asError(err))
		return at{}, false
	}
	if a.n.Kind != yaml.MappingNode {
		p.errorf(a.pos(), "%s must be a mapping, not %s", what, kindName(a.n))
		return at{}, false
	}
	return a, true
}

// mapping reads a field that must hold a mapping.
func (p *parser) mapping(a at, key string, required bool) (at, bool) {
	if a.n == nil {
		return at{}, false
	}
	v, ok := a.get(key)
	if !ok {
		if required {
			p.errorf(a.pos(), "missing required field %q", key)
		}
		return at{}, false
	}
	return p.object(v, key)
}

// str reads a field that must hold a scalar.
func (p *parser) str(a at, key string, required bool) string {
	if a.n == nil {
		return ""
	}
	v, ok := a.get(key)
	if !ok {
		if required {
			p.errorf(a.pos(), "missing required field %q", key)
		}
		return ""
	}
	return p.scalar(v, key)
}

func (p *parser) scalar(v at, key string) string {
	if v.n.Kind != yaml.ScalarNode {
		p.errorf(v.pos(), "%s must be a string, not %s", key, kindName(v.n))
		return ""
	}
	return v.n.Value
}

func (p *parser) strings(a at) []string {
	var out []string
	for _, it := range a.items() {
		out = append(out, p.scalar(it, "scope"))
	}
	return out
}

func (p *parser) extensions(a at) model.Extensions {
	var ext model.Extensions
	for _, kv := range a.pairs() {
		if strings.HasPrefix(kv.key, "x-") {
			if ext == nil {
				ext = model.Extensions{}
			}
			ext[kv.key] = value(kv.v.n)
		}
	}
	return ext
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float":
			return "a number (" + n.Value + ")"
		case "!!bool":
			return "a boolean (" + n.Value + ")"
		case "!!null":
			return "null"
		}
		return fmt.Sprintf("the string %q", n.Value)
	}
	return "empty"
}

// Errors returns the located problems of a Parse error, or nil.
func Errors(err error) ErrorList {
	var l ErrorList
	if errors.As(err, &l) {
		return l
	}
	return nil
}
