package generator

import (
	"cmp"
	"fmt"
	"go/token"
	"net/http"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// A plan is the Go shape of one API, decided before any file is written:
// every identifier the generated package declares, and how each field is
// declared, stored, decoded and encoded. It is built once, in model order,
// so every file agrees on it, and checked once; the emitters render it and
// decide nothing. The model says what the provider sends; the plan says how
// Go holds it (protoc-gen-go's protogen plays the same part).
type plan struct {
	api *model.API
	pkg string

	types    []*typePlan    // the declared types, in api.Types order
	messages []*messagePlan // in api.Messages order
	channels []*channelPlan // the channels that carry messages, in spec order
	schemes  []*schemePlan  // the security schemes hookgen can verify
	// plainJSON is set when a scheme posts JSON as text/plain (Amazon
	// SNS): the channels accept it, and the test kit sends it so.
	plainJSON bool

	typeOf    map[*model.Type]*typePlan
	fieldOf   map[*model.Field]*fieldPlan
	messageOf map[*model.Message]*messagePlan
	channelOf map[*model.Channel]*channelPlan
	schemeOf  map[*model.SecurityScheme]*schemePlan
}

// typePlan is a declared type: an object, an enum or a union.
type typePlan struct {
	Model *model.Type
	Name  string
	// Fields are the object's properties, in spec order.
	Fields []*fieldPlan
	// Extras names the field that keeps the properties beyond Fields,
	// when the schema types additionalProperties; "" otherwise.
	Extras string
	// EnumConsts name the constants of Model.Enum, in order.
	EnumConsts []string
	// Variants name a union's variants (its fields when Tagged, else its
	// As and Set methods).
	Variants []string
	// Tagged is set for a union decoded as a sum type: every variant is an
	// object that a discriminator value selects.
	Tagged bool
	// Stored are the optional scalar fields that share one allocation
	// when decoded (each field's Slot), when there are at least two.
	Stored []*fieldPlan
	// Required are the required fields, in the order of their bits.
	Required []*fieldPlan
	// HeaderDecoder is the function that reads the type from HTTP headers,
	// for a message's headers type; "" otherwise.
	HeaderDecoder string
	// Random is the generated test's random JSON writer of the type.
	Random string
}

// seenWords is the number of uint64 words of the decoder's required bits.
func (t *typePlan) seenWords() int { return (len(t.Required) + 63) / 64 }

// fieldShape says how a field is declared.
type fieldShape int

const (
	byValue     fieldShape = iota // required: the value itself
	pointer                       // optional, or required but nullable: nil when absent or null
	nullable                      // optional and nullable: webhook.Nullable keeps absent, null and value apart
	nullableRef                   // nullable, of a struct that contains the owner: webhook.Nullable[*T]
	plain                         // required slices and maps, raw JSON: nil already means absent (or null)
)

// fieldPlan is one property of an object.
type fieldPlan struct {
	Model *model.Field
	Owner *typePlan
	// Name is the Go field; Getter its nil-safe getter.
	Name, Getter string
	// JSONName is the key encoding/json matches it by: the wire name, or
	// Name when the wire name is no valid struct tag name.
	JSONName string
	Shape    fieldShape
	// Tag is the json struct tag's value.
	Tag string
	// Const names the constant of a property the spec fixes; "" otherwise.
	Const string
	// Slot is the field's place in its owner's shared allocation (Stored);
	// "" when decoding allocates it alone.
	Slot string
	// RequiredBit is the field's bit among its owner's required fields,
	// -1 when it is optional.
	RequiredBit int
	// OnceBit is the field's bit among the properties a delivery may give
	// only once (see onceFields), -1 for the others.
	OnceBit int
}

// omitZero reports whether encoding leaves the field out when it is zero.
func (f *fieldPlan) omitZero() bool { return strings.HasSuffix(f.Tag, ",omitzero") }

// messagePlan is one message: its handler method and what the dispatcher
// calls to deliver it.
type messagePlan struct {
	Model *model.Message
	Name  string
	// Handle is the Handler method.
	Handle string
	// Deliver decodes the payload and calls Run; Run calls Handle on an
	// event already decoded (Deliver alone when there is no payload).
	Deliver, Run string
	// Delivered is set when a route calls Deliver: one that does not decode
	// the payload itself.
	Delivered bool
	// PayloadDecoder decodes a payload of a type that is not declared (a
	// list, a string...); "" when the payload's type decodes itself.
	PayloadDecoder string
	// Channel is the path of the first channel that carries the message.
	Channel string
	// Examples are the deliveries Examples returns for the message: the
	// spec's and, when none of them has a payload, one built from the
	// schema (see sampleExample).
	Examples []examplePlan
	// Reply is the message the handler answers with, when the message
	// declares a reply that goes back on the request; nil otherwise, and
	// for a handshake.
	Reply *model.Message
	// ReplyType is the reply's content type.
	ReplyType string
	// Answer names the variable that describes a handshake's answer; ""
	// unless the message is a handshake.
	Answer string
	// TokenOption names the option that configures a handshake's verify
	// tokens; "" when it has none.
	TokenOption string
	// Batched is set for a message of a batch channel: its handler runs
	// once the whole batch is routed (hookimpl.Runner.Collect).
	Batched bool
	// Nested is set for a message of a batch nested in the body
	// (x-hookgen-batch: {elements: ...}): without a correlationId, its
	// event id is hookimpl.Runner.RunBatchAt's.
	Nested bool
}

// replies reports whether the dispatcher answers the message with a body:
// its handler's reply, or a handshake's answer. Its deliver and run
// methods then return a hookimpl.Reply beside the error.
func (m *messagePlan) replies() bool { return m.Reply != nil || m.Answer != "" }

// handled reports whether the message has a Handler method: every
// message but a handshake.
func (m *messagePlan) handled() bool { return m.Model.Handshake == nil }

// examplePlan is an example delivery and the constant of its payload,
// "" for an example without one.
type examplePlan struct {
	*model.Example
	Const string
	// Body is the constant the delivery's body is: Const, or for an
	// example that gives only headers, the message's first payload, so
	// that every example is a delivery a test can send.
	Body string
}

// channelPlan is a channel that carries messages.
type channelPlan struct {
	Model *model.Channel
	Name  string
	// Const is the channel's constant; Route the dispatcher method that
	// routes its deliveries; Endpoint the Server field that serves it;
	// Handler the Server method that returns that endpoint.
	Const, Route, Endpoint, Handler string
	// Pattern is the ServeMux pattern that serves the channel's path and
	// nothing else: a path ending in "/" ends in "/{$}", or it would
	// match every path below it.
	Pattern string
	// Shared is the field that routes a delivery when every message of the
	// channel has the same payload, decoded before routing; nil otherwise.
	Shared *fieldPlan
	// Requests name the test kit's request builder of each route, in
	// Model.Discriminator.Routes order.
	Requests []string
	// Replies is set when a message the channel routes replies (see
	// messagePlan.replies): its route returns a hookimpl.Reply too.
	Replies bool
	// Handshakes are the messages of the channel recognised by their
	// query rather than routed.
	Handshakes []*model.Message
	// HandshakeRequests name the test kit's request builder of each of
	// Handshakes, in its order.
	HandshakeRequests []string
	// Item is, for a batch channel, the dispatcher method that routes one
	// element of a batch; "" otherwise.
	Item string
}

// schemePlan is a security scheme hookgen can verify.
type schemePlan struct {
	Model *model.SecurityScheme
	// Kind is how it is verified: "basic", "apikey", "bodykey", "hmac",
	// "keysig", "sns" (x-hookgen-signature format aws-sns) or "bearer".
	Kind string
	// Option is the package's option that configures it; Cred the field of
	// Credentials that authenticates test requests for it.
	Option, Cred string
	// Builder is the function that builds a signature scheme's verifier
	// (Kind "hmac", "keysig" or "sns"); "" otherwise.
	Builder string
	// CertOption, for Kind "sns", is the option that sets where the
	// scheme fetches certificates and confirms subscriptions.
	CertOption string
}

// reserved are the package-level names the generated files declare besides
// those the plan derives from the spec.
var reserved = []string{
	"Examples", "Handler", "UnimplementedHandler", "EventFunc", "Dispatcher", "NewDispatcher",
	"Server", "NewServer", "Option", "WithDeduper", "WithHandlerTimeout", "WithLogger", "WithObserver",
	"WithBodyLimit", "WithUnknownEventHandler", "WithVerifier", "AllowUnauthenticated",
	"Credentials", "JSONValue", "Unmarshal", "Marshal",
	// unexported
	"decodeDelivery", "defaultBodyLimit", "newDispatcher", "provider", "securityRequirements", "exampleOf", "newRequest", "kitRoute", "recorder",
}

// newPlan decides the Go shape of api, in model order.
func newPlan(api *model.API, pkg string) (*plan, error) {
	p := &plan{
		api: api, pkg: pkg,
		typeOf:    map[*model.Type]*typePlan{},
		fieldOf:   map[*model.Field]*fieldPlan{},
		messageOf: map[*model.Message]*messagePlan{},
		channelOf: map[*model.Channel]*channelPlan{},
		schemeOf:  map[*model.SecurityScheme]*schemePlan{},
	}
	names := scope{}
	for _, r := range reserved {
		names[r] = true
	}
	p.nameMessages(names)
	p.nameChannels(names)
	for _, s := range api.SecuritySchemes {
		if kind := schemeKind(s); kind != "" {
			sp := &schemePlan{Model: s, Kind: kind, Option: names.unique("With" + ident(s.Key, "Scheme")), Cred: ident(s.Key, "Scheme")}
			if kind == "hmac" || kind == "keysig" || kind == "sns" {
				sp.Builder = names.unique("new" + ident(s.Key, "Scheme") + "Verifier")
			}
			if kind == "sns" {
				sp.CertOption = names.unique(sp.Option + "Certificates")
				p.plainJSON = true
			}
			p.schemes = append(p.schemes, sp)
			p.schemeOf[s] = sp
		}
	}
	for _, t := range api.Types {
		tp := &typePlan{Model: t, Name: names.unique(ident(t.Name, "Type"))}
		p.types = append(p.types, tp)
		p.typeOf[t] = tp
	}
	for _, tp := range p.types {
		p.nameMembers(tp, names)
	}
	for _, tp := range p.types {
		for _, f := range tp.Fields {
			if f.Model.HasConst {
				f.Const = names.unique(tp.Name + f.Name)
			}
		}
	}
	for _, m := range api.Messages {
		if h := m.Headers; h != nil && p.typeOf[h] != nil && p.typeOf[h].HeaderDecoder == "" {
			p.typeOf[h].HeaderDecoder = names.unique("decode" + p.typeOf[h].Name)
		}
	}
	for _, tp := range p.types {
		tp.Random = names.unique("jsonRandom" + tp.Name)
	}
	p.shapeFields()
	p.planDelivery(names)
	return p, p.check()
}

// nameMessages names the messages and what the package declares for each.
func (p *plan) nameMessages(names scope) {
	first := map[*model.Message]string{}
	for _, c := range p.api.Channels {
		for _, m := range c.Messages {
			if _, ok := first[m]; !ok {
				first[m] = c.Path
			}
		}
	}
	msgs := scope{}
	for _, m := range p.api.Messages {
		name := msgs.unique(ident(m.Key, "Message"))
		mp := &messagePlan{
			Model: m, Name: name, Channel: first[m],
			Handle: "Handle" + name, Deliver: "deliver" + name, Run: "run" + name,
		}
		examples := m.Examples
		if !slices.ContainsFunc(examples, func(ex *model.Example) bool { return ex.Payload != nil }) &&
			(m.Payload != nil || m.Headers != nil) {
			examples = append(slices.Clip(examples), sampleExample(p.api, m))
		}
		for i, ex := range examples {
			var c string
			switch {
			case ex.Payload == nil:
			case ex.Name != "":
				c = names.unique("example" + ident(ex.Name, ""))
			default:
				c = names.unique(fmt.Sprintf("example%s%d", name, i+1))
			}
			mp.Examples = append(mp.Examples, examplePlan{Example: ex, Const: c, Body: c})
		}
		if i := slices.IndexFunc(mp.Examples, func(ex examplePlan) bool { return ex.Const != "" }); i >= 0 && m.Payload != nil {
			for j := range mp.Examples {
				mp.Examples[j].Body = cmp.Or(mp.Examples[j].Body, mp.Examples[i].Const)
			}
		}
		if h := m.Handshake; h != nil {
			mp.Answer = names.unique("answer" + name)
			if h.VerifyToken != "" {
				mp.TokenOption = names.unique("With" + name + "Token")
			}
		} else if r := m.Reply; r.Answered() {
			mp.Reply = r.Messages[0]
			mp.ReplyType = cmp.Or(mp.Reply.ContentType, "application/json")
		}
		p.messages = append(p.messages, mp)
		p.messageOf[m] = mp
	}
}

// nameChannels names the channels that carry messages, and the request
// builder of each message on each: New<Message>Request, or
// New<Message>On<Channel>Request for a message that several channels
// carry, so that each builder sends where its name says.
func (p *plan) nameChannels(names scope) {
	carriers := map[*model.Message]int{}
	for _, c := range p.api.Channels {
		if c.Discriminator != nil {
			for _, r := range c.Discriminator.Routes {
				carriers[r.Message]++
			}
		}
		for _, m := range c.Messages {
			if m.Handshake != nil && len(m.Handshake.Query) > 0 {
				carriers[m]++
			}
		}
	}
	chans := scope{}
	for _, c := range p.api.Channels {
		name := chans.unique(ident(c.Path, "Root"))
		if c.Discriminator == nil {
			continue
		}
		cp := &channelPlan{
			Model: c, Name: name, Const: names.unique("Channel" + name),
			Route: "route" + name, Endpoint: "endpoint" + name, Handler: name + "Handler",
			Pattern: model.ServePath(c.Path),
		}
		if strings.HasSuffix(cp.Pattern, "/") {
			cp.Pattern += "{$}"
		}
		if c.Batch {
			cp.Item = "route" + name + "Item"
		}
		for _, r := range c.Discriminator.Routes {
			p.messageOf[r.Message].Batched = p.messageOf[r.Message].Batched || c.Batch
			p.messageOf[r.Message].Nested = p.messageOf[r.Message].Nested || c.BatchElements != ""
			req := "New" + p.messageOf[r.Message].Name
			if carriers[r.Message] > 1 {
				req += "On" + name
			}
			cp.Requests = append(cp.Requests, names.unique(req+"Request"))
			cp.Replies = cp.Replies || p.messageOf[r.Message].replies()
		}
		for _, m := range c.Messages {
			if m.Handshake != nil && len(m.Handshake.Query) > 0 {
				cp.Handshakes = append(cp.Handshakes, m)
				req := "New" + p.messageOf[m].Name
				if carriers[m] > 1 {
					req += "On" + name
				}
				cp.HandshakeRequests = append(cp.HandshakeRequests, names.unique(req+"Request"))
			}
		}
		p.channels = append(p.channels, cp)
		p.channelOf[c] = cp
	}
}

// nameMembers names a type's fields, getters, extras, enum constants and
// variants.
func (p *plan) nameMembers(tp *typePlan, names scope) {
	t := tp.Model
	// Fields and their getters share the struct's method set: the field
	// "get_id" must not take the name of id's getter.
	members := scope{}
	if hasExtras(t) {
		members["MarshalJSON"], members["UnmarshalJSON"] = true, true
	}
	for _, f := range t.Fields {
		name := members.unique(ident(f.Name, "Field"))
		for members["Get"+name] {
			name = members.unique(name)
		}
		members["Get"+name] = true
		fp := &fieldPlan{Model: f, Owner: tp, Name: name, Getter: "Get" + name, RequiredBit: -1, OnceBit: -1}
		fp.JSONName = f.Name
		if !validTagName(f.Name) {
			fp.JSONName = name
		}
		tp.Fields = append(tp.Fields, fp)
		p.fieldOf[f] = fp
	}
	if hasExtras(t) {
		tp.Extras = members.unique("AdditionalProperties")
	}
	for i, v := range t.Enum {
		tp.EnumConsts = append(tp.EnumConsts, names.unique(tp.Name+enumWord(fmt.Sprint(v), i)))
	}
}

// shapeFields decides how each field is declared and decoded: its shape
// and tag, its slot in a shared allocation and its required bit.
func (p *plan) shapeFields() {
	once := p.onceFields()
	for _, tp := range p.types {
		var optional []*fieldPlan
		onceBits := 0
		for _, f := range tp.Fields {
			f.Shape = shapeOf(tp.Model, f.Model)
			f.Tag = tagOf(f.Model)
			if f.Model.Required {
				f.RequiredBit = len(tp.Required)
				tp.Required = append(tp.Required, f)
			}
			if once[f.Model] && onceBits < 64 {
				f.OnceBit = onceBits
				onceBits++
			}
			if f.Shape == pointer && isScalar(f.Model.Type) {
				optional = append(optional, f)
			}
		}
		// Optional scalars share one allocation, made when the first
		// arrives; one alone gains nothing from it.
		if len(optional) > 1 {
			tp.Stored = optional
			for _, f := range optional {
				f.Slot = f.Name
			}
		}
	}
	for _, tp := range p.types {
		if t := tp.Model; t.Kind == model.Union && t.Discriminator != "" {
			tp.Tagged = taggedUnion(t)
		}
		if tp.Model.Kind == model.Union {
			tp.Variants = p.variantNames(tp.Model)
		}
	}
}

// planDelivery decides how the dispatcher decodes each message: decoded
// once before routing, by its deliver method, or by a payload decoder.
func (p *plan) planDelivery(names scope) {
	for _, c := range p.channels {
		if c.Model.Discriminator.In == model.InPayload {
			c.Shared = p.sharedPayload(c.Model)
		}
		for _, r := range c.Model.Discriminator.Routes {
			if c.Shared == nil {
				p.messageOf[r.Message].Delivered = true
			}
		}
	}
	for _, mp := range p.messages {
		if pl := mp.Model.Payload; pl != nil && !p.declared(pl) {
			mp.PayloadDecoder = names.unique("decode" + mp.Name + "Payload")
		}
	}
}

// sharedPayload returns the field that routes c's deliveries when they can
// be decoded before routing: every message has the same payload, an
// object with a string property of the discriminator's name which no
// other property folds to.
func (p *plan) sharedPayload(c *model.Channel) *fieldPlan {
	d := c.Discriminator
	if model.IsPointer(d.Name) {
		return nil
	}
	var t *model.Type
	for _, r := range d.Routes {
		if r.Inner != nil {
			return nil
		}
		pl := r.Message.Payload
		if pl == nil || (t != nil && pl != t) {
			return nil
		}
		t = pl
	}
	if t == nil || t.Kind != model.Object || !p.declared(t) {
		return nil
	}
	var found *fieldPlan
	for _, f := range p.typeOf[t].Fields {
		switch {
		case f.JSONName == d.Name:
			found = f
		case foldName(f.JSONName) == foldName(d.Name):
			return nil
		}
	}
	if found == nil || found.Model.Type.Kind != model.String || found.Model.Type.Format == "date-time" {
		return nil
	}
	if found.Shape != byValue && found.Shape != pointer {
		return nil
	}
	return found
}

// declared reports whether t has a declaration of its own, whose pointer
// implements the package's JSONValue.
// A use of a declared type that may be null (oneOf: [{$ref: X}, {type:
// 'null'}]) is declared too: its values are X's.
func (p *plan) declared(t *model.Type) bool { return p.typeOf[valueType(t)] != nil }

// typeName is the Go name of the declared type t.
func (p *plan) typeName(t *model.Type) string { return p.typeOf[valueType(t)].Name }

// field is the plan of the property f.
func (p *plan) field(f *model.Field) *fieldPlan { return p.fieldOf[f] }

// message is the plan of m.
func (p *plan) message(m *model.Message) *messagePlan { return p.messageOf[m] }

// channel is the plan of c, a channel that carries messages.
func (p *plan) channel(c *model.Channel) *channelPlan { return p.channelOf[c] }

// scheme is the plan of s, or nil when hookgen cannot verify s.
func (p *plan) scheme(s *model.SecurityScheme) *schemePlan { return p.schemeOf[s] }

// routed are the channels that carry messages.
func (p *plan) routed() []*model.Channel {
	out := make([]*model.Channel, len(p.channels))
	for i, c := range p.channels {
		out[i] = c.Model
	}
	return out
}

// decodesDeliveries reports whether the dispatcher calls decodeDelivery:
// a route that decodes a shared payload, or the deliver method of a
// declared payload.
func (p *plan) decodesDeliveries() bool {
	for _, c := range p.channels {
		if c.Shared != nil {
			return true
		}
	}
	for _, m := range p.messages {
		if m.Delivered && m.PayloadDecoder == "" && m.Model.Payload != nil {
			return true
		}
	}
	return false
}

// shapeOf says how the property f of owner is declared. An optional
// property that may be null keeps absent and null apart even where nil
// could stand for one of them (a list, a map).
func shapeOf(owner *model.Type, f *model.Field) fieldShape {
	vt := valueType(f.Type)
	self := vt.Kind == model.Object && vt.Named && embeds(vt, owner, map[*model.Type]bool{})
	switch {
	case !f.Required && admitsNull(f.Type) && !rawJSON(f.Type):
		if self {
			return nullableRef // a struct cannot contain itself by value
		}
		return nullable
	case nilable(f.Type):
		return plain
	case !f.Required || admitsNull(f.Type):
		return pointer
	case self:
		return pointer // a struct cannot contain itself by value
	}
	return byValue
}

// embeds reports whether t contains target by value, through required
// struct fields and optional nullable ones (a webhook.Nullable holds its
// value).
func embeds(t, target *model.Type, seen map[*model.Type]bool) bool {
	if t == target {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	for _, f := range t.Fields {
		vt := valueType(f.Type)
		byValue := f.Required != admitsNull(f.Type) // required, or optional and nullable
		if byValue && vt.Kind == model.Object && embeds(vt, target, seen) {
			return true
		}
	}
	return false
}

// tagOf is the json tag of f: a required property is always sent, even an
// empty list; an optional one is left out when zero.
func tagOf(f *model.Field) string {
	if f.Required {
		return f.Name
	}
	return f.Name + ",omitzero"
}

// nilable reports whether the Go type already has nil to mean "absent".
func nilable(t *model.Type) bool {
	t = valueType(t)
	return t.Kind == model.Array || t.Kind == model.Map || rawJSON(t)
}

// rawJSON reports whether values of t are kept as json.RawMessage, which
// holds null itself.
func rawJSON(t *model.Type) bool {
	t = valueType(t)
	return t.Kind == model.Any && !t.Named
}

// valueType is the type of t's values that are not null: X for a use of X
// that may be null (model.Type.NullableOf), else t itself.
func valueType(t *model.Type) *model.Type {
	if of := t.NullableOf(); of != nil {
		return of
	}
	return t
}

// admitsNull reports whether null is a value of t: its schema says so,
// or it is a union with a variant of type null (oneOf: [{$ref: ...},
// {type: 'null'}]), which then decodes as a nil pointer.
func admitsNull(t *model.Type) bool {
	return t.Nullable || (t.Kind == model.Union && slices.ContainsFunc(t.Variants, func(v *model.Variant) bool { return isNull(v.Type) }))
}

// isNull reports whether null is t's only value: a schema of type null.
func isNull(t *model.Type) bool { return t.IsNull() }

// hasExtras reports whether t is an object that keeps the keys beyond its
// properties: its schema types additionalProperties.
func hasExtras(t *model.Type) bool { return t.Kind == model.Object && t.Elem != nil }

// isScalar reports whether values of t hold no pointers to other payload
// values, so that optional fields of t can share one allocation.
func isScalar(t *model.Type) bool {
	switch valueType(t).Kind {
	case model.Bool, model.Integer, model.Number, model.String:
		return true
	}
	return false
}

// taggedUnion reports whether every variant is an object that a
// discriminator value selects, so that a real sum type can be generated.
func taggedUnion(t *model.Type) bool {
	for _, v := range t.Variants {
		if v.Type.Kind != model.Object || !v.Type.Named || len(v.Tags) == 0 {
			return false
		}
	}
	return true
}

// variantNames names the fields or methods of a union after its variants.
func (p *plan) variantNames(t *model.Type) []string {
	s := scope{"Raw": true}
	var out []string
	for _, v := range t.Variants {
		var n string
		if p.declared(v.Type) {
			n = p.typeName(v.Type)
		} else {
			n = exported(strings.TrimPrefix(fmt.Sprintf("%#v", p.goType(v.Type)), "json."))
			n = strings.NewReplacer("[]", "List", "map[string]", "Map", "*", "", ".", "").Replace(n)
			n = ident(n, "Value")
		}
		out = append(out, s.unique(n))
	}
	return out
}

// enumWord names an enum value inside its constant's name: the type name
// comes first, so a leading digit is fine; signs and symbols get words.
func enumWord(v string, i int) string {
	switch {
	case v == "":
		return "Empty"
	case exported(v) == "":
		return fmt.Sprintf("Value%d", i+1)
	case strings.HasPrefix(v, "-"):
		return "Minus" + exported(v)
	case strings.HasPrefix(v, "+"):
		return "Plus" + exported(v)
	}
	return exported(v)
}

// goType is the Go type of values of t, before optionality is applied.
func (p *plan) goType(t *model.Type) *jen.Statement {
	t = valueType(t)
	if tp, ok := p.typeOf[t]; ok {
		return jen.Id(tp.Name)
	}
	switch t.Kind {
	case model.Bool:
		return jen.Bool()
	case model.Integer:
		switch t.Format {
		case "int32":
			return jen.Int32()
		case "int16":
			return jen.Int16()
		case "int8":
			return jen.Int8()
		case "uint32":
			return jen.Uint32()
		case "uint64":
			return jen.Uint64()
		}
		return jen.Int64()
	case model.Number:
		if t.Format == "float" {
			return jen.Float32()
		}
		return jen.Float64()
	case model.String:
		if t.Format == "date-time" {
			return jen.Qual("time", "Time")
		}
		return jen.String()
	case model.Array:
		return jen.Index().Add(p.elemType(t.Elem))
	case model.Map:
		return jen.Map(jen.String()).Add(p.elemType(t.Elem))
	}
	return jen.Qual(jsonPkg, "RawMessage")
}

// elemType is the type of array items and map values: a pointer when null
// is allowed, so that null survives a round trip.
func (p *plan) elemType(t *model.Type) *jen.Statement {
	if admitsNull(t) && !nilable(t) {
		return jen.Op("*").Add(p.goType(t))
	}
	return p.goType(t)
}

// fieldType is the Go type of the field f.
func (p *plan) fieldType(f *fieldPlan) *jen.Statement {
	base := p.goType(f.Model.Type)
	switch f.Shape {
	case pointer:
		return jen.Op("*").Add(base)
	case nullable:
		return jen.Qual(webhookPkg, "Nullable").Types(base)
	case nullableRef:
		return jen.Qual(webhookPkg, "Nullable").Types(jen.Op("*").Add(base))
	}
	return base
}

// payloadType is what a handler receives: a pointer to a struct, or the
// value of anything else.
func (p *plan) payloadType(t *model.Type) *jen.Statement {
	t = valueType(t)
	if t.Kind == model.Object && p.declared(t) {
		return jen.Op("*").Id(p.typeName(t))
	}
	return p.goType(t)
}

// check reports, with the spec position to blame, what Go cannot express
// or the plan got wrong: a property name no struct tag can spell, an
// identifier that is not one, two declarations of one name.
func (p *plan) check() error {
	var errs []string
	declared := map[string]model.Pos{}
	declare := func(name string, pos model.Pos, what string) {
		if !token.IsIdentifier(name) {
			errs = append(errs, fmt.Sprintf("%s: %s: %q is not a Go identifier", pos, what, name))
			return
		}
		if prev, ok := declared[name]; ok {
			errs = append(errs, fmt.Sprintf("%s: %s: the Go name %s is also declared for %s", pos, what, name, prev))
			return
		}
		declared[name] = pos
	}
	for _, r := range reserved {
		declared[r] = model.Pos{File: "hookgen"}
	}
	for _, m := range p.messages {
		for _, ex := range m.Examples {
			if ex.Const != "" {
				declare(ex.Const, ex.Pos, "example of message "+m.Model.Key)
			}
		}
		if m.PayloadDecoder != "" {
			declare(m.PayloadDecoder, m.Model.Pos, "message "+m.Model.Key)
		}
		for _, n := range []string{m.Answer, m.TokenOption} {
			if n != "" {
				declare(n, m.Model.Pos, "handshake "+m.Model.Key)
			}
		}
		if r := m.Reply; r != nil && !model.IsJSONMediaType(m.ReplyType) && (r.Payload == nil || r.Payload.Kind != model.String) {
			errs = append(errs, fmt.Sprintf("%s: the reply %s of message %s has content type %s: hookgen writes a reply as JSON, or as text when its payload is a string",
				r.Pos, r.Key, m.Model.Key, m.ReplyType))
		}
		if r := m.Reply; r != nil && r.Payload == nil {
			errs = append(errs, fmt.Sprintf("%s: the reply %s of message %s has no payload to answer with", r.Pos, r.Key, m.Model.Key))
		}
	}
	for _, c := range p.channels {
		declare(c.Const, c.Model.Pos, "channel "+c.Model.Path)
		for i, r := range c.Requests {
			declare(r, c.Model.Discriminator.Routes[i].Message.Pos, "message "+c.Model.Discriminator.Routes[i].Message.Key)
		}
		for i, r := range c.HandshakeRequests {
			declare(r, c.Handshakes[i].Pos, "handshake "+c.Handshakes[i].Key)
		}
	}
	errs = append(errs, p.checkPatterns()...)
	for _, s := range p.schemes {
		declare(s.Option, s.Model.Pos, "security scheme "+s.Model.Key)
		if s.Builder != "" {
			declare(s.Builder, s.Model.Pos, "security scheme "+s.Model.Key)
		}
	}
	for _, t := range p.types {
		what := "schema " + t.Model.Ref
		declare(t.Name, t.Model.Pos, what)
		declare(t.Random, t.Model.Pos, what)
		if t.HeaderDecoder != "" {
			declare(t.HeaderDecoder, t.Model.Pos, what)
		}
		for _, c := range t.EnumConsts {
			declare(c, t.Model.Pos, what)
		}
		members := map[string]bool{}
		for _, f := range t.Fields {
			if strings.ContainsAny(f.Model.Name, "\",\\`") {
				errs = append(errs, fmt.Sprintf("%s: property name %q cannot be spelled in a Go struct tag", f.Model.Pos, f.Model.Name))
			}
			if f.Const != "" {
				declare(f.Const, f.Model.Pos, "property "+f.Model.Name)
			}
			for _, n := range []string{f.Name, f.Getter} {
				if members[n] || !token.IsIdentifier(n) {
					errs = append(errs, fmt.Sprintf("%s: property %s: %s is not a distinct Go name in %s", f.Model.Pos, f.Model.Name, n, t.Name))
				}
				members[n] = true
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	slices.Sort(errs)
	return fmt.Errorf("%s", strings.Join(slices.Compact(errs), "\n"))
}

// checkPatterns refuses, now rather than by a panic in NewServer, a
// channel whose pattern net/http's ServeMux cannot register (a parameter
// that is not a whole path segment) or that matches the same requests as
// another channel's. ServeMux is the authority on its own syntax: the
// patterns go on one, beside the catch-all NewServer adds, as they will
// at run time.
func (p *plan) checkPatterns() []string {
	var errs []string
	mux := newMux()
	var served []*channelPlan
	for _, c := range p.channels {
		err := handle(mux, c.Pattern)
		if err == nil {
			served = append(served, c)
			continue
		}
		if handle(newMux(), c.Pattern) != nil {
			errs = append(errs, fmt.Sprintf("%s: channel %s: net/http cannot serve it: %v; "+
				"rename the channel so that each parameter is a whole path segment (as in /ws/{symbol})",
				c.Model.Pos, c.Model.Path, err))
			continue
		}
		for _, prev := range served { // which one: rare, so pair by pair
			if m := newMux(); handle(m, prev.Pattern) == nil && handle(m, c.Pattern) != nil {
				errs = append(errs, fmt.Sprintf("%s: channel %s matches the same requests as channel %s (%s); rename one of them",
					c.Model.Pos, c.Model.Path, prev.Model.Path, prev.Model.Pos))
				break
			}
		}
	}
	return errs
}

// newMux is a ServeMux with NewServer's catch-all.
func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/", http.NotFoundHandler())
	return mux
}

// handle registers pattern on mux and returns what ServeMux panics with.
func handle(mux *http.ServeMux, pattern string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	mux.Handle(pattern, http.NotFoundHandler())
	return nil
}

// onceFields are the properties a delivery may give only once: those that
// route it or confirm its route, and those on the path of its event id.
func (p *plan) onceFields() map[*model.Field]bool {
	once := map[*model.Field]bool{}
	for _, c := range p.routed() {
		for d := c.Discriminator; d != nil; d = d.Confirm {
			if d.In != model.InPayload {
				continue
			}
			for _, r := range d.Routes {
				for _, fl := range fieldPath(r.Message.Payload, d.Name) {
					once[fl] = true
				}
				if r.Inner != nil {
					for _, fl := range fieldPath(r.Message.Payload, r.Inner.Name) {
						once[fl] = true
					}
				}
			}
		}
	}
	for _, m := range p.api.Messages {
		for _, fl := range payloadIDPath(m) {
			once[fl] = true
		}
	}
	return once
}

// property returns the field of the object t with the wire name name.
func property(t *model.Type, name string) *model.Field {
	if t == nil || t.Kind != model.Object {
		return nil
	}
	for _, fl := range t.Fields {
		if fl.Name == name {
			return fl
		}
	}
	return nil
}

// fieldPath returns the fields that lead from the payload t to a payload
// discriminator's value at name (a top-level property or a JSON pointer),
// as far as object properties go.
func fieldPath(t *model.Type, name string) []*model.Field {
	var path []*model.Field
	for _, tok := range model.PayloadPath(name) {
		fl := property(valueType(t), tok)
		if fl == nil {
			break
		}
		path = append(path, fl)
		t = fl.Type
	}
	return path
}

// payloadIDPath returns the fields that lead from m's payload to its event
// id, when its correlationId is a pointer into the payload through object
// properties alone; nil otherwise.
func payloadIDPath(m *model.Message) []*model.Field {
	where, ptr, ok := strings.Cut(m.CorrelationID, "#")
	if !ok || where != "$message.payload" || ptr == "" {
		return nil
	}
	var path []*model.Field
	t := m.Payload
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		fl := property(t, strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~"))
		if fl == nil {
			return nil
		}
		path = append(path, fl)
		t = valueType(fl.Type)
	}
	return path
}
