package model

import "testing"

func TestFillParams(t *testing.T) {
	fill := func(name string) string { return "<" + name + ">" }
	for in, want := range map[string]string{
		"/orders/{orderId}/items/{itemId}": "/orders/<orderId>/items/<itemId>",
		"/webhook":                         "/webhook",
		"/broken/{open":                    "/broken/{open",
		"/}odd{x}":                         "/}odd<x>",
	} {
		if got := FillParams(in, fill); got != want {
			t.Errorf("FillParams(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestServePath(t *testing.T) {
	for name, want := range map[string]string{
		"hooks":                          "/hooks",
		"/hooks/{id}":                    "/hooks/{id}",
		"https://example.com/books/{id}": "/books/{id}",
		"https://example.com":            "/",
		"user/signedup":                  "/user/signedup",
	} {
		if got := ServePath(name); got != want {
			t.Errorf("ServePath(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestNullableOf(t *testing.T) {
	x := &Type{Kind: Object, Name: "X"}
	null := &Type{Kind: Any, Nullable: true}
	union := func(vs ...*Type) *Type {
		u := &Type{Kind: Union}
		for _, v := range vs {
			u.Variants = append(u.Variants, &Variant{Type: v})
		}
		return u
	}
	for _, c := range []struct {
		name string
		t    *Type
		want *Type
	}{
		{"X or null", union(x, null), x},
		{"null or X", union(null, x), x},
		{"X or null twice", union(null, x, null), x},
		{"X alone", union(x), nil},
		{"X or Y or null", union(x, &Type{Kind: String}, null), nil},
		{"null alone", union(null), nil},
		{"a nullable X, no union", &Type{Kind: Object, Nullable: true}, nil},
		{"X or a nullable string", union(x, &Type{Kind: Any, Nullable: true, Kinds: []Kind{String}}), nil},
		{"nil", nil, nil},
	} {
		if got := c.t.NullableOf(); got != c.want {
			t.Errorf("%s: NullableOf() = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestIsJSONMediaType(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json": true, "application/json; charset=utf-8": true, "application/vnd.api+json": true,
		"text/plain": false, "application/x-www-form-urlencoded": false, "": false, "text/+json": false,
	} {
		if got := IsJSONMediaType(ct); got != want {
			t.Errorf("IsJSONMediaType(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestFormField(t *testing.T) {
	str, num := &Type{Kind: String}, &Type{Kind: Integer}
	for _, c := range []struct {
		t    *Type
		v    FormValue
		list bool
	}{
		{str, FormString, false}, {num, FormNumber, false}, {&Type{Kind: Bool}, FormBool, false},
		{&Type{Kind: String, ContentMediaType: "application/json"}, FormJSON, false},
		{&Type{Kind: Array, Elem: num}, FormNumber, true},
	} {
		if v, list := FormField(c.t); v != c.v || list != c.list {
			t.Errorf("FormField(%v) = %v, %v; want %v, %v", c.t.Kind, v, list, c.v, c.list)
		}
	}
}
