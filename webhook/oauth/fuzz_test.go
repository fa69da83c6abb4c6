package oauth

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// fuzzClientSecret is the token endpoint's client secret in the fuzz test.
const fuzzClientSecret = "fuzz-secret-0123456789abcdef0123456789"

func FuzzTokenEndpoint(f *testing.F) {
	te, err := NewTokenEndpoint(TokenEndpointConfig{
		Clients: []Client{{ID: "client", Secret: fuzzClientSecret, Scopes: []string{"a"}}},
		Keys:    []SigningKey{keyA},
		// Failure limits out of the way, so every input reaches the parser.
		ClientLimit: FailureLimit{Burst: 1 << 30, Every: time.Nanosecond},
		AddrLimit:   FailureLimit{Burst: 1 << 30, Every: time.Nanosecond},
	})
	if err != nil {
		f.Fatal(err)
	}
	genuine := ""
	{
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("grant_type=client_credentials"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth("client", fuzzClientSecret)
		te.ServeHTTP(rec, r)
		var resp struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.AccessToken == "" {
			f.Fatalf("no token: %s", rec.Body)
		}
		genuine = resp.AccessToken
	}
	f.Add("grant_type=client_credentials&client_id=client&client_secret="+fuzzClientSecret, "", "Bearer x")
	f.Add("grant_type=client_credentials&scope=a+b", basicHeader("client", fuzzClientSecret), "Bearer "+genuine)
	f.Add("grant_type=%zz", "Basic %%%", "Bearer eyJhbGciOiJub25lIn0.e30.")
	f.Add("grant_type=password&grant_type=x", basicHeader("client:", ":secret"), "Bearer a.b.c")
	f.Fuzz(func(t *testing.T, form, authz, bearer string) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header["Authorization"] = []string{authz}
		te.ServeHTTP(rec, r)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized:
		default:
			t.Fatalf("status %d", rec.Code)
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatal("no Cache-Control")
		}
		vr := httptest.NewRequest(http.MethodPost, "/", nil)
		vr.Header["Authorization"] = []string{bearer}
		if err := te.Verifier().Verify(vr, nil); err != nil && !errors.Is(err, webhook.ErrUnauthorized) {
			t.Fatalf("error %v does not wrap ErrUnauthorized", err)
		}
	})
}
