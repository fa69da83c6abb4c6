package oauth

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/hookgen/hookgen/webhook/internal/httpauth"
)

// JWKSConfig configures [NewJWKSBearer].
type JWKSConfig struct {
	// URL of the JSON Web Key Set. It must be https, except on a loopback
	// host (local development, tests): keys fetched in clear text could be
	// replaced by anyone on the path.
	URL string
	// Issuer must equal the tokens' "iss" claim. Required.
	Issuer string
	// Audience must be among the tokens' "aud" values. Required: without it
	// a token the same issuer minted for another service would be accepted.
	Audience string
	// Client fetches the key set; default a client with a 10 s timeout.
	Client *http.Client
	// Refresh is how long a fetched key set is used before it is fetched
	// again; default 1 hour. A stale set keeps being used while the key
	// server is unreachable.
	Refresh time.Duration
	// Leeway tolerated on exp, nbf and iat for clock skew: 0 means
	// jwt.DefaultLeeway (1 minute); a negative value means none.
	Leeway time.Duration
	// Algorithms accepted in the token's "alg" header; default RS256/384/512,
	// PS256/384/512, ES256/384/512 and EdDSA. Symmetric (HS*) algorithms are
	// refused: with a public key set they would let anyone forge tokens.
	Algorithms []jose.SignatureAlgorithm
	// MinRefreshInterval is the least time between two fetches, including
	// the ones a token with an unknown "kid" triggers (key rotation), so a
	// forged kid cannot make the receiver fetch on every request; default
	// 30 s.
	MinRefreshInterval time.Duration
	// Now returns the current time; default time.Now. For tests.
	Now func() time.Time
}

// maxTokenLen bounds the bearer tokens parsed; real JWTs are a few KiB.
const maxTokenLen = 16 << 10

// maxJWKSBytes bounds the key-set document read.
const maxJWKSBytes = 1 << 20

// jwksFetchTimeout bounds one key-set fetch, independently of the request
// that triggered it.
const jwksFetchTimeout = 10 * time.Second

// JWKSBearer verifies bearer JWTs signed by a key of a remote JWKS. Create
// it with [NewJWKSBearer]; it is safe for concurrent use.
type JWKSBearer struct {
	url        string
	issuer     string
	audience   string
	client     *http.Client
	refresh    time.Duration
	leeway     time.Duration
	algs       []jose.SignatureAlgorithm
	minRefresh time.Duration
	now        func() time.Time

	// sem serializes fetches; a channel rather than a mutex so that a
	// waiting request can give up when its context ends.
	sem chan struct{}

	mu          sync.RWMutex
	keys        []jose.JSONWebKey // usable public signing keys only
	fetched     time.Time         // last successful fetch
	lastAttempt time.Time         // last fetch attempt, successful or not
	lastErr     error             // error of the last attempt
}

var defaultJWKSAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512,
	jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512,
	jose.EdDSA,
}

// NewJWKSBearer validates cfg and returns the verifier. Keys are fetched
// lazily, on the first token, so a receiver starts even while the key
// server is down.
func NewJWKSBearer(cfg JWKSConfig) (*JWKSBearer, error) {
	if err := checkJWKSURL(cfg.URL); err != nil {
		return nil, err
	}
	if cfg.Issuer == "" {
		return nil, errors.New("webhook: JWKS Issuer is required")
	}
	if cfg.Audience == "" {
		return nil, errors.New("webhook: JWKS Audience is required")
	}
	j := &JWKSBearer{
		url:        cfg.URL,
		issuer:     cfg.Issuer,
		audience:   cfg.Audience,
		client:     cfg.Client,
		refresh:    cfg.Refresh,
		leeway:     cfg.Leeway,
		minRefresh: cfg.MinRefreshInterval,
		now:        cfg.Now,
		sem:        make(chan struct{}, 1),
	}
	if j.client == nil {
		j.client = &http.Client{Timeout: jwksFetchTimeout}
	}
	if j.refresh <= 0 {
		j.refresh = time.Hour
	}
	switch {
	case j.leeway == 0:
		j.leeway = jwt.DefaultLeeway
	case j.leeway < 0:
		j.leeway = 0
	}
	if j.minRefresh <= 0 {
		j.minRefresh = 30 * time.Second
	}
	if j.now == nil {
		j.now = time.Now
	}
	j.algs = slices.Clone(cfg.Algorithms)
	if len(j.algs) == 0 {
		j.algs = slices.Clone(defaultJWKSAlgorithms)
	}
	for _, a := range j.algs {
		if !slices.Contains(defaultJWKSAlgorithms, a) {
			return nil, fmt.Errorf("webhook: JWKS algorithm %q is not an accepted asymmetric signature algorithm", a)
		}
	}
	return j, nil
}

func checkJWKSURL(raw string) error {
	if raw == "" {
		return errors.New("webhook: JWKS URL is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("webhook: JWKS URL: %w", err)
	}
	if u.Host == "" {
		return fmt.Errorf("webhook: JWKS URL %q has no host", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("webhook: JWKS URL %q must use https (plain http is allowed only on a loopback host)", raw)
	default:
		return fmt.Errorf("webhook: JWKS URL %q must use https", raw)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Verify is [JWKSBearer.VerifyHeader]: the body plays no part.
func (j *JWKSBearer) Verify(r *http.Request, _ []byte) error { return j.VerifyHeader(r) }

// VerifyHeader accepts a request whose bearer token is a valid JWT of the
// key set.
func (j *JWKSBearer) VerifyHeader(r *http.Request) error {
	return verifyBearer(r, func(ctx context.Context, tok string) error {
		_, err := j.VerifyToken(ctx, tok)
		return err
	})
}

// Challenge returns "Bearer".
func (j *JWKSBearer) Challenge() string { return "Bearer" }

// VerifyToken checks a raw JWT: signature by a key of the set, issuer,
// audience, a present and unexpired exp, nbf and iat. It returns the
// registered claims so callers can look at sub or jti. Failures wrap
// [webhook.ErrUnauthorized].
func (j *JWKSBearer) VerifyToken(ctx context.Context, raw string) (*jwt.Claims, error) {
	if len(raw) > maxTokenLen {
		return nil, unauthorized("jwt: token too long")
	}
	tok, err := jwt.ParseSigned(raw, j.algs)
	if err != nil {
		return nil, unauthorizedCause("jwt: malformed token or algorithm not accepted", err)
	}
	if len(tok.Headers) != 1 {
		return nil, unauthorized("jwt: want exactly one signature")
	}
	hdr := tok.Headers[0]
	keys, err := j.keysFor(ctx, hdr.KeyID)
	if err != nil {
		return nil, err
	}
	var claims jwt.Claims
	verified := false
	for _, k := range keys {
		if k.Algorithm != "" && k.Algorithm != hdr.Algorithm {
			continue // the key's owner restricted it to another algorithm
		}
		if err := tok.Claims(k.Key, &claims); err == nil {
			verified = true
			break
		}
	}
	if !verified {
		return nil, unauthorized("jwt: signature does not match any key")
	}
	if err := checkClaims(&claims, j.issuer, j.audience, j.now(), j.leeway); err != nil {
		return nil, err
	}
	return &claims, nil
}

// checkClaims applies the registered-claim checks shared by the JWKS and
// the token-endpoint verifiers. exp is mandatory: a token that never expires
// cannot be revoked by rotation of anything but the key.
func checkClaims(c *jwt.Claims, issuer, audience string, now time.Time, leeway time.Duration) error {
	if c.Expiry == nil {
		return unauthorized("jwt: no exp claim")
	}
	err := c.ValidateWithLeeway(jwt.Expected{
		Issuer:      issuer,
		AnyAudience: jwt.Audience{audience},
		Time:        now,
	}, leeway)
	if err != nil {
		return unauthorizedCause("jwt: claims rejected", err)
	}
	return nil
}

// keysFor returns the candidate keys for kid, fetching the set when it is
// missing, stale, or lacks kid (within the refresh rate limit).
func (j *JWKSBearer) keysFor(ctx context.Context, kid string) ([]jose.JSONWebKey, error) {
	j.mu.RLock()
	keys, fetched := j.keys, j.fetched
	j.mu.RUnlock()
	now := j.now()
	fresh := keys != nil && now.Sub(fetched) < j.refresh
	if fresh {
		if ks := matchKeys(keys, kid); len(ks) > 0 {
			return ks, nil
		}
	}
	if err := j.refetch(ctx); err != nil {
		return nil, err
	}
	j.mu.RLock()
	keys, lastErr := j.keys, j.lastErr
	j.mu.RUnlock()
	if keys == nil {
		if lastErr != nil {
			return nil, unauthorizedCause("jwt: key set unavailable", lastErr)
		}
		return nil, unauthorized("jwt: key set unavailable")
	}
	ks := matchKeys(keys, kid)
	if len(ks) == 0 {
		if kid == "" {
			return nil, unauthorized("jwt: token has no kid and the key set holds several keys")
		}
		return nil, unauthorized("jwt: unknown kid " + httpauth.QuoteParam(kid))
	}
	return ks, nil
}

// matchKeys picks the keys for kid; a token without kid is accepted only
// against a set of exactly one key, where there is no ambiguity.
func matchKeys(keys []jose.JSONWebKey, kid string) []jose.JSONWebKey {
	if kid == "" {
		if len(keys) == 1 {
			return keys
		}
		return nil
	}
	var out []jose.JSONWebKey
	for _, k := range keys {
		if k.KeyID == kid {
			out = append(out, k)
		}
	}
	return out
}

// refetch fetches the key set unless another fetch happened within
// MinRefreshInterval. Concurrent callers wait for one fetch instead of each
// starting their own. It fails only when ctx ends while waiting.
func (j *JWKSBearer) refetch(ctx context.Context) error {
	select {
	case j.sem <- struct{}{}:
	case <-ctx.Done():
		return unauthorizedCause("jwt: waiting for key set", ctx.Err())
	}
	defer func() { <-j.sem }()

	now := j.now()
	j.mu.RLock()
	last := j.lastAttempt
	j.mu.RUnlock()
	if !last.IsZero() && now.Sub(last) < j.minRefresh {
		return nil // rate-limited: use what we have
	}
	j.mu.Lock()
	j.lastAttempt = now
	j.mu.Unlock()

	// The fetch outlives the triggering request's cancellation: its result
	// serves every request, and a cancelled fetch would still consume the
	// rate-limit slot.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksFetchTimeout)
	defer cancel()
	keys, err := j.fetch(fctx)

	j.mu.Lock()
	defer j.mu.Unlock()
	j.lastErr = err
	if err == nil {
		j.keys, j.fetched = keys, now
	}
	return nil
}

// fetch downloads and filters the key set. Keys that fail to parse or are
// not public signing keys are skipped rather than failing the whole set, so
// one key of a new type does not take the others down.
func (j *JWKSBearer) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return nil, fmt.Errorf("webhook: JWKS request: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := j.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("webhook: JWKS fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("webhook: JWKS fetch: %s answered %s", j.url, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("webhook: JWKS read: %w", err)
	}
	if len(b) > maxJWKSBytes {
		return nil, fmt.Errorf("webhook: JWKS document larger than %d bytes", maxJWKSBytes)
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("webhook: JWKS decode: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, raw := range doc.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil {
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if !k.IsPublic() {
			// A private key published by mistake still yields its public
			// half; a symmetric key yields nothing and is skipped.
			k = k.Public()
		}
		if !k.Valid() || !k.IsPublic() {
			continue
		}
		if rk, ok := k.Key.(*rsa.PublicKey); ok && (rk.N.BitLen() < 2048 || rk.N.BitLen() > 8192) {
			continue // too weak to trust, or large enough to be a CPU sink
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("webhook: JWKS holds no usable public signing key")
	}
	return keys, nil
}
