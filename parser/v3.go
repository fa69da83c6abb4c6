package parser

import (
	"cmp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/hookgen/hookgen/model"
)

// AsyncAPI 3 keeps channels and operations apart: a channel is an address
// and the messages that may travel on it; an operation says which way its
// messages go, and which of them. This file reads them into the model of
// AsyncAPI 2, where the operation sits inside its channel.

// operation3 is a top-level operation as read, before the side to serve
// is known.
type operation3 struct {
	key     string
	a       at
	sends   bool
	channel at // the channel it names, its $ref followed
	traits  []at
}

// get reads a field of the operation or, failing that, of its traits.
func (o operation3) get(key string) (at, bool) {
	if v, ok := o.a.get(key); ok {
		return v, true
	}
	for _, t := range o.traits {
		if v, ok := t.get(key); ok {
			return v, true
		}
	}
	return at{}, false
}

// channels3 reads the operations of an AsyncAPI 3 document and, for those
// the receiver serves, their channels and messages.
func (p *parser) channels3(doc at, defaultCT string) {
	chans, _ := p.mapping(doc, "channels", false)
	keyOf := map[target]string{} // a channel's key in channels, by where it is
	for _, kv := range chans.pairs() {
		if c, err := p.deref(kv.v); err == nil {
			keyOf[target{c.f, c.ptr}] = kv.key
		}
	}
	opsAt, ok := p.mapping(doc, "operations", false)
	if !ok {
		p.errorf(doc.pos(), "the document has no operations: in AsyncAPI 3 an operation says which messages of a channel are sent or received, so there is no message to receive")
		return
	}
	var ops []operation3
	var sends, receives int
	for _, kv := range opsAt.pairs() {
		op, ok := p.operation3(kv.key, kv.v, keyOf)
		if !ok {
			continue
		}
		if op.sends {
			sends++
		} else {
			receives++
		}
		ops = append(ops, op)
	}
	if len(p.errs) > 0 {
		return
	}
	serveSends := p.serveSends(doc, opsAt, sends, receives, "send", "receive")
	// Channels that share an address are one path to serve: their
	// messages are told apart like those of one channel.
	byPath := map[string]*model.Channel{}
	for _, op := range ops {
		if op.sends != serveSends {
			continue
		}
		key := keyOf[target{op.channel.f, op.channel.ptr}]
		path := p.address(key, op.channel)
		c, seen := byPath[model.ServePath(path)]
		if !seen {
			c = p.channel3(key, path, op.channel)
			byPath[model.ServePath(path)] = c
			p.api.Channels = append(p.api.Channels, c)
		}
		p.serve3(op, c, defaultCT)
	}
	for _, kv := range chans.pairs() {
		if c, err := p.deref(kv.v); err == nil && !named(c, ops) {
			p.warnf(kv.keyAt.pos(), "no operation names channel %q, so no message arrives on it: it is not served", kv.key)
		}
	}
	if len(p.api.Channels) == 0 && len(p.errs) == 0 {
		action := "receive"
		if serveSends {
			action = "send"
		}
		p.errorf(opsAt.pos(), "no operation has action %s, which the side the document describes would receive (docs/asyncapi.md)", action)
	}
}

// named reports whether an operation names the channel at c.
func named(c at, ops []operation3) bool {
	for _, op := range ops {
		if op.channel.f == c.f && op.channel.ptr == c.ptr {
			return true
		}
	}
	return false
}

// operation3 reads what every operation needs, whichever side is served:
// its action and its channel.
func (p *parser) operation3(key string, a at, keyOf map[target]string) (operation3, bool) {
	a, ok := p.object(a, "operation "+key)
	if !ok {
		return operation3{}, false
	}
	op := operation3{key: key, a: a, traits: p.traitList(a, "operation trait")}
	action, ok := op.get("action")
	switch {
	case !ok:
		p.errorf(a.pos(), "operation %q has no action: say whether its messages are sent (action: send) or received (action: receive)", key)
		return op, false
	case action.n.Value != "send" && action.n.Value != "receive":
		p.errorf(action.pos(), "operation %q: action must be send or receive, not %s", key, kindName(action.n))
		return op, false
	}
	op.sends = action.n.Value == "send"
	ch, ok := op.get("channel")
	if !ok {
		p.errorf(a.pos(), "operation %q has no channel: name it with channel: {$ref: '#/channels/...'}", key)
		return op, false
	}
	if _, _, isRef := refOf(ch); !isRef {
		p.errorf(ch.pos(), "operation %q: channel must be a $ref to an entry of channels, not a channel written in place", key)
		return op, false
	}
	if op.channel, ok = p.object(ch, "channel"); !ok {
		return op, false
	}
	if _, ok := keyOf[target{op.channel.f, op.channel.ptr}]; !ok {
		r, ref, _ := refOf(ch)
		p.errorf(r.pos(), "operation %q: channel $ref %q must point at an entry of the document's channels", key, ref)
		return op, false
	}
	return op, true
}

// address is where a channel is served: its address, or its key when the
// address is null or absent (unknown until run time).
func (p *parser) address(key string, a at) string {
	if addr, ok := a.get("address"); ok && addr.n.Tag != "!!null" {
		return p.scalar(addr, "address")
	}
	return key
}

// channel3 reads a channel that a served operation names.
func (p *parser) channel3(key, path string, a at) *model.Channel {
	c := &model.Channel{
		Path:        path,
		Description: cmp.Or(p.str(a, "description", false), p.str(a, "summary", false)),
		Extensions:  p.extensions(a),
		Pos:         a.pos(),
	}
	p.ignoredBindings(a, "channel "+key)
	p.chans[c] = a
	if params, ok := p.mapping(a, "parameters", false); ok {
		for _, kv := range params.pairs() {
			if param := p.parameter3(kv, c); param != nil {
				c.Parameters = append(c.Parameters, param)
			}
		}
	}
	return c
}

// parameter3 reads an AsyncAPI 3 parameter. It has no schema: its values
// are strings, perhaps from an enum, so a schema of that is read for it.
func (p *parser) parameter3(kv pair, c *model.Channel) *model.Parameter {
	pa, ok := p.object(kv.v, "parameter "+kv.key)
	if !ok {
		return nil
	}
	if !strings.Contains(c.Path, "{"+kv.key+"}") {
		p.errorf(kv.keyAt.pos(), "parameter %q does not appear in the channel address %q", kv.key, c.Path)
	}
	param := &model.Parameter{
		Name:        kv.key,
		Description: p.str(pa, "description", false),
		Location:    p.str(pa, "location", false),
		Pos:         pa.pos(),
	}
	schema := mapNode("type", scalar("string"))
	for _, k := range []string{"enum", "default", "examples", "description"} {
		if v, ok := pa.get(k); ok {
			schema.Content = append(schema.Content, scalar(k), v.n)
		}
	}
	schema.Line, schema.Column = pa.n.Line, pa.n.Column
	site := at{p.root, schema, "/channels/" + escapePtr(c.Path) + "/parameters/" + escapePtr(kv.key)}
	p.schemas.site(site, c.Path+"."+kv.key, func(t *model.Type, _ *openapi3.Schema) { param.Schema = t })
	return param
}

// serve3 adds a served operation's messages to its channel.
func (p *parser) serve3(op operation3, c *model.Channel, defaultCT string) {
	if c.OperationID == "" {
		c.Operation = "receive"
		if op.sends {
			c.Operation = "send"
		}
		c.OperationID = op.key
		c.OperationSummary = p.optStr(op, "summary")
		c.OperationDescription = p.optStr(op, "description")
	}
	p.ignoredBindings(op.a, "operation "+op.key)
	sec := opSecurity{name: op.key, pos: op.a.pos()}
	if s, ok := op.get("security"); ok {
		sec.reqs, sec.declared, sec.pos = p.requirements(s, true, "operation "+op.key), true, s.pos()
	}
	p.ops = append(p.ops, sec)
	var reply *model.Reply
	if r, ok := op.get("reply"); ok {
		reply = p.reply(op, r, defaultCT)
	}
	for _, site := range p.operationMessages3(op) {
		m := p.message(site.at, op.key, site.id, defaultCT)
		if m == nil {
			continue
		}
		if !slices.Contains(c.Messages, m) {
			c.Messages = append(c.Messages, m)
		}
		p.receive(m)
		if m.Reply == nil {
			m.Reply = reply
		}
	}
}

// messageSite is a message as a channel lists it: its node and its key.
type messageSite struct {
	at at
	id string
}

// operationMessages3 returns the messages an operation names, each of
// which must be one of its channel's, or all of the channel's when it
// names none.
func (p *parser) operationMessages3(op operation3) []messageSite {
	msgs, _ := p.mapping(op.channel, "messages", false)
	var all []messageSite
	for _, kv := range msgs.pairs() {
		all = append(all, messageSite{kv.v, kv.key})
	}
	list, ok := op.get("messages")
	if !ok {
		if len(all) == 0 {
			p.warnf(op.channel.pos(), "the channel of operation %q has no messages: nothing arrives on it", op.key)
		}
		return all
	}
	if list.n.Kind != yaml.SequenceNode {
		p.errorf(list.pos(), "operation %q: messages must be a list of $refs to its channel's messages, not %s", op.key, kindName(list.n))
		return nil
	}
	var out []messageSite
	for _, ref := range list.items() {
		m, err := p.deref(ref)
		if err != nil {
			p.errs = append(p.errs, asError(err))
			continue
		}
		found := false
		for _, s := range all {
			if d, err := p.deref(s.at); err == nil && d.f == m.f && d.ptr == m.ptr {
				out, found = append(out, s), true
				break
			}
		}
		if !found {
			p.errorf(ref.pos(), "operation %q names a message its channel does not carry: list it in the channel's messages, or $ref one of them (#%s/messages/...)", op.key, op.channel.ptr)
		}
	}
	return out
}

// reply reads an operation's reply: its messages, from its channel or its
// own list, and its address.
//
// A reply on the operation's own channel, or on one served at the same
// address, goes back on the request, as an HTTP response does: its Address
// is empty. A reply channel whose address is unknown (null or absent) is
// named by its key.
func (p *parser) reply(op operation3, r at, defaultCT string) *model.Reply {
	opKey := op.key
	r, ok := p.object(r, "reply")
	if !ok {
		return nil
	}
	reply := &model.Reply{Pos: r.pos()}
	var ch at
	if c, ok := r.get("channel"); ok {
		if ch, ok = p.object(c, "reply channel"); ok && (ch.f != op.channel.f || ch.ptr != op.channel.ptr) {
			reply.Address = p.address(lastKey(ch.ptr), ch)
			if model.ServePath(reply.Address) == model.ServePath(p.address(lastKey(op.channel.ptr), op.channel)) {
				reply.Address = ""
			}
		}
	}
	if addr, ok := r.get("address"); ok {
		if addr, ok := p.object(addr, "reply address"); ok {
			reply.Address = p.str(addr, "location", true)
		}
	}
	var sites []messageSite
	if ch.n != nil {
		sites = p.operationMessages3(operation3{key: opKey, a: r, channel: ch})
	} else { // no channel to take them from: the reply's own list
		if list, ok := r.get("messages"); ok {
			for _, it := range list.items() {
				sites = append(sites, messageSite{at: it})
			}
		}
	}
	for _, site := range sites {
		if m := p.message(site.at, opKey+"Reply", site.id, defaultCT); m != nil {
			reply.Messages = append(reply.Messages, m)
		}
	}
	return reply
}

// lastKey is the last key of a JSON pointer: a channel's key.
func lastKey(ptr string) string {
	return unescapePtr(ptr[strings.LastIndex(ptr, "/")+1:])
}

// optStr reads an optional string of an operation or its traits.
func (p *parser) optStr(op operation3, key string) string {
	if v, ok := op.get(key); ok {
		return p.scalar(v, key)
	}
	return ""
}

// Schema formats. AsyncAPI's own schema is a superset of JSON Schema
// draft 7, and OpenAPI 3.0's Schema Object is what kin-openapi reads; the
// others describe data in a way a JSON payload type cannot be made from.
var (
	readableFormats = []string{"application/vnd.aai.asyncapi", "application/schema+json", "application/schema+yaml", "application/vnd.oai.openapi"}
	refusedFormats  = map[string]string{
		"application/vnd.apache.avro":     "Avro",
		"application/raml+yaml":           "RAML",
		"application/vnd.google.protobuf": "Protobuf",
		"application/x-protobuf":          "Protobuf",
	}
)

// schemaFormat reports a schema format hookgen cannot read.
func (p *parser) schemaFormat(sf at) bool {
	f := p.scalar(sf, "schemaFormat")
	for _, ok := range readableFormats {
		if strings.HasPrefix(f, ok) {
			return true
		}
	}
	media, _, _ := strings.Cut(f, ";")
	media, _, _ = strings.Cut(strings.TrimSpace(media), "+json")
	if name, ok := refusedFormats[strings.TrimSuffix(media, "+yaml")]; ok {
		p.errorf(sf.pos(), "schemaFormat %q: %s schemas are not supported; hookgen reads JSON Schema (AsyncAPI's schema) and OpenAPI 3.0 schemas: write the payload in one of them (docs/scope.md)", f, name)
		return false
	}
	p.errorf(sf.pos(), "schemaFormat %q is not supported; hookgen reads JSON Schema (AsyncAPI's schema) and OpenAPI 3.0 schemas: write the payload in one of them (docs/scope.md)", f)
	return false
}

// multiFormat unwraps AsyncAPI 3's Multi Format Schema Object
// ({schemaFormat, schema}) to the schema it holds, when its format is one
// hookgen reads. Any other payload is the schema itself.
func (p *parser) multiFormat(a at, ok bool) (at, bool) {
	if !ok {
		return a, false
	}
	d, err := p.deref(a)
	if err != nil || d.n.Kind != yaml.MappingNode {
		return a, true // reported by the schema reader
	}
	sf, hasFormat := d.get("schemaFormat")
	inner, hasSchema := d.get("schema")
	switch {
	case !hasFormat && !hasSchema:
		return a, true
	case !hasFormat:
		p.errorf(d.pos(), "a schema with a schema field is a Multi Format Schema Object and needs schemaFormat (e.g. application/vnd.aai.asyncapi+json;version=3.0.0)")
		return a, false
	case !hasSchema:
		p.errorf(d.pos(), "a Multi Format Schema Object needs schema beside its schemaFormat")
		return a, false
	}
	if !p.schemaFormat(sf) {
		return a, false
	}
	return inner, true
}
