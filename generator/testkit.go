package generator

import (
	"cmp"
	"fmt"
	"go/token"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// credType is the type of the Credentials field of a security scheme.
func credType(s *schemePlan) *jen.Statement {
	switch s.Kind {
	case "basic":
		return jen.Op("*").Qual(webhookPkg, "Credential")
	case "hmac":
		if s.Model.Signature.Format == model.SignatureHTTPMAC {
			return jen.Op("*").Qual(webhookPkg, "MACKey")
		}
	case "keysig":
		return jen.Qual("crypto", "Signer")
	case "sns":
		return jen.Op("*").Qual(webhookPkg, "SNSSigner")
	}
	return jen.String()
}

// testkit writes Credentials and one request helper per message: what
// a user's tests (and hookgen's) send to a receiver, authenticated as the
// provider would.
func (g *gen) testkit(f *jen.File) {
	var fields, body []jen.Code
	c := jen.Id("c")
	// A key in the body goes in before anything signs the body.
	schemes := slices.Clone(g.schemes)
	slices.SortStableFunc(schemes, func(a, b *schemePlan) int {
		return cmp.Compare(b2i(a.Kind != "bodykey"), b2i(b.Kind != "bodykey"))
	})
	for _, sp := range schemes {
		s, kind, name, typ := sp.Model, sp.Kind, sp.Cred, credType(sp)
		field := c.Clone().Dot(name)
		var what string
		var set []jen.Code
		switch kind {
		case "basic":
			what = "HTTP Basic credentials"
			set = []jen.Code{jen.Id("r").Dot("SetBasicAuth").Call(field.Clone().Dot("Username"), field.Clone().Dot("Password"))}
		case "apikey":
			what = fmt.Sprintf("the key sent in the %s %s", s.In, s.Name)
			switch s.In {
			case "query":
				set = []jen.Code{
					jen.Id("q").Op(":=").Id("r").Dot("URL").Dot("Query").Call(),
					jen.Id("q").Dot("Set").Call(jen.Lit(s.Name), field.Clone()),
					jen.Id("r").Dot("URL").Dot("RawQuery").Op("=").Id("q").Dot("Encode").Call(),
				}
			case "cookie":
				set = []jen.Code{jen.Id("r").Dot("AddCookie").Call(jen.Op("&").Qual("net/http", "Cookie").Values(jen.Dict{jen.Id("Name"): jen.Lit(s.Name), jen.Id("Value"): field.Clone()}))}
			default:
				set = []jen.Code{jen.Id("r").Dot("Header").Dot("Set").Call(jen.Lit(http.CanonicalHeaderKey(s.Name)), field.Clone())}
			}
		case "bodykey":
			what = fmt.Sprintf("the key set at %s in the body", s.BodyKey)
			set = []jen.Code{
				jen.List(jen.Id("keyed"), jen.Err()).Op(":=").Qual(implPkg, "SetBodyKey").Call(jen.Id("body"), jen.Lit(s.BodyKey), field.Clone()),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
				jen.Id("body").Op("=").Id("keyed"),
				jen.List(jen.Id("r").Dot("Body"), jen.Id("r").Dot("ContentLength")).Op("=").List(
					jen.Qual("io", "NopCloser").Call(jen.Qual("bytes", "NewReader").Call(jen.Id("body"))), jen.Int64().Call(jen.Len(jen.Id("body")))),
				jen.Id("r").Dot("GetBody").Op("=").Func().Params().Params(jen.Qual("io", "ReadCloser"), jen.Error()).Block(
					jen.Return(jen.Qual("io", "NopCloser").Call(jen.Qual("bytes", "NewReader").Call(jen.Id("keyed"))), jen.Nil()),
				),
			}
		case "hmac":
			build := jen.Id(sp.Builder)
			var sign jen.Code
			if s.Signature.Format == model.SignatureHTTPMAC {
				what = "the HTTP MAC key that signs the request"
				build = build.Call(jen.Op("*").Add(field.Clone()))
				sign = jen.Id("v").Dot("Sign").Call(jen.Id("r"), jen.Id("body"), jen.Lit(""), jen.Lit(""))
			} else {
				what = "the secret that signs the request, with the current time"
				build = build.Call(field.Clone())
				method, target := "Sign", jen.Id("r").Dot("Header")
				if signsRequest(s) {
					// form.go: the signature covers the request, whose URL is the public one.
					method, target = "SignRequest", jen.Id("r")
				}
				sign = jen.Id("v").Dot(method).Call(target, jen.Id("body"),
					jen.Qual("fmt", "Sprintf").Call(jen.Lit("msg_%d"), jen.Qual("time", "Now").Call().Dot("UnixNano").Call()), jen.Qual("time", "Now").Call())
			}
			set = []jen.Code{
				jen.List(jen.Id("v"), jen.Err()).Op(":=").Add(build),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
				jen.If(jen.Err().Op(":=").Add(sign), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			}
		case "keysig":
			what = "the private key that signs the request, with the current time"
			set = keySignatureKit(sp, field)
		case "sns":
			what = "what signs the message in the body as Amazon SNS does, with the current time (webhooktest.SNS serves a certificate for tests)"
			set = snsKit(field)
		default:
			what = "the Bearer token sent in Authorization"
			set = []jen.Code{jen.Id("r").Dot("Header").Dot("Set").Call(jen.Lit("Authorization"), jen.Lit("Bearer ").Op("+").Add(field.Clone()))}
		}
		fields = append(fields, jen.Commentf("%s is %s, for scheme %s.", name, what, s.Key), jen.Id(name).Add(typ))
		cond := field.Clone().Op("!=").Lit("")
		if _, isPtr := map[string]bool{"basic": true, "keysig": true, "sns": true}[kind]; isPtr || (kind == "hmac" && s.Signature.Format == model.SignatureHTTPMAC) {
			cond = field.Clone().Op("!=").Nil()
		}
		body = append(body, jen.If(cond).Block(set...))
	}
	fileComment(f, "Credentials authenticate the requests that the New...Request helpers build, "+
		"as the provider would: set the schemes your server checks.")
	f.Type().Id("Credentials").Struct(fields...)
	f.Line()
	f.Comment("Authenticate adds the credentials that are set to r, whose body is body.")
	f.Func().Params(jen.Id("c").Id("Credentials")).Id("Authenticate").Params(jen.Id("r").Op("*").Qual("net/http", "Request"), jen.Id("body").Index().Byte()).Error().Block(
		append(body, jen.Return(jen.Nil()))...,
	)
	for _, cp := range g.channels {
		for i, r := range cp.Model.Discriminator.Routes {
			f.Line()
			g.requestHelper(f, cp.Model, r, cp.Requests[i])
		}
	}
	handshakes := false
	for _, cp := range g.channels {
		for i, m := range cp.Handshakes {
			f.Line()
			g.handshakeHelper(f, cp.Model, m, cp.HandshakeRequests[i])
			handshakes = true
		}
	}
	f.Line()
	g.newRequest(f)
	if handshakes {
		f.Line()
		g.newHandshakeRequest(f)
	}
	if g.hasForms() {
		g.kitForm(f) // form.go
	}
	f.Line()
	f.Comment("exampleOf returns the first example of message, or an empty object.")
	f.Func().Id("exampleOf").Params(jen.Id("message").String()).Qual(webhookPkg, "Example").Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("ex")).Op(":=").Range().Id("Examples").Call()).Block(
			jen.If(jen.Id("ex").Dot("Message").Op("==").Id("message").Op("&&").Id("ex").Dot("Payload").Op("!=").Nil()).Block(jen.Return(jen.Id("ex"))),
		),
		jen.Return(jen.Qual(webhookPkg, "Example").Values(jen.Dict{jen.Id("Message"): jen.Id("message"), jen.Id("Payload"): jen.Index().Byte().Call(jen.Lit("{}"))})),
	)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// requestHelper writes name, the builder of the requests that route r
// delivers on channel c.
func (g *gen) requestHelper(f *jen.File, c *model.Channel, r model.Route, name string) {
	m := r.Message
	params := []jen.Code{jen.Id("url").String()}
	var body []jen.Code
	var event jen.Code = jen.Nil()
	if m.Payload != nil {
		params = append(params, jen.Id("event").Add(g.kitEventType(m.Payload)))
		// A nil pointer or slice in an interface is not nil: newRequest
		// would send null, not the example.
		body = append(body,
			jen.Var().Id("v").Any(),
			jen.If(jen.Id("event").Op("!=").Nil()).Block(jen.Id("v").Op("=").Id("event")),
		)
		event = jen.Id("v")
	}
	params = append(params, jen.Id("creds").Id("Credentials"))
	var route []jen.Code
	if d := c.Discriminator; d.In == model.InPayload || d.In == model.InHeader {
		where := map[string]string{model.InPayload: "property", model.InHeader: "header"}[d.In]
		route = []jen.Code{jen.Id(where).Op(":").Lit(d.Name), jen.Id("value").Op(":").Lit(r.Value)}
		if d.Literal() {
			route = append(route, jen.Id("json").Op(":").True())
		}
	}
	body = append(body, jen.Return(jen.Id("newRequest").Call(jen.Id("url"), jen.Lit(m.Key), event, jen.Id("kitRoute").Values(route...), jen.Id("creds"))))
	doc := fmt.Sprintf("%s builds the POST a provider sends for %s to url (where channel %s is served), authenticated with creds.", name, m.Key, c.Path)
	if m.Payload != nil {
		doc += " A nil event sends the spec's example."
	}
	reaches := "reaches " + g.message(m).Handle
	if m.Handshake != nil {
		reaches = "is answered as the handshake"
	}
	if c.Discriminator.In == model.InPayload {
		value := fmt.Sprintf("%q", r.Value)
		if c.Discriminator.Literal() {
			value = r.Value
		}
		doc += fmt.Sprintf(" The body's %s is set to %s, so the request %s.", c.Discriminator.Name, value, reaches)
	}
	if m.Headers != nil {
		doc += " The headers are the spec example's; change them on the request as needed (an event id header, say)."
	}
	fileComment(f, doc)
	f.Func().Id(name).Params(params...).Params(jen.Op("*").Qual("net/http", "Request"), jen.Error()).Block(body...)
}

// newRequest writes the helper every request builder calls: the example's
// body or the event's JSON, routed and authenticated.
func (g *gen) newRequest(f *jen.File) {
	fail := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
	f.Comment("kitRoute says how a request names its message: its body's property or its")
	f.Comment("header set to value; neither on a channel of one message.")
	fields := []jen.Code{jen.List(jen.Id("property"), jen.Id("header"), jen.Id("value")).String()}
	setProperty := []jen.Code{
		jen.If(jen.List(jen.Id("body"), jen.Err()).Op("=").Qual(implPkg, "SetProperty").Call(jen.Id("body"), jen.Id("r").Dot("property"), jen.Id("r").Dot("value")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Err()),
		),
	}
	if g.literalRoutes() {
		fields = append(fields, jen.Comment("json marks a value that is the JSON text of a number or boolean."), jen.Id("json").Bool())
		setProperty = []jen.Code{
			jen.Id("set").Op(":=").Qual(implPkg, "SetProperty"),
			jen.If(jen.Id("r").Dot("json")).Block(jen.Id("set").Op("=").Qual(implPkg, "SetPropertyJSON")),
			jen.If(jen.List(jen.Id("body"), jen.Err()).Op("=").Id("set").Call(jen.Id("body"), jen.Id("r").Dot("property"), jen.Id("r").Dot("value")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Err()),
			),
		}
	}
	f.Type().Id("kitRoute").Struct(fields...)
	f.Line()
	fileComment(f, "newRequest builds the POST of message to url: event's JSON, or the spec's "+
		"example when event is nil, with the example's headers, routed by r and authenticated with creds.")
	f.Func().Id("newRequest").Params(
		jen.List(jen.Id("url"), jen.Id("message")).String(), jen.Id("event").Any(), jen.Id("r").Id("kitRoute"), jen.Id("creds").Id("Credentials"),
	).Params(jen.Op("*").Qual("net/http", "Request"), jen.Error()).Block(
		jen.Id("ex").Op(":=").Id("exampleOf").Call(jen.Id("message")),
		jen.Id("body").Op(":=").Id("ex").Dot("Payload"),
		jen.Var().Err().Error(),
		jen.If(jen.Id("event").Op("!=").Nil()).Block(
			jen.If(jen.List(jen.Id("body"), jen.Err()).Op("=").Qual(jsonPkg, "Marshal").Call(jen.Id("event")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Err()),
			),
		),
		jen.If(jen.Id("r").Dot("property").Op("!=").Lit("")).Block(setProperty...),
		g.kitFormBody(),
		jen.List(jen.Id("req"), jen.Err()).Op(":=").Qual("net/http", "NewRequest").Call(jen.Qual("net/http", "MethodPost"), jen.Id("url"), jen.Qual("bytes", "NewReader").Call(jen.Id("body"))),
		fail,
		jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit("Content-Type"), g.kitContentType()),
		jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("ex").Dot("Headers")).Block(
			jen.Id("req").Dot("Header").Dot("Set").Call(jen.Id("k"), jen.Id("v")),
		),
		jen.If(jen.Id("r").Dot("header").Op("!=").Lit("")).Block(
			jen.Id("req").Dot("Header").Dot("Set").Call(jen.Id("r").Dot("header"), jen.Id("r").Dot("value")),
		),
		jen.If(jen.Err().Op(":=").Id("creds").Dot("Authenticate").Call(jen.Id("req"), jen.Id("body")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("req"), jen.Nil()),
	)
}

// kitEventType is the type of a request helper's event, which is nil to
// send the spec's example: a payload type without nil (a string, a
// number, a union) is passed by pointer.
func (g *gen) kitEventType(t *model.Type) *jen.Statement {
	t = valueType(t)
	if (t.Kind == model.Object && t.Named) || nilable(t) {
		return g.payloadType(t)
	}
	return jen.Op("*").Add(g.goType(t))
}

// handshakeHelper writes name, the builder of the handshake m, which
// channel c recognises by its query: each parameter that takes any value
// (the challenge), and the verify token, is a parameter of the builder.
func (g *gen) handshakeHelper(f *jen.File, c *model.Channel, m *model.Message, name string) {
	h := m.Handshake
	params := []jen.Code{jen.Id("url")}
	var query, said []string
	var pairs []jen.Code
	taken := scope{"url": true, "req": true, "err": true}
	param := func(q string) {
		id := taken.unique(lowerIdent(q))
		params = append(params, jen.Id(id))
		pairs = append(pairs, jen.Values(jen.Lit(q), jen.Id(id)))
		said = append(said, fmt.Sprintf("%s=%s", q, id))
	}
	for _, q := range h.Query {
		if q.Value == "" {
			param(q.Name)
			continue
		}
		pairs = append(pairs, jen.Values(jen.Lit(q.Name), jen.Lit(q.Value)))
		query = append(query, fmt.Sprintf("%s=%s", q.Name, q.Value))
	}
	if h.VerifyToken != "" {
		param(h.VerifyToken)
	}
	doc := fmt.Sprintf("%s builds the %s a provider sends to check the endpoint at url (where channel %s is served) for %s, as the provider sends it: %s in its query, no body and no credentials. The server answers it itself; no handler runs.",
		name, h.Method, c.Path, m.Key, strings.Join(append(query, said...), " and "))
	method := map[string]string{http.MethodGet: "MethodGet", http.MethodPost: "MethodPost"}[h.Method]
	fileComment(f, doc)
	f.Func().Id(name).Params(jen.List(params...).String()).Params(jen.Op("*").Qual("net/http", "Request"), jen.Error()).Block(
		jen.Return(jen.Id("newHandshakeRequest").Call(jen.Qual("net/http", method), jen.Id("url"), jen.Index().Index(jen.Lit(2)).String().Values(pairs...))),
	)
}

// lowerIdent is ident(s) with its first letter lower-cased, a parameter's
// name; a Go keyword gets a suffix.
func lowerIdent(s string) string {
	id := []rune(ident(s, "value"))
	id[0] = unicode.ToLower(id[0])
	if token.IsKeyword(string(id)) {
		return string(id) + "Value"
	}
	return string(id)
}

// newHandshakeRequest writes the helper the handshake builders call.
func (g *gen) newHandshakeRequest(f *jen.File) {
	fileComment(f, "newHandshakeRequest builds a handshake recognised by its query: method to url, with query added to url's, and no body.")
	f.Func().Id("newHandshakeRequest").Params(
		jen.List(jen.Id("method"), jen.Id("url")).String(), jen.Id("query").Index().Index(jen.Lit(2)).String(),
	).Params(jen.Op("*").Qual("net/http", "Request"), jen.Error()).Block(
		jen.List(jen.Id("req"), jen.Err()).Op(":=").Qual("net/http", "NewRequest").Call(jen.Id("method"), jen.Id("url"), jen.Nil()),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Id("q").Op(":=").Id("req").Dot("URL").Dot("Query").Call(),
		jen.For(jen.List(jen.Id("_"), jen.Id("p")).Op(":=").Range().Id("query")).Block(
			jen.Id("q").Dot("Set").Call(jen.Id("p").Index(jen.Lit(0)), jen.Id("p").Index(jen.Lit(1))),
		),
		jen.Id("req").Dot("URL").Dot("RawQuery").Op("=").Id("q").Dot("Encode").Call(),
		jen.If(jen.Id("method").Op("==").Qual("net/http", "MethodPost")).Block(
			jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit("Content-Type"), jen.Lit("text/plain; charset=utf-8")),
		),
		jen.Return(jen.Id("req"), jen.Nil()),
	)
}

// literalRoutes reports whether a channel routes by an integer or boolean
// value, which the test kit sets as JSON text rather than as a string.
func (g *gen) literalRoutes() bool {
	for _, c := range g.routed() {
		if d := c.Discriminator; d.In == model.InPayload && d.Literal() {
			return true
		}
	}
	return false
}
