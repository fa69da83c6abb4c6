package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/hookgen/hookgen/runtime/hookimpl"
	"github.com/hookgen/hookgen/webhook"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

var (
	keyA = SigningKey{ID: "2025-01", Secret: []byte("A-0123456789abcdef0123456789abcdef")}
	keyB = SigningKey{ID: "2025-06", Secret: []byte("B-0123456789abcdef0123456789abcdef")}
)

// Client credentials with characters that RFC 6749 §2.3.1 form-encoding
// changes, to prove Basic decoding.
const (
	testClientID     = "retailer:connect 1"
	testClientSecret = "s3cr+t/=%&ü-0123456789abcdef0123456789"
	noscopeSecret    = "noscope+secret%zz-0123456789abcdef"
)

func testEndpoint(t *testing.T, mod func(*TokenEndpointConfig)) *TokenEndpoint {
	t.Helper()
	cfg := TokenEndpointConfig{
		Clients: []Client{
			{ID: testClientID, Secret: testClientSecret, Scopes: []string{"callbacks", "orders:read"}},
			{ID: "noscope", Secret: noscopeSecret},
		},
		Keys:     []SigningKey{keyA},
		Issuer:   "https://receiver.example",
		Audience: "https://receiver.example/hooks",
	}
	if mod != nil {
		mod(&cfg)
	}
	te, err := NewTokenEndpoint(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return te
}

// receiver mounts the token endpoint and a protected webhook route on a real
// loopback listener, as a receiver would.
func receiver(t *testing.T, te *TokenEndpoint, v webhook.Verifier) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/oauth/token", te)
	mux.Handle("/hooks", &hookimpl.Endpoint{Channel: "/hooks", Verifier: v, Dispatch: func(context.Context, *webhook.Delivery) error { return nil }})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func TestClientCredentialsFlow(t *testing.T) {
	te := testEndpoint(t, nil)
	srv := receiver(t, te, te.Verifier())
	styles := map[string]oauth2.AuthStyle{
		"auto-detect":         oauth2.AuthStyleAutoDetect,
		"client_secret_basic": oauth2.AuthStyleInHeader,
		"client_secret_post":  oauth2.AuthStyleInParams,
	}
	for name, style := range styles {
		t.Run(name, func(t *testing.T) {
			cc := clientcredentials.Config{
				ClientID:     testClientID,
				ClientSecret: testClientSecret,
				TokenURL:     srv.URL + "/oauth/token",
				Scopes:       []string{"callbacks"},
				AuthStyle:    style,
			}
			ctx := context.Background()
			tok, err := cc.Token(ctx)
			if err != nil {
				t.Fatalf("token: %v", err)
			}
			if tok.TokenType != "Bearer" || tok.Extra("expires_in") != float64(3600) || tok.Extra("scope") != "callbacks" ||
				time.Until(tok.Expiry) < 59*time.Minute {
				t.Fatalf("token response %+v scope=%v", tok, tok.Extra("scope"))
			}
			// The sender then calls the webhook with the token.
			resp, err := cc.Client(ctx).Post(srv.URL+"/hooks", "application/json", strings.NewReader(`{"event_name":"fulfillment.brand_new"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("webhook with token: %d", resp.StatusCode)
			}
			claims, err := te.VerifyToken(tok.AccessToken)
			if err != nil || claims.ClientID != testClientID || len(claims.Scopes) != 1 || claims.Scopes[0] != "callbacks" {
				t.Fatalf("claims %+v %v", claims, err)
			}
		})
	}
	t.Run("no token", func(t *testing.T) {
		resp, err := http.Post(srv.URL+"/hooks", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != "Bearer" {
			t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("wrong secret via the client library", func(t *testing.T) {
		cc := clientcredentials.Config{ClientID: testClientID, ClientSecret: "wrong", TokenURL: srv.URL + "/oauth/token"}
		_, err := cc.Token(context.Background())
		re, ok := errors.AsType[*oauth2.RetrieveError](err)
		if !ok || re.ErrorCode != InvalidClient {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("scope not allowed via the client library", func(t *testing.T) {
		cc := clientcredentials.Config{ClientID: testClientID, ClientSecret: testClientSecret, TokenURL: srv.URL + "/oauth/token", Scopes: []string{"admin"}}
		_, err := cc.Token(context.Background())
		re, ok := errors.AsType[*oauth2.RetrieveError](err)
		if !ok || re.ErrorCode != InvalidScope {
			t.Fatalf("got %v", err)
		}
	})
}

func issueToken(t *testing.T, te *TokenEndpoint, form url.Values) string {
	t.Helper()
	rec := postToken(te, form, testClientID, testClientSecret)
	if rec.Code != http.StatusOK {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	var resp struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	return resp.AccessToken
}

// postToken sends a token request with client_secret_basic (form-encoded
// credentials, as RFC 6749 §2.3.1 says) when id is set.
func postToken(te *TokenEndpoint, form url.Values, id, secret string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	rec := httptest.NewRecorder()
	te.ServeHTTP(rec, r)
	return rec
}

func oauthErr(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d (%s)", rec.Code, status, rec.Body)
	}
	var body struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error != code {
		t.Fatalf("body %s, want error %q", rec.Body, code)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatal("error response without Cache-Control: no-store")
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("Content-Type %q", rec.Header().Get("Content-Type"))
	}
}

var ccForm = url.Values{"grant_type": {"client_credentials"}}

func TestTokenEndpointResponse(t *testing.T) {
	te := testEndpoint(t, nil)
	rec := postToken(te, ccForm, testClientID, testClientSecret)
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Pragma") != "no-cache" {
		t.Fatalf("cache headers %v", rec.Header())
	}
	var resp map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	if resp["token_type"] != "Bearer" || resp["expires_in"] != float64(3600) || resp["access_token"] == "" {
		t.Fatalf("response %v", resp)
	}
	// No scope requested: the client's allowed scopes are granted.
	if resp["scope"] != "callbacks orders:read" {
		t.Fatalf("default scope %v", resp["scope"])
	}
	// A client without scopes gets a token without scope.
	rec = postToken(te, ccForm, "noscope", noscopeSecret)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "scope") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	// The token is a JWT with the documented claims.
	tok, err := jwt.ParseSigned(resp["access_token"].(string), []jose.SignatureAlgorithm{jose.HS256})
	if err != nil {
		t.Fatal(err)
	}
	var c jwt.Claims
	if err := tok.Claims(keyA.Secret, &c); err != nil {
		t.Fatal(err)
	}
	if c.Issuer != "https://receiver.example" || !c.Audience.Contains("https://receiver.example/hooks") || c.Subject != testClientID || c.ID == "" {
		t.Fatalf("claims %+v", c)
	}
	if tok.Headers[0].KeyID != keyA.ID {
		t.Fatalf("kid %q", tok.Headers[0].KeyID)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	te := testEndpoint(t, nil)
	t.Run("wrong secret, basic", func(t *testing.T) {
		rec := postToken(te, ccForm, testClientID, "wrong")
		oauthErr(t, rec, http.StatusUnauthorized, InvalidClient)
		if got := rec.Header().Get("WWW-Authenticate"); got != `Basic realm="token"` {
			t.Fatalf("WWW-Authenticate %q", got)
		}
	})
	t.Run("unknown client, basic", func(t *testing.T) {
		oauthErr(t, postToken(te, ccForm, "nobody", testClientSecret), http.StatusUnauthorized, InvalidClient)
	})
	t.Run("secret of another client", func(t *testing.T) {
		oauthErr(t, postToken(te, ccForm, "noscope", testClientSecret), http.StatusUnauthorized, InvalidClient)
	})
	t.Run("wrong secret, post", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {"wrong"}}
		rec := postToken(te, form, "", "")
		oauthErr(t, rec, http.StatusBadRequest, InvalidClient)
		if rec.Header().Get("WWW-Authenticate") != "" {
			t.Fatal("challenge on client_secret_post failure")
		}
	})
	t.Run("no client authentication", func(t *testing.T) {
		rec := postToken(te, ccForm, "", "")
		oauthErr(t, rec, http.StatusUnauthorized, InvalidClient)
		if rec.Header().Get("WWW-Authenticate") == "" {
			t.Fatal("401 without challenge")
		}
	})
	t.Run("bearer instead of basic", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(ccForm.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Authorization", "Bearer x")
		rec := httptest.NewRecorder()
		te.ServeHTTP(rec, r)
		oauthErr(t, rec, http.StatusUnauthorized, InvalidClient)
	})
	t.Run("two authentication methods", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {testClientSecret}}
		oauthErr(t, postToken(te, form, testClientID, testClientSecret), http.StatusBadRequest, InvalidRequest)
	})
	t.Run("client_id disagrees with Basic", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"noscope"}}
		oauthErr(t, postToken(te, form, testClientID, testClientSecret), http.StatusBadRequest, InvalidRequest)
	})
	t.Run("unsupported grant type", func(t *testing.T) {
		for _, g := range []string{"password", "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer"} {
			oauthErr(t, postToken(te, url.Values{"grant_type": {g}}, testClientID, testClientSecret), http.StatusBadRequest, UnsupportedGrantType)
		}
	})
	t.Run("missing grant type", func(t *testing.T) {
		oauthErr(t, postToken(te, url.Values{}, testClientID, testClientSecret), http.StatusBadRequest, InvalidRequest)
	})
	t.Run("repeated parameter", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials", "client_credentials"}}
		oauthErr(t, postToken(te, form, testClientID, testClientSecret), http.StatusBadRequest, InvalidRequest)
	})
	t.Run("grant type in the query only", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/?grant_type=client_credentials", strings.NewReader(""))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth(url.QueryEscape(testClientID), url.QueryEscape(testClientSecret))
		rec := httptest.NewRecorder()
		te.ServeHTTP(rec, r)
		oauthErr(t, rec, http.StatusBadRequest, InvalidRequest)
	})
	t.Run("scope outside the allowed list", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {"callbacks admin"}}
		oauthErr(t, postToken(te, form, testClientID, testClientSecret), http.StatusBadRequest, InvalidScope)
	})
	t.Run("any scope for a client without scopes", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {"callbacks"}}
		oauthErr(t, postToken(te, form, "noscope", noscopeSecret), http.StatusBadRequest, InvalidScope)
	})
	t.Run("GET", func(t *testing.T) {
		rec := httptest.NewRecorder()
		te.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?grant_type=client_credentials", nil))
		oauthErr(t, rec, http.StatusMethodNotAllowed, InvalidRequest)
		if rec.Header().Get("Allow") != http.MethodPost {
			t.Fatal("no Allow header")
		}
	})
	t.Run("JSON body", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"grant_type":"client_credentials"}`))
		r.Header.Set("Content-Type", "application/json")
		r.SetBasicAuth(url.QueryEscape(testClientID), url.QueryEscape(testClientSecret))
		rec := httptest.NewRecorder()
		te.ServeHTTP(rec, r)
		oauthErr(t, rec, http.StatusBadRequest, InvalidRequest)
	})
	t.Run("oversized body", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "pad": {strings.Repeat("x", tokenFormLimit)}}
		oauthErr(t, postToken(te, form, testClientID, testClientSecret), http.StatusBadRequest, InvalidRequest)
	})
	t.Run("scope subset granted", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {"orders:read orders:read"}}
		rec := postToken(te, form, testClientID, testClientSecret)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"scope":"orders:read"`) {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	})
	t.Run("unencoded basic credentials still work", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(ccForm.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth("noscope", noscopeSecret)
		rec := httptest.NewRecorder()
		te.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	})
}

func TestTokenVerifierAcrossInstancesAndTime(t *testing.T) {
	clock := newClock(time.Unix(1_750_000_000, 0))
	issuer := testEndpoint(t, func(c *TokenEndpointConfig) { c.Now = clock.Now; c.TTL = 10 * time.Minute })
	tok := issueToken(t, issuer, ccForm)
	req := func() *http.Request { return bearerReq(tok) }

	// Another replica with the same keys, no shared state.
	replica := testEndpoint(t, func(c *TokenEndpointConfig) { c.Now = clock.Now })
	if err := replica.Verifier().Verify(req(), nil); err != nil {
		t.Fatalf("replica rejected: %v", err)
	}
	// A replica that rotated: new key first, old key still verifying.
	rotated := testEndpoint(t, func(c *TokenEndpointConfig) { c.Now = clock.Now; c.Keys = []SigningKey{keyB, keyA} })
	if err := rotated.Verifier().Verify(req(), nil); err != nil {
		t.Fatalf("rotated replica rejected an old-key token: %v", err)
	}
	newTok := issueToken(t, rotated, ccForm)
	mustContain(t, issuer.Verifier().Verify(bearerReq(newTok), nil), "unknown kid")
	// Other keys, other audience: rejected.
	otherKeys := testEndpoint(t, func(c *TokenEndpointConfig) { c.Now = clock.Now; c.Keys = []SigningKey{keyB} })
	mustContain(t, otherKeys.Verifier().Verify(req(), nil), "unknown kid")
	sameKidOtherSecret := testEndpoint(t, func(c *TokenEndpointConfig) {
		c.Now = clock.Now
		c.Keys = []SigningKey{{ID: keyA.ID, Secret: keyB.Secret}}
	})
	mustContain(t, sameKidOtherSecret.Verifier().Verify(req(), nil), "bad signature")
	otherAud := testEndpoint(t, func(c *TokenEndpointConfig) { c.Now = clock.Now; c.Audience = "https://receiver.example/other" })
	mustContain(t, otherAud.Verifier().Verify(req(), nil), "claims rejected")
	// A removed client's tokens stop working.
	revoked := testEndpoint(t, func(c *TokenEndpointConfig) { c.Now = clock.Now; c.Clients = c.Clients[1:] })
	mustContain(t, revoked.Verifier().Verify(req(), nil), "no longer configured")

	// Scopes.
	if err := issuer.ScopedVerifier("callbacks").Verify(req(), nil); err != nil {
		t.Fatal(err)
	}
	mustContain(t, issuer.ScopedVerifier("admin").Verify(req(), nil), "missing scope")

	// Expiry (TTL 10 min, 30 s leeway).
	clock.Advance(10*time.Minute + 20*time.Second)
	if err := replica.Verifier().Verify(req(), nil); err != nil {
		t.Fatalf("within leeway: %v", err)
	}
	clock.Advance(20 * time.Second)
	err := replica.Verifier().Verify(req(), nil)
	mustContain(t, err, "claims rejected")
	if !errors.Is(err, jwt.ErrExpired) {
		t.Fatalf("want jwt.ErrExpired cause: %v", err)
	}
}

func TestTokenVerifierForgeries(t *testing.T) {
	clock := newClock(time.Now())
	te := testEndpoint(t, func(c *TokenEndpointConfig) { c.Now = clock.Now })
	v := te.Verifier()
	now := clock.Now()
	std := jwt.Claims{
		Issuer: "https://receiver.example", Subject: testClientID,
		Audience: jwt.Audience{"https://receiver.example/hooks"},
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Hour)),
	}
	extra := tokenClaims{ClientID: testClientID}
	sign := func(key []byte, kid, typ string, claims ...any) string {
		opts := &jose.SignerOptions{}
		if typ != "" {
			opts = opts.WithType(jose.ContentType(typ))
		}
		s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: key}, opts.WithHeader("kid", kid))
		if err != nil {
			t.Fatal(err)
		}
		b := jwt.Signed(s)
		for _, c := range claims {
			b = b.Claims(c)
		}
		raw, err := b.Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	// The genuine article, built by hand, passes: the checks below fail for
	// the reason they name, not by accident.
	if err := v.Verify(bearerReq(sign(keyA.Secret, keyA.ID, "at+jwt", std, extra)), nil); err != nil {
		t.Fatalf("hand-built valid token: %v", err)
	}
	forged := map[string]string{
		"guessed key":         sign([]byte("guess-guess-guess-guess-guess-guess"), keyA.ID, "at+jwt", std, extra),
		"no typ":              sign(keyA.Secret, keyA.ID, "", std, extra),
		"id token typ":        sign(keyA.Secret, keyA.ID, "JWT", std, extra),
		"no client_id":        sign(keyA.Secret, keyA.ID, "at+jwt", std),
		"client_id ≠ sub":     sign(keyA.Secret, keyA.ID, "at+jwt", std, tokenClaims{ClientID: "noscope"}),
		"no exp":              sign(keyA.Secret, keyA.ID, "at+jwt", jwt.Claims{Issuer: std.Issuer, Subject: std.Subject, Audience: std.Audience}, extra),
		"alg none":            "eyJhbGciOiJub25lIiwia2lkIjoiMjAyNS0wMSIsInR5cCI6ImF0K2p3dCJ9." + strings.Split(sign(keyA.Secret, keyA.ID, "at+jwt", std, extra), ".")[1] + ".",
		"truncated signature": func() string { g := sign(keyA.Secret, keyA.ID, "at+jwt", std, extra); return g[:len(g)-5] }(),
		"no kid":              sign(keyA.Secret, "", "at+jwt", std, extra),
		"not a jwt":           "opaque-token",
		"wrong issuer":        sign(keyA.Secret, keyA.ID, "at+jwt", jwt.Claims{Issuer: "x", Subject: std.Subject, Audience: std.Audience, Expiry: std.Expiry}, extra),
	}
	for name, tok := range forged {
		t.Run(name, func(t *testing.T) {
			mustUnauthorized(t, v.Verify(bearerReq(tok), nil))
		})
	}
	// Tampering with the payload of a genuine token breaks the signature.
	genuine := issueToken(t, te, ccForm)
	parts := strings.Split(genuine, ".")
	otherPayload := strings.Split(sign(keyB.Secret, keyA.ID, "at+jwt", jwt.Claims{Issuer: std.Issuer, Subject: "noscope", Audience: std.Audience, Expiry: std.Expiry}, tokenClaims{ClientID: "noscope", Scope: "admin"}), ".")[1]
	mustContain(t, v.Verify(bearerReq(parts[0]+"."+otherPayload+"."+parts[2]), nil), "bad signature")
}

func TestNewTokenEndpointConfigErrors(t *testing.T) {
	good := func() TokenEndpointConfig {
		return TokenEndpointConfig{Clients: []Client{{ID: "a", Secret: strings.Repeat("b", 32)}}, Keys: []SigningKey{keyA}}
	}
	cases := []struct {
		mod  func(*TokenEndpointConfig)
		want string
	}{
		{func(c *TokenEndpointConfig) { c.Clients = nil }, "at least one client"},
		{func(c *TokenEndpointConfig) { c.Clients[0].Secret = "" }, "ID and Secret"},
		{func(c *TokenEndpointConfig) { c.Clients = append(c.Clients, c.Clients[0]) }, "twice"},
		{func(c *TokenEndpointConfig) { c.Clients[0].Secret = "1234" }, `client "a": secret is 4 bytes, want at least 32`},
		{func(c *TokenEndpointConfig) { c.Clients[0].Secret = strings.Repeat("b", 31) }, `client "a": secret is 31 bytes, want at least 32`},
		{func(c *TokenEndpointConfig) { c.ClientLimit.Burst = -1 }, "ClientLimit"},
		{func(c *TokenEndpointConfig) { c.AddrLimit.Every = -time.Second }, "AddrLimit"},
		{func(c *TokenEndpointConfig) { c.MaxAddrs = -1 }, "MaxAddrs"},
		{func(c *TokenEndpointConfig) { c.Clients[0].Scopes = []string{"has space"} }, "invalid scope"},
		{func(c *TokenEndpointConfig) { c.Keys = nil }, "at least one signing key"},
		{func(c *TokenEndpointConfig) { c.Keys = []SigningKey{{ID: "", Secret: keyA.Secret}} }, "no ID"},
		{func(c *TokenEndpointConfig) { c.Keys = []SigningKey{keyA, keyA} }, "used twice"},
		{func(c *TokenEndpointConfig) { c.Keys = []SigningKey{{ID: "k", Secret: []byte("short")}} }, "at least 32"},
		{func(c *TokenEndpointConfig) { c.TTL = time.Millisecond }, "under 1s"},
	}
	for _, c := range cases {
		cfg := good()
		c.mod(&cfg)
		_, err := NewTokenEndpoint(cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	te, err := NewTokenEndpoint(good())
	if err != nil {
		t.Fatal(err)
	}
	if te.ttl != DefaultTokenTTL || te.issuer != DefaultTokenIssuer || te.audience != DefaultTokenAudience {
		t.Fatalf("defaults %v %q %q", te.ttl, te.issuer, te.audience)
	}
}
