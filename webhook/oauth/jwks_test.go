package oauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// jwksServer serves a mutable key set over a real loopback listener and
// counts fetches.
type jwksServer struct {
	*httptest.Server
	mu     sync.Mutex
	keys   []jose.JSONWebKey
	status int
	hits   atomic.Int32
}

func newJWKSServer(t *testing.T, keys ...jose.JSONWebKey) *jwksServer {
	s := &jwksServer{keys: keys, status: http.StatusOK}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.status != http.StatusOK {
			w.WriteHeader(s.status)
			return
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: s.keys})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(keys ...jose.JSONWebKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = keys
}

func (s *jwksServer) setStatus(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = code
}

// testKey is a private key with its kid and algorithm.
type testKey struct {
	kid  string
	alg  jose.SignatureAlgorithm
	priv any
}

func (k testKey) public() jose.JSONWebKey {
	jwk := jose.JSONWebKey{Key: k.priv, KeyID: k.kid, Algorithm: string(k.alg), Use: "sig"}
	return jwk.Public()
}

func (k testKey) sign(t *testing.T, claims any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: k.alg, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.kid}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func genRSA(t *testing.T, kid string) testKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, alg: jose.RS256, priv: k}
}

func genEC(t *testing.T, kid string) testKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, alg: jose.ES256, priv: k}
}

const (
	testIssuer   = "https://idp.example"
	testAudience = "https://receiver.example/hooks"
)

func claimsAt(now time.Time) jwt.Claims {
	return jwt.Claims{
		Issuer:    testIssuer,
		Subject:   "sender",
		Audience:  jwt.Audience{testAudience},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		Expiry:    jwt.NewNumericDate(now.Add(10 * time.Minute)),
	}
}

func bearerReq(tok string) *http.Request {
	return newReq("{}", "Authorization", "Bearer "+tok)
}

func TestJWKSBearer(t *testing.T) {
	rsaKey, ecKey := genRSA(t, "rsa-1"), genEC(t, "ec-1")
	srv := newJWKSServer(t, rsaKey.public(), ecKey.public())
	clock := newClock(time.Now().Truncate(time.Second))
	v, err := NewJWKSBearer(JWKSConfig{
		URL: srv.URL, Issuer: testIssuer, Audience: testAudience,
		Client: srv.Client(), Now: clock.Now, Leeway: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if srv.hits.Load() != 0 {
		t.Fatal("keys fetched eagerly")
	}
	now := clock.Now()

	for _, k := range []testKey{rsaKey, ecKey} {
		if err := v.Verify(bearerReq(k.sign(t, claimsAt(now))), nil); err != nil {
			t.Fatalf("%s: %v", k.kid, err)
		}
	}
	if got := srv.hits.Load(); got != 1 {
		t.Fatalf("%d fetches, want 1 (cached)", got)
	}
	c, err := v.VerifyToken(context.Background(), rsaKey.sign(t, claimsAt(now)))
	if err != nil || c.Subject != "sender" {
		t.Fatalf("VerifyToken: %+v %v", c, err)
	}

	bad := map[string]func(*jwt.Claims){
		"wrong issuer":   func(c *jwt.Claims) { c.Issuer = "https://evil.example" },
		"wrong audience": func(c *jwt.Claims) { c.Audience = jwt.Audience{"https://other.example"} },
		"expired":        func(c *jwt.Claims) { c.Expiry = jwt.NewNumericDate(now.Add(-time.Second)) },
		"not yet valid":  func(c *jwt.Claims) { c.NotBefore = jwt.NewNumericDate(now.Add(time.Minute)) },
		"no exp":         func(c *jwt.Claims) { c.Expiry = nil },
	}
	for name, mutate := range bad {
		t.Run(name, func(t *testing.T) {
			c := claimsAt(now)
			mutate(&c)
			mustUnauthorized(t, v.Verify(bearerReq(rsaKey.sign(t, c)), nil))
		})
	}
	t.Run("signed by a key not in the set, same kid", func(t *testing.T) {
		forger := genRSA(t, "rsa-1")
		mustContain(t, v.Verify(bearerReq(forger.sign(t, claimsAt(now))), nil), "does not match")
	})
	t.Run("tampered payload", func(t *testing.T) {
		tok := rsaKey.sign(t, claimsAt(now))
		parts := strings.Split(tok, ".")
		other := strings.Split(rsaKey.sign(t, jwt.Claims{Issuer: testIssuer, Subject: "admin", Audience: jwt.Audience{testAudience}, Expiry: jwt.NewNumericDate(now.Add(time.Hour))}), ".")
		mustUnauthorized(t, v.Verify(bearerReq(parts[0]+"."+other[1]+"."+parts[2]), nil))
	})
	t.Run("alg none", func(t *testing.T) {
		hdr := `eyJhbGciOiJub25lIiwia2lkIjoicnNhLTEifQ` // {"alg":"none","kid":"rsa-1"}
		payload := strings.Split(rsaKey.sign(t, claimsAt(now)), ".")[1]
		mustContain(t, v.Verify(bearerReq(hdr+"."+payload+"."), nil), "malformed")
	})
	t.Run("HS256 with the public key as secret", func(t *testing.T) {
		// The classic algorithm-confusion forgery.
		pub := rsaKey.public()
		der, _ := json.Marshal(pub)
		forged := testKey{kid: "rsa-1", alg: jose.HS256, priv: append(der, der...)}
		mustContain(t, v.Verify(bearerReq(forged.sign(t, claimsAt(now))), nil), "algorithm not accepted")
	})
	t.Run("garbage", func(t *testing.T) {
		mustContain(t, v.Verify(bearerReq("not.a.jwt"), nil), "malformed")
		mustContain(t, v.Verify(bearerReq(strings.Repeat("a", maxTokenLen+1)), nil), "too long")
		mustUnauthorized(t, v.Verify(newReq(""), nil))
	})
	if v.Challenge() != "Bearer" {
		t.Fatal("challenge")
	}
}

func TestJWKSRotationAndRateLimit(t *testing.T) {
	oldKey, newKey := genEC(t, "2024"), genEC(t, "2025")
	srv := newJWKSServer(t, oldKey.public())
	clock := newClock(time.Now().Truncate(time.Second))
	v, err := NewJWKSBearer(JWKSConfig{
		URL: srv.URL, Issuer: testIssuer, Audience: testAudience,
		Refresh: time.Hour, MinRefreshInterval: time.Minute, Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(bearerReq(oldKey.sign(t, claimsAt(clock.Now()))), nil); err != nil {
		t.Fatal(err)
	}
	// Forged kids within the interval cause no fetch at all.
	forged := genEC(t, "forged")
	for i := 0; i < 20; i++ {
		clock.Advance(time.Second)
		mustContain(t, v.Verify(bearerReq(forged.sign(t, claimsAt(clock.Now()))), nil), "unknown kid")
	}
	if got := srv.hits.Load(); got != 1 {
		t.Fatalf("%d fetches after forged kids within the interval, want 1", got)
	}
	// The issuer rotates; the new kid is fetched once the interval passed.
	srv.set(oldKey.public(), newKey.public())
	clock.Advance(time.Minute)
	if err := v.Verify(bearerReq(newKey.sign(t, claimsAt(clock.Now()))), nil); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if got := srv.hits.Load(); got != 2 {
		t.Fatalf("%d fetches, want 2", got)
	}
	// A forged kid right after is rate-limited again.
	mustUnauthorized(t, v.Verify(bearerReq(forged.sign(t, claimsAt(clock.Now()))), nil))
	if got := srv.hits.Load(); got != 2 {
		t.Fatalf("%d fetches, want 2", got)
	}
	// After Refresh the set is fetched again even for a known kid; the old
	// key is gone from it.
	srv.set(newKey.public())
	clock.Advance(time.Hour)
	if err := v.Verify(bearerReq(newKey.sign(t, claimsAt(clock.Now()))), nil); err != nil {
		t.Fatal(err)
	}
	if got := srv.hits.Load(); got != 3 {
		t.Fatalf("%d fetches after Refresh, want 3", got)
	}
	mustContain(t, v.Verify(bearerReq(oldKey.sign(t, claimsAt(clock.Now()))), nil), "unknown kid")

	// The key server fails: the stale set keeps working.
	srv.setStatus(http.StatusInternalServerError)
	clock.Advance(2 * time.Hour)
	if err := v.Verify(bearerReq(newKey.sign(t, claimsAt(clock.Now()))), nil); err != nil {
		t.Fatalf("stale set not used while the key server is down: %v", err)
	}
}

func TestJWKSUnavailable(t *testing.T) {
	srv := newJWKSServer(t)
	srv.setStatus(http.StatusServiceUnavailable)
	k := genEC(t, "k")
	v, err := NewJWKSBearer(JWKSConfig{URL: srv.URL, Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, v.Verify(bearerReq(k.sign(t, claimsAt(time.Now()))), nil), "key set unavailable")

	// A set with only unusable keys (symmetric, encryption-only) is no set.
	srv2 := newJWKSServer(t,
		jose.JSONWebKey{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "oct", Algorithm: "HS256"},
		jose.JSONWebKey{Key: k.public().Key, KeyID: "enc", Use: "enc"},
	)
	v2, err := NewJWKSBearer(JWKSConfig{URL: srv2.URL, Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, v2.Verify(bearerReq(k.sign(t, claimsAt(time.Now()))), nil), "no usable public signing key")
}

func TestJWKSNoKid(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k := testKey{alg: jose.EdDSA, priv: priv}
	srv := newJWKSServer(t, k.public())
	v, err := NewJWKSBearer(JWKSConfig{URL: srv.URL, Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(bearerReq(k.sign(t, claimsAt(time.Now()))), nil); err != nil {
		t.Fatalf("single key, no kid: %v", err)
	}
	srv.set(k.public(), genEC(t, "other").public())
	clock := newClock(time.Now().Add(2 * time.Hour))
	v.now = clock.Now
	mustContain(t, v.Verify(bearerReq(k.sign(t, claimsAt(clock.Now()))), nil), "no kid")
}

func TestJWKSSingleFetchUnderConcurrency(t *testing.T) {
	k := genRSA(t, "k")
	srv := newJWKSServer(t, k.public())
	v, err := NewJWKSBearer(JWKSConfig{URL: srv.URL, Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	tok := k.sign(t, claimsAt(time.Now()))
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() { errs <- v.Verify(bearerReq(tok), nil) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.hits.Load(); got != 1 {
		t.Fatalf("%d fetches for a cold cache under concurrency, want 1", got)
	}
}

func TestNewJWKSBearerConfigErrors(t *testing.T) {
	cases := []struct {
		cfg  JWKSConfig
		want string
	}{
		{JWKSConfig{Issuer: "i", Audience: "a"}, "URL is required"},
		{JWKSConfig{URL: "http://idp.example/jwks", Issuer: "i", Audience: "a"}, "must use https"},
		{JWKSConfig{URL: "ftp://idp.example/jwks", Issuer: "i", Audience: "a"}, "must use https"},
		{JWKSConfig{URL: "https:///jwks", Issuer: "i", Audience: "a"}, "no host"},
		{JWKSConfig{URL: "https://idp.example/jwks", Audience: "a"}, "Issuer is required"},
		{JWKSConfig{URL: "https://idp.example/jwks", Issuer: "i"}, "Audience is required"},
		{JWKSConfig{URL: "https://idp.example/jwks", Issuer: "i", Audience: "a", Algorithms: []jose.SignatureAlgorithm{jose.HS256}}, "not an accepted"},
	}
	for _, c := range cases {
		_, err := NewJWKSBearer(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.cfg, err, c.want)
		}
	}
	for _, u := range []string{"http://localhost:8080/jwks", "http://127.0.0.1/jwks", "http://[::1]:9/jwks", "https://idp.example/jwks"} {
		if _, err := NewJWKSBearer(JWKSConfig{URL: u, Issuer: "i", Audience: "a"}); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestJWKSOverTLS(t *testing.T) {
	k := genEC(t, "tls")
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{k.public()}})
	}))
	defer srv.Close()
	v, err := NewJWKSBearer(JWKSConfig{URL: srv.URL, Issuer: testIssuer, Audience: testAudience, Client: srv.Client(), Algorithms: []jose.SignatureAlgorithm{jose.ES256}})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(bearerReq(k.sign(t, claimsAt(time.Now()))), nil); err != nil {
		t.Fatal(err)
	}
	// ES256 only: an RS256 token is refused before any key lookup.
	r := genRSA(t, "tls")
	mustContain(t, v.Verify(bearerReq(r.sign(t, claimsAt(time.Now()))), nil), "algorithm not accepted")
}
