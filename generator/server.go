package generator

import (
	"fmt"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// server writes the HTTP adapter and the options.
func (g *gen) server(f *jen.File) {
	pkg := g.cfg.Package
	f.Comment("The channels of the spec, as Dispatch takes them.")
	var defs []jen.Code
	for _, c := range g.routed() {
		defs = append(defs, jen.Id(g.channel(c).Const).Op("=").Lit(c.Path))
	}
	f.Const().Defs(defs...)
	f.Line()
	fields := []jen.Code{jen.Id("mux").Op("*").Qual("net/http", "ServeMux")}
	for _, c := range g.routed() {
		fields = append(fields, jen.Id(g.channel(c).Endpoint).Op("*").Qual(implPkg, "Endpoint"))
	}
	fileComment(f, fmt.Sprintf("Server receives %s deliveries over HTTP at the spec's channel paths. "+
		"Its per-channel handlers serve one channel at whatever path the provider was given.", g.api.Title))
	f.Type().Id("Server").Struct(fields...)
	f.Line()

	var reqs []jen.Code
	for _, req := range g.api.Security {
		var keys []jen.Code
		for _, u := range req {
			keys = append(keys, jen.Lit(u.Scheme.Key))
		}
		reqs = append(reqs, jen.Values(keys...))
	}
	f.Comment("securityRequirements are the spec's alternatives: any one authenticates.")
	f.Var().Id("securityRequirements").Op("=").Index().Index().String().Values(reqs...)
	f.Line()
	bodyLimit := jen.Id("s").Dot("BodyLimit")
	if n := g.api.BodyLimit; n > 0 {
		f.Comment(fmt.Sprintf("defaultBodyLimit is the largest body accepted without WithBodyLimit: %s, the largest", byteSize(n)))
		f.Comment("delivery the provider sends (the spec's x-hookgen-body-limit).")
		f.Const().Id("defaultBodyLimit").Op("=").Lit(int(n))
		f.Line()
		bodyLimit = jen.Qual("cmp", "Or").Call(bodyLimit, jen.Id("defaultBodyLimit"))
	}

	var hint []string
	for _, s := range g.schemes {
		hint = append(hint, s.Option)
	}
	hint = append(hint, "WithVerifier")
	body := []jen.Code{
		jen.Id("s").Op(":=").Qual(implPkg, "NewSettings").Call(jen.Id("opts").Op("...")),
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Id("s").Dot("Verifier").Call(jen.Id("securityRequirements")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(
			jen.Lit(pkg+": %w: configure "+strings.Join(hint, " or ")+", or pass AllowUnauthenticated() to accept unauthenticated deliveries"), jen.Err()))),
	}
	body = append(body, g.publicURLCheck()...)
	body = append(body, g.handshakeSecretCheck()...)
	body = append(body,
		jen.Id("d").Op(":=").Id("newDispatcher").Call(jen.Id("h"), jen.Id("s")),
		jen.Id("srv").Op(":=").Op("&").Id("Server").Values(jen.Dict{jen.Id("mux"): jen.Qual("net/http", "NewServeMux").Call()}),
		jen.Id("schemes").Op(":=").Id("s").Dot("SchemeNames").Call(),
	)
	for _, c := range g.routed() {
		ep := jen.Id("srv").Dot(g.channel(c).Endpoint)
		dispatch := "Dispatch"
		if g.channel(c).Replies {
			dispatch = "DispatchReply"
		}
		d := jen.Dict{
			jen.Id("Channel"):   jen.Id(g.channel(c).Const),
			jen.Id("Verifier"):  jen.Id("v"),
			jen.Id("BodyLimit"): bodyLimit.Clone(),
			jen.Id("Logger"):    jen.Id("s").Dot("Runner").Dot("Logger"),
			jen.Id(dispatch):    jen.Id("d").Dot(g.channel(c).Route),
			jen.Id("Observer"):  jen.Id("s").Dot("Observer"),
			jen.Id("Provider"):  jen.Id("provider"),
			jen.Id("Schemes"):   jen.Id("schemes"),
		}
		g.formEndpoint(c, d)
		if g.plainJSON {
			d[jen.Id("PlainJSON")] = jen.True()
		}
		if len(g.urlSchemes()) > 0 {
			d[jen.Id("PublicURL")] = jen.Id("s").Dot("PublicURL")
		}
		if hs := g.channel(c).Handshakes; len(hs) > 0 {
			var list []jen.Code
			for _, m := range hs {
				list = append(list, g.queryHandshake(m))
			}
			d[jen.Id("Handshakes")] = multiline(jen.Index().Op("*").Qual(implPkg, "QueryHandshake"), list)
		}
		if len(c.Parameters) > 0 {
			var ps []jen.Code
			for _, p := range c.Parameters {
				ps = append(ps, jen.Lit(p.Name))
			}
			d[jen.Id("Params")] = jen.Index().String().Values(ps...)
		}
		body = append(body,
			ep.Clone().Op("=").Op("&").Qual(implPkg, "Endpoint").Values(d),
			jen.Id("srv").Dot("mux").Dot("Handle").Call(jen.Lit(g.channel(c).Pattern), ep.Clone()),
		)
	}
	body = append(body,
		jen.Id("srv").Dot("mux").Dot("Handle").Call(jen.Lit("/"), jen.Qual(implPkg, "NotFound")),
		jen.Return(jen.Id("srv"), jen.Nil()),
	)
	fileComment(f, "NewServer returns a Server that passes authenticated deliveries to h. It fails "+
		"when no credentials are configured for any of the spec's security requirements, unless "+
		"AllowUnauthenticated is among opts: it never silently accepts anyone's deliveries.")
	f.Func().Id("NewServer").Params(jen.Id("h").Id("Handler"), jen.Id("opts").Op("...").Id("Option")).Params(jen.Op("*").Id("Server"), jen.Error()).Block(body...)
	f.Line()
	// Channels without parameters are found by a switch on the path before
	// the ServeMux, whose lookup costs several percent of a delivery. With
	// no RawPath, the path has no escaped slash, so the switch matches
	// exactly what the ServeMux pattern matches.
	var static []jen.Code
	for _, c := range g.routed() {
		if len(c.Parameters) == 0 {
			static = append(static, jen.Case(jen.Lit(model.ServePath(c.Path))).Block(
				// As the ServeMux would, for middleware that reports the route.
				jen.Id("r").Dot("Pattern").Op("=").Lit(g.channel(c).Pattern),
				jen.Id("s").Dot(g.channel(c).Endpoint).Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r")),
				jen.Return(),
			))
		}
	}
	serve := []jen.Code{}
	if len(static) > 0 {
		serve = append(serve, jen.If(jen.Id("r").Dot("URL").Dot("RawPath").Op("==").Lit("")).Block(
			jen.Switch(jen.Id("r").Dot("URL").Dot("Path")).Block(static...),
		))
	}
	serve = append(serve, jen.Qual(implPkg, "ServeMux").Call(jen.Id("s").Dot("mux"), jen.Id("w"), jen.Id("r")))
	f.Comment("ServeHTTP serves every channel at its path in the spec.")
	f.Func().Params(jen.Id("s").Op("*").Id("Server")).Id("ServeHTTP").Params(jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request")).Block(serve...)
	for _, c := range g.routed() {
		f.Line()
		m := g.channel(c).Handler
		doc := fmt.Sprintf("%s serves channel %s alone, to mount at the path the provider was given.", m, c.Path)
		if len(c.Parameters) > 0 {
			doc += " Channel parameters are read from the request path, so mount it with a pattern that names them."
		}
		fileComment(f, doc)
		f.Func().Params(jen.Id("s").Op("*").Id("Server")).Id(m).Params().Qual("net/http", "Handler").Block(jen.Return(jen.Id("s").Dot(g.channel(c).Endpoint)))
	}
	g.options(f)
}

// defaultBodyLimit names the body limit without WithBodyLimit, for doc
// comments.
func (g *gen) defaultBodyLimit() string {
	if n := g.api.BodyLimit; n > 0 {
		return byteSize(n) + ", the spec's x-hookgen-body-limit,"
	}
	return "webhook.DefaultBodyLimit"
}

// byteSize spells n bytes as people read a size: 25 MiB, 25 MB.
func byteSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}} {
		if n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// options writes the Option type, the generic options and one option per
// security scheme.
func (g *gen) options(f *jen.File) {
	f.Line()
	f.Comment("Option configures a Server or a Dispatcher.")
	f.Type().Id("Option").Op("=").Qual(implPkg, "Option")
	for _, o := range []struct {
		name, doc string
		params    []jen.Code
		args      []jen.Code
	}{
		{"WithDeduper", "WithDeduper keeps event ids in d instead of memory; share one store between replicas.", []jen.Code{jen.Id("d").Qual(webhookPkg, "Deduper")}, []jen.Code{jen.Id("d")}},
		{"WithHandlerTimeout", "WithHandlerTimeout bounds each handler call (webhook.DefaultHandlerTimeout by default); past it the provider gets 500 and retries.", []jen.Code{jen.Id("d").Qual("time", "Duration")}, []jen.Code{jen.Id("d")}},
		{"WithLogger", "WithLogger logs every delivery and every failure to l.", []jen.Code{jen.Id("l").Op("*").Qual("log/slog", "Logger")}, []jen.Code{jen.Id("l")}},
		{"WithObserver", "WithObserver reports every delivery to o, e.g. an otelhook.New observer that reports to OpenTelemetry.", []jen.Code{jen.Id("o").Qual(webhookPkg, "Observer")}, []jen.Code{jen.Id("o")}},
		{"WithBodyLimit", "WithBodyLimit sets the largest body accepted (" + g.defaultBodyLimit() + " by default); larger deliveries get 413.", []jen.Code{jen.Id("n").Int64()}, []jen.Code{jen.Id("n")}},
		{"WithUnknownEventHandler", "WithUnknownEventHandler receives events the spec does not know, with their raw body and headers in d; they are acknowledged with 200 unless f fails.", []jen.Code{jen.Id("f").Func().Params(jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("d").Op("*").Qual(webhookPkg, "Delivery")).Error()}, []jen.Code{jen.Id("f")}},
		{"WithVerifier", "WithVerifier also accepts deliveries that v accepts: for authentication the spec does not describe.", []jen.Code{jen.Id("v").Qual(webhookPkg, "Verifier")}, []jen.Code{jen.Id("v")}},
		{"AllowUnauthenticated", "AllowUnauthenticated lets NewServer start without any credentials configured. Only for tests and for endpoints protected some other way.", nil, nil},
	} {
		f.Line()
		fileComment(f, o.doc)
		f.Func().Id(o.name).Params(o.params...).Id("Option").Block(jen.Return(jen.Qual(implPkg, o.name).Call(o.args...)))
	}
	g.publicURLOption(f) // form.go
	for _, m := range g.api.Messages {
		mp := g.message(m)
		if mp.TokenOption == "" {
			continue
		}
		f.Line()
		fileComment(f, fmt.Sprintf("%s sets the verify tokens that the handshake %s accepts in its %s query parameter: "+
			"any of tokens passes, so several allow rotation. Without one the handshake is refused (401).", mp.TokenOption, m.Key, m.Handshake.VerifyToken))
		f.Func().Id(mp.TokenOption).Params(jen.Id("tokens").Op("...").String()).Id("Option").Block(
			jen.Return(jen.Qual(implPkg, "WithVerifyTokens").Call(jen.Lit(m.Key), jen.Id("tokens"))),
		)
	}
	for _, sp := range g.schemes {
		s, name := sp.Model, sp.Option
		f.Line()
		var doc string
		var params []jen.Code
		var verifier jen.Code
		switch sp.Kind {
		case "basic":
			doc = fmt.Sprintf("%s authenticates deliveries with HTTP Basic credentials: any of creds passes, so several allow rotation.", name)
			params = []jen.Code{jen.Id("creds").Op("...").Qual(webhookPkg, "Credential")}
			verifier = jen.Qual(webhookPkg, "BasicAuth").Call(jen.Id("provider"), jen.Id("creds").Op("..."))
		case "apikey":
			in := s.In
			if in == "" {
				in = "header"
			}
			doc = fmt.Sprintf("%s authenticates deliveries by a key in the %s %s: any of keys passes, so several allow rotation.", name, in, s.Name)
			params = []jen.Code{jen.Id("keys").Op("...").String()}
			verifier = jen.Qual(webhookPkg, "APIKey").Call(jen.Lit(in), jen.Lit(s.Name), jen.Id("keys").Op("..."))
		case "bodykey":
			doc = fmt.Sprintf("%s authenticates deliveries by a key they carry in their body, at %s (every value there must be one of keys): any of keys passes, so several allow rotation.", name, s.BodyKey)
			params = []jen.Code{jen.Id("keys").Op("...").String()}
			verifier = jen.Qual(implPkg, "BodyKey").Call(jen.Lit(s.BodyKey), jen.Id("keys").Op("..."))
		case "hmac":
			g.signatureOption(f, sp)
			continue
		case "keysig":
			g.keySignatureOption(f, sp)
			continue
		case "sns":
			g.snsOption(f, sp)
			continue
		default:
			doc = fmt.Sprintf("%s authenticates deliveries with v, e.g. the Verifier of an oauth.TokenEndpoint the receiver hosts, webhook.StaticBearer or oauth.NewJWKSBearer.", name)
			params = []jen.Code{jen.Id("v").Qual(webhookPkg, "Verifier")}
			verifier = jen.Id("v")
		}
		doc += fmt.Sprintf(" It configures the spec's security scheme %s (%s).", s.Key, s.Type)
		if s.Description != "" {
			doc += "\n\n" + s.Description
		}
		fileComment(f, doc)
		f.Func().Id(name).Params(params...).Id("Option").Block(
			jen.Return(jen.Qual(implPkg, "WithScheme").Call(jen.Lit(s.Key), verifier)),
		)
	}
}

// handshakeSecretCheck makes NewServer fail without the secret a
// handshake's answer is an HMAC under (Zoom's endpoint.url_validation),
// say with only WithVerifier: the provider could never validate the
// endpoint. AllowUnauthenticated, for tests and local runs, still starts;
// the handshake is then answered 500.
func (g *gen) handshakeSecretCheck() []jen.Code {
	var out []jen.Code
	for _, s := range g.schemes {
		if !g.answersWith(s.Model) {
			continue
		}
		out = append(out, jen.If(jen.Len(jen.Id("s").Dot("Runner").Dot("Secrets").Index(jen.Lit(s.Model.Key))).Op("==").Lit(0).Op("&&").Op("!").Id("s").Dot("AllowUnauthenticated")).Block(
			jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf(
				"%s: a handshake is answered with an HMAC under the secret of scheme %s: configure %s", g.cfg.Package, s.Model.Key, s.Option)))),
		))
	}
	return out
}

// answersWith reports whether a handshake's answer is an HMAC under the
// secret of s.
func (g *gen) answersWith(s *model.SecurityScheme) bool {
	var uses func(a *model.Answer) bool
	uses = func(a *model.Answer) bool {
		if a.HMAC == s {
			return true
		}
		for _, f := range a.Fields {
			if uses(f.Value) {
				return true
			}
		}
		return false
	}
	for _, m := range g.api.Messages {
		if h := m.Handshake; h != nil && h.Answer != nil && uses(h.Answer) {
			return true
		}
	}
	return false
}

// queryHandshake is the endpoint's description of a handshake recognised
// by its query.
func (g *gen) queryHandshake(m *model.Message) jen.Code {
	h := m.Handshake
	var query []jen.Code
	for _, q := range h.Query {
		query = append(query, jen.Values(jen.Lit(q.Name), jen.Lit(q.Value)))
	}
	d := jen.Dict{
		jen.Id("Method"): jen.Lit(h.Method),
		jen.Id("Query"):  jen.Index().Index(jen.Lit(2)).String().Values(query...),
		jen.Id("Answer"): jen.Id(g.message(m).Answer),
	}
	if h.VerifyToken != "" {
		d[jen.Id("VerifyToken")] = jen.Lit(h.VerifyToken)
		d[jen.Id("Tokens")] = jen.Id("s").Dot("Tokens").Index(jen.Lit(m.Key))
	}
	return jen.Values(d)
}

// schemeKind is how hookgen verifies a security scheme: "basic", "apikey",
// "bearer", "hmac" (x-hookgen-hmac), "keysig" (x-hookgen-signature), "sns"
// (its format aws-sns), or "" when it cannot.
func schemeKind(s *model.SecurityScheme) string {
	if s.KeySignature.PlainJSON() {
		return "sns"
	}
	if s.KeySignature != nil {
		return "keysig"
	}
	switch s.Type {
	case "userPassword":
		return "basic"
	case "http":
		switch strings.ToLower(s.Scheme) {
		case "basic":
			return "basic"
		case "bearer":
			return "bearer"
		}
		return ""
	case "httpApiKey":
		if s.Signature != nil {
			return "hmac"
		}
		if s.BodyKey != "" {
			return "bodykey"
		}
		return "apikey"
	case "apiKey":
		if s.Signature != nil {
			return "hmac"
		}
		if s.BodyKey != "" {
			return "bodykey"
		}
		return "bearer"
	case "oauth2", "openIdConnect":
		return "bearer"
	}
	return ""
}

// signatureOption writes the option of a scheme whose deliveries are
// signed (x-hookgen-hmac), and the function that builds its verifier, which
// tests and request helpers share to sign.
func (g *gen) signatureOption(f *jen.File, sp *schemePlan) {
	s, name, build := sp.Model, sp.Option, sp.Builder
	sig := s.Signature
	var doc string
	var params []jen.Code
	var body []jen.Code
	arg := "secrets"
	ret := jen.Params(jen.Op("*").Qual(webhookPkg, "HMAC"), jen.Error())
	switch sig.Format {
	case model.SignatureHTTPMAC:
		doc = fmt.Sprintf("%s authenticates deliveries signed with the HTTP MAC scheme (Authorization: MAC id, nonce, bodyhash, mac): the request's key id selects one of keys, so several allow rotation.", name)
		params = []jen.Code{jen.Id("keys").Op("...").Qual(webhookPkg, "MACKey")}
		arg = "keys"
		ret = jen.Params(jen.Op("*").Qual(webhookPkg, "HTTPMAC"), jen.Error())
		d := jen.Dict{jen.Id("Keys"): jen.Id("keys")}
		if sig.Algorithm != "" {
			d[jen.Id("Algorithm")] = jen.Lit(sig.Algorithm)
		}
		body = []jen.Code{jen.Return(jen.Qual(webhookPkg, "NewHTTPMAC").Call(jen.Qual(webhookPkg, "HTTPMACConfig").Values(d)))}
	case model.SignatureStandardWebhooks, model.SignatureGitHub, model.SignatureStripe:
		preset := map[string]string{model.SignatureStandardWebhooks: "StandardWebhooks", model.SignatureGitHub: "GitHubSignature", model.SignatureStripe: "StripeSignature"}[sig.Format]
		doc = fmt.Sprintf("%s authenticates deliveries signed as %s signs them (webhook.%s): any of secrets passes, so several allow rotation.", name, sig.Format, preset)
		if sig.Format == model.SignatureStandardWebhooks {
			doc = fmt.Sprintf("%s authenticates deliveries signed as Standard Webhooks signs them, under its header names (webhook-*) or Svix's (svix-*): "+
				"secrets are whsec_<base64>, and any of them passes, so several allow rotation.", name)
			if strings.EqualFold(sig.Header, "svix-signature") {
				preset = "SvixSignature"
			}
		}
		params = []jen.Code{jen.Id("secrets").Op("...").String()}
		body = []jen.Code{jen.Return(jen.Qual(webhookPkg, preset).Call(jen.Id("secrets").Op("...")))}
	default:
		doc = fmt.Sprintf("%s authenticates deliveries by an HMAC signature in the %s header: any of secrets passes, so several allow rotation.", name, sig.Header)
		params = []jen.Code{jen.Id("secrets").Op("...").String()}
		d := jen.Dict{}
		for _, kv := range sig.ConfigFields() {
			if kv[1] != "" {
				d[jen.Id(kv[0])] = jen.Lit(kv[1])
			}
		}
		if sig.Tolerance != "" {
			d[jen.Id("Tolerance")] = durationLit(sig.Tolerance)
		}
		body = []jen.Code{jen.Id("cfg").Op(":=").Qual(webhookPkg, "HMACConfig").Values(d)}
		body = append(body,
			jen.For(jen.List(jen.Id("_"), jen.Id("s")).Op(":=").Range().Id("secrets")).Block(
				jen.Id("cfg").Dot("Secrets").Op("=").Append(jen.Id("cfg").Dot("Secrets"), jen.Index().Byte().Call(jen.Id("s"))),
			),
			jen.Return(jen.Qual(webhookPkg, "NewHMAC").Call(jen.Id("cfg"))),
		)
	}
	doc += fmt.Sprintf(" It configures the spec's security scheme %s (%s, x-hookgen-hmac format %s).", s.Key, s.Type, sig.Format)
	if s.Description != "" {
		doc += "\n\n" + s.Description
	}
	set := jen.Return(jen.Qual(implPkg, "WithSchemeErr").Call(jen.Lit(s.Key), jen.Id("v"), jen.Err()))
	if g.answersWith(s) {
		doc += " The first secret also answers the spec's handshakes that sign their answer."
		set = jen.Return(jen.Qual(implPkg, "WithSchemeSecrets").Call(jen.Lit(s.Key), jen.Id("v"), jen.Err(), jen.Id(arg)))
	}
	fileComment(f, doc)
	f.Func().Id(name).Params(params...).Id("Option").Block(
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Id(build).Call(jen.Id(arg).Op("...")),
		set,
	)
	f.Line()
	signs := "it also signs, for tests."
	if sig.Format == model.SignatureStandardWebhooks {
		signs = fmt.Sprintf("it also signs, for tests, with the %s-* headers (the scheme's name is %s).", strings.TrimSuffix(strings.ToLower(sig.Header), "-signature"), s.Name)
	}
	fileComment(f, fmt.Sprintf("%s builds the verifier of scheme %s; %s", build, s.Key, signs))
	f.Func().Id(build).Params(params...).Add(ret).Block(body...)
}

// durationLit spells a duration the parser has checked as Go source:
// "5m" is 5 * time.Minute.
func durationLit(text string) jen.Code {
	d, _ := time.ParseDuration(text)
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}} {
		if d%u.unit == 0 {
			return jen.Lit(int(d/u.unit)).Op("*").Qual("time", u.name)
		}
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int64(d)))
}
