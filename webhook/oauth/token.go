package oauth

import (
	"cmp"
	"container/list"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/hookgen/hookgen/webhook"
	"github.com/hookgen/hookgen/webhook/internal/httpauth"
	"golang.org/x/time/rate"
)

// Client is a client allowed to obtain tokens from a [TokenEndpoint]
// with the client-credentials grant.
//
// Scopes lists the scopes the client may be granted. A request naming a
// scope outside that list is refused with invalid_scope; an empty list
// therefore refuses every request that names a scope (the safe reading:
// "no restriction" would let any client mint any scope). A request without
// a scope is granted all of Scopes (RFC 6749 §3.3's pre-defined default).
//
// Secret must be at least 32 bytes ([MinClientSecretLen]): the endpoint
// limits failed attempts, but only a long random secret makes guessing
// hopeless.
type Client struct {
	ID, Secret string
	Scopes     []string
}

// MinClientSecretLen is the shortest [Client] Secret accepted.
const MinClientSecretLen = 32

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
	Clients []Client
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

	// ClientLimit bounds the failed authentications naming one configured
	// client id, from all addresses together; default
	// DefaultClientFailureLimit. It bounds the guesses at a client's secret
	// however many addresses an attacker has, at a price: while an attacker
	// keeps a client's budget spent, that client's own requests get 429 too
	// (a request over the limit cannot be checked, or a 200 would tell the
	// right secret apart). A sender holds a token for its TTL and retries
	// after Retry-After, so this delays its callbacks rather than losing
	// them, and only for as long as the attacker keeps failing.
	ClientLimit FailureLimit
	// AddrLimit bounds the failed authentications from one remote address
	// (an IPv6 address counts by its /64), whatever client id they name;
	// default DefaultAddrFailureLimit. A client at another address is not
	// affected by it.
	AddrLimit FailureLimit
	// MaxAddrs bounds the addresses tracked; default DefaultMaxAddrs. An
	// address is forgotten once its budget has refilled; when MaxAddrs are
	// tracked, the one that failed longest ago is forgotten first.
	MaxAddrs int
	// RemoteAddr returns the address a request came from; default the host
	// of r.RemoteAddr. Behind a reverse proxy every request comes from the
	// proxy, so all senders would share one budget: set this to read the
	// client address your proxy records (such as the X-Forwarded-For entry
	// it appends), never a header a client can set unchecked.
	RemoteAddr func(*http.Request) string
}

// FailureLimit is a token bucket of failed client authentications: Burst
// failures at once, then one more every Every. Successful requests are not
// counted. Once it is empty the endpoint answers 429 with Retry-After and a
// slow_down error before checking any credentials.
type FailureLimit struct {
	Burst int
	Every time.Duration
}

// Defaults of [TokenEndpointConfig].
const (
	DefaultTokenIssuer   = "hookgen-webhook-token-endpoint"
	DefaultTokenAudience = "hookgen-webhook"
	DefaultTokenTTL      = time.Hour
	DefaultMaxAddrs      = 10_000
)

// Default failure limits of [TokenEndpointConfig]: a sender configured
// right never fails, and one with a wrong secret fails the same way every
// time, so a few attempts are plenty. An address gets 10 failures, then
// 10 a minute; a client id 20 failures, then 20 a minute from all
// addresses together, under 30,000 guesses a day.
var (
	DefaultAddrFailureLimit   = FailureLimit{Burst: 10, Every: 6 * time.Second}
	DefaultClientFailureLimit = FailureLimit{Burst: 20, Every: 3 * time.Second}
)

// OAuth 2.0 error codes of RFC 6749 §5.2 answered by [TokenEndpoint].
// unauthorized_client is never produced: client_credentials is the only
// grant served and every configured client may use it (remove a client to
// disable it).
const (
	InvalidRequest       = "invalid_request"
	InvalidClient        = "invalid_client"
	UnauthorizedClient   = "unauthorized_client"
	UnsupportedGrantType = "unsupported_grant_type"
	InvalidScope         = "invalid_scope"
	// SlowDown answers a request over a [FailureLimit], with 429; the
	// code is the token endpoint's "slow down" of RFC 8628 §3.5.
	SlowDown = "slow_down"
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
	limits   *failureLimits
	addrOf   func(*http.Request) string
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
		addrOf:   cfg.RemoteAddr,
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
	if t.addrOf == nil {
		t.addrOf = remoteHost
	}
	clientLimit, err := cfg.ClientLimit.orDefault(DefaultClientFailureLimit)
	if err != nil {
		return nil, fmt.Errorf("webhook: token endpoint ClientLimit: %w", err)
	}
	addrLimit, err := cfg.AddrLimit.orDefault(DefaultAddrFailureLimit)
	if err != nil {
		return nil, fmt.Errorf("webhook: token endpoint AddrLimit: %w", err)
	}
	if cfg.MaxAddrs < 0 {
		return nil, fmt.Errorf("webhook: token endpoint MaxAddrs %d is negative", cfg.MaxAddrs)
	}
	t.limits = newFailureLimits(addrLimit, cmp.Or(cfg.MaxAddrs, DefaultMaxAddrs))
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
		if len(c.Secret) < MinClientSecretLen {
			return nil, fmt.Errorf("webhook: token endpoint client %q: secret is %d bytes, want at least %d", c.ID, len(c.Secret), MinClientSecretLen)
		}
		seen[c.ID] = true
		t.limits.addClient(c.ID, clientLimit)
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
		t.oauthError(w, http.StatusMethodNotAllowed, InvalidRequest, "the token endpoint accepts POST only")
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		t.oauthError(w, http.StatusBadRequest, InvalidRequest, "the body must be application/x-www-form-urlencoded")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, tokenFormLimit)
	if err := r.ParseForm(); err != nil {
		t.oauthError(w, http.StatusBadRequest, InvalidRequest, "malformed form body")
		return
	}
	form := r.PostForm
	for _, k := range []string{"grant_type", "scope", "client_id", "client_secret"} {
		if len(form[k]) > 1 {
			t.oauthError(w, http.StatusBadRequest, InvalidRequest, "parameter "+k+" is repeated")
			return
		}
	}
	grant := form.Get("grant_type")
	if grant == "" {
		t.oauthError(w, http.StatusBadRequest, InvalidRequest, "missing grant_type")
		return
	}

	now := t.now()
	ticket, wait := t.limits.reserve(presentedClientID(r, form), addrKey(t.addrOf(r)), now)
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
		t.oauthError(w, http.StatusTooManyRequests, SlowDown, "too many failed client authentications; retry later")
		return
	}
	client, status, code, desc := t.authenticate(r, form)
	if client == nil {
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm=`+httpauth.QuoteParam(t.realm))
		}
		t.oauthError(w, status, code, desc)
		return
	}
	ticket.refund(now)

	if grant != "client_credentials" {
		t.oauthError(w, http.StatusBadRequest, UnsupportedGrantType, "only client_credentials is supported")
		return
	}
	scopes, ok := grantScopes(client, form.Get("scope"))
	if !ok {
		t.oauthError(w, http.StatusBadRequest, InvalidScope, "the requested scope is not allowed for this client")
		return
	}
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
		user, pass, ok := httpauth.ParseBasic(authz)
		if !ok {
			return nil, http.StatusUnauthorized, InvalidClient, "unsupported or malformed Authorization header"
		}
		if postSecret {
			return nil, http.StatusBadRequest, InvalidRequest, "more than one client authentication method"
		}
		id, secret := formUnescape(user), formUnescape(pass)
		if fid := form.Get("client_id"); fid != "" && fid != id && fid != user {
			return nil, http.StatusBadRequest, InvalidRequest, "client_id differs from the authenticated client"
		}
		c := t.match(id, secret)
		if c == nil && (id != user || secret != pass) {
			c = t.match(user, pass) // a client that did not form-encode
		}
		if c == nil {
			return nil, http.StatusUnauthorized, InvalidClient, "client authentication failed"
		}
		return c, 0, "", ""
	}
	if !postSecret {
		return nil, http.StatusUnauthorized, InvalidClient, "client authentication is required"
	}
	id := form.Get("client_id")
	if id == "" {
		return nil, http.StatusBadRequest, InvalidClient, "missing client_id"
	}
	if c := t.match(id, form.Get("client_secret")); c != nil {
		return c, 0, "", ""
	}
	return nil, http.StatusBadRequest, InvalidClient, "client authentication failed"
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

// grantScopes decides the granted scopes; see [Client].
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
// [webhook.ErrUnauthorized].
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
func (t *TokenEndpoint) Verifier() webhook.Verifier { return &tokenVerifier{t: t} }

// ScopedVerifier is [TokenEndpoint.Verifier] that also requires the token to
// carry every one of scopes.
func (t *TokenEndpoint) ScopedVerifier(scopes ...string) webhook.Verifier {
	return &tokenVerifier{t: t, scopes: slices.Clone(scopes)}
}

type tokenVerifier struct {
	t      *TokenEndpoint
	scopes []string
}

// Verify accepts a request whose bearer token the endpoint issued.
func (v *tokenVerifier) Verify(r *http.Request, _ []byte) error { return v.VerifyHeader(r) }

// VerifyHeader is Verify: the token is in the headers, so a request
// without a valid one is refused before its body is read.
func (v *tokenVerifier) VerifyHeader(r *http.Request) error {
	return verifyBearer(r, func(_ context.Context, tok string) error {
		c, err := v.t.VerifyToken(tok)
		if err != nil {
			return err
		}
		for _, s := range v.scopes {
			if !slices.Contains(c.Scopes, s) {
				return unauthorized("token: missing scope " + httpauth.QuoteParam(s))
			}
		}
		return nil
	})
}

// Challenge returns "Bearer".
func (v *tokenVerifier) Challenge() string { return "Bearer" }

// presentedClientID is the client id a token request names, by the
// authentication method [TokenEndpoint.authenticate] will use, so a
// failure is counted against the client it tried.
func presentedClientID(r *http.Request, form url.Values) string {
	if user, _, ok := httpauth.ParseBasic(r.Header.Get("Authorization")); ok {
		return formUnescape(user)
	}
	return form.Get("client_id")
}

// remoteHost is the host part of r.RemoteAddr.
func remoteHost(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// addrKey is the key of an address's failure budget: an IPv6 address
// counts by its /64, the block one subscriber gets, so an attacker cannot
// draw a fresh budget from every address of it.
func addrKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is6() {
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

func (l FailureLimit) orDefault(def FailureLimit) (FailureLimit, error) {
	if l.Burst < 0 || l.Every < 0 {
		return l, fmt.Errorf("burst %d and interval %v must not be negative", l.Burst, l.Every)
	}
	return FailureLimit{Burst: cmp.Or(l.Burst, def.Burst), Every: cmp.Or(l.Every, def.Every)}, nil
}

func (l FailureLimit) limiter() *rate.Limiter { return rate.NewLimiter(rate.Every(l.Every), l.Burst) }

// failureLimits holds the failure budgets of a [TokenEndpoint]: one per
// configured client, made once (an unknown client id has no secret to
// guess, so it needs none and cannot make the map grow), and one per
// address in a bounded map whose entries are dropped once refilled.
type failureLimits struct {
	clients map[string]*rate.Limiter

	addrLimit FailureLimit
	maxAddrs  int
	mu        sync.Mutex
	addrs     map[string]*list.Element
	// order holds *addrBudget by last failure, oldest first: since each is
	// full again a fixed time after its last failure, that is also the
	// order in which they expire.
	order *list.List
}

type addrBudget struct {
	key  string
	lim  *rate.Limiter
	full time.Time // when the bucket is full again, and can be forgotten
}

func newFailureLimits(addrLimit FailureLimit, maxAddrs int) *failureLimits {
	return &failureLimits{
		clients:   map[string]*rate.Limiter{},
		addrLimit: addrLimit,
		maxAddrs:  maxAddrs,
		addrs:     map[string]*list.Element{},
		order:     list.New(),
	}
}

func (l *failureLimits) addClient(id string, limit FailureLimit) {
	l.clients[id] = limit.limiter()
}

// failureTicket holds the tokens a request took from its budgets.
type failureTicket []*rate.Reservation

// refund gives the tokens back, for a request that authenticated.
func (tk failureTicket) refund(now time.Time) {
	for _, r := range tk {
		r.CancelAt(now)
	}
}

// reserve takes one token from the address's budget and, if id names a
// configured client, from the client's, before the credentials are checked,
// so concurrent attempts cannot overdraw them. When either is empty it
// takes nothing and returns how long until both have a token again.
func (l *failureLimits) reserve(id, addr string, now time.Time) (failureTicket, time.Duration) {
	tk := failureTicket{l.addr(addr, now).ReserveN(now, 1)}
	if c := l.clients[id]; c != nil {
		tk = append(tk, c.ReserveN(now, 1))
	}
	var wait time.Duration
	for _, r := range tk {
		wait = max(wait, r.DelayFrom(now))
	}
	if wait > 0 {
		tk.refund(now)
		return nil, wait
	}
	return tk, 0
}

// addr returns the budget of addr, forgetting refilled ones and, beyond
// maxAddrs, the one that failed longest ago.
func (l *failureLimits) addr(addr string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	for e := l.order.Front(); e != nil && !now.Before(e.Value.(*addrBudget).full); e = l.order.Front() {
		l.order.Remove(e)
		delete(l.addrs, e.Value.(*addrBudget).key)
	}
	full := now.Add(time.Duration(l.addrLimit.Burst) * l.addrLimit.Every)
	if e, ok := l.addrs[addr]; ok {
		b := e.Value.(*addrBudget)
		b.full = full
		l.order.MoveToBack(e)
		return b.lim
	}
	if l.order.Len() >= l.maxAddrs {
		e := l.order.Front()
		l.order.Remove(e)
		delete(l.addrs, e.Value.(*addrBudget).key)
	}
	b := &addrBudget{key: addr, lim: l.addrLimit.limiter(), full: full}
	l.addrs[addr] = l.order.PushBack(b)
	return b.lim
}
