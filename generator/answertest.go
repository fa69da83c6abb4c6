package generator

import (
	"cmp"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// testReplyFunc names the function that builds the reply the test
// handler of a message returns.
func testReplyFunc(mp *messagePlan) string {
	return "testReply" + strings.TrimPrefix(mp.Handle, "Handle")
}

// testReply writes the function that builds the reply the test handler
// of m returns: the reply message's first example, else a value built
// from its schema, decoded as the package decodes.
func (g *gen) testReply(f *jen.File, m *model.Message) {
	mp := g.message(m)
	r := mp.Reply
	var sample []byte
	if len(r.Examples) > 0 && r.Examples[0].Payload != nil {
		sample = r.Examples[0].Payload
	} else {
		sample = sampleValue(r.Payload, nil, 0)
	}
	name := testReplyFunc(mp)
	f.Comment(name + " is the reply the test handler of " + m.Key + " returns.")
	res := g.payloadType(r.Payload)
	t := r.Payload
	fail := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Panic(jen.Err()))
	var body []jen.Code
	switch {
	case !model.IsJSONMediaType(mp.ReplyType):
		body = []jen.Code{jen.Return(jen.Lit(headerText(sample)))}
	case t.Kind == model.Object && g.declared(t):
		body = []jen.Code{
			jen.Id("v").Op(":=").New(g.goType(t)),
			jen.If(jen.Err().Op(":=").Id("Unmarshal").Call(jen.Index().Byte().Call(jen.Lit(string(sample))), jen.Id("v")), jen.Err().Op("!=").Nil()).Block(jen.Panic(jen.Err())),
			jen.Return(jen.Id("v")),
		}
	case g.declared(t):
		body = []jen.Code{
			jen.Var().Id("v").Add(res.Clone()),
			jen.If(jen.Err().Op(":=").Id("Unmarshal").Call(jen.Index().Byte().Call(jen.Lit(string(sample))), jen.Op("&").Id("v")), jen.Err().Op("!=").Nil()).Block(jen.Panic(jen.Err())),
			jen.Return(jen.Id("v")),
		}
	default:
		body = []jen.Code{
			jen.Var().Id("v").Add(res.Clone()),
			jen.Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(jen.Index().Byte().Call(jen.Lit(string(sample))), jen.Op("&").Id("v")),
			fail,
			jen.Return(jen.Id("v")),
		}
	}
	f.Func().Id(name).Params().Add(res).Block(body...)
}

// checkAnswer writes checkAnswer, the Target.CheckAnswer of the server
// test: that a replied message is answered with the reply its test
// handler returned, in the reply's content type and decoding into the
// reply's type, and that a routed handshake is answered as it requires,
// the answer worked out here from the request (an HMAC with crypto/hmac
// and the test secret). It reports whether there was anything to check.
func (g *gen) checkAnswer(f *jen.File) bool {
	var cases []jen.Code
	answer := jen.Id("answer")
	for _, m := range g.handledMessages() {
		mp := g.message(m)
		if mp.Reply == nil {
			continue
		}
		want := jen.Id(testReplyFunc(mp)).Call()
		stmts := []jen.Code{jen.Qual(webhooktestPkg, "CheckBody").Call(jen.Id("t"), answer, jen.Lit(mp.ReplyType), want)}
		if model.IsJSONMediaType(mp.ReplyType) {
			t := mp.Reply.Payload
			var got jen.Code
			var target jen.Code
			switch {
			case t.Kind == model.Object && g.declared(t):
				got = jen.Id("got").Op(":=").New(g.goType(t))
				target = jen.Id("Unmarshal").Call(answer.Clone().Dot("Body").Dot("Bytes").Call(), jen.Id("got"))
			case g.declared(t):
				got = jen.Var().Id("got").Add(g.payloadType(t))
				target = jen.Id("Unmarshal").Call(answer.Clone().Dot("Body").Dot("Bytes").Call(), jen.Op("&").Id("got"))
			default:
				got = jen.Var().Id("got").Add(g.payloadType(t))
				target = jen.Qual(jsonPkg, "Unmarshal").Call(answer.Clone().Dot("Body").Dot("Bytes").Call(), jen.Op("&").Id("got"))
			}
			stmts = append(stmts, got,
				jen.If(jen.Err().Op(":=").Add(target), jen.Err().Op("!=").Nil()).Block(
					jen.Id("t").Dot("Fatalf").Call(jen.Lit("the reply does not decode into its type: %v"), jen.Err()),
				),
				jen.If(jen.Op("!").Qual("reflect", "DeepEqual").Call(jen.Id("got"), want)).Block(
					jen.Id("t").Dot("Errorf").Call(jen.Lit("the reply decodes to %+v, want %+v"), jen.Id("got"), want),
				),
			)
		}
		cases = append(cases, jen.Case(jen.Lit(m.Key)).Block(stmts...))
	}
	seen := map[*model.Message]bool{}
	for _, c := range g.routed() {
		for _, r := range c.Discriminator.Routes {
			m := r.Message
			if m.Handshake == nil || seen[m] {
				continue
			}
			seen[m] = true
			h := m.Handshake
			if h.Answer == nil { // confirmed with a GET, answered with no body
				cases = append(cases, jen.Case(jen.Lit(m.Key)).Block(
					jen.If(answer.Clone().Dot("Body").Dot("Len").Call().Op("!=").Lit(0)).Block(
						jen.Id("t").Dot("Errorf").Call(jen.Lit("answered %q, want no body"), answer.Clone().Dot("Body")),
					),
					jen.If(jen.Len(jen.Qual(webhooktestPkg, "SNS").Call().Dot("Confirmed").Call()).Op("==").Lit(0)).Block(
						jen.Id("t").Dot("Error").Call(jen.Lit("answered without a GET of the SubscribeURL")),
					),
				))
				continue
			}
			var want jen.Code
			if model.IsJSONMediaType(h.ContentType) {
				want = g.expectJSON(h.Answer)
			} else {
				want = g.expectText(h.Answer)
			}
			cases = append(cases, jen.Case(jen.Lit(m.Key)).Block(
				jen.Qual(webhooktestPkg, "CheckBody").Call(jen.Id("t"), answer, jen.Lit(h.ContentType), want),
			))
		}
	}
	if len(cases) == 0 {
		return false
	}
	f.Comment("checkAnswer checks the answer to a message answered with a body: the reply")
	f.Comment("its test handler returned, or the answer its handshake requires.")
	f.Func().Id("checkAnswer").Params(
		jen.Id("t").Op("*").Qual("testing", "T"), jen.Id("message").String(), jen.Id("req").Op("*").Qual("net/http", "Request"),
		jen.Id("body").Index().Byte(), answer.Clone().Op("*").Qual("net/http/httptest", "ResponseRecorder"),
	).Block(
		jen.Switch(jen.Id("message")).Block(cases...),
	)
	f.Line()
	if g.answersHMAC() {
		f.Comment("testHMAC is the HMAC of msg under the test secret, encoded.")
		f.Func().Id("testHMAC").Params(
			jen.Id("h").Func().Params().Qual("hash", "Hash"), jen.Id("secret").String(),
			jen.Id("encode").Func().Params(jen.Index().Byte()).String(), jen.Id("msg").String(),
		).String().Block(
			jen.Id("mac").Op(":=").Qual("crypto/hmac", "New").Call(jen.Id("h"), jen.Index().Byte().Call(jen.Id("secret"))),
			jen.Id("mac").Dot("Write").Call(jen.Index().Byte().Call(jen.Id("msg"))),
			jen.Return(jen.Id("encode").Call(jen.Id("mac").Dot("Sum").Call(jen.Nil()))),
		)
		f.Line()
	}
	return true
}

// answersHMAC reports whether a routed handshake answers with an HMAC.
func (g *gen) answersHMAC() bool {
	var uses func(a *model.Answer) bool
	uses = func(a *model.Answer) bool {
		if a.HMAC != nil {
			return true
		}
		for _, fl := range a.Fields {
			if uses(fl.Value) {
				return true
			}
		}
		return false
	}
	for _, c := range g.routed() {
		for _, r := range c.Discriminator.Routes {
			if h := r.Message.Handshake; h != nil && h.Answer != nil && uses(h.Answer) {
				return true
			}
		}
	}
	return false
}

// expectJSON is the value (to marshal) of an answer in a JSON body,
// worked out from the test's req and body.
func (g *gen) expectJSON(a *model.Answer) jen.Code {
	switch {
	case a.Const != nil:
		return jen.Qual(jsonPkg, "RawMessage").Call(jen.Lit(string(a.Const)))
	case len(a.Fields) > 0:
		d := jen.Dict{}
		for _, fl := range a.Fields {
			d[jen.Lit(fl.Name)] = g.expectJSON(fl.Value)
		}
		return jen.Map(jen.String()).Any().Values(d)
	case a.HMAC == nil && a.From == model.FromPayload:
		return jen.Qual(webhooktestPkg, "JSONAt").Call(jen.Id("t"), jen.Id("body"), jen.Lit(a.Name))
	}
	return g.expectText(a)
}

// expectText is the text of an answer, worked out from the test's req
// and body.
func (g *gen) expectText(a *model.Answer) jen.Code {
	var v jen.Code
	switch {
	case a.Const != nil:
		return jen.Lit(headerText(a.Const))
	case len(a.Fields) > 0:
		return g.expectJSON(a) // CheckBody marshals it
	case a.From == model.FromHeader:
		v = jen.Id("req").Dot("Header").Dot("Get").Call(jen.Lit(a.Name))
	case a.From == model.FromQuery:
		v = jen.Id("req").Dot("URL").Dot("Query").Call().Dot("Get").Call(jen.Lit(a.Name))
	default:
		v = jen.Qual(webhooktestPkg, "TextAt").Call(jen.Id("t"), jen.Id("body"), jen.Lit(a.Name))
	}
	s := a.HMAC
	if s == nil {
		return v
	}
	sig := s.Signature
	if sig == nil {
		sig = &model.Signature{}
	}
	var h jen.Code
	switch sig.Algorithm {
	case "sha1":
		h = jen.Qual("crypto/sha1", "New")
	case "sha384":
		h = jen.Qual("crypto/sha512", "New384")
	case "sha512":
		h = jen.Qual("crypto/sha512", "New")
	default:
		h = jen.Qual("crypto/sha256", "New")
	}
	var enc jen.Code
	switch cmp.Or(sig.Encoding, "hex") {
	case "base64":
		enc = jen.Qual("encoding/base64", "StdEncoding").Dot("EncodeToString")
	case "base64url":
		enc = jen.Qual("encoding/base64", "RawURLEncoding").Dot("EncodeToString")
	default:
		enc = jen.Qual("encoding/hex", "EncodeToString")
	}
	return jen.Id("testHMAC").Call(h, jen.Lit(testSecret(sig.Format)), enc, v)
}
