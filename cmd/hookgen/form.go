package main

import (
	"mime"
	"slices"
	"strings"

	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/runtime/hookimpl"
)

// formKinds are the hookimpl.FormKind of each model.FormValue.
var formKinds = map[model.FormValue]hookimpl.FormKind{
	model.FormString: hookimpl.FormString, model.FormNumber: hookimpl.FormNumber, model.FormBool: hookimpl.FormBool, model.FormJSON: hookimpl.FormJSON,
}

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
		v, list := model.FormField(fl.Type)
		f.Fields = append(f.Fields, hookimpl.FormField{Name: fl.Name, Kind: formKinds[v], List: list})
	}
	slices.SortFunc(f.Fields, func(a, b hookimpl.FormField) int { return strings.Compare(a.Name, b.Name) })
	return f
}
