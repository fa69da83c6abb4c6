package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// declarations writes a declaration for every named type of the API.
func (g *gen) declarations(f *jen.File) {
	for _, t := range g.api.Types {
		switch {
		case len(t.Enum) > 0:
			g.enum(f, t)
		case t.Kind == model.Object:
			g.object(f, t)
		case t.Kind == model.Union && t.Discriminator != "" && g.taggedUnion(t):
			g.tagged(f, t)
		case t.Kind == model.Union:
			g.rawUnion(f, t)
		}
	}
}

// typeDoc is the comment above a declaration: where the schema comes from,
// then its description.
func (g *gen) typeDoc(t *model.Type, what string) string {
	doc := fmt.Sprintf("%s is %s defined at %s.", g.types[t], what, t.Ref)
	if t.Description != "" {
		doc += "\n\n" + t.Description
	}
	if t.Deprecated {
		doc += "\n\nDeprecated: the spec marks this schema deprecated."
	}
	return doc
}

// goType is the Go type of values of t, before optionality is applied.
func (g *gen) goType(t *model.Type) *jen.Statement {
	if name, ok := g.types[t]; ok {
		return jen.Id(name)
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
		return jen.Index().Add(g.elemType(t.Elem))
	case model.Map:
		return jen.Map(jen.String()).Add(g.elemType(t.Elem))
	}
	return jen.Qual(jsonPkg, "RawMessage")
}

// elemType is the type of array items and map values: a pointer when null
// is allowed, so that null survives a round trip.
func (g *gen) elemType(t *model.Type) *jen.Statement {
	if t.Nullable && !nilable(t) {
		return jen.Op("*").Add(g.goType(t))
	}
	return g.goType(t)
}

// nilable reports whether the Go type already has nil to mean "absent".
func nilable(t *model.Type) bool {
	return t.Kind == model.Array || t.Kind == model.Map || (t.Kind == model.Any && !t.Named)
}

// fieldShape says how a field is declared.
type fieldShape int

const (
	byValue  fieldShape = iota // required: the value itself
	pointer                    // optional, or required but nullable: nil when absent or null
	nullable                   // optional and nullable: webhook.Nullable keeps absent, null and value apart
	plain                      // slices, maps and raw JSON: nil already means absent
)

func (g *gen) shape(owner *model.Type, f *model.Field) fieldShape {
	switch {
	case nilable(f.Type):
		return plain
	case !f.Required && f.Type.Nullable:
		return nullable
	case !f.Required || f.Type.Nullable:
		return pointer
	case f.Type.Kind == model.Object && f.Type.Named && embeds(f.Type, owner, map[*model.Type]bool{}):
		return pointer // a struct cannot contain itself by value
	}
	return byValue
}

// embeds reports whether t contains target by value, through required
// struct fields.
func embeds(t, target *model.Type, seen map[*model.Type]bool) bool {
	if t == target {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	for _, f := range t.Fields {
		if f.Required && !f.Type.Nullable && f.Type.Kind == model.Object && embeds(f.Type, target, seen) {
			return true
		}
	}
	return false
}

func (g *gen) fieldType(owner *model.Type, f *model.Field) *jen.Statement {
	base := g.goType(f.Type)
	switch g.shape(owner, f) {
	case pointer:
		return jen.Op("*").Add(base)
	case nullable:
		return jen.Qual(webhookPkg, "Nullable").Types(base)
	}
	return base
}

func (g *gen) object(f *jen.File, t *model.Type) {
	name := g.types[t]
	fileComment(f, g.typeDoc(t, "an object"))
	var fields []jen.Code
	for i, fl := range t.Fields {
		var doc []string
		if fl.Description != "" {
			doc = append(doc, fl.Description)
		}
		if fl.HasConst {
			doc = append(doc, fmt.Sprintf("The spec fixes its value to %s.", g.fieldConsts[fl]))
		}
		if fl.Deprecated {
			doc = append(doc, "Deprecated: the spec marks this property deprecated.")
		}
		code := jen.Id(g.fields[fl]).Add(g.fieldType(t, fl)).Tag(map[string]string{"json": tag(fl, g.shape(t, fl))})
		if len(doc) > 0 {
			if i > 0 {
				fields = append(fields, jen.Line())
			}
			fields = append(fields, comment(strings.Join(doc, "\n\n"))...)
		}
		fields = append(fields, code)
	}
	if hasExtras(t) {
		if len(fields) > 0 {
			fields = append(fields, jen.Line())
		}
		fields = append(fields, comment(g.extras[t]+" holds the properties the schema does not name, "+
			"which its additionalProperties allows; MarshalJSON and UnmarshalJSON keep them.")...)
		fields = append(fields, jen.Id(g.extras[t]).Map(jen.String()).Add(g.elemType(t.Elem)).Tag(map[string]string{"json": "-"}))
	}
	f.Type().Id(name).Struct(fields...)
	f.Line()
	if hasExtras(t) {
		// encoding/json knows nothing of the extra properties: the
		// generated codec, which keeps them, serves it too.
		fileComment(f, "UnmarshalJSON decodes data with the generated decoder, keeping the properties "+
			"the schema does not name in "+g.extras[t]+". Like encoding/json, and unlike "+
			"Unmarshal, it lets required properties be absent.")
		f.Func().Params(jen.Id("x").Op("*").Id(name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
			decodeWith("BeginLenient", "data", jen.Id("x"))...,
		)
		f.Line()
		fileComment(f, "MarshalJSON encodes x as Marshal does: the properties, then "+g.extras[t]+".")
		f.Func().Params(jen.Id("x").Id(name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
			jen.Return(jen.Id("Marshal").Call(jen.Op("&").Id("x"))),
		)
		f.Line()
	}
	g.getters(f, t)
	g.fieldConstBlock(f, t)
}

// hasExtras reports whether t is an object that keeps the keys beyond its
// properties: its schema types additionalProperties.
func hasExtras(t *model.Type) bool { return t.Kind == model.Object && t.Elem != nil }

func tag(f *model.Field, s fieldShape) string {
	if f.Required && s != plain {
		return f.Name
	}
	if f.Required && s == plain {
		return f.Name // an empty list is still sent when the spec requires it
	}
	return f.Name + ",omitzero"
}

// getters writes a nil-safe getter per field, so that callers can chain
// event.GetDriver().GetName() without checking each level.
func (g *gen) getters(f *jen.File, t *model.Type) {
	recv := jen.Id("x").Op("*").Id(g.types[t])
	for _, fl := range t.Fields {
		name := "Get" + g.fields[fl]
		field := jen.Id("x").Dot(g.fields[fl])
		base := g.goType(fl.Type)
		struc := fl.Type.Kind == model.Object && fl.Type.Named
		var ret *jen.Statement
		var body []jen.Code
		switch shape := g.shape(t, fl); {
		case shape == pointer && struc:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or nil when it is absent.", name, fl.Name))
			ret = jen.Op("*").Add(base)
			body = []jen.Code{jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Return(jen.Nil())), jen.Return(field)}
		case shape == pointer:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or the zero value when it is absent.", name, fl.Name))
			ret = base
			body = []jen.Code{
				jen.If(jen.Id("x").Op("==").Nil().Op("||").Add(field.Clone()).Op("==").Nil()).Block(
					jen.Var().Id("zero").Add(base.Clone()),
					jen.Return(jen.Id("zero")),
				),
				jen.Return(jen.Op("*").Add(field.Clone())),
			}
		case shape == byValue && struc:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or nil when x is nil.", name, fl.Name))
			ret = jen.Op("*").Add(base)
			body = []jen.Code{jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Return(jen.Nil())), jen.Return(jen.Op("&").Add(field))}
		default:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or the zero value when x is nil.", name, fl.Name))
			ret = g.fieldType(t, fl)
			body = []jen.Code{
				jen.If(jen.Id("x").Op("==").Nil()).Block(
					jen.Var().Id("zero").Add(g.fieldType(t, fl)),
					jen.Return(jen.Id("zero")),
				),
				jen.Return(field),
			}
		}
		f.Func().Params(recv.Clone()).Id(name).Params().Add(ret).Block(body...)
		f.Line()
	}
}

// fieldConstBlock declares the values that const properties must have.
func (g *gen) fieldConstBlock(f *jen.File, t *model.Type) {
	var defs []jen.Code
	for _, fl := range t.Fields {
		if fl.HasConst {
			defs = append(defs, jen.Id(g.fieldConsts[fl]).Op("=").Lit(constValue(fl.Const)))
		}
	}
	if len(defs) == 0 {
		return
	}
	f.Commentf("The values the spec fixes for properties of %s.", g.types[t])
	f.Const().Defs(defs...)
}

// constValue turns a JSON value into a Go literal value.
func constValue(v any) any {
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return int(f) // jennifer spells int as an untyped literal
	}
	return v
}

func (g *gen) enum(f *jen.File, t *model.Type) {
	name := g.types[t]
	fileComment(f, g.typeDoc(t, "an enumeration"))
	f.Comment("")
	f.Comment("A value the spec does not list still decodes and is kept: providers add")
	f.Comment("values without notice. Known tells the two apart.")
	base := jen.String()
	if t.Kind == model.Integer {
		base = g.goType(&model.Type{Kind: model.Integer, Format: t.Format})
	}
	f.Type().Id(name).Add(base)
	f.Line()
	var defs, names []jen.Code
	for i, v := range t.Enum {
		c := g.enumConsts[t][i]
		defs = append(defs, jen.Id(c).Id(name).Op("=").Lit(constValue(v)))
		names = append(names, jen.Id(c))
	}
	f.Commentf("The values of %s that the spec lists.", name)
	f.Const().Defs(defs...)
	f.Line()
	fileComment(f, fmt.Sprintf("Known reports whether v is one of the values of %s that the spec lists.", name))
	f.Func().Params(jen.Id("v").Id(name)).Id("Known").Params().Bool().Block(
		jen.Switch(jen.Id("v")).Block(jen.Case(names...).Block(jen.Return(jen.True()))),
		jen.Return(jen.False()),
	)
}

// taggedUnion reports whether every variant is an object that a
// discriminator value selects, so that a real sum type can be generated.
func (g *gen) taggedUnion(t *model.Type) bool {
	for _, v := range t.Variants {
		if v.Type.Kind != model.Object || !v.Type.Named || len(v.Tags) == 0 {
			return false
		}
	}
	return true
}

// variantNames names the fields or methods of a union after its variants.
func (g *gen) variantNames(t *model.Type) []string {
	s := scope{"Raw": true}
	var out []string
	for _, v := range t.Variants {
		n, ok := g.types[v.Type]
		if !ok {
			n = exported(strings.TrimPrefix(fmt.Sprintf("%#v", g.goType(v.Type)), "json."))
			n = strings.NewReplacer("[]", "List", "map[string]", "Map", "*", "", ".", "").Replace(n)
			n = ident(n, "Value")
		}
		out = append(out, s.unique(n))
	}
	return out
}

// tagged writes a sum type: one pointer per variant, set by the value of
// the discriminator property. A value no mapping names is kept raw.
func (g *gen) tagged(f *jen.File, t *model.Type) {
	name := g.types[t]
	names := g.variantNames(t)
	kind := "exactly one"
	if !t.Exclusive {
		kind = "one"
	}
	fileComment(f, g.typeDoc(t, fmt.Sprintf("%s of %d object types", kind, len(t.Variants))))
	f.Comment("")
	f.Commentf("The %s property tells which; exactly one field is set after decoding.", t.Discriminator)
	f.Comment("A value of it that the spec does not map leaves all of them nil and the")
	f.Comment("JSON in Raw.")
	var fields []jen.Code
	for i, v := range t.Variants {
		fields = append(fields, jen.Commentf("%s is set when %s is %s.", names[i], t.Discriminator, quoteAll(v.Tags)))
		fields = append(fields, jen.Id(names[i]).Op("*").Id(g.types[v.Type]))
	}
	fields = append(fields, jen.Commentf("Raw holds the JSON of a variant the spec does not name."))
	fields = append(fields, jen.Id("Raw").Qual(jsonPkg, "RawMessage"))
	f.Type().Id(name).Struct(fields...)
	f.Line()

	cases := g.variantCases(t, names, func(field *jen.Statement) jen.Code {
		return jen.Qual(jsonPkg, "Unmarshal").Call(jen.Id("data"), field)
	})
	cases = append(cases, jen.Default().Block(
		jen.Id("u").Dot("Raw").Op("=").Append(jen.Qual(jsonPkg, "RawMessage").Values(), jen.Id("data").Op("...")),
		jen.Return(jen.Nil()),
	))
	f.Commentf("UnmarshalJSON decodes the variant that the %s property names.", t.Discriminator)
	f.Func().Params(jen.Id("u").Op("*").Id(name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Op("*").Id("u").Op("=").Id(name).Values(),
		jen.Var().Id("probe").Struct(jen.Id("Tag").String().Tag(map[string]string{"json": t.Discriminator})),
		jen.If(jen.Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(jen.Id("data"), jen.Op("&").Id("probe")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(name+": %w"), jen.Err())),
		),
		jen.Switch(jen.Id("probe").Dot("Tag")).Block(cases...),
	)
	f.Line()
	var mcases []jen.Code
	for i := range t.Variants {
		mcases = append(mcases, jen.Case(jen.Id("u").Dot(names[i]).Op("!=").Nil()).Block(
			jen.Return(jen.Qual(jsonPkg, "Marshal").Call(jen.Id("u").Dot(names[i]))),
		))
	}
	mcases = append(mcases, jen.Case(jen.Id("u").Dot("Raw").Op("!=").Nil()).Block(jen.Return(jen.Id("u").Dot("Raw"), jen.Nil())))
	f.Comment("MarshalJSON encodes the variant that is set, or null.")
	f.Func().Params(jen.Id("u").Id(name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Switch().Block(mcases...),
		jen.Return(jen.Index().Byte().Call(jen.Lit("null")), jen.Nil()),
	)
}

// variantCases are the switch cases of a tagged union's decoder: each
// variant's discriminator values allocate its field and decode into it.
func (g *gen) variantCases(t *model.Type, names []string, decode func(field *jen.Statement) jen.Code) []jen.Code {
	cases := make([]jen.Code, 0, len(t.Variants))
	for i, v := range t.Variants {
		var tags []jen.Code
		for _, tg := range v.Tags {
			tags = append(tags, jen.Lit(tg))
		}
		field := jen.Id("u").Dot(names[i])
		cases = append(cases, jen.Case(tags...).Block(
			field.Clone().Op("=").New(jen.Id(g.types[v.Type])),
			jen.Return(decode(field.Clone())),
		))
	}
	return cases
}

func quoteAll(tags []string) string {
	q := make([]string, len(tags))
	for i, t := range tags {
		q[i] = fmt.Sprintf("%q", t)
	}
	return strings.Join(q, " or ")
}

// rawUnion writes a union that JSON alone cannot resolve as the raw JSON
// with one typed accessor per variant. Nothing is decoded until asked, so
// nothing is silently decoded as the wrong variant.
func (g *gen) rawUnion(f *jen.File, t *model.Type) {
	name := g.types[t]
	names := g.variantNames(t)
	kind := "any of"
	if t.Exclusive {
		kind = "one of"
	}
	fileComment(f, g.typeDoc(t, fmt.Sprintf("a value that is %s %d schemas", kind, len(t.Variants))))
	f.Comment("")
	f.Comment("JSON alone does not say which, so it keeps the raw JSON; the As methods")
	f.Comment("decode it as one of them.")
	f.Type().Id(name).Struct(jen.Id("raw").Qual(jsonPkg, "RawMessage"))
	f.Line()
	for i, v := range t.Variants {
		m := "As" + names[i]
		typ := g.goType(v.Type)
		f.Commentf("%s decodes the value as %s.", m, fmt.Sprintf("%#v", typ))
		f.Func().Params(jen.Id("u").Id(name)).Id(m).Params().Params(typ.Clone(), jen.Error()).Block(
			jen.Var().Id("v").Add(typ.Clone()),
			jen.Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(jen.Id("u").Dot("raw"), jen.Op("&").Id("v")),
			jen.Return(jen.Id("v"), jen.Err()),
		)
		f.Line()
		set := "Set" + names[i]
		f.Commentf("%s replaces the value with v.", set)
		f.Func().Params(jen.Id("u").Op("*").Id(name)).Id(set).Params(jen.Id("v").Add(typ.Clone())).Error().Block(
			jen.List(jen.Id("raw"), jen.Err()).Op(":=").Qual(jsonPkg, "Marshal").Call(jen.Id("v")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Id("u").Dot("raw").Op("=").Id("raw"),
			jen.Return(jen.Nil()),
		)
		f.Line()
	}
	f.Comment("Raw returns the value's JSON.")
	f.Func().Params(jen.Id("u").Id(name)).Id("Raw").Params().Qual(jsonPkg, "RawMessage").Block(jen.Return(jen.Id("u").Dot("raw")))
	f.Line()
	f.Comment("MarshalJSON returns the JSON as it came, or null for a zero value.")
	f.Func().Params(jen.Id("u").Id(name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.If(jen.Id("u").Dot("raw").Op("==").Nil()).Block(jen.Return(jen.Index().Byte().Call(jen.Lit("null")), jen.Nil())),
		jen.Return(jen.Id("u").Dot("raw"), jen.Nil()),
	)
	f.Line()
	f.Comment("UnmarshalJSON keeps a copy of the JSON.")
	f.Func().Params(jen.Id("u").Op("*").Id(name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Id("u").Dot("raw").Op("=").Append(jen.Qual(jsonPkg, "RawMessage").Values(), jen.Id("data").Op("...")),
		jen.Return(jen.Nil()),
	)
}
