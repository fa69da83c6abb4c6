package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// The code of an Amazon SNS scheme (x-hookgen-signature format aws-sns):
// each message carries its signature and the URL of its signing
// certificate, which the verifier fetches from the scheme's certificate
// hosts. The option takes the topics accepted, a second option where
// certificates come from; the test kit signs with a webhook.SNSSigner.

// snsOption writes the scheme's two options and its builder.
func (g *gen) snsOption(f *jen.File, sp *schemePlan) {
	s, name, build, certs := sp.Model, sp.Option, sp.Builder, sp.CertOption
	k := s.KeySignature
	hosts := "sns.*.amazonaws.com or sns.*.amazonaws.com.cn"
	if len(k.CertHosts) > 0 {
		hosts = strings.Join(k.CertHosts, ", ")
	}
	doc := fmt.Sprintf("%s authenticates Amazon SNS messages by the signature in their body, verified with the certificate each message names (SigningCertURL), "+
		"fetched over HTTPS only from %s (%s changes where) and cached.", name, hosts, certs)
	if k.Tolerance != "" {
		doc += fmt.Sprintf(" A message whose Timestamp is more than %s from now is refused.", k.Tolerance)
	}
	doc += fmt.Sprintf(" topicARNs are the TopicArn values accepted, and NewServer fails without one: AWS signs every account's messages with the same certificates, "+
		"so a signature alone would let any AWS account's topic post here. It configures the spec's security scheme %s (%s, x-hookgen-signature format aws-sns).", s.Key, s.Type)
	if s.Description != "" {
		doc += "\n\n" + s.Description
	}
	fileComment(f, doc)
	f.Func().Id(name).Params(jen.Id("topicARNs").Op("...").String()).Id("Option").Block(
		jen.Id("topics").Op(":=").Qual("slices", "Clone").Call(jen.Id("topicARNs")),
		jen.Return(jen.Qual(implPkg, "WithCertScheme").Call(jen.Lit(s.Key),
			jen.Func().Params(jen.Id("c").Qual(implPkg, "CertConfig")).Params(jen.Op("*").Qual(webhookPkg, "Signature"), jen.Error()).Block(
				jen.Return(jen.Id(build).Call(jen.Id("c").Dot("Client"), jen.Id("c").Dot("Hosts"), jen.Id("topics").Op("..."))),
			))),
	)
	f.Line()
	fileComment(f, fmt.Sprintf("%s sets where scheme %s fetches signing certificates and GETs the SubscribeURL that confirms a subscription: "+
		"over HTTPS, never following a redirect, from hosts (host[:port] patterns, a \"*\" label matching any one label) instead of %s, with client (nil: a client with a 10 s timeout). "+
		"For tests (webhooktest.SNS) and for endpoints that reach AWS through a proxy.", certs, s.Key, hosts))
	f.Func().Id(certs).Params(jen.Id("client").Op("*").Qual("net/http", "Client"), jen.Id("hosts").Op("...").String()).Id("Option").Block(
		jen.Return(jen.Qual(implPkg, "WithCertificates").Call(jen.Lit(s.Key), jen.Id("client"), jen.Id("hosts"))),
	)
	f.Line()
	d := jen.Dict{
		jen.Id("Format"):     jen.Lit("aws-sns"),
		jen.Id("CertHosts"):  jen.Id("hosts"),
		jen.Id("Topics"):     jen.Id("topicARNs"),
		jen.Id("HTTPClient"): jen.Id("client"),
	}
	if k.Tolerance != "" {
		d[jen.Id("Tolerance")] = durationLit(k.Tolerance)
	}
	body := []jen.Code{
		jen.If(jen.Len(jen.Id("topicARNs")).Op("==").Lit(0)).Block(
			jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit(name+" needs the topic ARNs to accept: AWS signs every account's messages alike"))),
		),
		jen.If(jen.Qual("slices", "Contains").Call(jen.Id("topicARNs"), jen.Lit(""))).Block(
			jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit(name+": an empty topic ARN"))),
		),
	}
	if len(k.CertHosts) > 0 {
		var lits []jen.Code
		for _, h := range k.CertHosts {
			lits = append(lits, jen.Lit(h))
		}
		body = append(body, jen.If(jen.Len(jen.Id("hosts")).Op("==").Lit(0)).Block(
			jen.Id("hosts").Op("=").Index().String().Values(lits...),
		))
	}
	body = append(body, jen.Return(jen.Qual(webhookPkg, "NewSignature").Call(jen.Qual(webhookPkg, "SignatureConfig").Values(d))))
	fileComment(f, fmt.Sprintf("%s builds the verifier of scheme %s, which also confirms subscriptions; hosts empty are the spec's.", build, s.Key))
	f.Func().Id(build).Params(jen.Id("client").Op("*").Qual("net/http", "Client"), jen.Id("hosts").Index().String(), jen.Id("topicARNs").Op("...").String()).
		Params(jen.Op("*").Qual(webhookPkg, "Signature"), jen.Error()).Block(body...)
}

// snsKit is what the test kit's Authenticate does for the scheme when
// field, its signer, is set: sign the message in the body, which it
// replaces.
func snsKit(field *jen.Statement) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id("signed"), jen.Err()).Op(":=").Add(field.Clone()).Dot("Sign").Call(jen.Id("body"), jen.Qual("time", "Now").Call()),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Id("body").Op("=").Id("signed"),
		jen.List(jen.Id("r").Dot("Body"), jen.Id("r").Dot("ContentLength")).Op("=").List(
			jen.Qual("io", "NopCloser").Call(jen.Qual("bytes", "NewReader").Call(jen.Id("body"))), jen.Int64().Call(jen.Len(jen.Id("body")))),
		jen.Id("r").Dot("GetBody").Op("=").Func().Params().Params(jen.Qual("io", "ReadCloser"), jen.Error()).Block(
			jen.Return(jen.Qual("io", "NopCloser").Call(jen.Qual("bytes", "NewReader").Call(jen.Id("signed"))), jen.Nil()),
		),
	}
}

// snsTestAuth returns, for testCredentials, the statement that gets the
// test's stand-in for SNS's hosts, the options that accept its topic and
// certificate, and its signer and another key's.
func snsTestAuth(sp *schemePlan, n int) (gen []jen.Code, opts []jen.Code, good, bad jen.Code) {
	host := jen.Id(fmt.Sprintf("sns%d", n))
	gen = []jen.Code{host.Clone().Op(":=").Qual(webhooktestPkg, "SNS").Call()}
	opts = []jen.Code{
		jen.Id(sp.Option).Call(host.Clone().Dot("Topic")),
		jen.Id(sp.CertOption).Call(host.Clone().Dot("Client"), host.Clone().Dot("Host")),
	}
	return gen, opts, host.Clone().Dot("Signer"), host.Clone().Dot("Other")
}

// jsonType is the Content-Type the test kit sends JSON with: text/plain
// for a spec whose scheme posts JSON so (Amazon SNS).
func (g *gen) jsonType() string {
	if g.plainJSON {
		return "text/plain; charset=UTF-8"
	}
	return "application/json"
}
