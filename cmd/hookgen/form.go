package main

import (
	"mime"
	"slices"
	"strings"

	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/runtime/hookimpl"
)

// formOf returns the form a message is sent as, as the generated
// package's test kit builds it; nil for a message that is no form.
func formOf(m *model.Message) *hookimpl.Form {
	if mt, _, err := mime.ParseMediaType(m.ContentType); err != nil || mt != hookimpl.FormType {
		return nil
	}
	f := &hookimpl.Form{}
	if m.Payload == nil {
		return f
	}
	t := m.Payload
	if of := t.NullableOf(); of != nil {
		t = of
	}
	for _, fl := range t.Fields {
		kind, list := formKind(fl.Type)
		f.Fields = append(f.Fields, hookimpl.FormField{Name: fl.Name, Kind: kind, List: list})
	}
	slices.SortFunc(f.Fields, func(a, b hookimpl.FormField) int { return strings.Compare(a.Name, b.Name) })
	return f
}

// formKind is how a field of type t is written in a form.
func formKind(t *model.Type) (hookimpl.FormKind, bool) {
	if of := t.NullableOf(); of != nil {
		t = of
	}
	if t.HoldsJSON() {
		return hookimpl.FormJSON, false
	}
	switch t.Kind {
	case model.Array:
		if t.Elem != nil {
			k, _ := formKind(t.Elem)
			return k, true
		}
	case model.Integer, model.Number:
		return hookimpl.FormNumber, false
	case model.Bool:
		return hookimpl.FormBool, false
	}
	return hookimpl.FormString, false
}
