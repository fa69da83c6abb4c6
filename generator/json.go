package generator

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// The generated JSON codec (json.gen.go): a decoder and an encoder per
// named type, on runtime/jsonx's in-memory reader, without reflection. They
// reproduce what encoding/json does with the same types, so the types keep
// their plain encoding/json behaviour (no MarshalJSON/UnmarshalJSON is added
// to them) and the generated tests can hold the two against each other.

const (
	jsonxPkg = "github.com/hookgen/hookgen/runtime/jsonx"
)

// codec writes json.gen.go.
func (g *gen) codec(f *jen.File) {
	f.ImportName(jsonxPkg, "jsonx")
	fileComment(f, "JSONValue is implemented by the pointer of every type of this package that "+
		"has a generated JSON decoder and encoder: the payloads, their parts and the headers. "+
		"The dispatcher decodes deliveries with them; Unmarshal and Marshal make them available "+
		"to tests and tools.")
	f.Type().Id("JSONValue").Interface(
		jen.Id("decodeJSON").Params(jen.Id("d").Op("*").Qual(jsonxPkg, "Decoder")).Error(),
		jen.Id("encodeJSON").Params(jen.Id("e").Op("*").Qual(jsonxPkg, "Encoder")),
	)
	f.Line()
	fileComment(f, "Unmarshal decodes the JSON data into v, a non-nil pointer, in one pass and "+
		"without reflection. Its result is what json.Unmarshal gives (null, unknown properties, "+
		"case-insensitive names, unknown enum values, numbers and times are treated alike), "+
		"except that a required property that is absent is an error. Errors are "+
		"*jsonx.Error, naming the JSON path of the bad value.")
	f.Func().Id("Unmarshal").Params(jen.Id("data").Index().Byte(), jen.Id("v").Id("JSONValue")).Error().Block(
		decodeWith("Begin", "data", jen.Id("v"))...,
	)
	f.Line()
	if g.decodesDeliveries() {
		fileComment(f, "decodeDelivery decodes a delivery's body into v as Unmarshal does, except "+
			"that strings share the body's memory instead of copying it: the body is read for this "+
			"delivery alone, nothing changes it, and it lives as long as the event does.")
		f.Func().Id("decodeDelivery").Params(jen.Id("body").Index().Byte(), jen.Id("v").Id("JSONValue")).Error().Block(
			decodeWith("BeginShared", "body", jen.Id("v"))...,
		)
		f.Line()
	}
	fileComment(f, "Marshal encodes v without reflection, byte for byte as json.Marshal(v) does.")
	f.Func().Id("Marshal").Params(jen.Id("v").Id("JSONValue")).Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Var().Id("e").Qual(jsonxPkg, "Encoder"),
		jen.Id("v").Dot("encodeJSON").Call(jen.Op("&").Id("e")),
		jen.Return(jen.Id("e").Dot("Result").Call()),
	)
	for _, m := range g.api.Messages {
		if p := m.Payload; p != nil && !g.declared(p) {
			f.Line()
			g.payloadDecoder(f, m)
		}
	}
	for _, t := range g.api.Types {
		switch {
		case len(t.Enum) > 0:
			g.enumCodec(f, t)
		case t.Kind == model.Object:
			g.objectDecoder(f, t)
			g.objectEncoder(f, t)
		case g.typeOf[t].Tagged:
			g.taggedCodec(f, t)
		case t.Kind == model.Union:
			g.rawUnionCodec(f, t)
		}
	}
}

// decodeWith is the body of a function that decodes data into v on a
// decoder from the jsonx function begin (Begin, BeginShared, BeginLenient).
// A document that is null is an error (d.NotNull): no event is null; a
// lenient decoder takes it as encoding/json does.
func decodeWith(begin, data string, v *jen.Statement) []jen.Code {
	code := []jen.Code{jen.Id("d").Op(":=").Qual(jsonxPkg, begin).Call(jen.Id(data))}
	if begin != "BeginLenient" {
		code = append(code, notNullDocument())
	}
	return append(code, jen.Return(jen.Qual(jsonxPkg, "Finish").Call(jen.Id("d"), v.Dot("decodeJSON").Call(jen.Id("d")))))
}

func notNullDocument() jen.Code {
	return jen.If(jen.Err().Op(":=").Id("d").Dot("NotNull").Call(), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Qual(jsonxPkg, "Finish").Call(jen.Id("d"), jen.Err())),
	)
}

// payloadDecoder writes decodeXPayload(data, *V) for a payload of an
// unnamed type (a list, a map, a string...).
func (g *gen) payloadDecoder(f *jen.File, m *model.Message) {
	p := m.Payload
	body := []jen.Code{jen.Id("d").Op(":=").Qual(jsonxPkg, "Begin").Call(jen.Id("data")), notNullDocument()}
	inner := g.decodeValue(p, ptrPlace(jen.Id("v")), func(err jen.Code) jen.Code { return err }, 0)
	body = append(body,
		jen.Return(jen.Qual(jsonxPkg, "Finish").Call(jen.Id("d"), jen.Func().Params().Error().Block(append(inner, jen.Return(jen.Nil()))...).Call())),
	)
	fileComment(f, fmt.Sprintf("%s decodes the payload of %s into v, as Unmarshal does for named types.", g.message(m).PayloadDecoder, m.Key))
	f.Func().Id(g.message(m).PayloadDecoder).Params(jen.Id("data").Index().Byte(), jen.Id("v").Op("*").Add(g.goType(p))).Error().Block(body...)
}

// place is where a decoded value goes, or where an encoded one comes
// from: an addressable value and a pointer to it.
type place struct {
	val, ptr *jen.Statement
	viaPtr   bool // ptr is a plain expression: call methods on it
}

func valPlace(v *jen.Statement) place {
	return place{val: v, ptr: jen.Op("&").Add(v.Clone())}
}

func ptrPlace(p *jen.Statement) place {
	return place{val: jen.Op("*").Add(p.Clone()), ptr: p, viaPtr: true}
}

func (p place) v() *jen.Statement { return p.val.Clone() }

// index is the element key of the list or map at p: (*v)[key] through a
// pointer, since *v[key] would index the pointer.
func (p place) index(key jen.Code) *jen.Statement {
	if p.viaPtr {
		return jen.Parens(p.v()).Index(key)
	}
	return p.v().Index(key)
}
func (p place) p() *jen.Statement { return p.ptr.Clone() }

// method calls a method with a pointer receiver on the place.
func (p place) method(name string) *jen.Statement {
	if p.viaPtr {
		return p.ptr.Clone().Dot(name)
	}
	return p.val.Clone().Dot(name)
}

// wrapFn turns an error from inside a value into the error the enclosing
// function returns, adding path segments.
type wrapFn func(err jen.Code) jen.Code

func check(call jen.Code, wrap wrapFn) jen.Code {
	return jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return(wrap(jen.Err())))
}

func jsonxCall(name string, args ...jen.Code) *jen.Statement {
	return jen.Qual(jsonxPkg, name).Call(args...)
}

// decodeValue decodes the next value into p with encoding/json's rules for
// a value that is not a pointer.
func (g *gen) decodeValue(t *model.Type, p place, wrap wrapFn, depth int) []jen.Code {
	t = valueType(t)
	d := jen.Id("d")
	if g.declared(t) {
		return []jen.Code{check(p.method("decodeJSON").Call(d), wrap)}
	}
	switch t.Kind {
	case model.Bool:
		return []jen.Code{check(jsonxCall("ReadBool", d, p.p()), wrap)}
	case model.Integer:
		if strings.HasPrefix(t.Format, "uint") {
			return []jen.Code{check(jsonxCall("ReadUint", d, p.p()), wrap)}
		}
		return []jen.Code{check(jsonxCall("ReadInt", d, p.p()), wrap)}
	case model.Number:
		return []jen.Code{check(jsonxCall("ReadFloat", d, p.p()), wrap)}
	case model.String:
		if t.Format == "date-time" {
			return []jen.Code{check(jsonxCall("ReadTime", d, p.p()), wrap)}
		}
		return []jen.Code{check(jsonxCall("ReadStr", d, p.p()), wrap)}
	case model.Array:
		return g.decodeArray(t, p, wrap, depth)
	case model.Map:
		return g.decodeMap(t, p, wrap, depth)
	}
	if len(t.Kinds) > 0 {
		return []jen.Code{check(jsonxCall("RawOf", d, p.p(), jsonKinds(t.Kinds)), wrap)}
	}
	return []jen.Code{check(jsonxCall("Raw", d, p.p()), wrap)}
}

// reader is the function Opt reads a value of the scalar or declared type
// t with: a jsonx reader, or the type's own decoder.
func (g *gen) reader(t *model.Type) jen.Code {
	t = valueType(t)
	if g.declared(t) {
		return jen.Parens(jen.Op("*").Id(g.typeName(t))).Dot("decodeJSON")
	}
	switch {
	case t.Kind == model.Bool:
		return jen.Qual(jsonxPkg, "ReadBool")
	case t.Kind == model.Integer && strings.HasPrefix(t.Format, "uint"):
		return jen.Qual(jsonxPkg, "ReadUint")
	case t.Kind == model.Integer:
		return jen.Qual(jsonxPkg, "ReadInt")
	case t.Kind == model.Number:
		return jen.Qual(jsonxPkg, "ReadFloat")
	case t.Kind == model.String && t.Format == "date-time":
		return jen.Qual(jsonxPkg, "ReadTime")
	}
	return jen.Qual(jsonxPkg, "ReadStr")
}

// nullableReader names the jsonx function that decodes a nullable value
// of t in one call, when reader has a reader for t: one line a field keeps
// an object of many nullable properties readable.
func (g *gen) nullableReader(t *model.Type) (string, bool) {
	if g.declared(t) {
		return "NullableValue", true
	}
	switch v := valueType(t); v.Kind {
	case model.Bool, model.Integer, model.Number:
		return "Nullable", true
	case model.String:
		return "Nullable", len(v.Enum) == 0
	}
	return "", false
}

// jsonKinds is the jsonx.Kinds of the JSON types a type list allows, and
// null: a required property that is null is refused before (d.NotNull),
// and an optional one may be null as encoding/json allows.
func jsonKinds(kinds []model.Kind) jen.Code {
	names := map[model.Kind]string{
		model.Bool: "KindBool", model.Integer: "KindInteger", model.Number: "KindNumber", model.String: "KindString",
		model.Array: "KindArray", model.Object: "KindObject", model.Map: "KindObject",
	}
	expr := jen.Qual(jsonxPkg, "KindNull")
	for _, k := range kinds {
		if n, ok := names[k]; ok {
			expr = expr.Op("|").Qual(jsonxPkg, n)
		}
	}
	return expr
}

// decodeElem decodes an array item or map value, which is a pointer when
// the schema allows null.
func (g *gen) decodeElem(t *model.Type, target *jen.Statement, wrap wrapFn, depth int) []jen.Code {
	if admitsNull(t) && !nilable(t) {
		return g.decodePointer(t, target, jen.New(g.goType(t)), wrap, depth)
	}
	return g.decodeValue(t, valPlace(target), wrap, depth)
}

// decodePointer decodes into the pointer ptr: null sets it nil, a value is
// decoded into what it points to, allocated with alloc when nil.
func (g *gen) decodePointer(t *model.Type, ptr *jen.Statement, alloc jen.Code, wrap wrapFn, depth int) []jen.Code {
	inner := []jen.Code{jen.If(ptr.Clone().Op("==").Nil()).Block(ptr.Clone().Op("=").Add(alloc))}
	inner = append(inner, g.decodeValue(t, ptrPlace(ptr), wrap, depth)...)
	return []jen.Code{
		jen.If(jen.Id("d").Dot("IsNull").Call()).Block(
			check(jen.Id("d").Dot("Null").Call(), wrap),
			ptr.Clone().Op("=").Nil(),
		).Else().Block(inner...),
	}
}

func (g *gen) decodeArray(t *model.Type, p place, wrap wrapFn, depth int) []jen.Code {
	s, i, it := fmt.Sprintf("s%d", depth), fmt.Sprintf("i%d", depth), fmt.Sprintf("it%d", depth)
	elemWrap := func(err jen.Code) jen.Code { return wrap(jsonxCall("Index", err, jen.Id(i))) }
	loop := []jen.Code{jen.Id(s).Op("=").Qual(jsonxPkg, "Grow").Call(jen.Id(s), jen.Id(i))}
	loop = append(loop, g.decodeElem(t.Elem, jen.Id(s).Index(jen.Id(i)), elemWrap, depth+1)...)
	loop = append(loop, jen.Id(i).Op("++"))
	return []jen.Code{
		jen.If(jen.List(jen.Id("ok"), jen.Err()).Op(":=").Add(jsonxCall("Array", jen.Id("d"))), jen.Err().Op("!=").Nil()).Block(
			jen.Return(wrap(jen.Err())),
		).Else().If(jen.Op("!").Id("ok")).Block(
			p.v().Op("=").Nil(),
		).Else().Block(
			jen.List(jen.Id(s), jen.Id(i)).Op(":=").List(p.v(), jen.Lit(0)),
			jen.List(jen.Id(it), jen.Err()).Op(":=").Id("d").Dot("ArrIter").Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(wrap(jen.Err()))),
			jen.For(jen.Id(it).Dot("Next").Call()).Block(loop...),
			check(jen.Id(it).Dot("Err").Call(), wrap),
			p.v().Op("=").Qual(jsonxPkg, "Trim").Call(jen.Id(s), jen.Id(i)),
		),
	}
}

func (g *gen) decodeMap(t *model.Type, p place, wrap wrapFn, depth int) []jen.Code {
	k, v, it := fmt.Sprintf("k%d", depth), fmt.Sprintf("v%d", depth), fmt.Sprintf("it%d", depth)
	elemWrap := func(err jen.Code) jen.Code { return wrap(jsonxCall("Field", err, jen.Id(k))) }
	loop := []jen.Code{
		jen.Id(k).Op(":=").Qual(jsonxPkg, "Key").Call(jen.Id(it).Dot("Key").Call()),
		jen.Var().Id(v).Add(g.elemType(t.Elem)),
	}
	loop = append(loop, g.decodeElem(t.Elem, jen.Id(v), elemWrap, depth+1)...)
	loop = append(loop, p.index(jen.Id(k)).Op("=").Id(v))
	return []jen.Code{
		jen.If(jen.List(jen.Id("ok"), jen.Err()).Op(":=").Add(jsonxCall("Object", jen.Id("d"))), jen.Err().Op("!=").Nil()).Block(
			jen.Return(wrap(jen.Err())),
		).Else().If(jen.Op("!").Id("ok")).Block(
			p.v().Op("=").Nil(),
		).Else().Block(
			jen.If(p.v().Op("==").Nil()).Block(p.v().Op("=").Make(g.goType(t))),
			jen.List(jen.Id(it), jen.Err()).Op(":=").Id("d").Dot("ObjIter").Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(wrap(jen.Err()))),
			jen.For(jen.Id(it).Dot("Next").Call()).Block(loop...),
			check(jen.Id(it).Dot("Err").Call(), wrap),
		),
	}
}

// validTagName is encoding/json's isValidTag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// foldName is jsonx.Fold: how encoding/json folds names to match keys
// case-insensitively.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			continue
		}
		b.WriteRune(unicode.ToUpper(unicode.ToLower(r)))
	}
	return b.String()
}

// objectDecoder writes the decodeJSON method of an object and jsonField,
// which maps a key to the index of its field.
func (g *gen) objectDecoder(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	recv := jen.Id("x").Op("*").Id(name)

	// jsonField: exact names first, then encoding/json's case folding.
	var exact, folded []jen.Code
	seenFold := map[string]bool{}
	for i, fl := range t.Fields {
		exact = append(exact, jen.Case(jen.Lit(g.field(fl).JSONName)).Block(jen.Return(jen.Lit(i))))
		if fn := foldName(g.field(fl).JSONName); !seenFold[fn] {
			seenFold[fn] = true
			folded = append(folded, jen.Case(jen.Lit(fn)).Block(jen.Return(jen.Lit(i))))
		}
	}
	fileComment(f, fmt.Sprintf("jsonField returns the index of the field of %s that the object key "+
		"names, matched as encoding/json matches it: exactly, else case-insensitively; -1 for none.", name))
	if len(t.Fields) == 0 {
		f.Func().Params(jen.Op("*").Id(name)).Id("jsonField").Params(jen.Id("_").Index().Byte()).Int().Block(jen.Return(jen.Lit(-1)))
	} else {
		f.Func().Params(jen.Op("*").Id(name)).Id("jsonField").Params(jen.Id("key").Index().Byte()).Int().Block(
			jen.Switch(jen.String().Call(jen.Id("key"))).Block(exact...),
			jen.Var().Id("buf").Index(jen.Lit(64)).Byte(),
			jen.Switch(jen.String().Call(jen.Qual(jsonxPkg, "Fold").Call(jen.Id("buf").Index(jen.Empty(), jen.Lit(0)), jen.Id("key")))).Block(folded...),
			jen.Return(jen.Lit(-1)),
		)
	}
	f.Line()

	tp := g.typeOf[t]
	body := []jen.Code{
		jen.If(jen.List(jen.Id("ok"), jen.Err()).Op(":=").Add(jsonxCall("Object", jen.Id("d"))), jen.Op("!").Id("ok")).Block(jen.Return(jen.Err())),
	}
	if words := tp.seenWords(); words > 0 {
		body = append(body, jen.Var().Id("seen").Index(jen.Lit(words)).Uint64())
	}
	for _, fp := range tp.Fields {
		if fp.OnceBit >= 0 {
			body = append(body, jen.Var().Id("once").Uint64())
			break
		}
	}
	if len(tp.Stored) > 0 {
		var slots []jen.Code
		for _, fp := range tp.Stored {
			slots = append(slots, jen.Id(fp.Slot).Add(g.goType(fp.Model.Type)))
		}
		body = append(body,
			jen.Comment("The optional values share one allocation, made when the first arrives."),
			jen.Type().Id("store").Struct(slots...),
			jen.Var().Id("st").Op("*").Id("store"),
		)
	}
	var cases []jen.Code
	for i, fp := range tp.Fields {
		fl := fp.Model
		field := jen.Id("x").Dot(fp.Name)
		wrap := func(err jen.Code) jen.Code { return jsonxCall("Field", err, jen.Lit(fp.JSONName)) }
		var stmts []jen.Code
		if fp.OnceBit >= 0 {
			stmts = append(stmts, check(jen.Id("d").Dot("Once").Call(jen.Op("&").Id("once"), jen.Lit(1).Op("<<").Lit(fp.OnceBit)), wrap))
		}
		if bit := fp.RequiredBit; bit >= 0 {
			seenWord, mask := jen.Id("seen").Index(jen.Lit(bit/64)), jen.Lit(1).Op("<<").Lit(bit%64)
			if admitsNull(fl.Type) {
				stmts = append(stmts, seenWord.Op("|=").Add(mask))
			} else {
				// null is no value for it (jsonx.ErrNull)
				stmts = append(stmts, check(jen.Id("d").Dot("Required").Call(jen.Op("&").Add(seenWord), mask), wrap))
			}
		}
		switch fp.Shape {
		case pointer:
			var slot jen.Code = jen.Nil()
			if fp.Slot != "" {
				slot = jen.Op("&").Add(jsonxCall("Alloc", jen.Op("&").Id("st"))).Dot(fp.Slot)
			}
			opt, read := "Opt", g.reader(fl.Type)
			if g.declared(fl.Type) {
				opt = "OptValue"
			}
			stmts = append(stmts, check(jsonxCall(opt, jen.Id("d"), jen.Op("&").Add(field), slot, read), wrap))
		case nullable:
			if read, ok := g.nullableReader(fl.Type); ok {
				stmts = append(stmts, check(jsonxCall(read, jen.Id("d"), jen.Op("&").Add(field.Clone()).Dot("Value"),
					jen.Op("&").Add(field.Clone()).Dot("Valid"), jen.Op("&").Add(field.Clone()).Dot("Set"), g.reader(fl.Type)), wrap))
				break
			}
			stmts = append(stmts,
				field.Clone().Dot("Set").Op("=").True(),
				jen.If(jen.Id("d").Dot("IsNull").Call()).Block(
					check(jen.Id("d").Dot("Null").Call(), wrap),
					field.Clone().Op("=").Qual(webhookPkg, "Null").Types(g.goType(fl.Type)).Call(),
				).Else().Block(append(
					g.decodeValue(fl.Type, valPlace(field.Clone().Dot("Value")), wrap, 0),
					field.Clone().Dot("Valid").Op("=").True(),
				)...),
			)
		case nullableRef:
			stmts = append(stmts,
				field.Clone().Dot("Set").Op("=").True(),
				field.Clone().Dot("Valid").Op("=").Op("!").Id("d").Dot("IsNull").Call(),
				check(jsonxCall("OptValue", jen.Id("d"), jen.Op("&").Add(field.Clone()).Dot("Value"), jen.Nil(), g.reader(fl.Type)), wrap),
			)
		default:
			stmts = append(stmts, g.decodeValue(fl.Type, valPlace(field), wrap, 0)...)
		}
		cases = append(cases, jen.Case(jen.Lit(i)).Block(stmts...))
	}
	if hasExtras(t) {
		// Any other key is an extra property: decoded as a map entry.
		extras := jen.Id("x").Dot(g.typeOf[t].Extras)
		wrap := func(err jen.Code) jen.Code { return jsonxCall("Field", err, jen.Id("k0")) }
		stmts := []jen.Code{
			jen.If(extras.Clone().Op("==").Nil()).Block(extras.Clone().Op("=").Make(jen.Map(jen.String()).Add(g.elemType(t.Elem)))),
			jen.Id("k0").Op(":=").Qual(jsonxPkg, "Key").Call(jen.Id("it").Dot("Key").Call()),
			jen.Var().Id("v0").Add(g.elemType(t.Elem)),
		}
		stmts = append(stmts, g.decodeElem(t.Elem, jen.Id("v0"), wrap, 1)...)
		stmts = append(stmts, extras.Clone().Index(jen.Id("k0")).Op("=").Id("v0"))
		cases = append(cases, jen.Default().Block(stmts...))
	} else {
		cases = append(cases, jen.Default().Block(
			check(jen.Id("d").Dot("Skip").Call(), func(err jen.Code) jen.Code {
				return jsonxCall("FieldBytes", err, jen.Id("it").Dot("Key").Call())
			}),
		))
	}
	body = append(body,
		jen.List(jen.Id("it"), jen.Err()).Op(":=").Id("d").Dot("ObjIter").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.For(jen.Id("it").Dot("Next").Call()).Block(
			jen.Switch(jen.Id("x").Dot("jsonField").Call(jen.Id("it").Dot("Key").Call())).Block(cases...),
		),
		jen.If(jen.Err().Op(":=").Id("it").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	)
	if words := tp.seenWords(); words > 0 {
		var cond *jen.Statement
		for w := 0; w < words; w++ {
			n := len(tp.Required) - w*64
			if n > 64 {
				n = 64
			}
			mask := uint64(1)<<uint(n) - 1
			if n == 64 {
				mask = ^uint64(0)
			}
			c := jen.Id("seen").Index(jen.Lit(w)).Op("!=").Lit(mask)
			if cond == nil {
				cond = c
			} else {
				cond = cond.Op("||").Add(c)
			}
		}
		var names []jen.Code
		for _, r := range tp.Required {
			names = append(names, jen.Lit(r.JSONName))
		}
		body = append(body, jen.If(cond).Block(
			jen.Return(jen.Id("d").Dot("Missing").Call(jen.Id("seen").Index(jen.Empty(), jen.Empty()), jen.Index().String().Values(names...))),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	fileComment(f, fmt.Sprintf("decodeJSON decodes an object into x as encoding/json would, in one pass: "+
		"unknown properties are skipped, null leaves x alone, and a required property that is absent "+
		"is an error."))
	f.Func().Params(recv).Id("decodeJSON").Params(jen.Id("d").Op("*").Qual(jsonxPkg, "Decoder")).Error().Block(body...)
	f.Line()
}

// enumCodec writes the decoder and encoder of an enumeration. Listed
// string values decode to their constants without allocating; others are
// kept as they came.
func (g *gen) enumCodec(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	recv := jen.Id("x").Op("*").Id(name)
	dparams := jen.Params(jen.Id("d").Op("*").Qual(jsonxPkg, "Decoder"))
	eparams := jen.Params(jen.Id("e").Op("*").Qual(jsonxPkg, "Encoder"))
	if t.Kind == model.Integer {
		read, write, conv := "ReadInt", "Int", jen.Int64()
		if strings.HasPrefix(t.Format, "uint") {
			read, write, conv = "ReadUint", "Uint", jen.Uint64()
		}
		f.Comment("decodeJSON decodes an integer, listed or not.")
		f.Func().Params(recv.Clone()).Id("decodeJSON").Add(dparams).Error().Block(
			jen.Return(jsonxCall(read, jen.Id("d"), jen.Id("x"))),
		)
		f.Line()
		f.Comment("encodeJSON encodes the integer.")
		f.Func().Params(recv.Clone()).Id("encodeJSON").Add(eparams).Block(
			jen.Id("e").Dot(write).Call(conv.Call(jen.Op("*").Id("x"))),
		)
		f.Line()
		return
	}
	var cases []jen.Code
	for i, v := range t.Enum {
		cases = append(cases, jen.Case(jen.Lit(fmt.Sprint(v))).Block(jen.Op("*").Id("x").Op("=").Id(g.typeOf[t].EnumConsts[i])))
	}
	cases = append(cases, jen.Default().Block(jen.Op("*").Id("x").Op("=").Id(name).Call(jsonxCall("String", jen.Id("b")))))
	f.Comment("decodeJSON decodes a string, listed or not; null leaves x alone.")
	f.Func().Params(recv.Clone()).Id("decodeJSON").Add(dparams).Error().Block(
		jen.If(jen.Id("d").Dot("IsNull").Call()).Block(jen.Return(jen.Id("d").Dot("Null").Call())),
		jen.List(jen.Id("b"), jen.Err()).Op(":=").Qual(jsonxPkg, "StrBytes").Call(jen.Id("d")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Switch(jen.String().Call(jen.Id("b"))).Block(cases...),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("encodeJSON encodes the string.")
	f.Func().Params(recv.Clone()).Id("encodeJSON").Add(eparams).Block(
		jen.Id("e").Dot("Str").Call(jen.String().Call(jen.Op("*").Id("x"))),
	)
	f.Line()
}

// taggedCodec writes the decoder and encoder of a sum type; they do what
// its UnmarshalJSON and MarshalJSON do.
func (g *gen) taggedCodec(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	names := g.typeOf[t].Variants
	cases := g.variantCases(t, names, func(field *jen.Statement) jen.Code {
		return jsonxCall("Within", jen.Id("raw"), field.Dot("decodeJSON"))
	})
	cases = append(cases, jen.Default().Block(
		jen.Id("u").Dot("Raw").Op("=").Append(jen.Qual(jsonPkg, "RawMessage").Values(), jen.Id("raw").Op("...")),
	))
	fileComment(f, fmt.Sprintf("decodeJSON decodes the variant that the %s property names, as UnmarshalJSON does.", t.Discriminator))
	f.Func().Params(jen.Id("u").Op("*").Id(name)).Id("decodeJSON").Params(jen.Id("d").Op("*").Qual(jsonxPkg, "Decoder")).Error().Block(
		jen.List(jen.Id("raw"), jen.Err()).Op(":=").Qual(jsonxPkg, "RawBytes").Call(jen.Id("d")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Op("*").Id("u").Op("=").Id(name).Values(),
		jen.Var().Id("tag").String(),
		jen.If(jen.String().Call(jen.Id("raw")).Op("!=").Lit("null")).Block(
			jen.If(jen.List(jen.Id("tag"), jen.Err()).Op("=").Qual(jsonxPkg, "Probe").Call(jen.Id("raw"), jen.Lit(t.Discriminator)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		),
		jen.Switch(jen.Id("tag")).Block(cases...),
		jen.Return(jen.Nil()),
	)
	f.Line()
	var mcases []jen.Code
	for i := range t.Variants {
		mcases = append(mcases, jen.Case(jen.Id("u").Dot(names[i]).Op("!=").Nil()).Block(
			jen.Id("u").Dot(names[i]).Dot("encodeJSON").Call(jen.Id("e")),
		))
	}
	mcases = append(mcases,
		jen.Case(jen.Id("u").Dot("Raw").Op("!=").Nil()).Block(jen.Id("e").Dot("Raw").Call(jen.Id("u").Dot("Raw"))),
		jen.Default().Block(jen.Id("e").Dot("Null").Call()),
	)
	f.Comment("encodeJSON encodes the variant that is set, or null, as MarshalJSON does.")
	f.Func().Params(jen.Id("u").Op("*").Id(name)).Id("encodeJSON").Params(jen.Id("e").Op("*").Qual(jsonxPkg, "Encoder")).Block(
		jen.Switch().Block(mcases...),
	)
	f.Line()
}

// rawUnionCodec writes the decoder and encoder of a union kept as raw JSON.
func (g *gen) rawUnionCodec(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	f.Comment("decodeJSON keeps a copy of the JSON, as UnmarshalJSON does.")
	f.Func().Params(jen.Id("u").Op("*").Id(name)).Id("decodeJSON").Params(jen.Id("d").Op("*").Qual(jsonxPkg, "Decoder")).Error().Block(
		jen.List(jen.Id("raw"), jen.Err()).Op(":=").Qual(jsonxPkg, "RawBytes").Call(jen.Id("d")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Id("u").Dot("raw").Op("=").Append(jen.Qual(jsonPkg, "RawMessage").Values(), jen.Id("raw").Op("...")),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("encodeJSON writes the JSON as it came, or null, as MarshalJSON does.")
	f.Func().Params(jen.Id("u").Op("*").Id(name)).Id("encodeJSON").Params(jen.Id("e").Op("*").Qual(jsonxPkg, "Encoder")).Block(
		jen.Id("e").Dot("Raw").Call(jen.Id("u").Dot("raw")),
	)
	f.Line()
}

// jsonKey is a member name as json.Marshal writes it, with its colon.
func jsonKey(name string) string {
	b, _ := json.Marshal(name)
	return string(b) + ":"
}

// encodeValue writes the value at p as json.Marshal would.
func (g *gen) encodeValue(t *model.Type, p place, depth int) []jen.Code {
	t = valueType(t)
	e := jen.Id("e")
	if g.declared(t) {
		return []jen.Code{p.method("encodeJSON").Call(e)}
	}
	switch t.Kind {
	case model.Bool:
		return []jen.Code{e.Clone().Dot("Bool").Call(p.v())}
	case model.Integer:
		if strings.HasPrefix(t.Format, "uint") {
			return []jen.Code{e.Clone().Dot("Uint").Call(jen.Uint64().Call(p.v()))}
		}
		return []jen.Code{e.Clone().Dot("Int").Call(jen.Int64().Call(p.v()))}
	case model.Number:
		bits := 64
		if t.Format == "float" {
			bits = 32
		}
		return []jen.Code{e.Clone().Dot("Float").Call(jen.Float64().Call(p.v()), jen.Lit(bits))}
	case model.String:
		if t.Format == "date-time" {
			return []jen.Code{e.Clone().Dot("Time").Call(p.v())}
		}
		return []jen.Code{e.Clone().Dot("Str").Call(p.v())}
	case model.Array:
		m, i := fmt.Sprintf("m%d", depth), fmt.Sprintf("i%d", depth)
		loop := []jen.Code{e.Clone().Dot("Elem").Call(jen.Id(m))}
		loop = append(loop, g.encodeElem(t.Elem, p.index(jen.Id(i)), depth+1)...)
		return []jen.Code{jen.If(p.v().Op("==").Nil()).Block(e.Clone().Dot("Null").Call()).Else().Block(
			jen.Id(m).Op(":=").Add(e.Clone()).Dot("ArrStart").Call(),
			jen.For(jen.Id(i).Op(":=").Range().Add(p.v())).Block(loop...),
			e.Clone().Dot("ArrEnd").Call(),
		)}
	case model.Map:
		m, k, v := fmt.Sprintf("m%d", depth), fmt.Sprintf("k%d", depth), fmt.Sprintf("v%d", depth)
		loop := []jen.Code{
			e.Clone().Dot("StrKey").Call(jen.Id(m), jen.Id(k)),
			jen.Id(v).Op(":=").Add(p.index(jen.Id(k))),
		}
		loop = append(loop, g.encodeElem(t.Elem, jen.Id(v), depth+1)...)
		return []jen.Code{jen.If(p.v().Op("==").Nil()).Block(e.Clone().Dot("Null").Call()).Else().Block(
			jen.Id(m).Op(":=").Add(e.Clone()).Dot("ObjStart").Call(),
			jen.For(jen.List(jen.Id("_"), jen.Id(k)).Op(":=").Range().Qual("slices", "Sorted").Call(jen.Qual("maps", "Keys").Call(p.v()))).Block(loop...),
			e.Clone().Dot("ObjEnd").Call(),
		)}
	}
	return []jen.Code{e.Clone().Dot("Raw").Call(p.v())}
}

// encodeElem writes an array item or map value, a pointer when the schema
// allows null.
func (g *gen) encodeElem(t *model.Type, v *jen.Statement, depth int) []jen.Code {
	if admitsNull(t) && !nilable(t) {
		return []jen.Code{jen.If(v.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("Null").Call()).Else().Block(
			g.encodeValue(t, ptrPlace(v), depth)...,
		)}
	}
	return g.encodeValue(t, valPlace(v), depth)
}

// objectEncoder writes the encodeJSON method of an object: fields in
// order, omitzero applied as encoding/json applies it.
func (g *gen) objectEncoder(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	body := []jen.Code{jen.Id("m").Op(":=").Id("e").Dot("ObjStart").Call()}
	if len(t.Fields) == 0 && !hasExtras(t) {
		body = []jen.Code{jen.Id("e").Dot("ObjStart").Call()} // no member to write: m would be unused
	}
	for _, fl := range t.Fields {
		field := jen.Id("x").Dot(g.field(fl).Name)
		key := jen.Id("e").Dot("Key").Call(jen.Id("m"), jen.Lit(jsonKey(g.field(fl).JSONName)))
		omit := g.field(fl).omitZero()
		vt := valueType(fl.Type)
		isTime := vt.Kind == model.String && vt.Format == "date-time" && !g.declared(vt)
		switch g.field(fl).Shape {
		case pointer:
			inner := g.encodeValue(fl.Type, ptrPlace(field), 0)
			if omit {
				cond := field.Clone().Op("!=").Nil()
				if isTime {
					// *time.Time has IsZero, which omitzero calls.
					cond = cond.Op("&&").Op("!").Add(field.Clone()).Dot("IsZero").Call()
				}
				body = append(body, jen.If(cond).Block(append([]jen.Code{key}, inner...)...))
			} else {
				body = append(body, key, jen.If(field.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("Null").Call()).Else().Block(inner...))
			}
		case nullable:
			body = append(body, jen.If(jen.Op("!").Add(field.Clone()).Dot("IsZero").Call()).Block(
				key,
				jen.If(jen.Op("!").Add(field.Clone()).Dot("Valid")).Block(jen.Id("e").Dot("Null").Call()).Else().Block(
					g.encodeValue(fl.Type, valPlace(field.Clone().Dot("Value")), 0)...,
				),
			))
		case nullableRef:
			// A nil Value is null too, as json.Marshal writes it.
			value := field.Clone().Dot("Value")
			body = append(body, jen.If(jen.Op("!").Add(field.Clone()).Dot("IsZero").Call()).Block(
				key,
				jen.If(jen.Op("!").Add(field.Clone()).Dot("Valid").Op("||").Add(value.Clone()).Op("==").Nil()).Block(jen.Id("e").Dot("Null").Call()).Else().Block(
					g.encodeValue(fl.Type, ptrPlace(value), 0)...,
				),
			))
		default:
			inner := g.encodeValue(fl.Type, valPlace(field), 0)
			if omit && nilable(fl.Type) {
				body = append(body, jen.If(field.Clone().Op("!=").Nil()).Block(append([]jen.Code{key}, inner...)...))
			} else {
				body = append(body, key)
				body = append(body, inner...)
			}
		}
	}
	if hasExtras(t) {
		// Sorted, as encoding/json writes a map; a key that names a
		// property (as decoding would match it) is left out, so that no
		// key is written twice.
		extras := jen.Id("x").Dot(g.typeOf[t].Extras)
		loop := []jen.Code{
			jen.If(jen.Id("x").Dot("jsonField").Call(jen.Index().Byte().Parens(jen.Id("k"))).Op(">=").Lit(0)).Block(jen.Continue()),
			jen.Id("e").Dot("StrKey").Call(jen.Id("m"), jen.Id("k")),
			jen.Id("v").Op(":=").Add(extras.Clone()).Index(jen.Id("k")),
		}
		loop = append(loop, g.encodeElem(t.Elem, jen.Id("v"), 1)...)
		body = append(body, jen.For(jen.List(jen.Id("_"), jen.Id("k")).Op(":=").Range().Qual("slices", "Sorted").Call(jen.Qual("maps", "Keys").Call(extras))).Block(loop...))
	}
	body = append(body, jen.Id("e").Dot("ObjEnd").Call())
	f.Comment("encodeJSON encodes x as json.Marshal would.")
	f.Func().Params(jen.Id("x").Op("*").Id(name)).Id("encodeJSON").Params(jen.Id("e").Op("*").Qual(jsonxPkg, "Encoder")).Block(body...)
	f.Line()
}
