package webhook

import (
	"cmp"
	"container/heap"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hookgen/hookgen/webhook/internal/httpauth"
)

// Limits of the MAC Authorization header parser: a hostile header cannot
// make the receiver allocate more than this whatever its content.
const (
	// macMaxHeader caps the length of the Authorization header value.
	macMaxHeader = 4 << 10
	// macMaxParams caps the number of parameters, unknown ones included.
	macMaxParams = 16
)

// MACKey is one key of the HTTP MAC scheme: its identifier and secret.
type MACKey struct {
	// ID is the key identifier the sender puts in the id parameter, e.g.
	// Grubhub's "sv:v1:<client id>". Compared exactly (case-sensitive).
	ID string
	// Secret is the raw MAC key. A secret handed out as base64 text (as
	// Grubhub's are) is used as these bytes; whether a sender MACs with the
	// text or with its decoded bytes is the sender's choice, so check it
	// against one genuine request.
	Secret []byte
	// IssuedAt is when the key was issued; required. The draft's nonce is
	// "<age>:<random>", the age being the seconds since the key was
	// issued, so IssuedAt plus the age is when the request was signed:
	// the scheme's only timestamp, without which a replay could not be told
	// from a late request.
	IssuedAt time.Time
}

// HTTPMACConfig configures an HTTP MAC verifier; see [NewHTTPMAC].
type HTTPMACConfig struct {
	// Keys are the accepted keys; several allow rotation. The request's id
	// parameter selects the key; [HTTPMAC.Sign] uses the first by default.
	Keys []MACKey
	// Algorithm is the hash of both bodyhash and mac: "sha256" (default),
	// "sha1" or "sha512" (case-insensitive; "sha-256" and the draft's
	// "hmac-sha-256" spellings are accepted).
	Algorithm string
	// Host overrides the host of the normalized request string, for a
	// receiver behind a proxy that rewrites the Host header. It must not
	// carry a port (set Port). Default: the request's Host header without
	// its port, in lower case.
	Host string
	// Port overrides the port of the normalized request string (decimal
	// digits). Default: the port of the Host header if it has one, else
	// "443" when the request came over TLS (r.TLS != nil), its URL scheme
	// is https (client-side requests, for Sign) or its first
	// X-Forwarded-Proto value is https, else "80". A client can set that
	// header itself, but it only chooses between 80 and 443 as the port
	// the MAC must cover; set Port to pin it.
	Port string
	// Tolerance is how far the signing time (the key's IssuedAt plus the
	// nonce's age) may be from now, either way; default
	// DefaultMACTolerance. A nonce is remembered until its request falls
	// out of the tolerance, so for at most 2×Tolerance.
	Tolerance time.Duration
	// MaxNonces bounds the nonces remembered; default DefaultMACNonces
	// (about 150 bytes each). When that many requests arrived within their
	// tolerance, further ones are refused (401) until the oldest expire:
	// forgetting a nonce early would let its request be replayed.
	MaxNonces int
	// Now returns the current time; default time.Now. For tests.
	Now func() time.Time
}

// Defaults of [HTTPMACConfig]: the 5 minutes of Standard Webhooks and
// Stripe, and room for 160 requests a second sustained over 2×Tolerance.
const (
	DefaultMACTolerance = 5 * time.Minute
	DefaultMACNonces    = 100_000
)

// HTTPMAC verifies (and produces) the HTTP MAC authorization scheme of
// draft-ietf-oauth-v2-http-mac-00/01, the scheme Grubhub documents for its
// API. Create it with [NewHTTPMAC].
//
// The sender sends
//
//	Authorization: MAC id="<key id>",nonce="<nonce>",bodyhash="<base64>",mac="<base64>"
//
// optionally with ext="<text>". Values are RFC 9110 quoted-strings
// (backslash escapes allowed); parameters are separated by commas with
// optional spaces or tabs around the commas and the equals signs; parameter
// names are case-sensitive (lower case), the scheme name is not. Unknown
// parameters are ignored; duplicate ones, more than 16 parameters or a
// header value over 4 KiB are rejected.
//
// bodyhash is the standard base64 (padded or not) of the Algorithm hash of
// the raw body. For an empty body it may be absent or empty (as Grubhub
// documents: "otherwise use an empty string"), or the hash of no bytes; a
// non-empty body requires it.
//
// mac is the standard base64 of HMAC-<Algorithm>, keyed with the Secret of
// the key named by id, over the normalized request string: these seven
// fields, each followed by a newline ("\n"), no other separator, no
// escaping:
//
//	nonce                 the nonce parameter, unescaped, exactly as sent
//	method                the HTTP method, upper case
//	request URI           path and query as sent: r.RequestURI on a server (so a
//	                      receiver mounted under http.StripPrefix still sees
//	                      what the sender signed), else r.URL.RequestURI()
//	host                  HTTPMACConfig.Host, else the Host header without port, lower case
//	port                  HTTPMACConfig.Port, else the Host header's port, else 443 or 80
//	bodyhash              the bodyhash parameter exactly as sent ("" when absent)
//	ext                   the ext parameter, unescaped ("" when absent)
//
// Verify checks the body hash first, in constant time, then the mac with
// hmac.Equal, then the signing time, then that the nonce is new: the nonce
// must be "<age>:<unique>" (decimal seconds since the key's IssuedAt, no
// leading zeros), IssuedAt plus the age within Tolerance of now, and the
// (id, nonce) pair unused within that window. A nonce is recorded only
// once all else passed, so no one without the key can fill the store, and
// of concurrent requests with one nonce exactly one passes. The nonces are
// kept in memory, per process: behind several replicas a replay sent to
// another replica within the tolerance is not caught. A sender must sign
// every attempt afresh; one that resends an identical request to retry is
// refused.
//
// Unconfirmed for Grubhub's inbound webhooks: whether they use this scheme
// at all, this exact field order, the port Grubhub signs for a receiver
// behind a proxy (see HTTPMACConfig.Host and .Port), whether the nonce
// carries the draft's age (checked here) and whether secrets are used as
// text or base64-decoded (see [MACKey]).
type HTTPMAC struct {
	newHash   func() hash.Hash
	size      int
	keys      map[string]macKey
	first     string // ID of the first key, Sign's default
	host      string
	port      string
	tolerance time.Duration
	now       func() time.Time
	nonces    *nonceStore
}

type macKey struct {
	secret   []byte
	issuedAt time.Time
}

// NewHTTPMAC validates cfg and returns the verifier: at least one key, every
// key with a non-empty ID (no control characters), secret and IssuedAt,
// unique IDs, a known algorithm, a Host without port, a numeric Port and
// no negative Tolerance or MaxNonces.
func NewHTTPMAC(cfg HTTPMACConfig) (*HTTPMAC, error) {
	m := &HTTPMAC{
		keys:      make(map[string]macKey, len(cfg.Keys)),
		tolerance: cmp.Or(cfg.Tolerance, DefaultMACTolerance),
		now:       cfg.Now,
	}
	if m.now == nil {
		m.now = time.Now
	}
	if cfg.Tolerance < 0 || cfg.MaxNonces < 0 {
		return nil, fmt.Errorf("webhook: HTTP MAC Tolerance %v and MaxNonces %d must not be negative", cfg.Tolerance, cfg.MaxNonces)
	}
	m.nonces = newNonceStore(cmp.Or(cfg.MaxNonces, DefaultMACNonces))
	alg := strings.ToLower(strings.TrimSpace(cfg.Algorithm))
	alg = strings.ReplaceAll(strings.TrimPrefix(alg, "hmac-"), "-", "")
	switch alg {
	case "", "sha256":
		m.newHash, m.size = sha256.New, sha256.Size
	case "sha1":
		m.newHash, m.size = sha1.New, sha1.Size
	case "sha512":
		m.newHash, m.size = sha512.New, sha512.Size
	default:
		return nil, fmt.Errorf("webhook: HTTP MAC Algorithm %q: want sha256, sha1 or sha512", cfg.Algorithm)
	}
	if len(cfg.Keys) == 0 {
		return nil, errors.New("webhook: HTTP MAC needs at least one key")
	}
	for i, k := range cfg.Keys {
		switch {
		case k.ID == "":
			return nil, fmt.Errorf("webhook: HTTP MAC key %d has an empty ID", i)
		case macHasControl(k.ID):
			return nil, fmt.Errorf("webhook: HTTP MAC key %d: ID %q contains control characters", i, k.ID)
		case len(k.Secret) == 0:
			return nil, fmt.Errorf("webhook: HTTP MAC key %q has an empty secret", k.ID)
		case k.IssuedAt.IsZero():
			return nil, fmt.Errorf("webhook: HTTP MAC key %q has no IssuedAt: the nonce's age counts from it, and without it a replay cannot be told from a late request", k.ID)
		}
		if _, dup := m.keys[k.ID]; dup {
			return nil, fmt.Errorf("webhook: HTTP MAC key ID %q appears twice", k.ID)
		}
		m.keys[k.ID] = macKey{secret: append([]byte(nil), k.Secret...), issuedAt: k.IssuedAt}
		if i == 0 {
			m.first = k.ID
		}
	}
	if cfg.Host != "" {
		h := macLower(cfg.Host)
		switch {
		case macHasControl(h) || strings.ContainsAny(h, " \t/?#@"):
			return nil, fmt.Errorf("webhook: HTTP MAC Host %q is not a host name", cfg.Host)
		case strings.HasPrefix(h, "["):
			if !strings.HasSuffix(h, "]") {
				return nil, fmt.Errorf("webhook: HTTP MAC Host %q: put the port in Port", cfg.Host)
			}
		case strings.Contains(h, ":"):
			return nil, fmt.Errorf("webhook: HTTP MAC Host %q: put the port in Port (bracket IPv6 literals)", cfg.Host)
		}
		m.host = h
	}
	if cfg.Port != "" {
		if !macValidPort(cfg.Port) {
			return nil, fmt.Errorf("webhook: HTTP MAC Port %q: want decimal digits", cfg.Port)
		}
		m.port = cfg.Port
	}
	return m, nil
}

// Challenge returns "MAC", the WWW-Authenticate value of a 401.
func (m *HTTPMAC) Challenge() string { return "MAC" }

// VerifyHeader refuses, before the body is read, a request without an
// Authorization: MAC header, with a malformed one or with an unknown key
// id; any other needs the body ([ErrNeedBody]).
func (m *HTTPMAC) VerifyHeader(r *http.Request) error {
	params, err := macParams(r)
	if err != nil {
		return err
	}
	if _, ok := m.keys[params["id"]]; !ok {
		return unauthorized("httpmac: unknown key id")
	}
	return ErrNeedBody
}

// macParams returns the parameters of the request's one Authorization:
// MAC header.
func macParams(r *http.Request) (map[string]string, error) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 || (len(values) == 1 && strings.TrimSpace(values[0]) == "") {
		return nil, noCredentials("httpmac: missing Authorization header")
	}
	if len(values) > 1 {
		return nil, unauthorized("httpmac: several Authorization headers")
	}
	params, reason, otherScheme := parseMACAuthorization(values[0])
	switch {
	case otherScheme:
		return nil, noCredentials("httpmac: Authorization header uses another scheme")
	case reason != "":
		return nil, unauthorized("httpmac: malformed Authorization header: " + reason)
	}
	return params, nil
}

// Verify checks the request's Authorization: MAC header over body.
func (m *HTTPMAC) Verify(r *http.Request, body []byte) error {
	if r == nil || r.URL == nil {
		return unauthorized("httpmac: no request")
	}
	params, err := macParams(r)
	if err != nil {
		return err
	}
	for _, name := range []string{"id", "nonce", "mac"} {
		if params[name] == "" {
			return unauthorized("httpmac: missing " + name + " parameter")
		}
	}
	age, ok := nonceAge(params["nonce"])
	if !ok {
		return unauthorized(`httpmac: nonce is not "<age in seconds>:<unique string>"`)
	}
	bodyHash, hasBodyHash := params["bodyhash"]

	// The body hash first: a mismatch needs no key and no MAC.
	if len(body) > 0 || bodyHash != "" {
		if !hasBodyHash || bodyHash == "" {
			return unauthorized("httpmac: missing bodyhash parameter")
		}
		got, ok := m.decode(bodyHash)
		if !ok {
			return unauthorized("httpmac: malformed bodyhash")
		}
		h := m.newHash()
		h.Write(body)
		if subtle.ConstantTimeCompare(h.Sum(nil), got) != 1 {
			return unauthorized("httpmac: bodyhash does not match the body")
		}
	}

	key, ok := m.keys[params["id"]]
	if !ok {
		return unauthorized("httpmac: unknown key id")
	}
	got, ok := m.decode(params["mac"])
	if !ok {
		return unauthorized("httpmac: malformed mac")
	}
	host, port, reason := m.hostPort(r)
	if reason != "" {
		return unauthorized("httpmac: " + reason)
	}
	if !macValidMethod(r.Method) {
		return unauthorized("httpmac: malformed method")
	}
	want := m.mac(key.secret, params["nonce"], r.Method, macRequestURI(r), host, port, bodyHash, params["ext"])
	if !hmac.Equal(want, got) {
		return unauthorized("httpmac: mac mismatch")
	}
	now := m.now()
	signed := key.issuedAt.Add(age)
	if d := now.Sub(signed); d > m.tolerance || d < -m.tolerance {
		return unauthorized(fmt.Sprintf("httpmac: signed at %s (IssuedAt + nonce age), outside the %v tolerance", signed.UTC().Format(time.RFC3339), m.tolerance))
	}
	switch m.nonces.spend(params["id"], params["nonce"], signed.Add(m.tolerance), now) {
	case nonceReused:
		return unauthorized("httpmac: nonce already used (replay)")
	case nonceStoreFull:
		return unauthorized("httpmac: too many nonces within the tolerance (MaxNonces)")
	}
	return nil
}

// maxNonceAge keeps IssuedAt + age within time.Duration (about 292 years).
const maxNonceAge = 1 << 33 // seconds, about 272 years

// nonceAge reads the age of a nonce "<age>:<unique>": decimal seconds
// without leading zeros, then a non-empty unique part.
func nonceAge(nonce string) (time.Duration, bool) {
	digits, rest, ok := strings.Cut(nonce, ":")
	if !ok || rest == "" || digits == "" || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n > maxNonceAge {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// Sign sets r's Authorization header as a sender would, with the first key
// (or the key with keyID if not empty) and the given nonce (when empty, a
// fresh "<age>:<random>" one, the age counted from the key's IssuedAt to
// HTTPMACConfig.Now; a given one must not hold control characters). The host and
// port are derived from r as [HTTPMAC.Verify] derives them, overrides
// included; an empty body gets an empty bodyhash. No ext parameter is sent.
// Test kits and `hookgen send` use it.
func (m *HTTPMAC) Sign(r *http.Request, body []byte, keyID, nonce string) error {
	if r == nil || r.URL == nil {
		return errors.New("webhook: HTTP MAC Sign: nil request or URL")
	}
	if keyID == "" {
		keyID = m.first
	}
	key, ok := m.keys[keyID]
	if !ok {
		return fmt.Errorf("webhook: HTTP MAC Sign: unknown key ID %q", keyID)
	}
	if nonce == "" {
		age := m.now().Sub(key.issuedAt)
		if age < 0 {
			return fmt.Errorf("webhook: HTTP MAC Sign: key %q is issued in the future", keyID)
		}
		nonce = strconv.FormatInt(int64(age/time.Second), 10) + ":" + rand.Text()
	} else if macHasControl(nonce) {
		return errors.New("webhook: HTTP MAC Sign: the nonce contains control characters")
	}
	if !macValidMethod(r.Method) {
		return fmt.Errorf("webhook: HTTP MAC Sign: method %q is not a token", r.Method)
	}
	host, port, reason := m.hostPort(r)
	if reason != "" {
		return errors.New("webhook: HTTP MAC Sign: " + reason)
	}
	bodyHash := ""
	if len(body) > 0 {
		h := m.newHash()
		h.Write(body)
		bodyHash = base64.StdEncoding.EncodeToString(h.Sum(nil))
	}
	mac := base64.StdEncoding.EncodeToString(m.mac(key.secret, nonce, r.Method, macRequestURI(r), host, port, bodyHash, ""))
	if r.Header == nil {
		r.Header = http.Header{}
	}
	r.Header.Set("Authorization", "MAC id="+httpauth.QuoteParam(keyID)+",nonce="+httpauth.QuoteParam(nonce)+
		",bodyhash="+httpauth.QuoteParam(bodyHash)+",mac="+httpauth.QuoteParam(mac))
	return nil
}

// mac computes the MAC of the normalized request string, each field
// followed by a newline.
func (m *HTTPMAC) mac(secret []byte, nonce, method, uri, host, port, bodyHash, ext string) []byte {
	h := hmac.New(m.newHash, secret)
	for _, f := range [...]string{nonce, macUpper(method), uri, host, port, bodyHash, ext} {
		h.Write([]byte(f))
		h.Write([]byte{'\n'})
	}
	return h.Sum(nil)
}

// decode reads a standard base64 value, padded or not, exactly one digest
// long.
func (m *HTTPMAC) decode(s string) ([]byte, bool) {
	if len(s) > 2*m.size+4 {
		return nil, false
	}
	b, err := decodeBase64(base64.StdEncoding, s)
	if err != nil || len(b) != m.size {
		return nil, false
	}
	return b, true
}

// hostPort returns the host and port of the normalized request string, or
// the reason they cannot be told.
func (m *HTTPMAC) hostPort(r *http.Request) (host, port, reason string) {
	host, port = m.host, m.port
	if host != "" && port != "" {
		return host, port, ""
	}
	raw := r.Host
	if raw == "" {
		raw = r.URL.Host
	}
	h, p, ok := macSplitHost(raw)
	if !ok {
		return "", "", "malformed Host header"
	}
	if host == "" {
		if h == "" {
			return "", "", "missing Host header"
		}
		host = macLower(h)
	}
	if port == "" {
		port = p
	}
	if port == "" {
		port = "80"
		if macIsHTTPS(r) {
			port = "443"
		}
	}
	return host, port, ""
}

// macIsHTTPS reports whether the request reached the receiver over TLS, was
// built for an https URL, or was forwarded by a proxy that terminated TLS.
func macIsHTTPS(r *http.Request) bool {
	if r.TLS != nil || strings.EqualFold(r.URL.Scheme, "https") {
		return true
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// macSplitHost splits a Host header value into host and (possibly empty)
// port. It rejects control characters, spaces, unbracketed IPv6 literals
// and non-numeric ports, so no field of the normalized string can hold a
// newline. An empty port after a colon counts as no port.
func macSplitHost(raw string) (host, port string, ok bool) {
	if macHasControl(raw) || strings.ContainsAny(raw, " \t") {
		return "", "", false
	}
	if strings.HasPrefix(raw, "[") {
		i := strings.IndexByte(raw, ']')
		if i < 0 {
			return "", "", false
		}
		rest := raw[i+1:]
		host = raw[:i+1]
		if rest == "" {
			return host, "", true
		}
		if rest[0] != ':' {
			return "", "", false
		}
		port = rest[1:]
	} else {
		i := strings.LastIndexByte(raw, ':')
		if i < 0 {
			return raw, "", true
		}
		host, port = raw[:i], raw[i+1:]
		if strings.Contains(host, ":") {
			return "", "", false
		}
	}
	if port != "" && !macValidPort(port) {
		return "", "", false
	}
	return host, port, true
}

func macValidPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

// macValidMethod reports whether s is an RFC 9110 token.
func macValidMethod(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !macTokenChar(s[i]) {
			return false
		}
	}
	return true
}

func macHasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// macLower and macUpper change ASCII letters only, so any two
// implementations agree on non-ASCII bytes.
func macLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

func macUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

// macAuthorizationParams parses an Authorization header value of the MAC
// scheme (the scheme name is case-insensitive) into its parameters, with
// quoted-string values unescaped. It reports false for another scheme and
// for a malformed list: a value longer than 4 KiB, no parameters, a name
// that is not a token, a value that is not a quoted-string (unterminated,
// or holding control characters other than tab), an empty list element,
// a duplicate name or more than 16 parameters. Names are returned as sent
// (the draft's are lower case); no parameter is required here.
func macAuthorizationParams(header string) (params map[string]string, ok bool) {
	params, reason, other := parseMACAuthorization(header)
	if other || reason != "" {
		return nil, false
	}
	return params, true
}

// parseMACAuthorization is macAuthorizationParams with the reason of a
// failure, and otherScheme set when the header is not of the MAC scheme at
// all (so Verify can report missing credentials).
func parseMACAuthorization(header string) (params map[string]string, reason string, otherScheme bool) {
	s := strings.Trim(header, " \t")
	i := 0
	for i < len(s) && s[i] != ' ' && s[i] != '\t' {
		i++
	}
	if !strings.EqualFold(s[:i], "MAC") {
		return nil, "", true
	}
	if len(header) > macMaxHeader {
		return nil, fmt.Sprintf("longer than %d bytes", macMaxHeader), false
	}
	i = macSkipOWS(s, i)
	if i == len(s) {
		return nil, "no parameters", false
	}
	params = make(map[string]string, 5)
	var sb strings.Builder
	for {
		start := i
		for i < len(s) && macTokenChar(s[i]) {
			i++
		}
		if i == start {
			return nil, "expected a parameter name", false
		}
		name := s[start:i]
		i = macSkipOWS(s, i)
		if i == len(s) || s[i] != '=' {
			return nil, "expected = after " + name, false
		}
		i = macSkipOWS(s, i+1)
		if i == len(s) || s[i] != '"' {
			return nil, "value of " + name + " is not a quoted string", false
		}
		i++
		sb.Reset()
		closed := false
		for i < len(s) {
			c := s[i]
			if c == '"' {
				closed = true
				i++
				break
			}
			if c == '\\' {
				i++
				if i == len(s) {
					break
				}
				c = s[i]
			}
			if (c < 0x20 && c != '\t') || c == 0x7f {
				return nil, "control character in the value of " + name, false
			}
			sb.WriteByte(c)
			i++
		}
		if !closed {
			return nil, "unterminated quoted string", false
		}
		if _, dup := params[name]; dup {
			return nil, "duplicate parameter " + name, false
		}
		if len(params) == macMaxParams {
			return nil, fmt.Sprintf("more than %d parameters", macMaxParams), false
		}
		params[name] = sb.String()
		i = macSkipOWS(s, i)
		if i == len(s) {
			return params, "", false
		}
		if s[i] != ',' {
			return nil, "expected , after the value of " + name, false
		}
		i = macSkipOWS(s, i+1)
		if i == len(s) {
			return nil, "trailing comma", false
		}
	}
}

func macSkipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// macTokenChar reports whether c is an RFC 9110 tchar.
func macTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// macRequestURI is the request target as the sender wrote it. A server
// keeps it in r.RequestURI, which handlers such as http.StripPrefix leave
// alone while they rewrite r.URL.
func macRequestURI(r *http.Request) string {
	if r.RequestURI != "" && !strings.Contains(r.RequestURI, "://") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// nonceStore remembers spent nonces until their request falls out of the
// tolerance: bounded, and never forgetting a nonce early.
type nonceStore struct {
	mu    sync.Mutex
	max   int
	until map[[sha256.Size]byte]time.Time
	queue nonceQueue
}

type nonceOutcome int

const (
	nonceFresh nonceOutcome = iota
	nonceReused
	nonceStoreFull
)

func newNonceStore(max int) *nonceStore {
	return &nonceStore{max: max, until: map[[sha256.Size]byte]time.Time{}}
}

// spend records the nonce of key id until then, unless it is already
// recorded or the store is full of unexpired nonces. Keys are digests, so
// an entry is small whatever the nonce's length.
func (s *nonceStore) spend(id, nonce string, until, now time.Time) nonceOutcome {
	k := sha256.Sum256([]byte(id + "\n" + nonce)) // neither holds a newline
	s.mu.Lock()
	defer s.mu.Unlock()
	// A request signed exactly Tolerance ago still passes the time check,
	// so its nonce is kept through until, inclusive.
	for len(s.queue) > 0 && now.After(s.queue[0].until) {
		delete(s.until, heap.Pop(&s.queue).(spentNonce).key)
	}
	if _, ok := s.until[k]; ok {
		return nonceReused
	}
	if len(s.until) >= s.max {
		return nonceStoreFull
	}
	s.until[k] = until
	heap.Push(&s.queue, spentNonce{key: k, until: until})
	return nonceFresh
}

type spentNonce struct {
	key   [sha256.Size]byte
	until time.Time
}

// nonceQueue is a min-heap of spent nonces by expiry.
type nonceQueue []spentNonce

func (q nonceQueue) Len() int           { return len(q) }
func (q nonceQueue) Less(i, j int) bool { return q[i].until.Before(q[j].until) }
func (q nonceQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *nonceQueue) Push(x any)        { *q = append(*q, x.(spentNonce)) }
func (q *nonceQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
