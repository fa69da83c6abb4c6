package parser

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/hookgen/hookgen/model"
)

// schemaReader turns the document's JSON Schemas into model types.
//
// kin-openapi reads the schemas and resolves their $refs, but its loader
// accepts only OpenAPI documents. So the reader wraps every schema the
// AsyncAPI document uses in a minimal OpenAPI 3.1 document, loads that, and
// walks the result beside the yaml.v3 nodes it came from: kin-openapi gives
// the meaning, the nodes give positions and property order.
type schemaReader struct {
	p     *parser
	comps at // the document's components, if any

	sites []schemaSite
	// synth maps the wrapper's synthetic component names back to the nodes
	// they stand for.
	synth map[string]at
	memo  map[string]*model.Type
	types []*model.Type
	// mergedFrom are the types whose fields allOf merged into another.
	mergedFrom map[*model.Type]bool
	// loose are the names an object's required lists without defining
	// them. JSON Schema allows it: an allOf that merges the object with one
	// that defines them makes them required fields.
	loose map[*model.Type]looseRequired
}

type looseRequired struct {
	names []string
	at    at // the required keyword
}

// schemaSite is a schema the document uses outside components.schemas: a
// payload, headers or a parameter.
type schemaSite struct {
	at   at
	hint string
	set  func(*model.Type, *openapi3.Schema)
}

const synthPrefix = "hookgen-"

func newSchemaReader(p *parser, comps at) *schemaReader {
	return &schemaReader{p: p, comps: comps, synth: map[string]at{}, memo: map[string]*model.Type{}, mergedFrom: map[*model.Type]bool{}, loose: map[*model.Type]looseRequired{}}
}

// site records a schema to read; set receives its type, and kin-openapi's
// schema for validating examples, once all schemas are loaded.
func (r *schemaReader) site(a at, hint string, set func(*model.Type, *openapi3.Schema)) {
	r.sites = append(r.sites, schemaSite{a, hint, set})
}

// finish loads every schema with kin-openapi, converts them and hands each
// site its type. It returns the types that need declarations.
func (r *schemaReader) finish() []*model.Type {
	p := r.p
	entries := &yaml.Node{Kind: yaml.MappingNode}
	add := func(name string, n *yaml.Node) {
		entries.Content = append(entries.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, n)
	}
	var local []at // root-file schema nodes whose local $refs may need rewriting
	schemas, _ := r.comps.get("schemas")
	for _, kv := range schemas.pairs() {
		add(kv.key, kv.v.n)
		local = append(local, kv.v)
	}
	siteNames := make([]string, len(r.sites))
	for i, s := range r.sites {
		if comp, ok := r.componentRef(s.at); ok {
			siteNames[i] = comp // the component is in the wrapper already
			continue
		}
		siteNames[i] = fmt.Sprintf("%ssite-%d", synthPrefix, i)
		r.synth[siteNames[i]] = s.at
		if s.at.f == p.root {
			add(siteNames[i], s.at.n)
			local = append(local, s.at)
			continue
		}
		// A schema in another file: let kin-openapi read that file itself,
		// so refs inside it resolve against it.
		add(siteNames[i], refNode(relPath(p.root, s.at.f)+"#"+s.at.ptr))
	}
	shapes := map[*yaml.Node]bool{}
	for _, kv := range schemas.pairs() {
		r.checkShape(kv.v, shapes)
	}
	for _, s := range r.sites {
		r.checkShape(s.at, shapes)
	}
	if len(p.errs) > 0 {
		return nil
	}
	r.rewriteLocalRefs(local, add)

	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	// Hand kin-openapi the files as the parser holds them: checked, and
	// with AsyncAPI 2's forms rewritten.
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		f, ok := p.files[filepath.Clean(u.Path)]
		if !ok {
			return nil, fmt.Errorf("%s was not read by the parser", u.Path)
		}
		return yaml.Marshal(f.root)
	}
	// The wrapper document is built in memory rather than printed and
	// parsed again: its schemas are decoded from the nodes, then the loader
	// resolves their $refs against the spec's location.
	location := &url.URL{Path: p.root.abs}
	doc, err := loader.LoadFromDataWithPath([]byte(`{"openapi":"3.1.0","info":{"title":"hookgen","version":"0"},"paths":{}}`), location)
	if err == nil {
		doc.Components = &openapi3.Components{Schemas: make(openapi3.Schemas, len(entries.Content)/2)}
		for i := 0; i+1 < len(entries.Content); i += 2 {
			sr := &openapi3.SchemaRef{}
			if err = sr.UnmarshalJSON(jsonOf(entries.Content[i+1])); err != nil {
				err = fmt.Errorf("schema %s: %w", entries.Content[i].Value, err)
				break
			}
			doc.Components.Schemas[entries.Content[i].Value] = sr
		}
	}
	if err == nil {
		err = loader.ResolveRefsIn(doc, location)
	}
	if err != nil {
		p.errorf(p.api.Pos, "reading schemas: %v", err)
		return nil
	}
	for _, kv := range schemas.pairs() {
		r.ref(doc.Components.Schemas[kv.key], kv.v, kv.key, true)
	}
	for i, s := range r.sites {
		sr := doc.Components.Schemas[siteNames[i]]
		var kin *openapi3.Schema
		if sr != nil {
			kin = sr.Value
		}
		loc, hint := s.at, s.hint
		if _, ok := r.componentRef(s.at); ok {
			loc, _ = p.deref(s.at) // converted above, under the component's name
			hint = nameFromPtr(loc.ptr)
		}
		if s.at.f != p.root && sr != nil && sr.Ref != "" {
			// The wrapper's $ref to a site in another file is spelled from
			// the root: the schema is the site's, or what the site refers to.
			t, err := p.deref(s.at)
			if err != nil {
				p.errs = append(p.errs, asError(err))
				continue
			}
			hint = nameFromPtr(t.ptr)
			sr = &openapi3.SchemaRef{Value: sr.Value}
			loc = t
		}
		typ := r.ref(sr, loc, hint, true)
		if of := typ.NullableOf(); of != nil {
			typ = of // a whole payload, header set or parameter is never null
		}
		s.set(typ, kin)
	}
	r.warnLoose()
	return r.types
}

// componentRef reports whether a root-file schema is only a reference to a
// component schema, and names it: most payloads are, and they need no
// entry of their own in the wrapper.
func (r *schemaReader) componentRef(a at) (string, bool) {
	_, ref, ok := refOf(a)
	if !ok || a.f != r.p.root || len(a.n.Content) != 2 {
		return "", false
	}
	name, ok := strings.CutPrefix(ref, "#/components/schemas/")
	if !ok || strings.Contains(name, "/") || strings.Contains(name, "~") {
		return "", false
	}
	return name, true
}

// rewriteLocalRefs gives every root-file $ref that points outside
// components.schemas a synthetic component of its own, since the wrapper
// document has only components.schemas.
func (r *schemaReader) rewriteLocalRefs(work []at, add func(string, *yaml.Node)) {
	byPtr := map[string]string{}
	visited := map[*yaml.Node]bool{}
	for len(work) > 0 {
		a := work[len(work)-1]
		work = work[:len(work)-1]
		if a.n == nil || visited[a.n] {
			continue
		}
		visited[a.n] = true
		if rn, ref, ok := refOf(a); ok && strings.HasPrefix(ref, "#") && !strings.HasPrefix(ref, "#/components/schemas/") {
			ptr := ref[1:]
			name, seen := byPtr[ptr]
			if !seen {
				t, _ := a.f.lookup(ptr)
				name = fmt.Sprintf("%sref-%d", synthPrefix, len(byPtr))
				byPtr[ptr] = name
				r.synth[name] = t
				add(name, t.n)
				work = append(work, t)
			}
			rn.n.Value = "#/components/schemas/" + name
			continue
		}
		for _, kv := range a.pairs() {
			work = append(work, kv.v)
		}
		work = append(work, a.items()...)
	}
}

// resolve finds the node a schema $ref names, following the wrapper's
// synthetic names back to the document.
func (r *schemaReader) resolve(from at, ref string) (at, bool) {
	if from.f == r.p.root {
		if name, ok := strings.CutPrefix(ref, "#/components/schemas/"+synthPrefix); ok {
			t, ok := r.synth[synthPrefix+name]
			if !ok {
				return at{}, false
			}
			t, err := r.p.deref(t)
			return t, err == nil
		}
	}
	t, err := r.p.resolveRef(from, ref)
	if err != nil {
		r.p.errs = append(r.p.errs, asError(err))
		return at{}, false
	}
	t, err = r.p.deref(t)
	if err != nil {
		r.p.errs = append(r.p.errs, asError(err))
		return at{}, false
	}
	return t, true
}

// refTo spells a node's location as a JSON reference from the root document.
func (r *schemaReader) refTo(a at) string {
	if a.f == r.p.root {
		return "#" + a.ptr
	}
	return relPath(r.p.root, a.f) + "#" + a.ptr
}

func memoKey(a at) string { return a.f.abs + "#" + a.ptr }

// ref converts a schema or a reference to one. loc is the node that holds
// it; a reference converts its target once, named after it.
func (r *schemaReader) ref(sr *openapi3.SchemaRef, loc at, hint string, register bool) *model.Type {
	if sr == nil || sr.Value == nil {
		return &model.Type{Kind: model.Any, Pos: loc.pos()}
	}
	if sr.Ref != "" {
		t, ok := r.resolve(loc, sr.Ref)
		if !ok {
			return &model.Type{Kind: model.Any, Pos: loc.pos()}
		}
		if typ := r.memo[memoKey(t)]; typ != nil {
			return typ
		}
		return r.schema(sr.Value, t, nameFromPtr(t.ptr), true)
	}
	if typ := r.memo[memoKey(loc)]; typ != nil {
		return typ
	}
	return r.schema(sr.Value, loc, hint, register)
}

// nameFromPtr names a referenced schema after the end of its pointer.
func nameFromPtr(ptr string) string {
	toks := strings.Split(ptr, "/")
	last := unescapePtr(toks[len(toks)-1])
	switch last {
	case "payload", "headers", "schema", "items", "":
		if len(toks) > 1 {
			return unescapePtr(toks[len(toks)-2]) + "." + last
		}
	}
	return last
}

// schemaKinds are the kinds of JSON Schema's types but null.
var schemaKinds = map[string]model.Kind{
	"object": model.Object, "array": model.Array, "string": model.String,
	"integer": model.Integer, "number": model.Number, "boolean": model.Bool,
}

var knownTypes = []string{"object", "array", "string", "integer", "number", "boolean", "null"}

func (r *schemaReader) schema(s *openapi3.Schema, loc at, hint string, register bool) *model.Type {
	t := &model.Type{
		Name:        hint,
		Ref:         r.refTo(loc),
		Title:       s.Title,
		Description: s.Description,
		Format:      s.Format,
		Deprecated:  s.Deprecated,
		Enum:        enumValues(s.Enum),
		Examples:    s.Examples,
		Extensions:  r.p.extensions(loc),
		Pos:         loc.pos(),
	}
	r.memo[memoKey(loc)] = t
	if v, ok := loc.get("contentMediaType"); ok {
		t.ContentMediaType = r.p.scalar(v, "contentMediaType")
	}
	var types []string
	for _, typ := range s.Type.Slice() {
		if !slices.Contains(knownTypes, typ) {
			tn, _ := loc.get("type")
			r.p.errorf(tn.pos(), "unknown schema type %q; JSON Schema types are %s", typ, strings.Join(knownTypes, ", "))
			continue
		}
		if typ == "null" {
			t.Nullable = true
			continue
		}
		types = append(types, typ)
	}
	t.Nullable = t.Nullable || s.Nullable || len(t.Enum) < len(s.Enum) // enum: [a, b, null]
	addl := s.AdditionalProperties
	hasAddl := addl.Schema != nil || (addl.Has != nil && *addl.Has)
	objectAllOf := false
	if len(s.AllOf) > 0 {
		pick, kind, conflict := allOfKind(s, types)
		switch {
		case conflict != "":
			all, _ := loc.get("allOf")
			r.p.errorf(all.pos(), "%s", conflict)
		case kind == "object":
			objectAllOf = true
		case pick >= 0:
			// allOf holds when every part does; beside the one typed part
			// the others only annotate, so the value has that part's type.
			typ := r.ref(s.AllOf[pick], child(loc, "allOf", strconv.Itoa(pick)), hint, register)
			if t.Nullable && !typ.Nullable {
				// The parts say what the value is, the schema that it may
				// be null (type: [string, 'null'] beside allOf: [{$ref:
				// Status}, {description: ...}]); allOf of one part beside
				// nullable: true was rewritten as anyOf (nullableRef).
				typ = orNull(t, typ)
			}
			r.memo[memoKey(loc)] = typ
			return typ
		}
	}
	switch {
	case objectAllOf:
		t.Kind = model.Object
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		t.Kind = model.Union
	case len(types) > 1:
		t.Kind = model.Any
		for _, typ := range types {
			t.Kinds = append(t.Kinds, schemaKinds[typ])
		}
	case len(types) == 1:
		t.Kind = schemaKinds[types[0]]
	case len(s.Properties) > 0 || hasAddl:
		t.Kind = model.Object
	case len(s.Enum) > 0:
		t.Kind = enumKind(s.Enum)
	default:
		t.Kind = model.Any
	}
	// An object with no properties holds whatever keys it is sent
	// (additionalProperties defaults to true): a map keeps them all.
	if t.Kind == model.Object && len(s.Properties) == 0 && len(s.AllOf) == 0 {
		t.Kind = model.Map
	}
	if len(t.Enum) > 0 && t.Kind != model.String && t.Kind != model.Integer {
		t.Enum = nil // enums of other kinds are validated, not typed
	}
	// Declare parents before their children so the output reads top-down.
	if register && (t.Kind == model.Object || t.Kind == model.Union || len(t.Enum) > 0) {
		t.Named = true
		r.types = append(r.types, t)
	}
	switch t.Kind {
	case model.Object:
		var required []string
		for i, part := range s.AllOf {
			pt := r.ref(part, child(loc, "allOf", strconv.Itoa(i)), hint, false)
			r.mergedFrom[pt] = true
			for _, f := range pt.Fields {
				own := *f // the merged type owns its copy, constants included
				t.Fields = mergeField(t.Fields, &own)
			}
			if l := r.loose[pt]; len(l.names) > 0 {
				required = append(required, l.names...)
				if _, seen := r.loose[t]; !seen {
					// Report them where the part requires them.
					r.loose[t] = looseRequired{at: l.at}
				}
			}
			if part.Value != nil {
				required = append(required, part.Value.Required...) // a part may be only a required list
			}
		}
		r.fields(t, s, loc)
		r.require(t, append(required, s.Required...), loc)
		switch {
		case addl.Schema != nil:
			// Keys beyond the properties, typed: kept in a map beside them.
			t.Elem = r.ref(addl.Schema, child(loc, "additionalProperties"), hint+".value", true)
		case addl.Has != nil && *addl.Has:
			// additionalProperties: true says other keys are expected:
			// kept as raw JSON. (Left out, JSON Schema allows them too,
			// but a spec that lists its properties rarely means it; they
			// are dropped, and docs/type-mapping.md says so.)
			t.Elem = &model.Type{Kind: model.Any, Pos: loc.pos()}
		}
	case model.Map:
		if addl.Schema != nil {
			t.Elem = r.ref(addl.Schema, child(loc, "additionalProperties"), hint+".value", true)
		} else {
			t.Elem = &model.Type{Kind: model.Any, Pos: loc.pos()}
		}
	case model.Array:
		t.Elem = r.ref(s.Items, child(loc, "items"), hint+".item", true)
	case model.Union:
		r.union(t, s, loc)
		if t.NullableOf() != nil {
			// One schema or null is that schema, nullable: no declaration.
			t.Nullable = true
			if t.Named {
				t.Named = false
				r.types = slices.DeleteFunc(r.types, func(x *model.Type) bool { return x == t })
			}
		}
	}
	return t
}

// orNull makes t, the schema at a use of x, the union of x and null that
// model.Type.NullableOf reads as x, nullable.
func orNull(t, x *model.Type) *model.Type {
	t.Kind, t.Nullable, t.Enum = model.Union, true, nil
	t.Variants = []*model.Variant{{Type: x}, {Type: &model.Type{Kind: model.Any, Nullable: true, Pos: t.Pos}}}
	return t
}

// nullOr reports whether a oneOf or anyOf list is one schema and null
// (oneOf: [{$ref: X}, {type: 'null'}]): a nullable X.
func nullOr(list openapi3.SchemaRefs) bool {
	nulls := 0
	for _, sr := range list {
		if sr != nil && sr.Value != nil && slices.Equal(sr.Value.Type.Slice(), []string{"null"}) {
			nulls++
		}
	}
	return nulls > 0 && len(list)-nulls == 1
}

// allOfKind reads the JSON type an allOf schema's parts agree on: "object"
// when any part (or the schema itself) describes an object, else the type
// of the typed parts and the one to use, an enum if any part is one. Parts
// without a type (a description, a required list) agree with anything.
func allOfKind(s *openapi3.Schema, own []string) (pick int, kind, conflict string) {
	pick = -1
	if len(own) == 1 {
		kind = own[0]
	}
	if len(s.Properties) > 0 {
		kind = cmp.Or(kind, "object")
	}
	required := len(s.Required) > 0
	for i, part := range s.AllOf {
		k := valueKind(part.Value)
		if k == "" {
			required = required || (part.Value != nil && len(part.Value.Required) > 0)
			continue
		}
		if kind != "" && k != kind {
			return -1, "", fmt.Sprintf("allOf combines %s schema and %s schema: no value is both", article(kind), article(k))
		}
		kind = k
		if pick < 0 || (len(part.Value.Enum) > 0 && len(s.AllOf[pick].Value.Enum) == 0) {
			pick = i
		}
	}
	if kind == "" && required {
		kind = "object"
	}
	return pick, kind, ""
}

// valueKind is the JSON type a schema fixes, "" when it fixes none or
// several; unions count as objects, which allOf merges as before.
func valueKind(s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	types := slices.DeleteFunc(slices.Clone(s.Type.Slice()), func(t string) bool { return t == "null" })
	switch {
	case len(types) == 1:
		return types[0]
	case len(types) > 1:
		return ""
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return "object"
	case len(s.Enum) > 0:
		return kindNames[enumKind(s.Enum)]
	}
	for _, part := range s.AllOf {
		if k := valueKind(part.Value); k != "" {
			return k
		}
	}
	return ""
}

var kindNames = map[model.Kind]string{model.String: "string", model.Integer: "integer"}

func article(typ string) string {
	if typ == "object" || typ == "integer" || typ == "array" {
		return "an " + typ
	}
	return "a " + typ
}

// enumValues are an enum's values without null, which is nullability.
func enumValues(values []any) []any {
	var out []any
	for _, v := range values {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}

func enumKind(values []any) model.Kind {
	for _, v := range values {
		if _, ok := v.(string); ok {
			return model.String
		}
	}
	return model.Integer
}

// fields reads an object's own properties in document order.
func (r *schemaReader) fields(t *model.Type, s *openapi3.Schema, loc at) {
	props, _ := loc.get("properties")
	for _, kv := range props.pairs() {
		sr := s.Properties[kv.key]
		if sr == nil || sr.Value == nil {
			continue
		}
		f := &model.Field{
			Name:       kv.key,
			Type:       r.ref(sr, kv.v, t.Name+"."+kv.key, true),
			Required:   slices.Contains(s.Required, kv.key),
			Deprecated: sr.Value.Deprecated,
			Pos:        kv.keyAt.pos(),
		}
		if sr.Ref == "" {
			f.Description = sr.Value.Description
		}
		if sr.Value.Const != nil {
			f.Const, f.HasConst = sr.Value.Const, true
		}
		t.Fields = mergeField(t.Fields, f)
	}
	if req, ok := loc.get("required"); ok && req.n.Kind != yaml.SequenceNode {
		r.p.errorf(req.pos(), "required must be a list of property names, not %s", kindName(req.n))
	}
}

// require marks the named fields of t required, whichever allOf part
// defined them, and keeps the names no field has for an allOf that merges
// t to apply. With additionalProperties false such a name is a mistake: no
// object could be valid.
func (r *schemaReader) require(t *model.Type, names []string, loc at) {
	req, ok := loc.get("required")
	if !ok {
		req = loc // the names come from allOf parts only
	}
	closed, _ := loc.get("additionalProperties")
	for _, name := range names {
		if i := slices.IndexFunc(t.Fields, func(f *model.Field) bool { return f.Name == name }); i >= 0 {
			t.Fields[i].Required = true
			continue
		}
		if closed.n != nil && closed.n.Value == "false" {
			r.p.errorf(req.pos(), "required property %q is not among the properties, and additionalProperties is false: no object can be valid", name)
			continue
		}
		if l := r.loose[t]; !slices.Contains(l.names, name) {
			r.loose[t] = looseRequired{append(l.names, name), cmp.Or(l.at, req)}
		}
	}
}

// warnLoose reports the required names that no allOf merged into a
// defined field: the object must have them, but nothing types or checks
// them.
func (r *schemaReader) warnLoose() {
	for t, l := range r.loose {
		if len(l.names) > 0 && !r.mergedFrom[t] {
			r.p.warnf(l.at.pos(), "required property %q is not among the properties; hookgen neither types nor checks it", strings.Join(l.names, `", "`))
		}
	}
}

// mergeField adds f, or merges it into the field of the same name that an
// earlier allOf part declared: required if either says so. A part that
// only fixes the value ({const: x} over a base's {type: string}) keeps the
// base's type: the value must satisfy both.
func mergeField(fields []*model.Field, f *model.Field) []*model.Field {
	for i, old := range fields {
		if old.Name == f.Name {
			merged := *f
			merged.Required = old.Required || f.Required
			if merged.Description == "" {
				merged.Description = old.Description
			}
			if f.HasConst && untyped(f.Type) && constFits(old.Type, f.Const) {
				merged.Type = old.Type
			}
			fields[i] = &merged
			return fields
		}
	}
	return append(fields, f)
}

// untyped reports whether t says nothing of its values: a schema of no
// type, such as one that only fixes a const.
func untyped(t *model.Type) bool {
	return t.Kind == model.Any && !t.Nullable && !t.Named && len(t.Fields) == 0 && len(t.Variants) == 0 && t.Elem == nil
}

// constFits reports whether v, a const's JSON value, is one of t's
// scalar values.
func constFits(t *model.Type, v any) bool {
	switch v := v.(type) {
	case string:
		return t.Kind == model.String
	case bool:
		return t.Kind == model.Bool
	case float64:
		return t.Kind == model.Number || t.Kind == model.Integer && v == math.Trunc(v)
	}
	return false
}

func (r *schemaReader) union(t *model.Type, s *openapi3.Schema, loc at) {
	list, kw := s.OneOf, "oneOf"
	t.Exclusive = true
	if len(list) == 0 {
		list, kw, t.Exclusive = s.AnyOf, "anyOf", false
	}
	alone := nullOr(list) // X or null: an inline X is named as the union would be
	for i, sr := range list {
		hint := t.Name + ".option" + strconv.Itoa(i+1)
		switch {
		case alone:
			hint = t.Name
		case sr.Value != nil && sr.Value.Title != "":
			hint = t.Name + "." + sr.Value.Title
		}
		vt := r.ref(sr, child(loc, kw, strconv.Itoa(i)), hint, true)
		v := &model.Variant{Type: vt}
		if sr.Ref != "" {
			v.Tags = []string{vt.Name}
		}
		t.Variants = append(t.Variants, v)
	}
	if s.Discriminator == nil {
		return
	}
	t.Discriminator = s.Discriminator.PropertyName
	if len(s.Discriminator.Mapping) == 0 {
		// Without a mapping the value is the schema's name, unless the
		// alternative fixes the property itself: then only that value can
		// select it.
		for _, v := range t.Variants {
			for _, f := range v.Type.Fields {
				if c, ok := f.Const.(string); ok && f.HasConst && f.Name == t.Discriminator {
					v.Tags = []string{c}
				}
			}
		}
		return
	}
	for _, v := range t.Variants {
		v.Tags = nil
	}
	tags := make([]string, 0, len(s.Discriminator.Mapping))
	for tag := range s.Discriminator.Mapping {
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	disc, _ := loc.get("discriminator")
	for _, tag := range tags {
		ref := s.Discriminator.Mapping[tag].Ref
		if !strings.Contains(ref, "#") && !strings.Contains(ref, "/") {
			ref = "#/components/schemas/" + ref // a bare name, as OpenAPI allows
		}
		tgt, ok := r.resolve(disc, ref)
		if !ok {
			continue
		}
		vt := r.memo[memoKey(tgt)]
		i := slices.IndexFunc(t.Variants, func(v *model.Variant) bool { return v.Type == vt })
		if i < 0 {
			r.p.errorf(disc.pos(), "discriminator mapping %q names %s, which is not one of the %s alternatives", tag, ref, kw)
			continue
		}
		t.Variants[i].Tags = append(t.Variants[i].Tags, tag)
	}
}

// child returns the node at a relative path, or a position-only stand-in.
func child(a at, toks ...string) at {
	cur := a
	for _, tok := range toks {
		next, ok := cur.get(tok)
		if !ok {
			if i, err := strconv.Atoi(tok); err == nil && cur.n != nil && cur.n.Kind == yaml.SequenceNode && i < len(cur.n.Content) {
				next = at{cur.f, cur.n.Content[i], cur.ptr + "/" + tok}
			} else {
				return at{a.f, a.n, a.ptr + "/" + strings.Join(toks, "/")}
			}
		}
		cur = next
	}
	return cur
}

func relPath(root, f *file) string {
	rel, err := relativeTo(root.abs, f.abs)
	if err != nil {
		return f.abs
	}
	return rel
}

func refNode(ref string) *yaml.Node { return mapNode("$ref", scalar(ref)) }

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func mapNode(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, scalar(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

// tuple reads draft 7's tuple form, items: [schemas], as a list of any
// JSON values: Go has no tuple type, and kin-openapi, which reads JSON
// Schema 2020-12's prefixItems instead, would refuse the list. The
// element schemas are checked all the same, and lint says what was lost.
func (r *schemaReader) tuple(v at, visited map[*yaml.Node]bool) {
	for _, it := range v.items() {
		r.checkShape(it, visited)
	}
	r.p.warnf(v.pos(), "tuple items (a list of %d schemas) are read as a list of any JSON values: Go has no tuple type, and the positions are not checked", len(v.n.Content))
	line, col := v.n.Line, v.n.Column
	*v.n = *mapNode()
	v.n.Line, v.n.Column = line, col
}

// checkShape reports schema keywords whose values have the wrong shape,
// at their own position, before kin-openapi reads them: its messages
// would name a line of the wrapper document, not of the spec. It also
// rewrites AsyncAPI 2's `discriminator: name` into the object form
// kin-openapi reads.
func (r *schemaReader) checkShape(a at, visited map[*yaml.Node]bool) {
	nullableRef(a)
	a, err := r.p.deref(a)
	if err != nil || a.n == nil || visited[a.n] {
		return
	}
	visited[a.n] = true
	if a.n.Kind != yaml.MappingNode {
		r.p.errorf(a.pos(), "a schema must be a mapping, not %s", kindName(a.n))
		return
	}
	want := func(v at, kind yaml.Kind, what string) bool {
		if v.n.Kind != kind {
			r.p.errorf(v.pos(), "%s, not %s", what, kindName(v.n))
			return false
		}
		return true
	}
	for _, kv := range a.pairs() {
		v := kv.v
		switch kv.key {
		case "properties", "patternProperties", "definitions", "$defs", "dependentSchemas":
			if want(v, yaml.MappingNode, kv.key+" must be a mapping of names to schemas") {
				for _, p := range v.pairs() {
					r.checkShape(p.v, visited)
				}
			}
		case "items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else", "additionalItems":
			if kv.key == "items" && v.n.Kind == yaml.SequenceNode {
				r.tuple(v, visited)
				continue
			}
			if v.n.Kind == yaml.ScalarNode && v.n.ShortTag() == "!!bool" && kv.key != "items" {
				continue
			}
			r.checkShape(v, visited)
		case "allOf", "oneOf", "anyOf", "prefixItems":
			if want(v, yaml.SequenceNode, kv.key+" must be a list of schemas") {
				for _, it := range v.items() {
					r.checkShape(it, visited)
				}
			}
		case "required", "enum", "examples":
			if want(v, yaml.SequenceNode, kv.key+" must be a list") && kv.key == "required" {
				for _, it := range v.items() {
					want(it, yaml.ScalarNode, "required must list property names")
				}
			}
		case "type":
			if v.n.Kind == yaml.SequenceNode {
				for _, it := range v.items() {
					want(it, yaml.ScalarNode, "type must list type names")
				}
			} else {
				want(v, yaml.ScalarNode, "type must be a type name or a list of them")
			}
		case "format", "pattern", "title", "description":
			want(v, yaml.ScalarNode, kv.key+" must be a string")
		case "discriminator":
			if v.n.Kind == yaml.ScalarNode {
				*v.n = *mapNode("propertyName", scalar(v.n.Value))
			}
		}
	}
}

// nullableRef rewrites a $ref beside nullable: true, OpenAPI 3.0's way of
// saying "this schema or null", into anyOf: [{$ref: ...}, {type: 'null'}],
// which says the same in JSON Schema; so is an allOf of one schema beside
// nullable: true, the other way OpenAPI 3.0 specs write it. kin-openapi
// resolves a $ref to its target and drops what is beside it, and checks
// allOf's part against null, so the null would be lost both in the types
// and in the validation of examples. The other keywords (a description)
// stay where they were.
func nullableRef(a at) {
	if a.n == nil || a.n.Kind != yaml.MappingNode {
		return
	}
	nullable, ok := a.get("nullable")
	if !ok || nullable.n.Value != "true" {
		return
	}
	for _, k := range []string{"type", "anyOf", "oneOf", "properties"} {
		if _, ok := a.get(k); ok {
			return
		}
	}
	var moved string
	var at0 *yaml.Node
	if ref, _, ok := refOf(a); ok {
		moved, at0 = "$ref", ref.n
	} else if all, ok := a.get("allOf"); ok && all.n.Kind == yaml.SequenceNode && len(all.n.Content) == 1 {
		moved, at0 = "allOf", all.n
	} else {
		return
	}
	pos := func(n *yaml.Node) *yaml.Node {
		n.Line, n.Column = at0.Line, at0.Column
		return n
	}
	var content []*yaml.Node
	for i := 0; i+1 < len(a.n.Content); i += 2 {
		switch a.n.Content[i].Value {
		case moved, "nullable":
			continue
		}
		content = append(content, a.n.Content[i], a.n.Content[i+1])
	}
	alts := pos(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{
		pos(mapNode(moved, at0)),
		pos(mapNode("type", pos(scalar("null")))),
	}})
	a.n.Content = append(content, pos(scalar("anyOf")), alts)
	delete(a.f.keys, a.n) // the mapping's key index is stale
}
