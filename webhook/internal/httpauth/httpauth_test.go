package httpauth

import (
	"encoding/base64"
	"testing"
)

func TestParseBasic(t *testing.T) {
	u, p, ok := ParseBasic("Basic " + base64.StdEncoding.EncodeToString([]byte("a:b:c")))
	if !ok || u != "a" || p != "b:c" {
		t.Fatalf("got %q %q %v (split must be at the first colon)", u, p, ok)
	}
	for _, h := range []string{"", "Basic", "Basicxyz", "Digest abc", "Basic a b"} {
		if _, _, ok := ParseBasic(h); ok {
			t.Errorf("%q parsed", h)
		}
	}
}

func TestQuoteParam(t *testing.T) {
	if got, want := QuoteParam("a\"b\\c\x00d"), `"a\"b\\cd"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
