package webhook

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Amazon SNS's certificate hosts, for Format aws-sns without CertHosts.
var snsHosts = []string{"sns.*.amazonaws.com", "sns.*.amazonaws.com.cn"}

const (
	// maxCachedCerts bounds the certificate cache: SNS signs with one
	// certificate per region at a time.
	maxCachedCerts = 64
	// certFailureTTL is how long a failed fetch is remembered, so a
	// stream of requests naming a bad URL does not become a stream of
	// fetches; certMaxTTL caps how long a certificate is kept.
	certFailureTTL = time.Minute
	certMaxTTL     = 24 * time.Hour
	// maxCertBytes bounds a fetched certificate.
	maxCertBytes  = 64 << 10
	certFetchTime = 10 * time.Second
)

// snsSource verifies Amazon SNS messages with the certificates they name.
type snsSource struct {
	hosts  []string // lower case
	topics []string
	client *http.Client

	mu    sync.Mutex
	certs map[string]*certEntry // by URL
}

// certEntry is one fetched (or being fetched) certificate's key. key, err
// and until are written once, before done is closed.
type certEntry struct {
	done  chan struct{}
	key   *rsa.PublicKey
	err   error
	until time.Time
}

func newSNS(s *Signature, cfg SignatureConfig) (*Signature, error) {
	if cfg.Algorithm != "" || cfg.Encoding != "" || cfg.Header != "" || cfg.TimestampHeader != "" || cfg.Content != "" || len(cfg.PublicKeys) > 0 {
		return nil, errors.New("webhook: Signature Format aws-sns takes its algorithm, keys and layout from each message; set only CertHosts, Topics, Tolerance, HTTPClient and Now")
	}
	src := &snsSource{topics: slices.Clone(cfg.Topics), client: cfg.HTTPClient, certs: map[string]*certEntry{}}
	if src.client == nil {
		src.client = &http.Client{Timeout: certFetchTime}
	}
	hosts := cfg.CertHosts
	if len(hosts) == 0 {
		hosts = snsHosts
	}
	for i, h := range hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" || strings.ContainsAny(h, "/@?#") {
			return nil, fmt.Errorf("webhook: Signature CertHosts %d: %q is not a host[:port] pattern", i, hosts[i])
		}
		src.hosts = append(src.hosts, h)
	}
	s.sns = src
	return s, nil
}

// snsMessage holds the fields of an SNS message that are signed or say how.
type snsMessage map[string]string

// snsFields are the fields read; any other is skipped.
var snsFields = []string{"Type", "MessageId", "Token", "TopicArn", "Subject", "Message", "Timestamp",
	"SignatureVersion", "Signature", "SigningCertURL", "SubscribeURL"}

// snsField returns the field of snsFields that the object key names as
// the generated decoders (and encoding/json) match keys: exactly, else
// case-insensitively, folding each rune as ToUpper(ToLower(r)); "" for
// none.
func snsField(key string) string {
	if slices.Contains(snsFields, key) {
		return key
	}
	fold := func(s string) string {
		return strings.Map(func(r rune) rune { return unicode.ToUpper(unicode.ToLower(r)) }, s)
	}
	k := fold(key)
	for _, f := range snsFields {
		if fold(f) == k {
			return f
		}
	}
	return ""
}

// parseSNS reads the top-level string fields of an SNS message. A field
// given twice is refused: the verifier and the payload's decoder might
// read different ones. So is a field spelled in other letter cases
// ("message"): the payload's decoder reads it as the field, and would
// take its value over the signed one, or where the signature covers none.
func parseSNS(body []byte) (snsMessage, error) {
	if !utf8.Valid(body) {
		return nil, errors.New("body is not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("body is not a JSON object")
	}
	m := snsMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errors.New("malformed JSON")
		}
		key, _ := tok.(string)
		name := snsField(key)
		if name == "" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, errors.New("malformed JSON")
			}
			continue
		}
		if name != key {
			return nil, fmt.Errorf("field %s spelled %q", name, key)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("field %s given twice", key)
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("field %s is not a string", key)
		}
		m[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, errors.New("malformed JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return m, nil
}

// stringToSign is what AWS signs of m: "name\nvalue\n" for each signed
// field of its Type, in this order.
func (m snsMessage) stringToSign() (string, error) {
	var names []string
	switch m["Type"] {
	case "Notification":
		names = []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	case "SubscriptionConfirmation", "UnsubscribeConfirmation":
		names = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	case "":
		return "", errors.New("no Type")
	default:
		return "", fmt.Errorf("unknown Type %q", m["Type"])
	}
	var b strings.Builder
	for _, n := range names {
		v, ok := m[n]
		if !ok {
			if n == "Subject" { // signed only when the message has one
				continue
			}
			return "", fmt.Errorf("no %s", n)
		}
		// Names and values are joined by newlines: with one in another
		// field than Message, a Message's text could be read as fields,
		// or fields as its text, under the same signature. AWS writes
		// none (a Subject with a line break cannot be published).
		if n != "Message" && strings.Contains(v, "\n") {
			return "", fmt.Errorf("%s holds a line break", n)
		}
		b.WriteString(n + "\n" + v + "\n")
	}
	return b.String(), nil
}

// verify checks an SNS message: everything the body alone can tell first,
// then the signature with the certificate it names, fetched only from an
// allowed host.
func (src *snsSource) verify(r *http.Request, body []byte, s *Signature) error {
	m, err := parseSNS(body)
	if err != nil {
		return unauthorized("aws-sns: " + err.Error())
	}
	if m["Signature"] == "" || m["SigningCertURL"] == "" {
		return noCredentials("aws-sns: no Signature or SigningCertURL in the message")
	}
	content, err := m.stringToSign()
	if err != nil {
		return unauthorized("aws-sns: " + err.Error())
	}
	var hash crypto.Hash
	var digest []byte
	switch m["SignatureVersion"] {
	case "1":
		sum := sha1.Sum([]byte(content))
		hash, digest = crypto.SHA1, sum[:]
	case "2":
		sum := sha256.Sum256([]byte(content))
		hash, digest = crypto.SHA256, sum[:]
	default:
		return unauthorized(fmt.Sprintf("aws-sns: SignatureVersion %q; want 1 or 2", m["SignatureVersion"]))
	}
	sig, ok := decodeSignature("base64", m["Signature"])
	if !ok {
		return unauthorized("aws-sns: malformed signature")
	}
	if len(src.topics) > 0 && !slices.Contains(src.topics, m["TopicArn"]) {
		return unauthorized("aws-sns: TopicArn not accepted")
	}
	if s.tolerance > 0 {
		ts, err := time.Parse(time.RFC3339, m["Timestamp"])
		if err != nil {
			return unauthorized("aws-sns: malformed Timestamp")
		}
		if err := checkAge(s.now(), ts, s.tolerance); err != nil {
			return err
		}
	}
	certURL := m["SigningCertURL"]
	if !src.allowed(certURL) {
		return unauthorized("aws-sns: SigningCertURL is not on an allowed HTTPS host")
	}
	// AWS's SubscribeURL is on its own hosts: one elsewhere is no message
	// of AWS's, and is never to be confirmed.
	if u, ok := m["SubscribeURL"]; ok && !src.allowed(u) {
		return unauthorized("aws-sns: SubscribeURL is not on an allowed HTTPS host")
	}
	key, err := src.key(r.Context(), certURL, s.now())
	if err != nil {
		return unauthorizedCause("aws-sns: signing certificate", err)
	}
	if rsa.VerifyPKCS1v15(key, hash, digest, sig) != nil {
		return unauthorized("aws-sns: signature mismatch")
	}
	return nil
}

// allowed reports whether raw is an HTTPS URL on one of the hosts, which
// it names in ASCII.
func (src *snsSource) allowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	host := strings.ToLower(u.Host)
	// net/http converts a Unicode host to ASCII (IDNA) for the request,
	// and "。" or "．" then separate labels: the host checked must be the
	// one reached.
	for i := range len(host) {
		if host[i] >= utf8.RuneSelf {
			return false
		}
	}
	for _, p := range src.hosts {
		if matchHost(p, host) {
			return true
		}
	}
	return false
}

// matchHost matches host[:port] against pattern label by label; a "*"
// label matches any one label that has no port.
func matchHost(pattern, host string) bool {
	pl, hl := strings.Split(pattern, "."), strings.Split(host, ".")
	if len(pl) != len(hl) {
		return false
	}
	for i := range pl {
		if pl[i] == "*" {
			if hl[i] == "" || strings.Contains(hl[i], ":") {
				return false
			}
		} else if pl[i] != hl[i] {
			return false
		}
	}
	return true
}

// key returns the RSA key of the certificate at certURL, fetching it once
// for every request that names it and keeping it until it expires (a
// failure, for certFailureTTL).
func (src *snsSource) key(ctx context.Context, certURL string, now time.Time) (*rsa.PublicKey, error) {
	src.mu.Lock()
	e := src.certs[certURL]
	if e != nil && isDone(e) && now.After(e.until) {
		delete(src.certs, certURL)
		e = nil
	}
	if e == nil {
		if len(src.certs) >= maxCachedCerts && !src.evict(now) {
			src.mu.Unlock()
			return nil, errors.New("too many certificates being fetched")
		}
		e = &certEntry{done: make(chan struct{})}
		src.certs[certURL] = e
		src.mu.Unlock()
		// The fetch serves every request waiting for it: one request
		// giving up must not fail the others.
		e.key, e.until, e.err = src.fetch(context.WithoutCancel(ctx), certURL, now)
		close(e.done)
	} else {
		src.mu.Unlock()
	}
	select {
	case <-e.done:
		return e.key, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func isDone(e *certEntry) bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// evict drops the fetched entry that expires first, failures before
// certificates; false when every entry is still being fetched. src.mu is
// held.
func (src *snsSource) evict(now time.Time) bool {
	var victim string
	var best *certEntry
	for u, e := range src.certs {
		if !isDone(e) {
			continue
		}
		if best == nil || (e.err != nil && best.err == nil) || ((e.err != nil) == (best.err != nil) && e.until.Before(best.until)) {
			victim, best = u, e
		}
	}
	if best == nil {
		return false
	}
	delete(src.certs, victim)
	return true
}

// fetch downloads and reads the PEM certificate at certURL.
func (src *snsSource) fetch(ctx context.Context, certURL string, now time.Time) (*rsa.PublicKey, time.Time, error) {
	fail := func(err error) (*rsa.PublicKey, time.Time, error) { return nil, now.Add(certFailureTTL), err }
	ctx, cancel := context.WithTimeout(ctx, certFetchTime)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, certURL, nil)
	if err != nil {
		return fail(err)
	}
	// Redirects could leave the allowed hosts.
	client := *src.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(fmt.Errorf("GET %s: %s", certURL, resp.Status))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxCertBytes+1))
	if err != nil {
		return fail(err)
	}
	if len(data) > maxCertBytes {
		return fail(fmt.Errorf("GET %s: larger than %d bytes", certURL, maxCertBytes))
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return fail(fmt.Errorf("GET %s: not a PEM certificate", certURL))
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fail(err)
	}
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return fail(fmt.Errorf("certificate %s is not valid now", certURL))
	}
	key, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok || checkKey(RSAPKCS1v15SHA256, key) != nil {
		return fail(fmt.Errorf("certificate %s: not an RSA key of %d bits or more", certURL, minRSABits))
	}
	until := now.Add(certMaxTTL)
	if cert.NotAfter.Before(until) {
		until = cert.NotAfter
	}
	return key, until, nil
}

// ConfirmSubscription confirms an Amazon SNS subscription by a GET of
// subscribeURL, the SubscribeURL of a SubscriptionConfirmation message
// that s verified: only over HTTPS on s's CertHosts, with its HTTPClient,
// never following a redirect. It fails unless AWS answers 2xx, and for a
// Signature whose Format is not aws-sns.
func (s *Signature) ConfirmSubscription(ctx context.Context, subscribeURL string) error {
	src := s.sns
	if src == nil {
		return errors.New("webhook: ConfirmSubscription: the Signature's Format is not aws-sns")
	}
	if !src.allowed(subscribeURL) {
		return errors.New("webhook: ConfirmSubscription: the SubscribeURL is not on an allowed HTTPS host")
	}
	ctx, cancel := context.WithTimeout(ctx, certFetchTime)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, subscribeURL, nil)
	if err != nil {
		return fmt.Errorf("webhook: ConfirmSubscription: %w", err)
	}
	client := *src.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: ConfirmSubscription: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxCertBytes))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook: ConfirmSubscription: GET %s: %s", req.URL.Redacted(), resp.Status)
	}
	return nil
}

// SNSSigner signs Amazon SNS messages as AWS does, for tests and `hookgen
// send`: Key, an RSA key, signs, and the message names CertURL, where its
// certificate is served, as its SigningCertURL.
type SNSSigner struct {
	Key     crypto.Signer
	CertURL string
	// TopicArn and SubscribeURL, when set, replace the message's (a
	// SubscribeURL only where the message has one), so that a message
	// passes a receiver that accepts that topic and certificate host.
	TopicArn, SubscribeURL string
}

// Sign returns the JSON message body signed: its Timestamp set to now, as
// AWS writes it, its SignatureVersion kept when it is 1 or 2 and set to 1
// otherwise, its SigningCertURL set to CertURL and its Signature made with
// Key over the fields AWS signs for its Type. Members are written sorted
// by name.
func (sg *SNSSigner) Sign(body []byte, now time.Time) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, errors.New("webhook: SNSSigner: the body is not a JSON object")
	}
	// As AWS writes them: a SubscribeURL's & stays an &.
	encode := func(v any) ([]byte, error) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		err := enc.Encode(v)
		return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
	}
	set := func(name, v string) {
		obj[name], _ = encode(v)
	}
	set("Timestamp", now.UTC().Format("2006-01-02T15:04:05.000Z"))
	set("SigningCertURL", sg.CertURL)
	if sg.TopicArn != "" {
		set("TopicArn", sg.TopicArn)
	}
	if _, ok := obj["SubscribeURL"]; ok && sg.SubscribeURL != "" {
		set("SubscribeURL", sg.SubscribeURL)
	}
	var version string
	_ = json.Unmarshal(obj["SignatureVersion"], &version)
	if version != "2" {
		version = "1"
	}
	set("SignatureVersion", version)
	set("Signature", "") // parsed and replaced below
	unsigned, err := encode(obj)
	if err != nil {
		return nil, err
	}
	m, err := parseSNS(unsigned)
	if err != nil {
		return nil, fmt.Errorf("webhook: SNSSigner: %w", err)
	}
	content, err := m.stringToSign()
	if err != nil {
		return nil, fmt.Errorf("webhook: SNSSigner: %w", err)
	}
	hash := crypto.SHA1
	if version == "2" {
		hash = crypto.SHA256
	}
	h := hash.New()
	h.Write([]byte(content))
	if _, ok := sg.Key.Public().(*rsa.PublicKey); !ok {
		return nil, errors.New("webhook: SNSSigner: Key is not an RSA key")
	}
	sig, err := sg.Key.Sign(rand.Reader, h.Sum(nil), hash)
	if err != nil {
		return nil, fmt.Errorf("webhook: SNSSigner: %w", err)
	}
	set("Signature", base64.StdEncoding.EncodeToString(sig))
	return encode(obj)
}
