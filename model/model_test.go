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
