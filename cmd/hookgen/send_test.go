package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSendAPIKeyAndUnnamedExamples: -api-key puts the key where the spec's
// httpApiKey scheme says, and examples without a name are numbered.
func TestSendAPIKeyAndUnnamedExamples(t *testing.T) {
	t.Parallel()
	spec := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(spec, []byte(`asyncapi: 2.6.0
info: {title: T, version: '1'}
servers:
  r: {url: 'https://r.test', protocol: https, security: [{key: []}]}
channels:
  /hook:
    publish:
      message:
        name: Ping
        payload: {type: object, properties: {n: {type: integer}}}
        examples: [{payload: {n: 1}}, {payload: {n: 2}}]
components:
  securitySchemes:
    key: {type: httpApiKey, name: X-Api-Key, in: header}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.Path+" "+r.Header.Get("X-Api-Key"))
		if r.Header.Get("X-Api-Key") != "k-123" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-api-key", "k-123")
	if r.code != 0 || !strings.Contains(r.stdout, "Ping/#2 -> 200 OK") {
		t.Fatalf("send: %v", r)
	}
	if len(got) != 2 || got[0] != "/hook k-123" {
		t.Errorf("requests: %v", got)
	}
	if r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-api-key", "wrong"); r.code != 1 || !strings.Contains(r.stdout, "401") {
		t.Errorf("wrong key: %v", r)
	}
}
