package generator

import (
	"net/http"

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
	for _, m := range g.api.Messages {
		params := []jen.Code{jen.Id("_").Qual(ctxPkg, "Context")}
		event, headers := jen.Nil(), jen.Nil()
		if m.Payload != nil {
			params = append(params, jen.Id("event").Add(g.payloadType(m.Payload)))
			event = jen.Id("event")
		}
		if m.Headers != nil {
			params = append(params, jen.Id("headers").Op("*").Id(g.types[m.Headers]))
			headers = jen.Id("headers")
		}
		f.Line()
		f.Func().Params(jen.Id("r").Op("*").Id("recorder")).Id(g.handle(m)).Params(params...).Error().Block(
			jen.Return(jen.Id("r").Dot("Record").Call(jen.Lit(m.Key), event, headers)),
		)
	}
	f.Line()
	var routes []jen.Code
	for _, c := range g.routed() {
		for _, r := range c.Discriminator.Routes {
			d := jen.Dict{
				jen.Id("Message"): jen.Lit(r.Message.Key),
				jen.Id("Channel"): jen.Id(g.chanConst(c)),
				jen.Id("In"):      jen.Lit(c.Discriminator.In),
			}
			if c.Discriminator.In != model.InChannel {
				d[jen.Id("Name")] = jen.Lit(c.Discriminator.Name)
				d[jen.Id("Value")] = jen.Lit(r.Value)
			}
			routes = append(routes, jen.Values(d))
		}
	}
	f.Comment("testRoutes is how each message is recognised on its channel.")
	f.Var().Id("testRoutes").Op("=").Add(multiline(jen.Index().Qual(webhooktestPkg, "Route"), routes))
	f.Line()
	g.testAuth(f)
	f.Line()
	f.Comment("TestServerRoutesEveryMessage sends every example of every message, with the")
	f.Comment("message's own discriminator value and valid credentials, through Server.")
	f.Func().Id("TestServerRoutesEveryMessage").Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.List(jen.Id("opts"), jen.Id("auth")).Op(":=").Id("testAuth").Call(),
		jen.Qual(webhooktestPkg, "CheckRoutes").Call(jen.Id("t"), jen.Qual(webhooktestPkg, "Target").Values(jen.Dict{
			jen.Id("Routes"):       jen.Id("testRoutes"),
			jen.Id("Examples"):     jen.Id("Examples").Call(),
			jen.Id("Authenticate"): jen.Id("auth"),
			jen.Id("NewPayload"):   jen.Id("newTestPayload"),
			jen.Id("NewServer"): jen.Func().Params(jen.Id("t").Op("*").Qual("testing", "T")).Params(jen.Qual("net/http", "Handler"), jen.Op("*").Qual(webhooktestPkg, "Recorder")).Block(
				jen.Id("rec").Op(":=").New(jen.Id("recorder")),
				jen.List(jen.Id("srv"), jen.Err()).Op(":=").Id("NewServer").Call(jen.Id("rec"), jen.Id("opts").Op("...")),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Err())),
				jen.Return(jen.Id("srv"), jen.Op("&").Id("rec").Dot("Recorder")),
			),
		})),
	)
	f.Line()
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

// testAuth writes testAuth: options with test credentials for every scheme
// of the spec's first security requirement, and a function that puts them
// on a request.
func (g *gen) testAuth(f *jen.File) {
	var req model.SecurityRequirement
	for _, s := range g.api.Servers {
		if len(s.Security) > 0 {
			req = s.Security[0]
			break
		}
	}
	var pre, opts, sets []jen.Code
	for _, u := range req {
		s := u.Scheme
		opt := jen.Id(g.schemeOpts[s])
		switch schemeKind(s) {
		case "basic":
			opts = append(opts, opt.Call(jen.Qual(webhookPkg, "Credential").Values(jen.Dict{
				jen.Id("Username"): jen.Lit("hookgen"), jen.Id("Password"): jen.Lit("test-secret"),
			})))
			sets = append(sets, jen.Id("r").Dot("SetBasicAuth").Call(jen.Lit("hookgen"), jen.Lit("test-secret")))
		case "apikey":
			opts = append(opts, opt.Call(jen.Lit("test-key")))
			switch s.In {
			case "query":
				sets = append(sets,
					jen.Id("q").Op(":=").Id("r").Dot("URL").Dot("Query").Call(),
					jen.Id("q").Dot("Set").Call(jen.Lit(s.Name), jen.Lit("test-key")),
					jen.Id("r").Dot("URL").Dot("RawQuery").Op("=").Id("q").Dot("Encode").Call())
			case "cookie":
				sets = append(sets, jen.Id("r").Dot("AddCookie").Call(jen.Op("&").Qual("net/http", "Cookie").Values(jen.Dict{jen.Id("Name"): jen.Lit(s.Name), jen.Id("Value"): jen.Lit("test-key")})))
			default:
				sets = append(sets, jen.Id("r").Dot("Header").Dot("Set").Call(jen.Lit(http.CanonicalHeaderKey(s.Name)), jen.Lit("test-key")))
			}
		case "hmac":
			v := "signer" + ident(s.Key, "")
			secret := jen.Lit(testSecret(s.Signature.Format))
			if s.Signature.Format == model.SignatureHTTPMAC {
				secret = jen.Qual(webhookPkg, "MACKey").Values(jen.Dict{jen.Id("ID"): jen.Lit("test"), jen.Id("Secret"): jen.Index().Byte().Call(jen.Lit("test-secret"))})
			}
			pre = append(pre,
				jen.List(jen.Id(v), jen.Err()).Op(":=").Id("new"+ident(s.Key, "Scheme")+"Verifier").Call(secret.Clone()),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Panic(jen.Err())),
			)
			opts = append(opts, opt.Call(secret))
			var sign *jen.Statement
			if s.Signature.Format == model.SignatureHTTPMAC {
				sign = jen.Id(v).Dot("Sign").Call(jen.Id("r"), jen.Id("body"), jen.Lit(""), jen.Lit(""))
			} else {
				sign = jen.Id(v).Dot("Sign").Call(jen.Id("r").Dot("Header"), jen.Id("body"), jen.Lit("msg_test"), jen.Qual("time", "Now").Call())
			}
			sets = append(sets, jen.If(jen.Err().Op(":=").Add(sign), jen.Err().Op("!=").Nil()).Block(jen.Panic(jen.Err())))
		default:
			opts = append(opts, opt.Call(jen.Qual(webhookPkg, "StaticBearer").Call(jen.Lit("test-token"))))
			sets = append(sets, jen.Id("r").Dot("Header").Dot("Set").Call(jen.Lit("Authorization"), jen.Lit("Bearer test-token")))
		}
	}
	if len(opts) == 0 {
		opts = append(opts, jen.Id("AllowUnauthenticated").Call())
	}
	f.Comment("testAuth returns options with test credentials and a function that adds them")
	f.Comment("to a request.")
	f.Func().Id("testAuth").Params().Params(jen.Index().Id("Option"), jen.Func().Params(jen.Op("*").Qual("net/http", "Request"), jen.Index().Byte())).Block(
		append(pre, jen.Return(jen.Index().Id("Option").Values(opts...), jen.Func().Params(jen.Id("r").Op("*").Qual("net/http", "Request"), jen.Id("body").Index().Byte()).Block(sets...)))...,
	)
}

// testSecret is a secret the signature format accepts.
func testSecret(format string) string {
	if format == model.SignatureStandardWebhooks {
		return "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	}
	return "test-secret"
}
