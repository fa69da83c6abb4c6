package parser

import (
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hookgen/hookgen/model"
)

const extKeySig = "x-hookgen-signature"

// keyAlgorithms are what webhook.SignatureConfig's Algorithm takes.
var keyAlgorithms = []string{"ed25519", "ecdsa-p256-sha256", "rsa-pkcs1v15-sha256", "rsa-pss-sha256"}

// keySignature reads a scheme's x-hookgen-signature extension
// (docs/spec-extensions.md): a signature made with a private key, checked
// with the public keys the generated option takes.
func (p *parser) keySignature(s *model.SecurityScheme, a at) *model.KeySignature {
	ext, ok := a.get(extKeySig)
	if !ok {
		return nil
	}
	switch {
	case s.Type != "asymmetricEncryption" && s.Type != "httpApiKey":
		p.errorf(ext.pos(), "%s belongs on an asymmetricEncryption scheme, or an httpApiKey one naming the signature's header, not %s", extKeySig, s.Type)
		return nil
	case s.Type == "httpApiKey" && s.In != "" && s.In != "header":
		p.errorf(ext.pos(), "%s reads a signature header, but scheme %s is in %s", extKeySig, s.Key, s.In)
		return nil
	case s.Signature != nil:
		p.errorf(ext.pos(), "security scheme %s has both x-hookgen-hmac and %s; a scheme is signed one way: declare a scheme for each", s.Key, extKeySig)
		return nil
	}
	ext, ok = p.object(ext, extKeySig)
	if !ok {
		return nil
	}
	k := &model.KeySignature{}
	fields := map[string]*string{
		"format": &k.Format, "algorithm": &k.Algorithm, "encoding": &k.Encoding, "header": &k.Header,
		"timestampHeader": &k.TimestampHeader, "content": &k.Content, "tolerance": &k.Tolerance,
	}
	at := map[string]pair{}
	for _, kv := range ext.pairs() {
		if kv.key == "certHosts" {
			at[kv.key] = kv
			continue
		}
		ptr, known := fields[kv.key]
		if !known {
			names := []string{"certHosts"}
			for n := range fields {
				names = append(names, n)
			}
			sort.Strings(names)
			p.errorf(kv.keyAt.pos(), "%s has no field %q; it knows %s", extKeySig, kv.key, strings.Join(names, ", "))
			continue
		}
		*ptr = p.scalar(kv.v, kv.key)
		at[kv.key] = kv
	}
	switch k.Format {
	case "":
		if kv, ok := at["certHosts"]; ok {
			p.errorf(kv.keyAt.pos(), "%s certHosts is for format %s, whose messages name their certificate", extKeySig, model.KeySignatureAWSSNS)
		}
	case model.KeySignatureAWSSNS:
		return p.snsSignature(s, ext, k, at)
	default:
		p.errorf(at["format"].v.pos(), "%s format %q is not one of %s; without format, the fields describe a signature in a header", extKeySig, k.Format, model.KeySignatureAWSSNS)
		return nil
	}
	bad := func(field, value string, allowed ...string) {
		if value != "" && !slices.Contains(allowed, value) {
			p.errorf(at[field].v.pos(), "%s %s %q is not one of %s", extKeySig, field, value, strings.Join(allowed, ", "))
		}
	}
	if k.Algorithm == "" {
		p.errorf(ext.pos(), "%s needs algorithm: one of %s", extKeySig, strings.Join(keyAlgorithms, ", "))
	}
	bad("algorithm", k.Algorithm, keyAlgorithms...)
	bad("encoding", k.Encoding, "hex", "base64", "base64url")

	signsTS := strings.Contains(k.Content, "{timestamp}")
	if kv, ok := at["content"]; ok {
		p.checkKeyContent(kv.v, k)
	}
	if kv, ok := at["timestampHeader"]; ok && !signsTS {
		// An unsigned timestamp can be rewritten by whoever replays the
		// request, so reading it would only look like replay protection.
		p.errorf(kv.keyAt.pos(), "%s timestampHeader counts only when content signs {timestamp}; add it to content or remove the field", extKeySig)
	}
	if kv, ok := at["tolerance"]; ok {
		if _, err := time.ParseDuration(k.Tolerance); err != nil {
			p.errorf(kv.v.pos(), "%s tolerance %q is not a duration such as 5m or 300s", extKeySig, k.Tolerance)
		} else if !signsTS {
			p.errorf(kv.v.pos(), "%s tolerance %q needs a signed timestamp: add {timestamp} to content", extKeySig, k.Tolerance)
		}
	}
	if k.Header == "" && s.Type == "httpApiKey" {
		k.Header = s.Name
	}
	if k.Header == "" {
		p.errorf(ext.pos(), "%s needs the header the signature travels in: set header (or, on an httpApiKey scheme, its name)", extKeySig)
	}
	return k
}

// checkKeyContent refuses, at the content value, a template NewSignature
// would refuse.
func (p *parser) checkKeyContent(v at, k *model.KeySignature) {
	uses := map[string]bool{}
	for rest := k.Content; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			p.errorf(v.pos(), "%s content %q has a { without its }; placeholders are {timestamp} and {body}", extKeySig, k.Content)
			return
		}
		name := rest[i : i+j+1]
		if name != "{timestamp}" && name != "{body}" {
			p.errorf(v.pos(), "%s content %q: unknown placeholder %s; placeholders are {timestamp} and {body}", extKeySig, k.Content, name)
			return
		}
		uses[name] = true
		rest = rest[i+j+1:]
	}
	switch {
	case !uses["{body}"]:
		p.errorf(v.pos(), "%s content %q must include {body}", extKeySig, k.Content)
	case uses["{timestamp}"] && k.TimestampHeader == "":
		p.errorf(v.pos(), "%s content %q signs {timestamp}: set timestampHeader, the header it travels in (unix seconds)", extKeySig, k.Content)
	}
}

// snsFixed are the fields format aws-sns fixes: each message carries its
// signature, version and certificate URL in its body.
var snsFixed = []string{"algorithm", "encoding", "header", "timestampHeader", "content"}

// snsSignature finishes an x-hookgen-signature of format aws-sns: Amazon
// SNS's signature inside the JSON message, with the certificate it names
// fetched from certHosts (default AWS's).
func (p *parser) snsSignature(s *model.SecurityScheme, ext at, k *model.KeySignature, fields map[string]pair) *model.KeySignature {
	if s.Type != "asymmetricEncryption" {
		p.errorf(ext.pos(), "%s format %s belongs on an asymmetricEncryption scheme, not %s: the signature is in the body, not in a header", extKeySig, model.KeySignatureAWSSNS, s.Type)
		return nil
	}
	for _, f := range snsFixed {
		if kv, ok := fields[f]; ok {
			p.errorf(kv.keyAt.pos(), "%s format %s takes no %s: each message says how it is signed (Signature, SignatureVersion, SigningCertURL), so %s are fixed; it takes only certHosts and tolerance",
				extKeySig, model.KeySignatureAWSSNS, f, strings.Join(snsFixed, ", "))
		}
	}
	if kv, ok := fields["tolerance"]; ok {
		if d, err := time.ParseDuration(k.Tolerance); err != nil || d <= 0 {
			p.errorf(kv.v.pos(), "%s tolerance %q is not a positive duration such as 1h", extKeySig, k.Tolerance)
		}
	}
	if kv, ok := fields["certHosts"]; ok {
		if kv.v.n.Kind != yaml.SequenceNode || len(kv.v.n.Content) == 0 {
			p.errorf(kv.v.pos(), "%s certHosts must be a list of host patterns such as sns.*.amazonaws.com", extKeySig)
			return k
		}
		for _, it := range kv.v.items() {
			h := p.scalar(it, "certHosts")
			if strings.TrimSpace(h) == "" || strings.ContainsAny(h, "/@?# ") {
				p.errorf(it.pos(), "%s certHosts %q is not a host[:port] pattern such as sns.*.amazonaws.com (no scheme or path: certificates are fetched over HTTPS only)", extKeySig, h)
				continue
			}
			k.CertHosts = append(k.CertHosts, strings.ToLower(h))
		}
	}
	return k
}
