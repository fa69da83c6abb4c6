package webhook

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Public-key signature algorithms of [SignatureConfig].
const (
	// Ed25519 signs the content itself (Discord).
	Ed25519 = "ed25519"
	// ECDSAP256SHA256 is ECDSA on P-256 over the SHA-256 of the content,
	// the signature DER-encoded (SendGrid) or the 64 bytes of r and s.
	ECDSAP256SHA256 = "ecdsa-p256-sha256"
	// RSAPKCS1v15SHA256 is RSASSA-PKCS1-v1_5 with SHA-256.
	RSAPKCS1v15SHA256 = "rsa-pkcs1v15-sha256"
	// RSAPSSSHA256 is RSASSA-PSS with SHA-256 (and MGF1 with SHA-256), any
	// salt length.
	RSAPSSSHA256 = "rsa-pss-sha256"
)

// minRSABits is the smallest RSA key accepted.
const minRSABits = 2048

// maxSignatureBytes bounds a decoded signature: an RSA signature is as long
// as the modulus, and 8192-bit keys are the largest in use.
const maxSignatureBytes = 8192 / 8

// SignatureConfig configures a public-key signature verifier; see
// [NewSignature]. Discord: Algorithm Ed25519, Header "X-Signature-Ed25519",
// TimestampHeader "X-Signature-Timestamp", Content "{timestamp}{body}".
// SendGrid: Algorithm ECDSAP256SHA256, Encoding "base64", Header
// "X-Twilio-Email-Event-Webhook-Signature", TimestampHeader
// "X-Twilio-Email-Event-Webhook-Timestamp", Content "{timestamp}{body}".
type SignatureConfig struct {
	// Format is "" for a signature in a header, as the fields below
	// describe, or "aws-sns" for Amazon SNS messages: the signature, its
	// version (1: RSA PKCS#1 v1.5 with SHA-1, AWS's default; 2: with
	// SHA-256) and the URL of the signing certificate are fields of the
	// JSON body, and only CertHosts, Topics, Tolerance, HTTPClient and Now
	// apply.
	Format string
	// Algorithm is one of Ed25519, ECDSAP256SHA256, RSAPKCS1v15SHA256 and
	// RSAPSSSHA256. Required.
	Algorithm string
	// Encoding of the signature: "hex" (default), "base64" or
	// "base64url", padded or not.
	Encoding string
	// Header carries the signature. Required.
	Header string
	// TimestampHeader carries the signed timestamp in unix seconds; it is
	// required when Content signs {timestamp}, and only then allowed.
	TimestampHeader string
	// Content is the template of the signed bytes over {timestamp} (the
	// header's digits exactly as sent) and {body} (the raw body); default
	// "{body}".
	Content string
	// Tolerance: 0 disables the timestamp check; otherwise a request whose
	// signed timestamp is more than Tolerance away from now, in the past
	// or the future, is rejected.
	Tolerance time.Duration
	// PublicKeys verify the signatures: ed25519.PublicKey,
	// *ecdsa.PublicKey on P-256 or *rsa.PublicKey of 2048 bits or more, as
	// Algorithm says; see [ParsePublicKey]. Several allow rotation: a
	// request passes when its signature verifies with any one of them.
	PublicKeys []crypto.PublicKey

	// CertHosts are the hosts (host[:port] as in the URL) a certificate
	// named by the request may be fetched from, over HTTPS only; a "*"
	// label matches any one label. Default, for "aws-sns":
	// "sns.*.amazonaws.com" and "sns.*.amazonaws.com.cn". A certificate URL
	// elsewhere is refused without being fetched; fetched certificates are
	// cached.
	CertHosts []string
	// Topics, for "aws-sns", are the TopicArn values accepted; empty
	// accepts messages of any topic, which AWS signs for every customer
	// alike.
	Topics []string
	// HTTPClient fetches certificates; default a client with a 10 s
	// timeout.
	HTTPClient *http.Client
	// Now returns the current time; default time.Now. For tests.
	Now func() time.Time
}

// Signature verifies (and produces) public-key signatures of a request's
// raw body. Create it with [NewSignature].
type Signature struct {
	alg       string
	encoding  string
	header    string
	tsHeader  string
	content   []segment
	usesTS    bool
	tolerance time.Duration
	keys      []crypto.PublicKey
	now       func() time.Time
	sns       *snsSource // Format "aws-sns"
}

// NewSignature validates cfg and returns the verifier. Errors name the
// field at fault.
func NewSignature(cfg SignatureConfig) (*Signature, error) {
	s := &Signature{tolerance: cfg.Tolerance, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if s.tolerance < 0 {
		return nil, fmt.Errorf("webhook: Signature Tolerance %v is negative", s.tolerance)
	}
	switch strings.ToLower(cfg.Format) {
	case "":
	case "aws-sns":
		return newSNS(s, cfg)
	default:
		return nil, fmt.Errorf("webhook: Signature Format %q: want \"\" or aws-sns", cfg.Format)
	}
	if len(cfg.CertHosts) > 0 || len(cfg.Topics) > 0 || cfg.HTTPClient != nil {
		return nil, errors.New("webhook: Signature CertHosts, Topics and HTTPClient are for Format aws-sns")
	}
	switch alg := strings.ToLower(cfg.Algorithm); alg {
	case Ed25519, ECDSAP256SHA256, RSAPKCS1v15SHA256, RSAPSSSHA256:
		s.alg = alg
	case "":
		return nil, errors.New("webhook: Signature Algorithm is required")
	default:
		return nil, fmt.Errorf("webhook: Signature Algorithm %q: want %s, %s, %s or %s", cfg.Algorithm, Ed25519, ECDSAP256SHA256, RSAPKCS1v15SHA256, RSAPSSSHA256)
	}
	switch enc := strings.ToLower(cfg.Encoding); enc {
	case "":
		s.encoding = "hex"
	case "hex", "base64", "base64url":
		s.encoding = enc
	default:
		return nil, fmt.Errorf("webhook: Signature Encoding %q: want hex, base64 or base64url", cfg.Encoding)
	}
	if s.header = strings.TrimSpace(cfg.Header); s.header == "" {
		return nil, errors.New("webhook: Signature Header is required")
	}
	content := cfg.Content
	if content == "" {
		content = "{body}"
	}
	var err error
	if s.content, err = parseContent("Signature", content, false, false); err != nil {
		return nil, err
	}
	for _, seg := range s.content {
		switch seg.kind {
		case segID:
			return nil, errors.New("webhook: Signature Content signs {timestamp} and {body} only, not {id}")
		case segTimestamp:
			s.usesTS = true
		}
	}
	s.tsHeader = strings.TrimSpace(cfg.TimestampHeader)
	switch {
	case s.usesTS && s.tsHeader == "":
		return nil, errors.New("webhook: Signature Content uses {timestamp} but TimestampHeader is not set")
	case !s.usesTS && s.tsHeader != "":
		// An unsigned timestamp can be rewritten by whoever replays the
		// request, so reading it would only look like replay protection.
		return nil, errors.New("webhook: Signature TimestampHeader is set but Content does not sign {timestamp}")
	case s.tolerance > 0 && !s.usesTS:
		return nil, errors.New("webhook: Signature Tolerance is set but Content does not sign {timestamp}")
	}
	if len(cfg.PublicKeys) == 0 {
		return nil, errors.New("webhook: Signature needs at least one public key")
	}
	for i, k := range cfg.PublicKeys {
		if err := checkKey(s.alg, k); err != nil {
			return nil, fmt.Errorf("webhook: Signature public key %d: %w", i, err)
		}
		s.keys = append(s.keys, k)
	}
	return s, nil
}

// checkKey reports whether k is a key of alg.
func checkKey(alg string, k crypto.PublicKey) error {
	switch alg {
	case Ed25519:
		if k, ok := k.(ed25519.PublicKey); ok && len(k) == ed25519.PublicKeySize {
			return nil
		}
	case ECDSAP256SHA256:
		if k, ok := k.(*ecdsa.PublicKey); ok && k != nil && k.Curve == elliptic.P256() {
			return nil
		}
	default:
		if k, ok := k.(*rsa.PublicKey); ok && k != nil && k.N != nil {
			if k.N.BitLen() < minRSABits {
				return fmt.Errorf("an RSA key of %d bits; want at least %d", k.N.BitLen(), minRSABits)
			}
			return nil
		}
	}
	return fmt.Errorf("a %T is not a key of %s", k, alg)
}

// VerifyHeader refuses a request without the signature header before its
// body is read; with one, only the body can tell ([ErrNeedBody]).
func (s *Signature) VerifyHeader(r *http.Request) error {
	if s.sns == nil && strings.TrimSpace(r.Header.Get(s.header)) == "" {
		return noCredentials("signature: missing " + s.header + " header")
	}
	return ErrNeedBody
}

// Verify checks the request's signature over body with each public key.
func (s *Signature) Verify(r *http.Request, body []byte) error {
	if s.sns != nil {
		return s.sns.verify(r, body, s)
	}
	values := r.Header.Values(s.header)
	if len(values) == 0 || strings.TrimSpace(values[0]) == "" {
		return noCredentials("signature: missing " + s.header + " header")
	}
	if len(values) > 1 {
		return unauthorized("signature: several " + s.header + " headers")
	}
	sig, ok := decodeSignature(s.encoding, strings.TrimSpace(values[0]))
	if !ok {
		return unauthorized("signature: malformed signature")
	}
	var ts string
	if s.usesTS {
		ts = strings.TrimSpace(r.Header.Get(s.tsHeader))
		if err := s.checkTimestamp(ts); err != nil {
			return err
		}
	}
	signed := s.signed(ts, body)
	for _, k := range s.keys {
		if verifyWith(s.alg, k, signed, sig) {
			return nil
		}
	}
	return unauthorized("signature: signature mismatch")
}

// checkTimestamp refuses a missing, malformed or (with a tolerance) stale
// or future timestamp.
func (s *Signature) checkTimestamp(ts string) error {
	if ts == "" {
		return unauthorized("signature: missing " + s.tsHeader + " header")
	}
	sec, ok := parseUnix(ts)
	if !ok {
		return unauthorized("signature: malformed timestamp")
	}
	return checkAge(s.now(), time.Unix(sec, 0), s.tolerance)
}

// checkAge refuses a signed time further than tolerance from now, when
// tolerance is set.
func checkAge(now, signed time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		return nil
	}
	d := now.Sub(signed)
	if d > tolerance {
		return unauthorized("signature: timestamp too old")
	}
	if -d > tolerance {
		return unauthorized("signature: timestamp in the future")
	}
	return nil
}

// signed is what the algorithm signs: the content itself for Ed25519, its
// SHA-256 otherwise (hashed as it is read, with no copy of the body).
func (s *Signature) signed(ts string, body []byte) []byte {
	if s.alg == Ed25519 {
		n := len(body)
		for _, seg := range s.content {
			n += len(seg.lit) + len(ts)
		}
		msg := make([]byte, 0, n)
		for _, seg := range s.content {
			switch seg.kind {
			case segLiteral:
				msg = append(msg, seg.lit...)
			case segTimestamp:
				msg = append(msg, ts...)
			case segBody:
				msg = append(msg, body...)
			}
		}
		return msg
	}
	h := sha256.New()
	for _, seg := range s.content {
		switch seg.kind {
		case segLiteral:
			h.Write([]byte(seg.lit))
		case segTimestamp:
			h.Write([]byte(ts))
		case segBody:
			h.Write(body)
		}
	}
	return h.Sum(nil)
}

// verifyWith reports whether sig is k's signature of signed (the content,
// or its digest: see [Signature.signed]) under alg. k has passed checkKey.
func verifyWith(alg string, k crypto.PublicKey, signed, sig []byte) bool {
	switch alg {
	case Ed25519:
		return len(sig) == ed25519.SignatureSize && ed25519.Verify(k.(ed25519.PublicKey), signed, sig)
	case ECDSAP256SHA256:
		pub := k.(*ecdsa.PublicKey)
		if ecdsa.VerifyASN1(pub, signed, sig) {
			return true
		}
		if len(sig) != 64 { // r and s, 32 bytes each (IEEE P1363)
			return false
		}
		return ecdsa.Verify(pub, signed, new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	case RSAPKCS1v15SHA256:
		return rsa.VerifyPKCS1v15(k.(*rsa.PublicKey), crypto.SHA256, signed, sig) == nil
	case RSAPSSSHA256:
		return rsa.VerifyPSS(k.(*rsa.PublicKey), crypto.SHA256, signed, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
	}
	return false
}

// decodeSignature decodes one signature, refusing anything longer than the
// longest signature accepted before decoding it.
func decodeSignature(encoding, s string) ([]byte, bool) {
	if s == "" || len(s) > 2*maxSignatureBytes+4 {
		return nil, false
	}
	var b []byte
	var err error
	switch encoding {
	case "hex":
		b, err = hex.DecodeString(s)
	case "base64":
		b, err = decodeBase64(base64.StdEncoding, s)
	case "base64url":
		b, err = decodeBase64(base64.URLEncoding, s)
	}
	if err != nil || len(b) == 0 || len(b) > maxSignatureBytes {
		return nil, false
	}
	return b, true
}

// Sign sets on header what a sender holding key would set for body: the
// signature and, when the content signs it, the timestamp (a zero ts
// means now). key must be the private key of one of the algorithm's kind.
// Test kits and `hookgen send` use it to produce authentic requests; it
// does not sign for Format aws-sns.
func (s *Signature) Sign(header http.Header, body []byte, key crypto.Signer, ts time.Time) error {
	if s.sns != nil {
		return errors.New("webhook: Signature Sign: an aws-sns signature is part of the body")
	}
	if key == nil {
		return errors.New("webhook: Signature Sign: no key")
	}
	if err := checkKey(s.alg, key.Public()); err != nil {
		return fmt.Errorf("webhook: Signature Sign: %w", err)
	}
	if ts.IsZero() {
		ts = s.now()
	}
	tsStr := strconv.FormatInt(ts.Unix(), 10)
	if !s.usesTS {
		tsStr = ""
	}
	var opts crypto.SignerOpts = crypto.SHA256
	switch s.alg {
	case Ed25519:
		opts = crypto.Hash(0)
	case RSAPSSSHA256:
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	}
	sig, err := key.Sign(rand.Reader, s.signed(tsStr, body), opts)
	if err != nil {
		return fmt.Errorf("webhook: Signature Sign: %w", err)
	}
	var value string
	switch s.encoding {
	case "base64":
		value = base64.StdEncoding.EncodeToString(sig)
	case "base64url":
		value = base64.URLEncoding.EncodeToString(sig)
	default:
		value = hex.EncodeToString(sig)
	}
	header.Set(s.header, value)
	if s.usesTS {
		header.Set(s.tsHeader, tsStr)
	}
	return nil
}

// ParsePublicKey reads a public key as a provider publishes it: PEM (a
// "PUBLIC KEY", an "RSA PUBLIC KEY" or a "CERTIFICATE", whose key is
// taken), or, in hex or base64 (standard or URL alphabet, padded or not),
// the 32 bytes of an Ed25519 key (Discord's hex "Public Key") or DER: a
// SubjectPublicKeyInfo (SendGrid's base64 "verification key"), a PKCS #1
// RSA key or a certificate.
func ParsePublicKey(text string) (crypto.PublicKey, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "-----BEGIN") {
		block, rest := pem.Decode([]byte(text))
		if block == nil {
			return nil, errors.New("webhook: public key: malformed PEM")
		}
		if strings.TrimSpace(string(rest)) != "" {
			return nil, errors.New("webhook: public key: more than one PEM block")
		}
		var k crypto.PublicKey
		var err error
		switch block.Type {
		case "PUBLIC KEY":
			k, err = x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			k, err = x509.ParsePKCS1PublicKey(block.Bytes)
		case "CERTIFICATE":
			var c *x509.Certificate
			if c, err = x509.ParseCertificate(block.Bytes); err == nil {
				k = c.PublicKey
			}
		default:
			return nil, fmt.Errorf("webhook: public key: a PEM %q block; want PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE", block.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("webhook: public key: %w", err)
		}
		return k, nil
	}
	if text == "" {
		return nil, errors.New("webhook: public key is empty")
	}
	// A hex string is also base64 text: hex is tried first, and each
	// decoding counts only when its bytes are a key.
	var decoded [][]byte
	if b, err := hex.DecodeString(text); err == nil {
		decoded = append(decoded, b)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		if b, err := decodeBase64(enc, text); err == nil {
			decoded = append(decoded, b)
		}
	}
	for _, b := range decoded {
		if k := derKey(b); k != nil {
			return k, nil
		}
	}
	return nil, errors.New("webhook: public key is neither PEM nor the hex or base64 of an Ed25519 key or of a DER key or certificate")
}

// derKey reads b as a raw Ed25519 key or a DER key or certificate; nil
// when it is none of them.
func derKey(b []byte) crypto.PublicKey {
	if len(b) == ed25519.PublicKeySize {
		return ed25519.PublicKey(b)
	}
	if k, err := x509.ParsePKIXPublicKey(b); err == nil {
		return k
	}
	if k, err := x509.ParsePKCS1PublicKey(b); err == nil {
		return k
	}
	if c, err := x509.ParseCertificate(b); err == nil {
		return c.PublicKey
	}
	return nil
}
