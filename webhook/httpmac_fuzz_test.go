package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzMACAuthorization feeds hostile Authorization and Host values to
// macAuthorizationParams and HTTPMAC.Verify. The properties: no panic; every
// failure wraps ErrUnauthorized, and reports missing credentials only when
// the header is blank or of another scheme; the parser's limits hold and
// its output re-serializes to the same parameters; and an accepted request
// carries the MAC an independent computation gives.
func FuzzMACAuthorization(f *testing.F) {
	const (
		secret = "fuzz-secret"
		nonce  = "264095:dj83hs9s"
	)
	body := []byte(`{"event_type":"DRIVER_ASSIGNED"}`)
	bh := bodyHashOf(sha256.New, string(body))
	genuine := macAuth("id", "k", "nonce", nonce, "bodyhash", bh, "mac",
		macOf(sha256.New, secret, macNormalized(nonce, "POST", "/hook?a=1", "receiver.test", "443", bh, "")))
	seeds := []string{
		genuine,
		`MAC id="h480djs93hd8", nonce="264095:dj83hs9s", mac="SLDJd4mg43cjQfElUs3Qub4L6xE="`,
		`mac  id = "k" ,	nonce="n", bodyhash="", ext="a \"b\" \\c", mac="AAAA"`,
		`MAC id="k",id="k"`,
		`MAC id="k`,
		`MAC id="k\`,
		`MAC id=k`,
		`MAC id="k",`,
		`MAC ,,,`,
		"MAC id=\"a\x00b\"",
		"MAC " + strings.Repeat(`p="v",`, 20) + `q="v"`,
		"MAC id=\"" + strings.Repeat("x", 5000) + "\"",
		"Basic dXNlcjpwYXNz",
		"Bearer x",
		"MAC",
		"",
	}
	for _, s := range seeds {
		f.Add(s, "receiver.test", body)
	}
	f.Add(genuine, "Receiver.Test:443", body)
	f.Add(genuine, "[::1]:8080", []byte{})
	f.Add(genuine, "a:b:c", body)
	f.Add(genuine, "", body)

	// Any age passes, and verifyFresh forgets spent nonces: this is about
	// the header and the MAC.
	issued, anyAge := time.Now(), 100*365*24*time.Hour
	keys := []MACKey{{ID: "k", Secret: []byte(secret), IssuedAt: issued}, {ID: "h480djs93hd8", Secret: []byte("489dks293j39"), IssuedAt: issued}}
	fromRequest, err := NewHTTPMAC(HTTPMACConfig{Keys: keys, Tolerance: anyAge})
	if err != nil {
		f.Fatal(err)
	}
	fixed, err := NewHTTPMAC(HTTPMACConfig{Keys: keys, Host: "receiver.test", Port: "443", Tolerance: anyAge})
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, header, host string, body []byte) {
		params, ok := macAuthorizationParams(header)
		if ok {
			checkMACParams(t, header, params)
		} else if params != nil {
			t.Fatalf("params %v with ok=false", params)
		}

		for _, m := range []*HTTPMAC{fromRequest, fixed} {
			r := httptest.NewRequest(http.MethodPost, "https://receiver.test/hook?a=1", nil)
			r.Header["Authorization"] = []string{header}
			r.Host = host
			err := verifyFresh(m, r, body)
			if err != nil {
				mustUnauthorized(t, err)
				blank := strings.TrimSpace(header) == ""
				scheme, _, _ := strings.Cut(strings.Trim(header, " \t"), " ")
				scheme, _, _ = strings.Cut(scheme, "\t")
				other := !blank && !strings.EqualFold(scheme, "MAC")
				if errors.Is(err, ErrNoCredentials) != (blank || other) {
					t.Fatalf("ErrNoCredentials=%v for %q: %v", errors.Is(err, ErrNoCredentials), header, err)
				}
				continue
			}
			if !ok {
				t.Fatalf("accepted a header the parser rejects: %q", header)
			}
			if m == fixed {
				secret := keys[0].Secret
				if params["id"] != "k" {
					secret = keys[1].Secret
				}
				mac := hmac.New(sha256.New, secret)
				mac.Write([]byte(macNormalized(params["nonce"], "POST", "/hook?a=1", "receiver.test", "443", params["bodyhash"], params["ext"])))
				got, _ := decodeBase64(base64.StdEncoding, params["mac"])
				if !hmac.Equal(got, mac.Sum(nil)) {
					t.Fatalf("accepted %q with a MAC an independent computation rejects", header)
				}
			}
		}
		// The genuine header passes with the genuine body whatever the
		// fixed verifier is handed as Host.
		if header == genuine && string(body) == `{"event_type":"DRIVER_ASSIGNED"}` {
			r := httptest.NewRequest(http.MethodPost, "https://receiver.test/hook?a=1", nil)
			r.Header.Set("Authorization", header)
			r.Host = host
			if err := verifyFresh(fixed, r, body); err != nil {
				t.Fatalf("genuine request rejected with Host %q: %v", host, err)
			}
		}
	})
}

// checkMACParams checks the parser's limits on an accepted header and that
// its parameters, quoted again, parse to the same map.
func checkMACParams(t *testing.T, header string, params map[string]string) {
	t.Helper()
	if len(header) > macMaxHeader {
		t.Fatalf("accepted a %d-byte header", len(header))
	}
	if len(params) == 0 || len(params) > macMaxParams {
		t.Fatalf("%d parameters", len(params))
	}
	var parts []string
	for name, value := range params {
		if name == "" || !macValidMethod(name) { // a token, like a method
			t.Fatalf("parameter name %q is not a token", name)
		}
		for i := 0; i < len(value); i++ {
			if c := value[i]; (c < 0x20 && c != '\t') || c == 0x7f {
				t.Fatalf("control character %#x in %s", c, name)
			}
		}
		quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value)
		parts = append(parts, name+`="`+quoted+`"`)
	}
	again, ok := macAuthorizationParams("MAC " + strings.Join(parts, ","))
	if !ok || len(again) != len(params) {
		t.Fatalf("re-serialized %v does not parse back: %v", params, again)
	}
	for k, v := range params {
		if again[k] != v {
			t.Fatalf("%s: %q came back as %q", k, v, again[k])
		}
	}
}
