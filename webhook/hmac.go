package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MaxSignatureParts caps how many entries of a multi-part signature header
// are examined, so a hostile header cannot make the receiver compute
// thousands of MACs. Headers with more parts are rejected.
const MaxSignatureParts = 16

// HMACConfig configures an HMAC signature verifier; see [NewHMAC]. The zero
// values give a hex HMAC-SHA256 of the body alone in Header.
type HMACConfig struct {
	// Algorithm is the hash: "sha1", "sha256" (default), "sha384" or
	// "sha512" (case-insensitive, "sha-256" accepted).
	Algorithm string
	// Encoding of the signature: "hex" (default), "base64" or "base64url";
	// padded and unpadded forms are both accepted, Sign writes padded ones.
	Encoding string
	// Header carries the signature, e.g. "X-Hub-Signature-256". Required.
	Header string
	// Prefix precedes the whole header value, e.g. "sha256=" (matched
	// case-insensitively).
	Prefix string

	// SignatureKey is the key of the signature parts in a multi-part header
	// value such as "t=123,v1=abc,v1=def" (key "v1") or "v1,<sig> v1,<sig2>".
	// Empty means the value (after Prefix) is one signature, or a list of
	// bare signatures when Separator is set.
	SignatureKey string
	// Separator splits a multi-part value into entries: "," (the default
	// when SignatureKey is set) or " " (Standard Webhooks).
	Separator string
	// KeyValueSeparator splits an entry into key and value: "=" (default)
	// or "," (Standard Webhooks' "v1,<sig>").
	KeyValueSeparator string
	// TimestampKey is the key of the timestamp part inside the signature
	// header ("t"). Requires SignatureKey.
	TimestampKey string
	// TimestampHeader is a separate header carrying the timestamp in unix
	// seconds ("webhook-timestamp"). At most one of TimestampKey and
	// TimestampHeader may be set.
	TimestampHeader string
	// TimestampFormat is how the timestamp is written: "unix" (the
	// default: seconds since the epoch, digits only) or "rfc3339" (RFC
	// 3339 with optional fractional seconds, as Twitch EventSub's
	// "2019-11-16T10:11:12.634234626Z"). Sign writes RFC 3339 in UTC with
	// nanoseconds. Requires TimestampKey or TimestampHeader.
	TimestampFormat string
	// IDHeader carries the message id ("webhook-id"), required when Content
	// uses {id}.
	IDHeader string

	// Content is the template of the signed bytes over {id}, {timestamp}
	// (the header's digits exactly as sent) and {body} (the raw body);
	// default "{body}". Standard Webhooks: "{id}.{timestamp}.{body}",
	// Stripe: "{timestamp}.{body}".
	Content string
	// BodyHashQuery is a query parameter of the request's URL that carries
	// the hex SHA-256 of the body, as Twilio's bodySHA256 does for a JSON
	// body: Content signs {url}, which holds the hash, and the hash the
	// body; together they stand for {body}. Requires {url} in Content.
	BodyHashQuery string
	// Tolerance: 0 disables the timestamp check; otherwise a request whose
	// timestamp is more than Tolerance away from now, in the past (replay)
	// or the future, is rejected. A positive Tolerance requires the
	// timestamp to be signed, i.e. Content to use {timestamp}.
	Tolerance time.Duration
	// Secrets are the keys; several allow rotation: a request passes when
	// any one signature it carries matches any one secret. [HMAC.Sign] uses
	// the first.
	Secrets [][]byte
	// Now returns the current time; default time.Now. For tests.
	Now func() time.Time
}

// HMAC verifies (and produces) HMAC signatures over a request's raw body.
// Create it with [NewHMAC] or a preset.
type HMAC struct {
	newHash  func() hash.Hash
	size     int
	encoding string
	prefix   string
	// sets are the header names a request may use, in the order Verify
	// tries them: the configured one, or a preset's brands (Standard
	// Webhooks' webhook-*, then Svix's svix-*). Sign writes sets[signSet].
	sets    []headerSet
	signSet int

	mode      headerMode
	sigKey    string
	sep       string
	kvSep     string
	tsKey     string
	tsRFC3339 bool // the timestamp is RFC 3339, not unix seconds
	content   []segment
	usesID    bool
	usesTS    bool
	usesURL   bool
	bodyHash  string // the query parameter holding the body's SHA-256
	tolerance time.Duration
	secrets   [][]byte
	now       func() time.Time
}

// headerSet names the headers of one request layout: the signature, the
// timestamp (when it travels in a header of its own) and the id.
type headerSet struct{ sig, ts, id string }

// headerMode says how the signature header value is laid out.
type headerMode int

const (
	modeSingle headerMode = iota // the value is one signature
	modeList                     // Separator-separated bare signatures
	modeKeyed                    // Separator-separated key/value entries
)

// segment is one piece of the signed-content template.
type segment struct {
	kind segmentKind
	lit  string
}

type segmentKind int

const (
	segLiteral segmentKind = iota
	segID
	segTimestamp
	segBody
	// The request, for signatures over more than the body: its public
	// URL, method, path and query, and its form parameters sorted.
	segURL
	segMethod
	segPath
	segQuery
	segFormSorted
)

// NewHMAC validates cfg and returns the verifier. Errors name the field at
// fault.
func NewHMAC(cfg HMACConfig) (*HMAC, error) {
	h := &HMAC{
		prefix:    cfg.Prefix,
		sets:      []headerSet{{cfg.Header, cfg.TimestampHeader, cfg.IDHeader}},
		sigKey:    cfg.SignatureKey,
		sep:       cfg.Separator,
		kvSep:     cfg.KeyValueSeparator,
		tsKey:     cfg.TimestampKey,
		tolerance: cfg.Tolerance,
		now:       cfg.Now,
	}
	if h.now == nil {
		h.now = time.Now
	}
	switch strings.ReplaceAll(strings.ToLower(cfg.Algorithm), "-", "") {
	case "", "sha256":
		h.newHash, h.size = sha256.New, sha256.Size
	case "sha1":
		h.newHash, h.size = sha1.New, sha1.Size
	case "sha384":
		h.newHash, h.size = sha512.New384, sha512.Size384
	case "sha512":
		h.newHash, h.size = sha512.New, sha512.Size
	default:
		return nil, fmt.Errorf("webhook: HMAC Algorithm %q: want sha1, sha256, sha384 or sha512", cfg.Algorithm)
	}
	switch enc := strings.ToLower(cfg.Encoding); enc {
	case "":
		h.encoding = "hex"
	case "hex", "base64", "base64url":
		h.encoding = enc
	default:
		return nil, fmt.Errorf("webhook: HMAC Encoding %q: want hex, base64 or base64url", cfg.Encoding)
	}
	if strings.TrimSpace(cfg.Header) == "" {
		return nil, errors.New("webhook: HMAC Header is required")
	}
	switch {
	case h.sigKey != "":
		h.mode = modeKeyed
		if h.sep == "" {
			h.sep = ","
		}
		if h.kvSep == "" {
			h.kvSep = "="
		}
		if h.sep == h.kvSep {
			return nil, fmt.Errorf("webhook: HMAC Separator and KeyValueSeparator are both %q", h.sep)
		}
	case h.sep != "":
		h.mode = modeList
	default:
		h.mode = modeSingle
	}
	if h.tsKey != "" && h.mode != modeKeyed {
		return nil, errors.New("webhook: HMAC TimestampKey needs SignatureKey (a multi-part header)")
	}
	if h.tsKey != "" && h.tsKey == h.sigKey {
		return nil, errors.New("webhook: HMAC TimestampKey equals SignatureKey")
	}
	if h.tsKey != "" && cfg.TimestampHeader != "" {
		return nil, errors.New("webhook: HMAC TimestampKey and TimestampHeader are both set; choose one")
	}
	content := cfg.Content
	if content == "" {
		content = "{body}"
	}
	var err error
	if h.content, err = parseContent("HMAC", content, true, cfg.BodyHashQuery != ""); err != nil {
		return nil, err
	}
	for _, s := range h.content {
		h.usesID = h.usesID || s.kind == segID
		h.usesTS = h.usesTS || s.kind == segTimestamp
		h.usesURL = h.usesURL || s.kind == segURL
	}
	if h.bodyHash = cfg.BodyHashQuery; h.bodyHash != "" && !h.usesURL {
		return nil, errors.New("webhook: HMAC BodyHashQuery is set but Content does not sign {url}, which carries the hash")
	}
	hasTS := h.tsKey != "" || cfg.TimestampHeader != ""
	if h.usesTS && !hasTS {
		return nil, errors.New("webhook: HMAC Content uses {timestamp} but neither TimestampKey nor TimestampHeader is set")
	}
	switch strings.ToLower(cfg.TimestampFormat) {
	case "", "unix":
	case "rfc3339":
		h.tsRFC3339 = true
	default:
		return nil, fmt.Errorf("webhook: HMAC TimestampFormat %q: want unix or rfc3339", cfg.TimestampFormat)
	}
	if cfg.TimestampFormat != "" && !hasTS {
		return nil, errors.New("webhook: HMAC TimestampFormat is set but neither TimestampKey nor TimestampHeader is")
	}
	if h.usesID && cfg.IDHeader == "" {
		return nil, errors.New("webhook: HMAC Content uses {id} but IDHeader is not set")
	}
	if h.tolerance < 0 {
		return nil, fmt.Errorf("webhook: HMAC Tolerance %v is negative", h.tolerance)
	}
	if h.tolerance > 0 && !h.usesTS {
		// An unsigned timestamp can be rewritten by whoever replays the
		// request, so checking it would only look like replay protection.
		return nil, errors.New("webhook: HMAC Tolerance is set but Content does not sign {timestamp}")
	}
	if len(cfg.Secrets) == 0 {
		return nil, errors.New("webhook: HMAC needs at least one secret")
	}
	for i, s := range cfg.Secrets {
		if len(s) == 0 {
			return nil, fmt.Errorf("webhook: HMAC secret %d is empty", i)
		}
		h.secrets = append(h.secrets, append([]byte(nil), s...))
	}
	return h, nil
}

// parseContent splits a signed-content template into literal and
// placeholder segments; an unknown {name} is an error rather than text, to
// catch typos. kind names the verifier in errors; request allows the
// placeholders of the request ({url}, {method}, {path}, {query},
// {form:sorted}), which may stand for {body}; hashedBody says a body hash
// in the URL does.
func parseContent(kind, t string, request, hashedBody bool) ([]segment, error) {
	var segs []segment
	hasBody := false
	for t != "" {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			segs = append(segs, segment{kind: segLiteral, lit: t})
			break
		}
		if i > 0 {
			segs = append(segs, segment{kind: segLiteral, lit: t[:i]})
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("webhook: %s Content %q: unclosed {", kind, t)
		}
		switch name := t[i+1 : i+j]; name {
		case "id":
			segs = append(segs, segment{kind: segID})
		case "timestamp":
			segs = append(segs, segment{kind: segTimestamp})
		case "body":
			segs = append(segs, segment{kind: segBody})
			hasBody = true
		default:
			k, ok := requestSegments[name]
			if !request || !ok {
				want := "{id}, {timestamp} or {body}"
				if request {
					want = "{id}, {timestamp}, {body}, {url}, {method}, {path}, {query} or {form:sorted}"
				}
				return nil, fmt.Errorf("webhook: %s Content: unknown placeholder {%s}; want %s", kind, name, want)
			}
			segs = append(segs, segment{kind: k})
			hasBody = hasBody || k == segFormSorted
		}
		t = t[i+j+1:]
	}
	if !hasBody && !hashedBody {
		if request {
			return nil, fmt.Errorf("webhook: %s Content must include {body} or {form:sorted}", kind)
		}
		return nil, fmt.Errorf("webhook: %s Content must include {body}", kind)
	}
	return segs, nil
}

// requestSegments are the placeholders of the request.
var requestSegments = map[string]segmentKind{
	"url": segURL, "method": segMethod, "path": segPath, "query": segQuery, "form:sorted": segFormSorted,
}

// VerifyHeader refuses a request without the signature header before its
// body is read; with one, only the body can tell ([ErrNeedBody]).
func (h *HMAC) VerifyHeader(r *http.Request) error {
	if _, ok := h.headerSet(r); !ok {
		return h.missing()
	}
	return ErrNeedBody
}

// headerSet returns the first header set whose signature header r carries.
func (h *HMAC) headerSet(r *http.Request) (headerSet, bool) {
	for _, set := range h.sets {
		if values := r.Header.Values(set.sig); len(values) > 1 || (len(values) == 1 && strings.TrimSpace(values[0]) != "") {
			return set, true
		}
	}
	return headerSet{}, false
}

// missing is the error of a request without any signature header.
func (h *HMAC) missing() error {
	names := make([]string, len(h.sets))
	for i, set := range h.sets {
		names[i] = set.sig
	}
	return noCredentials("hmac: missing " + strings.Join(names, " or ") + " header")
}

// Verify checks the request's signature over body. A preset that knows
// several header sets (Standard Webhooks: webhook-* and svix-*) reads the
// first whose signature header the request carries, and only that set.
func (h *HMAC) Verify(r *http.Request, body []byte) error {
	set, ok := h.headerSet(r)
	if !ok {
		return h.missing()
	}
	values := r.Header.Values(set.sig)
	var value string
	if len(values) == 1 {
		value = values[0]
	} else if h.mode == modeSingle {
		return unauthorized("hmac: several " + set.sig + " headers")
	} else {
		// Repeated header lines are one list (RFC 9110 §5.3).
		value = strings.Join(values, h.sep)
	}
	sigs, tsInHeader, err := h.parseHeader(value)
	if err != nil {
		return err
	}

	var ts string
	switch {
	case h.tsKey != "":
		ts = tsInHeader
	case set.ts != "":
		ts = strings.TrimSpace(r.Header.Get(set.ts))
	}
	if h.tsKey != "" || set.ts != "" {
		if ts == "" {
			return unauthorized("hmac: missing timestamp")
		}
		at, ok := h.parseTimestamp(ts)
		if !ok {
			return unauthorized("hmac: malformed timestamp")
		}
		if h.tolerance > 0 {
			d := h.now().Sub(at)
			if d > h.tolerance {
				return unauthorized("hmac: timestamp too old")
			}
			if -d > h.tolerance {
				return unauthorized("hmac: timestamp in the future")
			}
		}
	}
	var id string
	if h.usesID {
		id = r.Header.Get(set.id)
		if id == "" {
			return unauthorized("hmac: missing " + set.id + " header")
		}
	}

	req, err := h.requestOf(r, body)
	if err != nil {
		return err
	}
	if h.bodyHash != "" {
		if err := h.checkBodyHash(r, body); err != nil {
			return err
		}
	}
	decoded := make([][]byte, 0, len(sigs))
	for _, s := range sigs {
		if b, ok := h.decode(s); ok {
			decoded = append(decoded, b)
		}
	}
	if len(decoded) == 0 {
		return unauthorized("hmac: malformed signature")
	}
	urls := []string{req.url}
	if h.usesURL {
		urls = portVariants(req.url)
	}
	for _, secret := range h.secrets {
		for _, u := range urls {
			req.url = u
			want := h.mac(secret, id, ts, body, req)
			for _, got := range decoded {
				if hmac.Equal(want, got) {
					return nil
				}
			}
		}
	}
	return unauthorized("hmac: signature mismatch")
}

// portVariants are the spellings of an absolute URL a signature over it
// may have used: as given, and without its port or, when it has none,
// with the scheme's default one. Twilio signs the URL it was given, and
// may add :443 or drop a port; its libraries accept both, and so does
// Verify. The URL is the receiver's own public URL, so the variants name
// the same endpoint.
func portVariants(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return []string{raw}
	}
	host, port := u.Hostname(), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	switch {
	case port != "":
		u.Host = host
	case u.Scheme == "https":
		u.Host = host + ":443"
	case u.Scheme == "http":
		u.Host = host + ":80"
	default:
		return []string{raw}
	}
	return []string{raw, u.String()}
}

// setBodyHash sets the URL's parameter name to the hex SHA-256 of body,
// appended after the URL's own parameters as Twilio does (replacing one
// already there re-encodes the query).
func setBodyHash(u *url.URL, name string, body []byte) {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if q := u.Query(); q.Has(name) {
		q.Set(name, hash)
		u.RawQuery = q.Encode()
		return
	}
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += url.QueryEscape(name) + "=" + hash
}

// checkBodyHash checks that the URL's BodyHashQuery parameter is the hex
// SHA-256 of body: the signature covers the URL, the hash the body.
func (h *HMAC) checkBodyHash(r *http.Request, body []byte) error {
	values := r.URL.Query()[h.bodyHash]
	if len(values) != 1 {
		return unauthorized("hmac: the URL must carry one " + h.bodyHash + " parameter, the body's SHA-256")
	}
	got, err := hex.DecodeString(values[0])
	sum := sha256.Sum256(body)
	if err != nil || !hmac.Equal(got, sum[:]) {
		return unauthorized("hmac: the body does not match the URL's " + h.bodyHash)
	}
	return nil
}

// parseHeader extracts the encoded signatures and, in keyed mode, the
// timestamp part from a signature header value. It never allocates more
// than MaxSignatureParts signatures whatever the input.
func (h *HMAC) parseHeader(value string) (sigs []string, ts string, err error) {
	v := strings.TrimSpace(value)
	if h.prefix != "" {
		if len(v) < len(h.prefix) || !strings.EqualFold(v[:len(h.prefix)], h.prefix) {
			return nil, "", unauthorized("hmac: signature lacks prefix " + strconv.Quote(h.prefix))
		}
		v = v[len(h.prefix):]
	}
	if h.mode == modeSingle {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, "", unauthorized("hmac: empty signature")
		}
		return []string{v}, "", nil
	}
	parts := 0
	hasTS := false
	for rest := v; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, h.sep)
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		parts++
		if parts > MaxSignatureParts {
			return nil, "", unauthorized(fmt.Sprintf("hmac: more than %d signature parts", MaxSignatureParts))
		}
		if h.mode == modeList {
			sigs = append(sigs, part)
			continue
		}
		key, val, ok := strings.Cut(part, h.kvSep)
		if !ok {
			continue // an entry of a form we do not know; others may match
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case h.sigKey:
			if val != "" {
				sigs = append(sigs, val)
			}
		case h.tsKey:
			if hasTS {
				return nil, "", unauthorized("hmac: several timestamps in signature header")
			}
			hasTS = true
			ts = val
		}
	}
	if len(sigs) == 0 {
		if h.mode == modeKeyed {
			return nil, "", unauthorized("hmac: no " + strconv.Quote(h.sigKey) + " signature in header")
		}
		return nil, "", unauthorized("hmac: empty signature")
	}
	return sigs, ts, nil
}

// parseTimestamp reads a signed timestamp in the configured format.
func (h *HMAC) parseTimestamp(s string) (time.Time, bool) {
	if !h.tsRFC3339 {
		sec, ok := parseUnix(s)
		return time.Unix(sec, 0), ok
	}
	// The longest RFC 3339 time: nanoseconds and a numeric offset.
	if len(s) > len("2006-01-02T15:04:05.999999999-07:00") {
		return time.Time{}, false
	}
	// time.RFC3339 accepts fractional seconds when parsing.
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// parseUnix accepts only plain decimal digits: no sign, no spaces, no
// fractions, so the signed text and the checked value cannot disagree.
func parseUnix(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// decode turns one encoded signature into bytes, rejecting anything that is
// not exactly one MAC long.
func (h *HMAC) decode(s string) ([]byte, bool) {
	if len(s) > 2*h.size+4 { // longer than any encoding of one MAC
		return nil, false
	}
	var b []byte
	var err error
	switch h.encoding {
	case "hex":
		b, err = hex.DecodeString(s)
	case "base64":
		b, err = decodeBase64(base64.StdEncoding, s)
	case "base64url":
		b, err = decodeBase64(base64.URLEncoding, s)
	}
	if err != nil || len(b) != h.size {
		return nil, false
	}
	return b, true
}

// decodeBase64 accepts the padded and the unpadded form, strictly: the
// bits after the last byte must be zero, so that one signature has one
// spelling (a MAC's last character is otherwise one of four).
func decodeBase64(enc *base64.Encoding, s string) ([]byte, error) {
	if !strings.HasSuffix(s, "=") {
		enc = enc.WithPadding(base64.NoPadding)
	}
	return enc.Strict().DecodeString(s)
}

func (h *HMAC) encode(b []byte) string {
	switch h.encoding {
	case "base64":
		return base64.StdEncoding.EncodeToString(b)
	case "base64url":
		return base64.URLEncoding.EncodeToString(b)
	default:
		return hex.EncodeToString(b)
	}
}

// signedRequest is what the request placeholders stand for.
type signedRequest struct {
	url, method, path, query, form string
}

// requestOf reads the request placeholders' values from r. {url} needs
// an absolute URL: a server's request has one only when the receiver's
// public URL is configured (WithPublicURL of a generated package), for
// the Host header is the client's to choose.
func (h *HMAC) requestOf(r *http.Request, body []byte) (signedRequest, error) {
	var req signedRequest
	for _, s := range h.content {
		switch s.kind {
		case segURL:
			if r.URL == nil || r.URL.Scheme == "" || r.URL.Host == "" {
				return req, unauthorized("hmac: the signature covers the request's URL, but the receiver's public URL is not configured")
			}
			req.url = r.URL.Scheme + "://" + r.URL.Host + r.URL.RequestURI()
		case segMethod:
			req.method = r.Method
		case segPath:
			req.path = r.URL.EscapedPath()
		case segQuery:
			req.query = r.URL.RawQuery
		case segFormSorted:
			f, err := SortedForm(body)
			if err != nil {
				return req, unauthorized("hmac: the body is no form: " + err.Error())
			}
			req.form = f
		}
	}
	return req, nil
}

// SortedForm is the text a form body is signed as by Twilio: the names of
// its parameters sorted (bytewise), each followed by its value, without
// separators; a name given several times contributes each of its values,
// in the order sent.
func SortedForm(body []byte) (string, error) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return "", err
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range values[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	return b.String(), nil
}

// mac computes the MAC of the signed content, writing the body straight
// into the hash rather than copying it into a concatenated buffer.
func (h *HMAC) mac(secret []byte, id, ts string, body []byte, req signedRequest) []byte {
	m := hmac.New(h.newHash, secret)
	for _, s := range h.content {
		switch s.kind {
		case segLiteral:
			m.Write([]byte(s.lit))
		case segID:
			m.Write([]byte(id))
		case segTimestamp:
			m.Write([]byte(ts))
		case segBody:
			m.Write(body)
		case segURL:
			m.Write([]byte(req.url))
		case segMethod:
			m.Write([]byte(req.method))
		case segPath:
			m.Write([]byte(req.path))
		case segQuery:
			m.Write([]byte(req.query))
		case segFormSorted:
			m.Write([]byte(req.form))
		}
	}
	return m.Sum(nil)
}

// Sign sets on header what a sender would set for body: the signature (with
// the first secret) and, as configured, the timestamp and id headers. A zero
// ts means now. id is required when the signed content uses {id}. Test kits
// and `hookgen send` use it to produce authentic requests.
func (h *HMAC) Sign(header http.Header, body []byte, id string, ts time.Time) error {
	return h.sign(header, body, id, ts, nil)
}

// SignRequest is [HMAC.Sign] for a signature over the request too ({url},
// {method}, {path}, {query}, {form:sorted}): it signs r, whose URL is the
// one the receiver is called at, and whose body is body. With
// BodyHashQuery it first sets that parameter of r's URL to the body's
// hash.
func (h *HMAC) SignRequest(r *http.Request, body []byte, id string, ts time.Time) error {
	return h.sign(r.Header, body, id, ts, r)
}

func (h *HMAC) sign(header http.Header, body []byte, id string, ts time.Time, r *http.Request) error {
	var req signedRequest
	for _, s := range h.content {
		if s.kind >= segURL && r == nil {
			return errors.New("webhook: HMAC Sign: the signed content covers the request: use SignRequest")
		}
	}
	if r != nil {
		if h.bodyHash != "" {
			setBodyHash(r.URL, h.bodyHash, body)
		}
		var err error
		if req, err = h.requestOf(r, body); err != nil {
			return fmt.Errorf("webhook: HMAC SignRequest: %w", err)
		}
	}
	if h.usesID && id == "" {
		return errors.New("webhook: HMAC Sign: the signed content uses {id} but id is empty")
	}
	if ts.IsZero() {
		ts = h.now()
	}
	tsStr := strconv.FormatInt(ts.Unix(), 10)
	if h.tsRFC3339 {
		tsStr = ts.UTC().Format(time.RFC3339Nano)
	}
	sig := h.encode(h.mac(h.secrets[0], id, tsStr, body, req))
	var value string
	switch h.mode {
	case modeKeyed:
		value = h.sigKey + h.kvSep + sig
		if h.tsKey != "" {
			value = h.tsKey + h.kvSep + tsStr + h.sep + value
		}
	default:
		value = sig
	}
	set := h.sets[h.signSet]
	header.Set(set.sig, h.prefix+value)
	if set.ts != "" {
		header.Set(set.ts, tsStr)
	}
	if set.id != "" && id != "" {
		header.Set(set.id, id)
	}
	return nil
}

// Header names of Standard Webhooks 1.0 and of Svix, which sends the same
// scheme under its own brand.
var (
	standardHeaders = headerSet{"webhook-signature", "webhook-timestamp", "webhook-id"}
	svixHeaders     = headerSet{"svix-signature", "svix-timestamp", "svix-id"}
)

// StandardWebhooks returns the Standard Webhooks 1.0 verifier: headers
// webhook-id, webhook-timestamp and webhook-signature, the latter a
// space-separated list of "v1,<base64 HMAC-SHA256>" over
// "{id}.{timestamp}.{body}", a ±5 minute tolerance. Secrets are
// "whsec_<base64>" (the prefix is optional) and used base64-decoded;
// several allow rotation. Svix's names for the same headers, svix-id,
// svix-timestamp and svix-signature, are accepted too, as Svix's libraries
// do: a request is read with the set whose signature header it carries,
// webhook-* first, never a mix of the two. Sign writes webhook-* headers.
func StandardWebhooks(secrets ...string) (*HMAC, error) {
	return standardWebhooks(secrets, 0)
}

// SvixSignature is [StandardWebhooks] for a provider that sends through
// Svix (Clerk, Resend, ...): it verifies the same requests, and Sign writes
// the svix-id, svix-timestamp and svix-signature headers such a provider
// sends.
func SvixSignature(secrets ...string) (*HMAC, error) {
	return standardWebhooks(secrets, 1)
}

// standardWebhooks builds the verifier of both header sets; Sign writes
// the one at index sign.
func standardWebhooks(secrets []string, sign int) (*HMAC, error) {
	keys := make([][]byte, 0, len(secrets))
	for i, s := range secrets {
		b, err := decodeBase64(base64.StdEncoding, strings.TrimPrefix(strings.TrimSpace(s), "whsec_"))
		if err != nil {
			return nil, fmt.Errorf("webhook: Standard Webhooks secret %d is not whsec_<base64>: %w", i, err)
		}
		keys = append(keys, b)
	}
	h, err := NewHMAC(HMACConfig{
		Algorithm:         "sha256",
		Encoding:          "base64",
		Header:            standardHeaders.sig,
		SignatureKey:      "v1",
		Separator:         " ",
		KeyValueSeparator: ",",
		TimestampHeader:   standardHeaders.ts,
		IDHeader:          standardHeaders.id,
		Content:           "{id}.{timestamp}.{body}",
		Tolerance:         5 * time.Minute,
		Secrets:           keys,
	})
	if err != nil {
		return nil, err
	}
	h.sets, h.signSet = []headerSet{standardHeaders, svixHeaders}, sign
	return h, nil
}

// GitHubSignature returns the verifier of GitHub-style signatures:
// "X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>", no timestamp.
func GitHubSignature(secrets ...string) (*HMAC, error) {
	return NewHMAC(HMACConfig{
		Algorithm: "sha256",
		Encoding:  "hex",
		Header:    "X-Hub-Signature-256",
		Prefix:    "sha256=",
		Secrets:   stringSecrets(secrets),
	})
}

// StripeSignature returns the verifier of Stripe-style signatures:
// "Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>]" over "{timestamp}.{body}"
// with a 300 s tolerance. The secret is used as given, "whsec_" included,
// as Stripe does.
func StripeSignature(secrets ...string) (*HMAC, error) {
	return NewHMAC(HMACConfig{
		Algorithm:         "sha256",
		Encoding:          "hex",
		Header:            "Stripe-Signature",
		SignatureKey:      "v1",
		TimestampKey:      "t",
		Separator:         ",",
		KeyValueSeparator: "=",
		Content:           "{timestamp}.{body}",
		Tolerance:         300 * time.Second,
		Secrets:           stringSecrets(secrets),
	})
}

func stringSecrets(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}
