package generator

import (
	"fmt"
	"mime"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// Form-encoded bodies (application/x-www-form-urlencoded). A channel with
// a form message gets a hookimpl.Form, which describes the fields of its
// messages' payloads; its route decodes a form delivery with it into the
// JSON its payload types decode, before it routes, so that routing,
// de-duplication and decoding read a form as they read JSON.

// formType is the media type of a form-encoded body.
const formType = "application/x-www-form-urlencoded"

// isFormType reports whether a message's content type is a form.
func isFormType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == formType
}

// formField is one field of a channel's form.
type formField struct {
	Name string
	Kind string // the hookimpl.FormKind constant
	List bool
}

// formPlan is the form of a channel.
type formPlan struct {
	Var    string
	Only   bool
	Fields []formField
}

// formOf returns the form of channel c, nil when none of its messages is
// form-encoded. A field that two messages type differently takes the
// first one's type.
func (g *gen) formOf(c *model.Channel) *formPlan {
	if c.Discriminator == nil {
		return nil
	}
	var fp *formPlan
	only := true
	seen := map[string]bool{}
	for _, r := range c.Discriminator.Routes {
		m := r.Message
		if !isFormType(m.ContentType) {
			if m.Payload != nil {
				only = false
			}
			continue
		}
		if fp == nil {
			fp = &formPlan{Var: "form" + strings.TrimPrefix(g.channel(c).Route, "route")}
		}
		if m.Payload == nil {
			continue
		}
		for _, fl := range valueType(m.Payload).Fields {
			if seen[fl.Name] {
				continue
			}
			seen[fl.Name] = true
			v, list := model.FormField(fl.Type)
			fp.Fields = append(fp.Fields, formField{Name: fl.Name, Kind: formKinds[v], List: list})
		}
	}
	if fp == nil {
		return nil
	}
	fp.Only = only
	slices.SortFunc(fp.Fields, func(a, b formField) int { return strings.Compare(a.Name, b.Name) })
	return fp
}

// formKinds name the hookimpl.FormKind of each model.FormValue.
var formKinds = map[model.FormValue]string{
	model.FormString: "FormString", model.FormNumber: "FormNumber", model.FormBool: "FormBool", model.FormJSON: "FormJSON",
}

// hasForms reports whether a channel of the spec takes forms.
func (g *gen) hasForms() bool {
	for _, c := range g.routed() {
		if g.formOf(c) != nil {
			return true
		}
	}
	return false
}

// forms writes each form channel's hookimpl.Form, into dispatch.gen.go.
func (g *gen) forms(f *jen.File) {
	for _, c := range g.routed() {
		fp := g.formOf(c)
		if fp == nil {
			continue
		}
		var fields []jen.Code
		for _, fl := range fp.Fields {
			d := jen.Dict{jen.Id("Name"): jen.Lit(fl.Name), jen.Id("Kind"): jen.Qual(implPkg, fl.Kind)}
			if fl.List {
				d[jen.Id("List")] = jen.True()
			}
			fields = append(fields, jen.Values(d))
		}
		d := jen.Dict{jen.Id("Fields"): multiline(jen.Index().Qual(implPkg, "FormField"), fields)}
		if fp.Only {
			d[jen.Id("Only")] = jen.True()
		}
		f.Line()
		fileComment(f, fmt.Sprintf("%s describes the form-encoded (%s) deliveries on %s: the fields of its payloads.", fp.Var, formType, c.Path))
		f.Var().Id(fp.Var).Op("=").Qual(implPkg, "Form").Values(d)
	}
}

// formDecode returns the statements that begin a form channel's route:
// a form delivery becomes the JSON its payloads decode; nil for other
// channels.
func (g *gen) formDecode(c *model.Channel, ret returns) []jen.Code {
	fp := g.formOf(c)
	if fp == nil {
		return nil
	}
	return []jen.Code{
		jen.If(jen.Err().Op(":=").Id(fp.Var).Dot("Decode").Call(jen.Id("del")), jen.Err().Op("!=").Nil()).Block(ret.err(jen.Err())),
	}
}

// formEndpoint sets the content types of a form channel's endpoint.
func (g *gen) formEndpoint(c *model.Channel, d jen.Dict) {
	fp := g.formOf(c)
	if fp == nil {
		return
	}
	d[jen.Id("Form")] = jen.True()
	if fp.Only {
		d[jen.Id("FormOnly")] = jen.True()
	}
}

// formOfMessage returns the form of the first channel that carries m as
// a form, nil when none does.
func (g *gen) formOfMessage(m *model.Message) *formPlan {
	if !isFormType(m.ContentType) {
		return nil
	}
	for _, c := range g.routed() {
		if _, ok := routeValue(c.Discriminator, m); ok {
			return g.formOf(c)
		}
	}
	return nil
}

// kitForm writes, into testkit.gen.go, the function that returns the form
// a message is sent as, for the request builders and the package's tests.
func (g *gen) kitForm(f *jen.File) {
	var cases []jen.Code
	for _, m := range g.api.Messages {
		if fp := g.formOfMessage(m); fp != nil {
			cases = append(cases, jen.Case(jen.Lit(m.Key)).Block(jen.Return(jen.Op("&").Id(fp.Var))))
		}
	}
	f.Line()
	f.Comment("kitForm returns the form that message is sent as; nil for a JSON message.")
	f.Func().Id("kitForm").Params(jen.Id("message").String()).Op("*").Qual(implPkg, "Form").Block(
		jen.Switch(jen.Id("message")).Block(cases...),
		jen.Return(jen.Nil()),
	)
}

// signsRequest reports whether scheme s signs more of the request than
// its body ({url}, {method}, {path}, {query}, {form:sorted}); signsURL,
// whether it signs the URL, which needs the receiver's public URL.
func signsRequest(s *model.SecurityScheme) bool {
	if s.Signature == nil {
		return false
	}
	for _, ph := range []string{"{url}", "{method}", "{path}", "{query}", "{form:sorted}"} {
		if strings.Contains(s.Signature.Content, ph) {
			return true
		}
	}
	return false
}

func signsURL(s *model.SecurityScheme) bool {
	return s.Signature != nil && strings.Contains(s.Signature.Content, "{url}")
}

// urlSchemes are the spec's schemes that sign the request's URL.
func (g *gen) urlSchemes() []*model.SecurityScheme {
	var out []*model.SecurityScheme
	for _, sp := range g.schemes {
		if signsURL(sp.Model) {
			out = append(out, sp.Model)
		}
	}
	return out
}

// publicURL writes, into server.gen.go, the WithPublicURL option of a spec
// with a scheme that signs the request's URL.
func (g *gen) publicURLOption(f *jen.File) {
	if len(g.urlSchemes()) == 0 {
		return
	}
	f.Line()
	fileComment(f, "WithPublicURL sets the receiver's URL as the provider calls it, up to the channel paths "+
		"(https://hooks.example.com, or with the prefix a proxy strips): the signatures of the spec's schemes cover "+
		"the request's URL, its path and query after this one. It is never read from the request's Host or "+
		"X-Forwarded-* headers, which a client chooses, and NewServer fails without it when such a scheme is configured.")
	f.Func().Id("WithPublicURL").Params(jen.Id("u").String()).Id("Option").Block(jen.Return(jen.Qual(implPkg, "WithPublicURL").Call(jen.Id("u"))))
}

// publicURLCheck returns NewServer's statements that refuse to start with
// a scheme that signs the URL but no public URL.
func (g *gen) publicURLCheck() []jen.Code {
	var out []jen.Code
	for _, s := range g.urlSchemes() {
		out = append(out, jen.If(jen.Id("s").Dot("PublicURL").Op("==").Lit("").Op("&&").Id("s").Dot("Schemes").Index(jen.Lit(s.Key)).Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("%s: scheme %s signs the request's URL: configure WithPublicURL", g.cfg.Package, s.Key)))),
		))
	}
	return out
}

// kitFormBody returns newRequest's statement that encodes a form
// message's body as its form; nothing for a spec without forms.
func (g *gen) kitFormBody() jen.Code {
	if !g.hasForms() {
		return jen.Null()
	}
	return jen.Id("contentType").Op(":=").Lit(g.jsonType()).Line().If(jen.Id("form").Op(":=").Id("kitForm").Call(jen.Id("message")), jen.Id("form").Op("!=").Nil()).Block(
		jen.If(jen.List(jen.Id("body"), jen.Err()).Op("=").Id("form").Dot("Encode").Call(jen.Id("body")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Err()),
		),
		jen.Id("contentType").Op("=").Qual(implPkg, "FormType"),
	)
}

// kitContentType is the Content-Type newRequest sets.
func (g *gen) kitContentType() jen.Code {
	if !g.hasForms() {
		return jen.Lit(g.jsonType())
	}
	return jen.Id("contentType")
}

// withFormBody adds to the package's webhooktest.Target its FormBody, the
// test kit's forms, when the spec has forms.
func (g *gen) withFormBody(d jen.Dict) jen.Dict {
	if g.hasForms() {
		d[jen.Id("FormBody")] = g.testFormBody()
	}
	return d
}

// testFormBody is the FormBody of the package's webhooktest.Target.
func (g *gen) testFormBody() jen.Code {
	return jen.Func().Params(jen.Id("message").String(), jen.Id("body").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id("kitForm").Call(jen.Id("message")).Dot("Encode").Call(jen.Id("body"))),
	)
}
