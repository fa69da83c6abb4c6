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
