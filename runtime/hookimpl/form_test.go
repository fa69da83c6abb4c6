package hookimpl

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

var testForm = &Form{Fields: []FormField{
	{Name: "Count", Kind: FormNumber},
	{Name: "Flag", Kind: FormBool},
	{Name: "Media", Kind: FormString, List: true},
	{Name: "Ns", Kind: FormNumber, List: true},
	{Name: "payload", Kind: FormJSON},
}}

func TestFormToJSON(t *testing.T) {
	tests := []struct {
		form, want, err string
	}{
		{form: "Body=hello+world&Count=3&Flag=true", want: `{"Body":"hello world","Count":3,"Flag":true}`},
		{form: "Media=a&Media=b%26c&Ns=1&Ns=-2.5e3", want: `{"Media":["a","b\u0026c"],"Ns":[1,-2.5e3]}`},
		{form: "Media=one", want: `{"Media":["one"]}`},
		{form: "payload=%7B%22type%22%3A+%22block_actions%22%7D", want: `{"payload":{"type":"block_actions"}}`},
		{form: "Count=&Flag=&Body=", want: `{"Body":""}`}, // empty numbers and booleans are absent
		{form: "", want: `{}`},
		{form: "a=%E2%9C%93&&b", want: `{"a":"✓","b":""}`},
		{form: "Count=1&Count=2", err: "given 2 times"},
		{form: "X=1&X=2", err: "given 2 times"},
		{form: "Count=0x10", err: "not a number"},
		{form: "Count=01", err: "not a number"},
		{form: "Flag=yes", err: "not true or false"},
		{form: "payload=%7Bnope", err: "does not hold JSON"},
		{form: "a=%zz", err: "invalid URL escape"},
	}
	for _, tc := range tests {
		got, err := testForm.ToJSON([]byte(tc.form))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ToJSON(%q) = %s, %v; want an error with %q", tc.form, got, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("ToJSON(%q) = %s, %v; want %s", tc.form, got, err, tc.want)
		}
	}
}

func TestFormEncode(t *testing.T) {
	in := `{"Body":"hi there","Count":3,"Flag":false,"Media":["a","b"],"payload":{"type":"x","n":[1]},"Gone":null}`
	got, err := testForm.Encode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	const want = "Body=hi+there&Count=3&Flag=false&Media=a&Media=b&payload=%7B%22type%22%3A%22x%22%2C%22n%22%3A%5B1%5D%7D"
	if string(got) != want {
		t.Fatalf("Encode = %s\nwant     %s", got, want)
	}
	back, err := testForm.ToJSON(got)
	if err != nil {
		t.Fatal(err)
	}
	if w := `{"Body":"hi there","Count":3,"Flag":false,"Media":["a","b"],"payload":{"type":"x","n":[1]}}`; string(back) != w {
		t.Errorf("round trip = %s, want %s", back, w)
	}
	if _, err := testForm.Encode([]byte(`[1]`)); err == nil {
		t.Error("Encode of an array: no error")
	}
}

func TestFormDecode(t *testing.T) {
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	d := &webhook.Delivery{Header: h, Body: []byte("Count=2")}
	if err := testForm.Decode(d); err != nil {
		t.Fatal(err)
	}
	if string(d.Body) != `{"Count":2}` || d.Header.Get("Content-Type") != "application/json" {
		t.Errorf("decoded to %s, %s", d.Body, d.Header.Get("Content-Type"))
	}
	if h.Get("Content-Type") == "application/json" {
		t.Error("Decode changed the request's header")
	}
	// Decoded again (a handed-off delivery), it is the JSON it now is.
	if err := testForm.Decode(d); err != nil || string(d.Body) != `{"Count":2}` {
		t.Errorf("second Decode: %s, %v", d.Body, err)
	}
	j := &webhook.Delivery{Header: http.Header{}, Body: []byte(`{"a":1}`)}
	if err := testForm.Decode(j); err != nil || string(j.Body) != `{"a":1}` {
		t.Errorf("JSON without a Content-Type: %s, %v", j.Body, err)
	}
	only := &Form{Only: true}
	j = &webhook.Delivery{Body: []byte(`a=1`)}
	if err := only.Decode(j); err != nil || string(j.Body) != `{"a":"1"}` {
		t.Errorf("form-only channel without a Content-Type: %s, %v", j.Body, err)
	}
	bad := &webhook.Delivery{Header: h, Body: []byte("Count=x")}
	if err := testForm.Decode(bad); webhook.StatusOf(err) != http.StatusBadRequest {
		t.Errorf("malformed form: %v, status %d", err, webhook.StatusOf(err))
	}
}

// TestEndpointContentTypes checks which content types a channel accepts:
// the ones it declares, beside which a request is 415.
func TestEndpointContentTypes(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		form, only bool
		ct         string
		want       int
	}{
		{ct: "application/json", want: 200},
		{ct: form, want: 415},
		{form: true, ct: form, want: 200},
		{form: true, ct: form + "; charset=utf-8", want: 200},
		{form: true, ct: "application/json", want: 200},
		{form: true, only: true, ct: form, want: 200},
		{form: true, only: true, ct: "application/json", want: 415},
		{form: true, ct: "text/plain", want: 415},
	}
	for _, tc := range tests {
		e := &Endpoint{Channel: "/hook", Form: tc.form, FormOnly: tc.only, Dispatch: func(context.Context, *webhook.Delivery) error { return nil }}
		r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader("a=1"))
		r.Header.Set("Content-Type", tc.ct)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, r)
		if rec.Code != tc.want {
			t.Errorf("form %v, only %v, %s: status %d, want %d", tc.form, tc.only, tc.ct, rec.Code, tc.want)
		}
	}
}

// TestEndpointPublicURL checks that a verifier sees the configured public
// URL, the request's path and query after it, and never the Host header.
func TestEndpointPublicURL(t *testing.T) {
	var seen string
	v := verifierFunc(func(r *http.Request, _ []byte) error {
		seen = r.URL.String()
		return nil
	})
	for _, tc := range []struct{ public, want string }{
		{"https://hooks.example.com/base/", "https://hooks.example.com/base/hook?x=1"},
		{"", "/hook?x=1"},
	} {
		e := &Endpoint{Channel: "/hook", Verifier: v, PublicURL: tc.public, Dispatch: func(context.Context, *webhook.Delivery) error { return nil }}
		// An absolute request-target, as a client may send one.
		r := httptest.NewRequest(http.MethodPost, "http://evil.example/hook?x=1", strings.NewReader("{}"))
		e.ServeHTTP(httptest.NewRecorder(), r)
		if seen != tc.want {
			t.Errorf("public %q: verifier saw %q, want %q", tc.public, seen, tc.want)
		}
	}
}

type verifierFunc func(*http.Request, []byte) error

func (f verifierFunc) Verify(r *http.Request, body []byte) error { return f(r, body) }

func TestWithPublicURL(t *testing.T) {
	for _, u := range []string{"/hooks", "hooks.example.com", "https://h.example/?a=1"} {
		s := NewSettings(WithPublicURL(u), AllowUnauthenticated())
		if _, err := s.Verifier(nil); err == nil {
			t.Errorf("WithPublicURL(%q): no error", u)
		}
	}
	if s := NewSettings(WithPublicURL("https://h.example/base")); s.PublicURL != "https://h.example/base" {
		t.Errorf("PublicURL %q", s.PublicURL)
	}
}
