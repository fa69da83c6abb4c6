package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

const webhooktestPkg = "github.com/hookgen/hookgen/webhook/webhooktest"

// serverTest writes a test that sends every example of every message
// through Server with valid credentials and checks that the right method
// received it; and that the server refuses to start without credentials.
func (g *gen) serverTest(f *jen.File) {
	f.Comment("recorder is a Handler that records every call.")
	f.Type().Id("recorder").Struct(jen.Qual(webhooktestPkg, "Recorder"))
	for _, m := range g.handledMessages() {
		params := []jen.Code{jen.Id("_").Qual(ctxPkg, "Context")}
		event, headers := jen.Nil(), jen.Nil()
		if m.Payload != nil {
			params = append(params, jen.Id("event").Add(g.payloadType(m.Payload)))
			event = jen.Id("event")
		}
		if m.Headers != nil {
			params = append(params, jen.Id("headers").Op("*").Id(g.typeName(m.Headers)))
			headers = jen.Id("headers")
		}
		f.Line()
		record := jen.Id("r").Dot("Record").Call(jen.Lit(m.Key), event, headers)
		ret := g.handleReturn(m, record)
		if g.message(m).Reply != nil {
			ret = jen.Return(jen.Id(testReplyFunc(g.message(m))).Call(), record)
		}
		f.Func().Params(jen.Id("r").Op("*").Id("recorder")).Id(g.message(m).Handle).Params(params...).Add(g.handleResults(m)).Block(ret)
	}
	for _, m := range g.handledMessages() {
		if g.message(m).Reply != nil {
			f.Line()
			g.testReply(f, m)
		}
	}
	f.Line()
	var routes []jen.Code
	for _, c := range g.routed() {
		for _, r := range c.Discriminator.Routes {
			d := jen.Dict{
				jen.Id("Message"): jen.Lit(r.Message.Key),
				jen.Id("Channel"): jen.Id(g.channel(c).Const),
				jen.Id("Path"):    jen.Lit(testPath(c)),
				jen.Id("In"):      jen.Lit(c.Discriminator.In),
			}
			if c.Discriminator.In != model.InChannel {
				d[jen.Id("Name")] = jen.Lit(c.Discriminator.Name)
				d[jen.Id("Value")] = jen.Lit(r.Value)
				if c.Discriminator.Literal() {
					d[jen.Id("JSON")] = jen.True()
				}
			}
			if r.Message.Handshake != nil {
				d[jen.Id("Handshake")] = jen.True()
			}
			if g.formOfMessage(r.Message) != nil {
				d[jen.Id("Form")] = jen.True()
			}
			routes = append(routes, jen.Values(d))
		}
	}
	f.Comment("testRoutes is how each message is recognised on its channel.")
	f.Var().Id("testRoutes").Op("=").Add(multiline(jen.Index().Qual(webhooktestPkg, "Route"), routes))
	f.Line()
	g.testAuth(f)
	f.Line()
	answers := g.checkAnswer(f)
	f.Comment("TestServerRoutesEveryMessage sends every example of every message, with the")
	f.Comment("message's own discriminator value and valid credentials, through Server.")
	target := g.withFormBody(jen.Dict{
		jen.Id("Routes"):   jen.Id("testRoutes"),
		jen.Id("Examples"): jen.Id("Examples").Call(),
		jen.Id("Authenticate"): jen.Func().Params(jen.Id("r").Op("*").Qual("net/http", "Request"), jen.Id("body").Index().Byte()).Block(
			jen.If(jen.Err().Op(":=").Id("creds").Dot("Authenticate").Call(jen.Id("r"), jen.Id("body")), jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Err())),
		),
		jen.Id("NewPayload"): jen.Id("newTestPayload"),
		jen.Id("NewServer"): jen.Func().Params(jen.Id("t").Op("*").Qual("testing", "T")).Params(jen.Qual("net/http", "Handler"), jen.Op("*").Qual(webhooktestPkg, "Recorder")).Block(
			jen.Id("rec").Op(":=").New(jen.Id("recorder")),
			jen.List(jen.Id("srv"), jen.Err()).Op(":=").Id("NewServer").Call(jen.Id("rec"), jen.Id("opts").Op("...")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Err())),
			jen.Return(jen.Id("srv"), jen.Op("&").Id("rec").Dot("Recorder")),
		),
	})
	if answers {
		target[jen.Id("CheckAnswer")] = jen.Id("checkAnswer")
	}
	f.Func().Id("TestServerRoutesEveryMessage").Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.List(jen.Id("opts"), jen.Id("creds"), jen.Id("_")).Op(":=").Id("testCredentials").Call(),
		jen.Qual(webhooktestPkg, "CheckRoutes").Call(jen.Id("t"), jen.Qual(webhooktestPkg, "Target").Values(target)),
	)
	f.Line()
	// The helpers send a form as a form: the answer of a handshake to one
	// could not be worked out from its body.
	answers = answers && !g.hasFormHandshakes()
	g.requestHelpersTest(f, false, answers)
	f.Line()
	if g.hasRoutedHandshakes() {
		g.requestHelpersTest(f, true, answers)
		f.Line()
	}
	f.Comment("TestServerFailsClosed checks that a server without credentials does not start.")
	f.Func().Id("TestServerFailsClosed").Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("NewServer").Call(jen.New(jen.Id("recorder"))), jen.Err().Op("==").Nil()).Block(
			jen.Id("t").Dot("Fatal").Call(jen.Lit("NewServer started without any credentials")),
		),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("NewServer").Call(jen.New(jen.Id("recorder")), jen.Id("AllowUnauthenticated").Call()), jen.Err().Op("!=").Nil()).Block(
			jen.Id("t").Dot("Fatal").Call(jen.Err()),
		),
	)
}

// testAuth writes testCredentials: options with test credentials for every
// scheme of the spec's first security requirement, the Credentials that
// pass them, and Credentials with the wrong secrets.
func (g *gen) testAuth(f *jen.File) {
	var req model.SecurityRequirement
	if len(g.api.Security) > 0 {
		req = g.api.Security[0]
	}
	var opts, keys []jen.Code
	good, bad := jen.Dict{}, jen.Dict{}
	for i, u := range req {
		s, sp := u.Scheme, g.scheme(u.Scheme)
		if sp == nil {
			continue
		}
		opt, field := jen.Id(sp.Option), sp.Cred
		switch sp.Kind {
		case "basic":
			cred := func(pass string) *jen.Statement {
				return jen.Qual(webhookPkg, "Credential").Values(jen.Dict{jen.Id("Username"): jen.Lit("hookgen"), jen.Id("Password"): jen.Lit(pass)})
			}
			opts = append(opts, opt.Call(cred("test-secret")))
			good[jen.Id(field)], bad[jen.Id(field)] = jen.Op("&").Add(cred("test-secret")), jen.Op("&").Add(cred("wrong-secret"))
		case "hmac":
			if s.Signature.Format == model.SignatureHTTPMAC {
				key := func(secret string) *jen.Statement {
					return jen.Qual(webhookPkg, "MACKey").Values(jen.Dict{jen.Id("ID"): jen.Lit("test"), jen.Id("Secret"): jen.Index().Byte().Call(jen.Lit(secret))})
				}
				opts = append(opts, opt.Call(key("test-secret")))
				good[jen.Id(field)], bad[jen.Id(field)] = jen.Op("&").Add(key("test-secret")), jen.Op("&").Add(key("wrong-secret"))
				continue
			}
			opts = append(opts, opt.Call(jen.Lit(testSecret(s.Signature.Format))))
			good[jen.Id(field)], bad[jen.Id(field)] = jen.Lit(testSecret(s.Signature.Format)), jen.Lit(wrongSecret(s.Signature.Format))
		case "keysig":
			gen, o, k, other := keySignatureTestAuth(sp, i)
			keys = append(keys, gen...)
			opts = append(opts, o)
			good[jen.Id(field)], bad[jen.Id(field)] = k, other
		case "sns":
			gen, o, k, other := snsTestAuth(sp, i)
			keys = append(keys, gen...)
			opts = append(opts, o...)
			good[jen.Id(field)], bad[jen.Id(field)] = k, other
		case "apikey", "bodykey":
			opts = append(opts, opt.Call(jen.Lit("test-key")))
			good[jen.Id(field)], bad[jen.Id(field)] = jen.Lit("test-key"), jen.Lit("wrong-key")
		default:
			opts = append(opts, opt.Call(jen.Qual(webhookPkg, "StaticBearer").Call(jen.Lit("test-token"))))
			good[jen.Id(field)], bad[jen.Id(field)] = jen.Lit("test-token"), jen.Lit("wrong-token")
		}
	}
	if len(opts) == 0 {
		opts = append(opts, jen.Id("AllowUnauthenticated").Call())
	}
	if len(g.urlSchemes()) > 0 {
		opts = append(opts, jen.Id("WithPublicURL").Call(jen.Qual(webhooktestPkg, "BaseURL")))
	}
	f.Comment("testCredentials returns options with test credentials, the Credentials that")
	f.Comment("pass them, and Credentials with wrong secrets.")
	f.Func().Id("testCredentials").Params().Params(jen.Index().Id("Option"), jen.Id("Credentials"), jen.Id("Credentials")).Block(
		append(keys, jen.Return(jen.Index().Id("Option").Values(opts...), jen.Id("Credentials").Values(good), jen.Id("Credentials").Values(bad)))...,
	)
}

// wrongSecret is a secret the format accepts that is not testSecret's.
func wrongSecret(format string) string {
	if format == model.SignatureStandardWebhooks {
		return "whsec_d3JvbmctLXdyb25nLS13cm9uZy0td3Jvbmc="
	}
	return "wrong-secret"
}

// testSecret is a secret the signature format accepts.
func testSecret(format string) string {
	if format == model.SignatureStandardWebhooks {
		return "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	}
	return "test-secret"
}

// requestHelpersTest writes a test that each New...Request helper passes
// the package's own verifier, and fails it with wrong secrets; with
// handshakes, the test of the helpers of the handshakes, which are
// answered with a body and no handler call. With answers, checkAnswer
// checks each answer too.
func (g *gen) requestHelpersTest(f *jen.File, handshakes, answers bool) {
	secured := len(g.api.Security) > 0
	calls := jen.If(jen.Id("calls").Op(":=").Id("rec").Dot("Calls").Call(), jen.Len(jen.Id("calls")).Op("!=").Lit(1).Op("||").Id("calls").Index(jen.Lit(0)).Dot("Message").Op("!=").Id("tc").Dot("message")).Block(
		jen.Id("t").Dot("Fatalf").Call(jen.Lit("want one call of %s, got %+v"), jen.Id("tc").Dot("message"), jen.Id("calls")),
	)
	name := "TestRequestHelpers"
	doc := []string{"TestRequestHelpers checks that every New...Request helper passes the", "package's own verifier, and fails it with wrong secrets."}
	if handshakes {
		cond := jen.Len(jen.Id("calls")).Op("!=").Lit(0).Op("||").Id("w").Dot("Body").Dot("Len").Call().Op("==").Lit(0)
		if g.confirms() { // a confirmed handshake has no body: checkAnswer checks each
			cond = jen.Len(jen.Id("calls")).Op("!=").Lit(0)
		}
		calls = jen.If(jen.Id("calls").Op(":=").Id("rec").Dot("Calls").Call(), cond).Block(
			jen.Id("t").Dot("Fatalf").Call(jen.Lit("want an answer and no call, got %q and %+v"), jen.Id("w").Dot("Body"), jen.Id("calls")),
		)
		name = "TestHandshakeRequests"
		doc = []string{"TestHandshakeRequests checks that the request helper of every handshake", "is answered, without a handler call, and refused with wrong secrets."}
	}
	var cases []jen.Code
	for _, cp := range g.channels {
		c := cp.Model
		for i, r := range c.Discriminator.Routes {
			m := r.Message
			args := []jen.Code{jen.Id("url")}
			if m.Payload != nil {
				args = append(args, jen.Nil())
			}
			args = append(args, jen.Id("c"))
			if (m.Handshake != nil) != handshakes {
				continue
			}
			cases = append(cases, jen.Values(jen.Dict{
				jen.Id("message"): jen.Lit(m.Key),
				jen.Id("url"):     jen.Lit("http://receiver.test" + testPath(c)),
				jen.Id("build"): jen.Func().Params(jen.Id("url").String(), jen.Id("c").Id("Credentials")).Params(jen.Op("*").Qual("net/http", "Request"), jen.Error()).Block(
					jen.Return(jen.Id(cp.Requests[i]).Call(args...)),
				),
			}))
		}
	}
	send := func(creds string) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("req"), jen.Err()).Op(":=").Id("tc").Dot("build").Call(jen.Id("tc").Dot("url"), jen.Id(creds)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Err())),
			jen.Id("w").Op(":=").Qual("net/http/httptest", "NewRecorder").Call(),
			jen.Id("srv").Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("req")),
		}
	}
	body := []jen.Code{
		jen.Id("rec").Op(":=").New(jen.Id("recorder")),
		jen.List(jen.Id("srv"), jen.Err()).Op(":=").Id("NewServer").Call(jen.Id("rec"), jen.Id("opts").Op("...")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Err())),
	}
	if secured {
		body = append(body, jen.Block(append(send("wrong"),
			jen.If(jen.Id("w").Dot("Code").Op("!=").Qual("net/http", "StatusUnauthorized").Op("||").Len(jen.Id("rec").Dot("Calls").Call()).Op("!=").Lit(0)).Block(
				jen.Id("t").Dot("Fatalf").Call(jen.Lit("wrong secrets: status %d, calls %v"), jen.Id("w").Dot("Code"), jen.Id("rec").Dot("Calls").Call()),
			))...))
	}
	body = append(body, append(send("creds"),
		jen.If(jen.Id("w").Dot("Code").Op("!=").Qual("net/http", "StatusOK")).Block(
			jen.Id("t").Dot("Fatalf").Call(jen.Lit("status %d: %s"), jen.Id("w").Dot("Code"), jen.Id("w").Dot("Body")),
		),
		calls,
	)...)
	if answers {
		body = append(body,
			jen.List(jen.Id("sent"), jen.Err()).Op(":=").Id("req").Dot("GetBody").Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Err())),
			jen.List(jen.Id("b"), jen.Err()).Op(":=").Qual("io", "ReadAll").Call(jen.Id("sent")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Err())),
			jen.Id("checkAnswer").Call(jen.Id("t"), jen.Id("tc").Dot("message"), jen.Id("req"), jen.Id("b"), jen.Id("w")),
		)
	}
	for _, line := range doc {
		f.Comment(line)
	}
	f.Func().Id(name).Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.List(jen.Id("opts"), jen.Id("creds"), jen.Id("wrong")).Op(":=").Id("testCredentials").Call(),
		jen.For(jen.List(jen.Id("_"), jen.Id("tc")).Op(":=").Range().Index().Struct(
			jen.Id("message").String(), jen.Id("url").String(),
			jen.Id("build").Func().Params(jen.Id("url").String(), jen.Id("c").Id("Credentials")).Params(jen.Op("*").Qual("net/http", "Request"), jen.Error()),
		).Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, cases...)).Block(
			jen.Id("t").Dot("Run").Call(jen.Id("tc").Dot("message"), jen.Func().Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(body...)),
		),
		func() jen.Code {
			if secured {
				return jen.Null()
			}
			return jen.Id("_").Op("=").Id("wrong")
		}(),
	)
}

// hasRoutedHandshakes reports whether a channel routes a handshake.
func (g *gen) hasRoutedHandshakes() bool {
	for _, c := range g.routed() {
		for _, r := range c.Discriminator.Routes {
			if r.Message.Handshake != nil {
				return true
			}
		}
	}
	return false
}

// confirms reports whether a routed handshake is confirmed by a GET
// (x-hookgen-handshake confirm) and answered without a body.
func (g *gen) confirms() bool {
	for _, c := range g.routed() {
		for _, r := range c.Discriminator.Routes {
			if h := r.Message.Handshake; h != nil && h.Answer == nil {
				return true
			}
		}
	}
	return false
}

// hasFormHandshakes reports whether a channel routes a handshake sent
// form-encoded.
func (g *gen) hasFormHandshakes() bool {
	for _, c := range g.routed() {
		for _, r := range c.Discriminator.Routes {
			if r.Message.Handshake != nil && g.formOfMessage(r.Message) != nil {
				return true
			}
		}
	}
	return false
}

// testPath is the path a test sends c's deliveries to: where the server
// serves c, with "test-" and the name of each parameter in its place.
func testPath(c *model.Channel) string {
	return model.ServePath(model.FillParams(c.Path, func(n string) string { return "test-" + n }))
}
