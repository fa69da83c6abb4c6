package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

// The code of a scheme whose deliveries are signed with a private key
// (x-hookgen-signature): its option, the function that builds its
// verifier, and what the test kit and the generated tests sign with.

// keySignatureOption writes the option, which takes public keys as text,
// and the builder, which takes them parsed; the test kit builds the
// verifier of its private key's public half with it, to sign.
func (g *gen) keySignatureOption(f *jen.File, sp *schemePlan) {
	s, name, build := sp.Model, sp.Option, sp.Builder
	k := s.KeySignature
	doc := fmt.Sprintf("%s authenticates deliveries by their %s signature in the %s header, made with the provider's private key: "+
		"publicKeys are PEM, or the provider's hex or base64 encoding of the key (webhook.ParsePublicKey), and any of them passes, so several allow rotation.",
		name, k.Algorithm, k.Header)
	doc += fmt.Sprintf(" It configures the spec's security scheme %s (%s, x-hookgen-signature).", s.Key, s.Type)
	if s.Description != "" {
		doc += "\n\n" + s.Description
	}
	fileComment(f, doc)
	f.Func().Id(name).Params(jen.Id("publicKeys").Op("...").String()).Id("Option").Block(
		jen.List(jen.Id("keys"), jen.Err()).Op(":=").Qual(implPkg, "ParsePublicKeys").Call(jen.Id("publicKeys")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual(implPkg, "WithSchemeErr").Call(jen.Lit(s.Key), jen.Nil(), jen.Err()))),
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Id(build).Call(jen.Id("keys").Op("...")),
		jen.Return(jen.Qual(implPkg, "WithSchemeErr").Call(jen.Lit(s.Key), jen.Id("v"), jen.Err())),
	)
	f.Line()
	d := jen.Dict{jen.Id("PublicKeys"): jen.Id("publicKeys")}
	for _, kv := range k.ConfigFields() {
		if kv[1] != "" {
			d[jen.Id(kv[0])] = jen.Lit(kv[1])
		}
	}
	if k.Tolerance != "" {
		d[jen.Id("Tolerance")] = durationLit(k.Tolerance)
	}
	fileComment(f, fmt.Sprintf("%s builds the verifier of scheme %s; it also signs, for tests, with the private key of one of publicKeys.", build, s.Key))
	f.Func().Id(build).Params(jen.Id("publicKeys").Op("...").Qual("crypto", "PublicKey")).Params(jen.Op("*").Qual(webhookPkg, "Signature"), jen.Error()).Block(
		jen.Return(jen.Qual(webhookPkg, "NewSignature").Call(jen.Qual(webhookPkg, "SignatureConfig").Values(d))),
	)
}

// keySignatureKit is what the test kit's Authenticate does for the scheme
// when field, its private key, is set: sign with the current time.
func keySignatureKit(sp *schemePlan, field *jen.Statement) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Id(sp.Builder).Call(field.Clone().Dot("Public").Call()),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.If(jen.Err().Op(":=").Id("v").Dot("Sign").Call(jen.Id("r").Dot("Header"), jen.Id("body"), field.Clone(), jen.Qual("time", "Now").Call()), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	}
}

// keySignatureTestAuth returns, for testCredentials, the statements that
// generate the test's private key and another one, the option configured
// with the first's public key in PEM, and the two keys.
func keySignatureTestAuth(sp *schemePlan, n int) (gen []jen.Code, opt, good, bad jen.Code) {
	key, other := fmt.Sprintf("key%d", n), fmt.Sprintf("other%d", n)
	alg := sp.Model.KeySignature.Algorithm
	gen = []jen.Code{
		jen.Id(key).Op(":=").Qual(implPkg, "NewTestSigner").Call(jen.Lit(alg)),
		jen.Id(other).Op(":=").Qual(implPkg, "NewTestSigner").Call(jen.Lit(alg)),
	}
	opt = jen.Id(sp.Option).Call(jen.Qual(implPkg, "PublicKeyPEM").Call(jen.Id(key)))
	return gen, opt, jen.Id(key), jen.Id(other)
}
