package webhook

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// OAuthClient is a client allowed to obtain tokens from a [TokenEndpoint]
// with the client-credentials grant.
//
// Scopes lists the scopes the client may be granted. A request naming a
// scope outside that list is refused with invalid_scope; an empty list
// therefore refuses every request that names a scope (the safe reading:
// "no restriction" would let any client mint any scope). A request without
// a scope is granted all of Scopes (RFC 6749 §3.3's pre-defined default).
type OAuthClient struct {
	ID, Secret string
	Scopes     []string
}

// SigningKey is an HS256 key of a [TokenEndpoint]. The first key signs new
// tokens; all keys verify, which allows rotation: add the new key second,
// deploy, move it first, deploy, then drop the old one after one TTL.
type SigningKey struct {
	// ID is put in the token's "kid" header; unique and non-empty.
	ID string
	// Secret is at least 32 random bytes (RFC 7518 §3.2).
	Secret []byte
}

// TokenEndpointConfig configures [NewTokenEndpoint].
type TokenEndpointConfig struct {
	// Clients that may obtain tokens; at least one.
	Clients []OAuthClient
	// Keys sign (Keys[0]) and verify (all) the tokens; at least one.
	Keys []SigningKey
	// TTL is the tokens' lifetime; default 1 hour, at least 1 second.
	TTL time.Duration
	// Issuer is the "iss" claim written and required; default
	// DefaultTokenIssuer.
	Issuer string
	// Audience is the "aud" claim written and required; default
	// DefaultTokenAudience. A receiver hosting endpoints for several senders
	// with shared Keys should give each its own Audience so that one
	// sender's token does not open another's route.
	Audience string
	// Realm is used in the WWW-Authenticate challenges; default "token".
	Realm string
	// Now returns the current time; default time.Now. For tests.
	Now func() time.Time
}

// Defaults of [TokenEndpointConfig].
const (
	DefaultTokenIssuer   = "hookgen-webhook-token-endpoint"
	DefaultTokenAudience = "hookgen-webhook"
	DefaultTokenTTL      = time.Hour
)

// OAuth 2.0 error codes of RFC 6749 §5.2 answered by [TokenEndpoint].
// unauthorized_client is never produced: client_credentials is the only
// grant served and every configured client may use it (remove a client to
// disable it).
const (
	OAuthInvalidRequest       = "invalid_request"
	OAuthInvalidClient        = "invalid_client"
	OAuthUnauthorizedClient   = "unauthorized_client"
	OAuthUnsupportedGrantType = "unsupported_grant_type"
	OAuthInvalidScope         = "invalid_scope"
)

// tokenFormLimit bounds the token request body; a real one is < 1 KiB.
const tokenFormLimit = 64 << 10

// accessTokenType is the JWT "typ" header of issued tokens (RFC 9068), and
// is required on verification so no other JWT signed with the same key can
// pass as an access token.
const accessTokenType = "at+jwt"

// tokenLeeway tolerates clock skew between replicas sharing the keys.
const tokenLeeway = 30 * time.Second

// TokenEndpoint is an OAuth 2.0 token endpoint (RFC 6749 §4.4, §5) serving
// the client-credentials grant, for senders that first fetch a token from
// the receiver and then call it with "Authorization: Bearer". Tokens are
// HS256 JWTs, so any replica configured with the same Keys verifies any
// other's tokens without shared state. Serve it over TLS only: the client
// secret travels in the request. Create it with [NewTokenEndpoint].
type TokenEndpoint struct {
	clients  []endpointClient
	keys     map[string][]byte
	signer   jose.Signer
	ttl      time.Duration
	issuer   string
	audience string
	realm    string
	now      func() time.Time
}

type endpointClient struct {
	id         string
	idDigest   [sha256.Size]byte
	secretHash [sha256.Size]byte
	scopes     []string
}

// NewTokenEndpoint validates cfg and returns the endpoint.
func NewTokenEndpoint(cfg TokenEndpointConfig) (*TokenEndpoint, error) {
	t := &TokenEndpoint{
		keys:     map[string][]byte{},
		ttl:      cfg.TTL,
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		realm:    cfg.Realm,
		now:      cfg.Now,
	}
	if t.ttl == 0 {
		t.ttl = DefaultTokenTTL
	}
	if t.ttl < time.Second {
		return nil, fmt.Errorf("webhook: token endpoint TTL %v is under 1s", cfg.TTL)
	}
	if t.issuer == "" {
		t.issuer = DefaultTokenIssuer
	}
	if t.audience == "" {
		t.audience = DefaultTokenAudience
	}
	if t.realm == "" {
		t.realm = "token"
	}
	if t.now == nil {
		t.now = time.Now
	}
	if len(cfg.Clients) == 0 {
		return nil, errors.New("webhook: token endpoint needs at least one client")
	}
	seen := map[string]bool{}
	for i, c := range cfg.Clients {
		if c.ID == "" || c.Secret == "" {
			return nil, fmt.Errorf("webhook: token endpoint client %d: ID and Secret are required", i)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("webhook: token endpoint client %q configured twice", c.ID)
		}
		seen[c.ID] = true
		for _, s := range c.Scopes {
			if !validScopeToken(s) {
				return nil, fmt.Errorf("webhook: token endpoint client %q: invalid scope %q", c.ID, s)
			}
		}
		t.clients = append(t.clients, endpointClient{
			id:         c.ID,
			idDigest:   sha256.Sum256([]byte(c.ID)),
			secretHash: sha256.Sum256([]byte(c.Secret)),
			scopes:     dedupe(c.Scopes),
		})
	}
	if len(cfg.Keys) == 0 {
		return nil, errors.New("webhook: token endpoint needs at least one signing key")
	}
	for i, k := range cfg.Keys {
		if k.ID == "" {
			return nil, fmt.Errorf("webhook: token endpoint key %d has no ID", i)
		}
		if _, dup := t.keys[k.ID]; dup {
			return nil, fmt.Errorf("webhook: token endpoint key ID %q used twice", k.ID)
		}
		if len(k.Secret) < 32 {
			return nil, fmt.Errorf("webhook: token endpoint key %q: secret is %d bytes, want at least 32", k.ID, len(k.Secret))
		}
		t.keys[k.ID] = slices.Clone(k.Secret)
	}
	first := cfg.Keys[0]
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.HS256, Key: t.keys[first.ID]},
		// go-jose writes "kid" only for asymmetric JWKs; set it explicitly.
		(&jose.SignerOptions{}).WithType(accessTokenType).WithHeader("kid", first.ID),
	)
	if err != nil {
		return nil, fmt.Errorf("webhook: token endpoint signer: %w", err)
	}
	t.signer = signer
	return t, nil
}

// validScopeToken follows RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
func validScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// tokenResponse is the successful answer of RFC 6749 §5.1.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope,omitempty"`
}

// tokenClaims are the private claims added to the registered ones.
type tokenClaims struct {
	ClientID string `json:"client_id"`
	Scope    string `json:"scope,omitempty"`
}

// ServeHTTP answers token requests: POST, application/x-www-form-urlencoded,
// grant_type=client_credentials, the client authenticated by HTTP Basic
// (client_secret_basic, with RFC 6749 §2.3.1 form-encoding of id and
// secret; unencoded values are accepted too) or by client_id and
// client_secret form parameters (client_secret_post), never both.
// Parameters in the URL query are ignored. Errors follow RFC 6749 §5.2;
// invalid_client is a 401 with a Basic challenge unless the client
// authenticated with form parameters, which gets a 400.
func (t *TokenEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		t.oauthError(w, http.StatusMethodNotAllowed, OAuthInvalidRequest, "the token endpoint accepts POST only")
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		t.oauthError(w, http.StatusBadRequest, OAuthInvalidRequest, "the body must be application/x-www-form-urlencoded")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, tokenFormLimit)
	if err := r.ParseForm(); err != nil {
		t.oauthError(w, http.StatusBadRequest, OAuthInvalidRequest, "malformed form body")
		return
	}
	form := r.PostForm
	for _, k := range []string{"grant_type", "scope", "client_id", "client_secret"} {
		if len(form[k]) > 1 {
			t.oauthError(w, http.StatusBadRequest, OAuthInvalidRequest, "parameter "+k+" is repeated")
			return
		}
	}
	grant := form.Get("grant_type")
	if grant == "" {
		t.oauthError(w, http.StatusBadRequest, OAuthInvalidRequest, "missing grant_type")
		return
	}

	client, status, code, desc := t.authenticate(r, form)
	if client == nil {
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm=`+quoteParam(t.realm))
		}
		t.oauthError(w, status, code, desc)
		return
	}

	if grant != "client_credentials" {
		t.oauthError(w, http.StatusBadRequest, OAuthUnsupportedGrantType, "only client_credentials is supported")
		return
	}
	scopes, ok := grantScopes(client, form.Get("scope"))
	if !ok {
		t.oauthError(w, http.StatusBadRequest, OAuthInvalidScope, "the requested scope is not allowed for this client")
		return
	}
	now := t.now()
	raw, err := t.issue(client.id, scopes, now)
	if err != nil {
		t.oauthError(w, http.StatusInternalServerError, "server_error", "cannot issue a token")
		return
	}
	resp := tokenResponse{
		AccessToken: raw,
		TokenType:   "Bearer",
		ExpiresIn:   int64(t.ttl / time.Second),
		Scope:       strings.Join(scopes, " "),
	}
	b, _ := json.Marshal(resp)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// authenticate identifies the client. On failure it returns the status,
// error code and description to answer: 401 (with a Basic challenge) when
// Basic was used or no authentication at all, 400 for client_secret_post,
// as RFC 6749 §5.2 describes.
func (t *TokenEndpoint) authenticate(r *http.Request, form url.Values) (c *endpointClient, status int, code, desc string) {
	authz := r.Header.Get("Authorization")
	_, postSecret := form["client_secret"]
	if authz != "" {
		user, pass, ok := ParseBasicAuth(authz)
		if !ok {
			return nil, http.StatusUnauthorized, OAuthInvalidClient, "unsupported or malformed Authorization header"
		}
		if postSecret {
			return nil, http.StatusBadRequest, OAuthInvalidRequest, "more than one client authentication method"
		}
		id, secret := formUnescape(user), formUnescape(pass)
		if fid := form.Get("client_id"); fid != "" && fid != id && fid != user {
			return nil, http.StatusBadRequest, OAuthInvalidRequest, "client_id differs from the authenticated client"
		}
		c := t.match(id, secret)
		if c == nil && (id != user || secret != pass) {
			c = t.match(user, pass) // a client that did not form-encode
		}
		if c == nil {
			return nil, http.StatusUnauthorized, OAuthInvalidClient, "client authentication failed"
		}
		return c, 0, "", ""
	}
	if !postSecret {
		return nil, http.StatusUnauthorized, OAuthInvalidClient, "client authentication is required"
	}
	id := form.Get("client_id")
	if id == "" {
		return nil, http.StatusBadRequest, OAuthInvalidClient, "missing client_id"
	}
	if c := t.match(id, form.Get("client_secret")); c != nil {
		return c, 0, "", ""
	}
	return nil, http.StatusBadRequest, OAuthInvalidClient, "client authentication failed"
}

// formUnescape undoes the form-encoding RFC 6749 §2.3.1 applies to Basic
// credentials, keeping the value as is when it is not valid encoding.
func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// match compares the presented credentials with every client in constant
// time, without an early exit.
func (t *TokenEndpoint) match(id, secret string) *endpointClient {
	idd := sha256.Sum256([]byte(id))
	sd := sha256.Sum256([]byte(secret))
	found := -1
	for i := range t.clients {
		c := &t.clients[i]
		ok := subtle.ConstantTimeCompare(idd[:], c.idDigest[:]) & subtle.ConstantTimeCompare(sd[:], c.secretHash[:])
		found = subtle.ConstantTimeSelect(ok, i, found)
	}
	if found < 0 {
		return nil
	}
	return &t.clients[found]
}

// grantScopes decides the granted scopes; see [OAuthClient].
func grantScopes(c *endpointClient, requested string) ([]string, bool) {
	req := strings.Fields(requested)
	if len(req) == 0 {
		return c.scopes, true
	}
	var out []string
	for _, s := range req {
		if !validScopeToken(s) || !slices.Contains(c.scopes, s) {
			return nil, false
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, true
}

// issue signs an access token.
func (t *TokenEndpoint) issue(clientID string, scopes []string, now time.Time) (string, error) {
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	std := jwt.Claims{
		Issuer:    t.issuer,
		Subject:   clientID,
		Audience:  jwt.Audience{t.audience},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		Expiry:    jwt.NewNumericDate(now.Add(t.ttl)),
		ID:        hex.EncodeToString(jti[:]),
	}
	return jwt.Signed(t.signer).Claims(std).Claims(tokenClaims{ClientID: clientID, Scope: strings.Join(scopes, " ")}).Serialize()
}

type oauthErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func (t *TokenEndpoint) oauthError(w http.ResponseWriter, status int, code, desc string) {
	b, _ := json.Marshal(oauthErrorBody{Error: code, Description: desc})
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// TokenClaims describes a verified access token of a [TokenEndpoint].
type TokenClaims struct {
	ClientID string
	Scopes   []string
	ID       string // jti
	Expiry   time.Time
}

// VerifyToken checks a raw access token: HS256 signature by one of the
// Keys (chosen by "kid"), typ at+jwt, issuer, audience, exp (required),
// nbf and iat with a 30 s leeway for replica clock skew, and a client that
// is still configured (removing a client revokes its tokens). Failures wrap
// [ErrUnauthorized].
func (t *TokenEndpoint) VerifyToken(raw string) (*TokenClaims, error) {
	if len(raw) > maxTokenLen {
		return nil, unauthorized("token: too long")
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.HS256})
	if err != nil {
		return nil, unauthorizedCause("token: malformed or not HS256", err)
	}
	if len(tok.Headers) != 1 {
		return nil, unauthorized("token: want exactly one signature")
	}
	hdr := tok.Headers[0]
	if typ, _ := hdr.ExtraHeaders[jose.HeaderType].(string); !strings.EqualFold(typ, accessTokenType) {
		return nil, unauthorized("token: not an access token (typ)")
	}
	key, ok := t.keys[hdr.KeyID]
	if !ok {
		return nil, unauthorized("token: unknown kid")
	}
	var std jwt.Claims
	var extra tokenClaims
	if err := tok.Claims(key, &std, &extra); err != nil {
		return nil, unauthorizedCause("token: bad signature", err)
	}
	if err := checkClaims(&std, t.issuer, t.audience, t.now(), tokenLeeway); err != nil {
		return nil, err
	}
	if extra.ClientID == "" || extra.ClientID != std.Subject {
		return nil, unauthorized("token: client_id claim missing or inconsistent")
	}
	if !slices.ContainsFunc(t.clients, func(c endpointClient) bool { return c.id == extra.ClientID }) {
		return nil, unauthorized("token: client no longer configured")
	}
	return &TokenClaims{
		ClientID: extra.ClientID,
		Scopes:   strings.Fields(extra.Scope),
		ID:       std.ID,
		Expiry:   std.Expiry.Time(),
	}, nil
}

// Verifier returns a verifier accepting requests whose bearer token this
// endpoint, or any endpoint with the same Keys, Issuer and Audience, issued
// and that has not expired.
func (t *TokenEndpoint) Verifier() Verifier { return &tokenVerifier{t: t} }

// ScopedVerifier is [TokenEndpoint.Verifier] that also requires the token to
// carry every one of scopes.
func (t *TokenEndpoint) ScopedVerifier(scopes ...string) Verifier {
	return &tokenVerifier{t: t, scopes: slices.Clone(scopes)}
}

type tokenVerifier struct {
	t      *TokenEndpoint
	scopes []string
}

// Verify accepts a request whose bearer token the endpoint issued.
func (v *tokenVerifier) Verify(r *http.Request, _ []byte) error {
	tok, err := bearerToken(r)
	if err != nil {
		return err
	}
	c, err := v.t.VerifyToken(tok)
	if err != nil {
		return err
	}
	for _, s := range v.scopes {
		if !slices.Contains(c.Scopes, s) {
			return unauthorized("token: missing scope " + quoteParam(s))
		}
	}
	return nil
}

// Challenge returns "Bearer".
func (v *tokenVerifier) Challenge() string { return "Bearer" }
