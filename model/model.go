// Package model is hookgen's intermediate representation of a webhook
// provider's AsyncAPI document: what the provider sends, how it is shaped,
// and how deliveries are authenticated.
//
// The parser builds it and the generator reads it. It holds plain data only:
// no YAML, no Go syntax, no I/O. Names are the spec's own; turning them into
// Go identifiers is the generator's job.
package model

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"
)

// Pos is a location in a spec file. Line and Col start at 1.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats the position as file:line:col.
func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Extensions holds a spec object's `x-` fields, decoded to JSON-like values
// (map[string]any, []any, string, float64, bool, nil).
type Extensions map[string]any

// API is one provider's webhook API.
type API struct {
	// AsyncAPI is the document's `asyncapi` version, e.g. "2.6.0" or
	// "3.0.0".
	AsyncAPI    string
	Title       string
	Version     string
	Description string

	Servers         []*Server
	Channels        []*Channel
	SecuritySchemes []*SecurityScheme
	// Security lists the alternatives that authenticate a delivery on any
	// channel: the servers' requirements, each joined with what the
	// operations ask for. Empty means the spec asks for none.
	Security []SecurityRequirement

	// Messages lists every distinct message of every channel in spec order.
	Messages []*Message
	// Types lists every type that needs a declaration of its own (objects,
	// enums, unions) in a stable order: components first, then the order in
	// which messages reach them.
	Types []*Type

	// BodyLimit is the largest body the provider sends, in bytes, when the
	// spec says (x-hookgen-body-limit); 0: the runtime's default.
	BodyLimit int64

	Extensions Extensions
	Pos        Pos
}

// Server is where the provider delivers: for webhooks, the receiver's URL.
type Server struct {
	Name        string
	URL         string
	Protocol    string
	Description string
	// Security lists alternatives: satisfying any one requirement
	// authenticates a delivery. Empty means the spec asks for none.
	Security   []SecurityRequirement
	Extensions Extensions
	Pos        Pos
}

// SecurityRequirement is satisfied when every scheme it names is.
type SecurityRequirement []SecurityUse

// SecurityUse is one scheme of a requirement with the scopes it asks for.
type SecurityUse struct {
	Scheme *SecurityScheme
	Scopes []string
}

// SecurityScheme is an entry of components.securitySchemes.
type SecurityScheme struct {
	// Key is the scheme's name in components.securitySchemes.
	Key         string
	Type        string // userPassword, apiKey, httpApiKey, http, oauth2, openIdConnect, ...
	Description string
	Name        string // httpApiKey: the header, query or cookie name
	In          string // apiKey: user or password; httpApiKey: header, query or cookie
	Scheme      string // http: basic, bearer, ...
	// BearerFormat is a hint such as "JWT".
	BearerFormat     string
	OpenIDConnectURL string
	Flows            []OAuthFlow
	// Signature says how deliveries are signed, from the x-hookgen-hmac
	// extension; nil for schemes that carry a plain credential.
	Signature *Signature
	// BodyKey is where, in the JSON body, deliveries carry the scheme's
	// shared secret instead of a header (x-hookgen-body-key): a JSON
	// pointer in which "*" stands for every element of an array, as in
	// Microsoft Graph's /value/*/clientState. "" for other schemes.
	BodyKey string
	// KeySignature says how deliveries are signed with a private key, from
	// the x-hookgen-signature extension; nil otherwise.
	KeySignature *KeySignature
	Extensions   Extensions
	Pos          Pos
}

// KeySignature is a public-key signing scheme: a signature in Header of
// the Content template over {timestamp} (from TimestampHeader) and {body};
// or, for Format KeySignatureAWSSNS, Amazon SNS's signature inside the
// message, with the certificate the message names.
type KeySignature struct {
	// Format is "" for a signature in a header, or KeySignatureAWSSNS,
	// which fixes everything but CertHosts and Tolerance.
	Format string
	// CertHosts are the host[:port] patterns an aws-sns certificate (and
	// subscription confirmation) may be fetched from; empty for AWS's.
	CertHosts []string
	// Algorithm is ed25519, ecdsa-p256-sha256, rsa-pkcs1v15-sha256 or
	// rsa-pss-sha256.
	Algorithm       string
	Encoding        string // hex, base64, base64url
	Header          string
	TimestampHeader string
	Content         string
	// Tolerance is how far a signed timestamp may be from now, e.g. "5m".
	Tolerance string
}

// KeySignatureAWSSNS is the x-hookgen-signature format of Amazon SNS.
const KeySignatureAWSSNS = "aws-sns"

// PlainJSON reports whether the scheme's deliveries post JSON under
// Content-Type text/plain, which the channels it secures then accept as
// JSON: Amazon SNS posts its JSON messages as "text/plain; charset=UTF-8".
func (k *KeySignature) PlainJSON() bool {
	return k != nil && k.Format == KeySignatureAWSSNS
}

// ConfigFields are the settings of k that webhook.SignatureConfig takes
// under the same names, with their values, for the generator and `hookgen
// send`; Tolerance, a duration, is not among them.
func (k *KeySignature) ConfigFields() [][2]string {
	return [][2]string{
		{"Algorithm", k.Algorithm}, {"Encoding", k.Encoding}, {"Header", k.Header},
		{"TimestampHeader", k.TimestampHeader}, {"Content", k.Content},
	}
}

// Signature formats of x-hookgen-hmac.
const (
	SignatureHeader           = "signature"         // an HMAC of the body (and timestamp, id) in a header
	SignatureHTTPMAC          = "http-mac"          // Authorization: MAC id, nonce, bodyhash, mac
	SignatureStandardWebhooks = "standard-webhooks" // webhook-id, webhook-timestamp, webhook-signature
	SignatureGitHub           = "github"            // X-Hub-Signature-256: sha256=<hex>
	SignatureStripe           = "stripe"            // Stripe-Signature: t=...,v1=...
)

// Signature is an HMAC signing scheme. For SignatureHeader every field but
// Format may be set; the other formats fix them, except Algorithm for
// SignatureHTTPMAC. For the other formats Header is the header the
// scheme names, as the format spells it: for SignatureStandardWebhooks
// "webhook-signature" or Svix's "svix-signature", the names requests are
// signed with (both are verified).
type Signature struct {
	Format            string
	Algorithm         string // sha1, sha256, sha384, sha512
	Encoding          string // hex, base64, base64url
	Header            string
	Prefix            string
	SignatureKey      string
	Separator         string
	KeyValueSeparator string
	TimestampKey      string
	TimestampHeader   string
	TimestampFormat   string // unix (default) or rfc3339
	IDHeader          string
	// Content is the signed text over {id}, {timestamp} and {body}.
	Content string
	// BodyHashQuery is the URL's query parameter holding the body's
	// SHA-256 (Twilio's bodySHA256), when Content signs {url} instead of
	// the body.
	BodyHashQuery string
	// Tolerance is how far a signed timestamp may be from now, e.g. "5m".
	Tolerance string
}

// ConfigFields are the settings of s that webhook.HMACConfig takes under
// the same names, with their values, in one place for the generator (which
// writes them as code) and `hookgen send` (which sets them at run time).
// Format, which picks a preset, and Tolerance, a duration, are not among
// them.
func (s *Signature) ConfigFields() [][2]string {
	return [][2]string{
		{"Algorithm", s.Algorithm}, {"Encoding", s.Encoding}, {"Header", s.Header}, {"Prefix", s.Prefix},
		{"SignatureKey", s.SignatureKey}, {"Separator", s.Separator}, {"KeyValueSeparator", s.KeyValueSeparator},
		{"TimestampKey", s.TimestampKey}, {"TimestampHeader", s.TimestampHeader}, {"TimestampFormat", s.TimestampFormat}, {"IDHeader", s.IDHeader},
		{"Content", s.Content}, {"BodyHashQuery", s.BodyHashQuery},
	}
}

// OAuthFlow is one OAuth 2.0 flow of a security scheme.
type OAuthFlow struct {
	Kind             string // implicit, password, clientCredentials, authorizationCode
	AuthorizationURL string
	TokenURL         string
	RefreshURL       string
	Scopes           map[string]string
}

// Channel is an address the provider delivers to; for webhooks, a path.
type Channel struct {
	Path        string
	Description string
	Parameters  []*Parameter
	// Operation is the direction of the operation the receiver serves, as
	// the document says it: "publish" or "subscribe" in AsyncAPI 2, "send"
	// or "receive" in AsyncAPI 3 (docs/asyncapi.md says which are served).
	Operation            string
	OperationID          string
	OperationSummary     string
	OperationDescription string
	Messages             []*Message
	// Discriminator says how a delivery on this channel is matched to one
	// of its messages. Nil only for a channel without messages. On a Batch
	// channel it routes each element.
	Discriminator *Discriminator
	// Batch is set when a delivery's body is a JSON array of events, each
	// one of the channel's messages, routed, de-duplicated and handled on
	// its own (x-hookgen-batch): SendGrid's Event Webhook.
	Batch bool
	// BatchElements is, on a Batch channel whose events are nested in the
	// body, where they are: a JSON pointer in which "*" stands for every
	// element of an array, ending in one (Meta's /entry/*/changes/*).
	// Empty when the body itself is the array of events.
	BatchElements string
	Extensions    Extensions
	Pos           Pos
}

// Where a discriminator is read from.
const (
	InPayload = "payload" // a top-level property of the JSON body
	InHeader  = "header"  // a message header
	InChannel = "channel" // nothing to read: the channel carries one message
)

// Discriminator matches a delivery to a message: by the value of a payload
// property or a header, or by the channel alone; for messages wrapped in an
// envelope, by a second value inside the payload (Route.Inner).
type Discriminator struct {
	// In is InPayload, InHeader or InChannel.
	In string
	// Name is the header, or the payload value: the name of a top-level
	// property, or a JSON pointer (RFC 6901, starting with "/") to a value
	// inside the payload, such as Mailgun's /event-data/event. A pointer of
	// one token is always written as the property's name: see
	// PayloadName.
	Name string
	// Routes give the value that selects each message of the channel, in
	// channel order. With InChannel, the one route has no value.
	Routes []Route
	// Values is the JSON type of the routes' values: Integer or Bool when
	// the schema fixes a number or a boolean there (Discord's type: 1),
	// whose Value is then the JSON text (1, true); the zero value and
	// String mean strings. A delivery whose value has another JSON type
	// than Values matches no route: "1" is no 1.
	Values Kind
	// Explicit is set when the spec names the discriminator with the
	// x-hookgen-discriminator extension rather than leaving it to inference.
	Explicit bool
	// Confirm, when set, is a second place that names the message (a
	// payload property beside a header, or the other way round), with a
	// value per message: a delivery whose two values disagree is invalid.
	// It does not route; an absent value there is no disagreement.
	Confirm *Discriminator
}

// Literal reports whether d's route values are JSON text (numbers or
// booleans) rather than strings.
func (d *Discriminator) Literal() bool {
	return d.Values == Integer || d.Values == Bool
}

// JSONValue is a route value v of d as a Go value that encodes as the
// JSON the delivery carries: a json.Number or a bool for a literal
// discriminator, the string v otherwise.
func (d *Discriminator) JSONValue(v string) any {
	switch d.Values {
	case Integer:
		return json.Number(v)
	case Bool:
		return v == "true"
	}
	return v
}

// Route is one message and the discriminator value that selects it.
type Route struct {
	Message *Message
	Value   string
	// Inner is set on a route two levels deep: Value names an envelope
	// that several messages share (Slack's event_callback), and the
	// payload value at Inner.Name tells them apart. Every route of an
	// envelope has the same Inner.Name; Inner.Value selects this message.
	Inner *InnerRoute
}

// InnerRoute is the second level of a route two levels deep.
type InnerRoute struct {
	// Name is where the payload holds the value, as Discriminator.Name
	// says it for a payload: a property name or a JSON pointer.
	Name  string
	Value string
}

// IsPointer reports whether a payload discriminator's name is a JSON
// pointer rather than the name of a top-level property.
func IsPointer(name string) bool {
	return strings.HasPrefix(name, "/")
}

// PayloadPath returns the property names that lead to a payload
// discriminator's value: the one name of a top-level property, or the
// unescaped tokens of a JSON pointer.
func PayloadPath(name string) []string {
	if !IsPointer(name) {
		return []string{name}
	}
	toks := strings.Split(name[1:], "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// PayloadName returns the name a payload discriminator is written with for
// the property names path: the name itself for one name that does not
// start with "/", else the JSON pointer.
func PayloadName(path []string) string {
	if len(path) == 1 && !IsPointer(path[0]) {
		return path[0]
	}
	var b strings.Builder
	for _, t := range path {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// Pointer returns a payload discriminator's name as a JSON pointer, for
// messages: "/type" for the top-level property type.
func Pointer(name string) string {
	if IsPointer(name) {
		return name
	}
	return "/" + strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

// ServePath is the HTTP path a channel is served at: its name, with a
// leading slash when it has none ("hooks" is served at /hooks), or the path
// of a name that is a whole URL ("https://example.com/hooks" is served at
// /hooks too).
func ServePath(name string) string {
	if _, rest, ok := strings.Cut(name, "://"); ok {
		if i := strings.Index(rest, "/"); i >= 0 {
			return rest[i:]
		}
		return "/"
	}
	if !strings.HasPrefix(name, "/") {
		return "/" + name
	}
	return name
}

// FillParams returns a channel path with each parameter, such as
// {orderId}, replaced by value(name).
func FillParams(path string, value func(name string) string) string {
	for {
		i := strings.Index(path, "{")
		if i < 0 {
			return path
		}
		j := strings.Index(path[i:], "}")
		if j < 0 {
			return path
		}
		j += i
		path = path[:i] + value(path[i+1:j]) + path[j+1:]
	}
}

// Parameter is a channel parameter such as {orderId}.
type Parameter struct {
	Name        string
	Description string
	Location    string
	Schema      *Type
	Pos         Pos
}

// Message is one kind of event the provider sends.
type Message struct {
	// Key identifies the message: its components.messages key, else its
	// messageId, else its name. Unique within an API.
	Key         string
	Name        string
	Title       string
	Summary     string
	Description string
	ContentType string
	Payload     *Type
	Headers     *Type
	// CorrelationID is where the message's unique id lives, as a runtime
	// expression such as "$message.header#/Budbee-Event-ID". Empty if none.
	CorrelationID string
	Examples      []*Example
	// Reply is what the receiver answers the message with, when its
	// operation declares one (AsyncAPI 3's reply; x-hookgen-reply on the
	// message or its operation in AsyncAPI 2).
	Reply *Reply
	// Handshake is set when the message is a check the provider makes of
	// the endpoint (x-hookgen-handshake), which the receiver answers
	// itself: no handler is called for it.
	Handshake  *Handshake
	Deprecated bool
	Extensions Extensions
	Pos        Pos
}

// Reply is an operation's reply: the messages the receiver may answer with
// and where the answer goes.
type Reply struct {
	// Address is the reply channel's address, or the runtime expression
	// (e.g. "$message.header#/replyTo") that names it; empty when the answer
	// goes back on the request itself, as an HTTP response does.
	Address  string
	Messages []*Message
	Pos      Pos
}

// Answered reports whether the reply goes back on the request itself,
// as an HTTP response does, with one message: the answer hookgen writes.
func (r *Reply) Answered() bool {
	return r != nil && r.Address == "" && len(r.Messages) == 1
}

// Handshake is a request by which a provider checks an endpoint before
// (or while) it delivers to it, and the answer it requires: Slack's
// url_verification echoes a body field, Zoom's endpoint.url_validation
// answers an HMAC of one, Microsoft Graph's validation echoes a query
// parameter, Meta's verification GET echoes one after a verify token.
type Handshake struct {
	// Method is the request's method: POST unless the extension says
	// otherwise.
	Method string
	// Query, when set, recognises the handshake by its query parameters
	// rather than by the channel's discriminator: a request with every one
	// of them (with the value given, where one is) is the handshake, and
	// is answered before the request is authenticated or its body read.
	Query []QueryParam
	// VerifyToken is the query parameter that must carry a token the
	// receiver configured (Meta's hub.verify_token); "" when none.
	VerifyToken string
	// ContentType is the answer's: the reply message's, else
	// application/json for an object answer and text/plain for others.
	ContentType string
	// Answer is the body of the answer; nil for a handshake that Confirm
	// answers with no body.
	Answer *Answer
	// Confirm, when set, is the JSON pointer to a URL in the (signed)
	// body that the receiver GETs to confirm the subscription (Amazon
	// SNS's /SubscribeURL), over HTTPS, on the certificate hosts of
	// ConfirmScheme, an aws-sns scheme; the handshake is answered 200
	// when the GET succeeds (2xx) and 500 otherwise.
	Confirm       string
	ConfirmScheme *SecurityScheme
	Pos           Pos
}

// QueryParam is a query parameter that recognises a handshake; an empty
// Value accepts any value but an empty one.
type QueryParam struct {
	Name, Value string
}

// Sources of an answer's value.
const (
	FromPayload = "payload" // a value of the JSON body, by JSON pointer
	FromHeader  = "header"  // a request header
	FromQuery   = "query"   // a query parameter of the request URL
)

// Answer is one value of a handshake's answer: a constant, a value of the
// request, the HMAC of such a value, or an object of answers.
type Answer struct {
	// Const is a fixed value as compact JSON; nil unless the answer is
	// fixed.
	Const []byte
	// From and Name say where a value of the request is: FromPayload and
	// a JSON pointer, FromHeader and a header, FromQuery and a parameter.
	From, Name string
	// HMAC, when set, makes the answer the HMAC of the request's value,
	// under the first secret configured for this signature scheme and in
	// its algorithm and encoding.
	HMAC *SecurityScheme
	// Fields are the properties of an object answer, in spec order.
	Fields []AnswerField
	Pos    Pos
}

// AnswerField is one property of an object answer.
type AnswerField struct {
	Name  string
	Value *Answer
}

// Example is one example of a message.
type Example struct {
	Name    string
	Summary string
	// Payload is the example payload as compact JSON, keys in spec order;
	// nil when the example has none.
	Payload []byte
	// Headers are the example's header values, by header name.
	Headers    map[string]string
	Extensions Extensions
	Pos        Pos
}

// Kind is the shape of a Type.
type Kind int

// The kinds of types.
const (
	Any     Kind = iota // any JSON value
	Bool                // true or false
	Integer             // a whole number
	Number              // any number
	String              // a string
	Array               // Elem is the item type
	Map                 // an object with arbitrary keys; Elem is the value type
	Object              // an object with known Fields
	Union               // exactly one (oneOf) or at least one (anyOf) of Variants
)

var kindNames = [...]string{"any", "boolean", "integer", "number", "string", "array", "map", "object", "union"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Type is a schema, reduced to what code generation needs.
//
// Types form a graph: several fields may share one *Type (a component
// schema), and recursive schemas point back to themselves.
type Type struct {
	Kind Kind
	// Name is the name the spec suggests, from the component key, the
	// message, or the path from the nearest named parent (e.g.
	// "DriverAssignedPayload.driver"). Named is set for types that need a
	// declaration of their own.
	Name  string
	Named bool
	// Ref is where the schema is defined, as a JSON reference relative to
	// the root document: "#/components/schemas/Order" or
	// "common.yaml#/schemas/Geo".
	Ref         string
	Title       string
	Description string
	// Format is the schema's format: date-time, int32, int64, float,
	// double, uuid, uri, ...
	Format string
	// ContentMediaType is JSON Schema's contentMediaType: the media type
	// of a string's content. "application/json" on a property of a form
	// payload says the field's text is JSON, decoded as the schema says.
	ContentMediaType string
	// Nullable is set when the schema admits null (type: [x, "null"]).
	// A schema that admits null beside a type it shares with other
	// schemas (oneOf: [{$ref: X}, {type: "null"}], or $ref beside
	// nullable: true) is a Union of the two instead: see NullableOf.
	Nullable bool
	// Kinds are the JSON types an Any allows when its schema lists
	// several (type: [integer, string]); empty allows every type.
	Kinds []Kind
	// Enum lists the allowed values of a String or Integer type.
	Enum []any
	// Elem is the item type of an Array and the value type of a Map; for
	// an Object, when set, the type of the keys beyond its fields (a typed
	// additionalProperties).
	Elem *Type
	// Fields are an Object's properties, in spec order. allOf parts are
	// already merged in.
	Fields []*Field
	// Variants are a Union's alternatives.
	Variants []*Variant
	// Exclusive is set for oneOf (exactly one variant), clear for anyOf.
	Exclusive bool
	// Discriminator is the property whose value selects a Union's variant.
	Discriminator string
	Deprecated    bool
	Examples      []any
	Extensions    Extensions
	Pos           Pos
}

// NullableOf returns X when t is X or null and nothing else: a Union of
// one schema and one or more schemas of type null (oneOf or anyOf:
// [{$ref: X}, {type: "null"}], or $ref: X beside nullable: true, or allOf:
// [{$ref: X}] beside it). Such a union needs no declaration of its own (it
// is not Named): it is a use of X that may be null. NullableOf returns nil
// for any other type.
func (t *Type) NullableOf() *Type {
	if t == nil || t.Kind != Union {
		return nil
	}
	var of *Type
	null := false
	for _, v := range t.Variants {
		switch {
		case v.Type.IsNull():
			null = true
		case of != nil:
			return nil
		default:
			of = v.Type
		}
	}
	if !null {
		return nil
	}
	return of
}

// IsNull reports whether null is t's only value: a schema of type null.
func (t *Type) IsNull() bool {
	return t.Kind == Any && t.Nullable && len(t.Kinds) == 0 && len(t.Enum) == 0
}

// Field is a property of an Object.
type Field struct {
	// Name is the wire name, exactly as the spec spells it.
	Name        string
	Description string
	Type        *Type
	Required    bool
	// Const is the single value the field may have, when HasConst is set.
	Const      any
	HasConst   bool
	Deprecated bool
	Pos        Pos
}

// Variant is one alternative of a Union.
type Variant struct {
	Type *Type
	// Tags are the discriminator values that select this variant.
	Tags []string
}

// IsJSONMediaType reports whether a content type is JSON: application/json
// or application/*+json, with or without parameters.
func IsJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")))
}

// HoldsJSON reports whether a string of type t is JSON text: its schema
// says so with JSON Schema's contentMediaType (Slack's payload= form field).
func (t *Type) HoldsJSON() bool {
	mt, _, err := mime.ParseMediaType(t.ContentMediaType)
	return err == nil && mt == "application/json"
}

// FormValue is how the text of a form field stands for its JSON value.
type FormValue int

// The form values.
const (
	FormString FormValue = iota // the text itself
	FormNumber                  // a number's text
	FormBool                    // true or false
	FormJSON                    // JSON text (HoldsJSON), decoded as its schema says
)

// FormField returns how a property of type t is written in a form: the
// value of each occurrence, and whether the key repeats (a list).
func FormField(t *Type) (value FormValue, list bool) {
	if of := t.NullableOf(); of != nil {
		t = of
	}
	switch {
	case t.HoldsJSON():
		return FormJSON, false
	case t.Kind == Array && t.Elem != nil:
		v, _ := FormField(t.Elem)
		return v, true
	case t.Kind == Integer || t.Kind == Number:
		return FormNumber, false
	case t.Kind == Bool:
		return FormBool, false
	}
	return FormString, false
}
