package parser

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hookgen/hookgen/model"
)

const extHMAC = "x-hookgen-hmac"

// signature reads a scheme's x-hookgen-hmac extension (docs/spec-extensions.md).
func (p *parser) signature(s *model.SecurityScheme, a at) *model.Signature {
	ext, ok := a.get(extHMAC)
	if !ok {
		return nil
	}
	if s.Type != "httpApiKey" && s.Type != "apiKey" {
		p.errorf(ext.pos(), "%s belongs on an httpApiKey scheme (the header the signature travels in), not %s", extHMAC, s.Type)
		return nil
	}
	ext, ok = p.object(ext, extHMAC)
	if !ok {
		return nil
	}
	fields := map[string]*string{}
	sig := &model.Signature{}
	for k, ptr := range map[string]*string{
		"format": &sig.Format, "algorithm": &sig.Algorithm, "encoding": &sig.Encoding, "header": &sig.Header,
		"prefix": &sig.Prefix, "signatureKey": &sig.SignatureKey, "separator": &sig.Separator,
		"keyValueSeparator": &sig.KeyValueSeparator, "timestampKey": &sig.TimestampKey,
		"timestampHeader": &sig.TimestampHeader, "idHeader": &sig.IDHeader, "content": &sig.Content,
		"tolerance": &sig.Tolerance,
	} {
		fields[k] = ptr
	}
	for _, kv := range ext.pairs() {
		ptr, known := fields[kv.key]
		if !known {
			names := make([]string, 0, len(fields))
			for n := range fields {
				names = append(names, n)
			}
			sort.Strings(names)
			p.errorf(kv.keyAt.pos(), "%s has no field %q; it knows %s", extHMAC, kv.key, strings.Join(names, ", "))
			continue
		}
		*ptr = p.scalar(kv.v, kv.key)
	}
	bad := func(field, value string, allowed ...string) {
		if value != "" && !slices.Contains(allowed, value) {
			v, _ := ext.get(field)
			p.errorf(v.pos(), "%s %s %q is not one of %s", extHMAC, field, value, strings.Join(allowed, ", "))
		}
	}
	if sig.Format == "" {
		sig.Format = model.SignatureHeader
	}
	bad("format", sig.Format, model.SignatureHeader, model.SignatureHTTPMAC, model.SignatureStandardWebhooks, model.SignatureGitHub, model.SignatureStripe)
	bad("algorithm", sig.Algorithm, "sha1", "sha256", "sha384", "sha512")
	bad("encoding", sig.Encoding, "hex", "base64", "base64url")
	if sig.Tolerance != "" {
		v, _ := ext.get("tolerance")
		if _, err := time.ParseDuration(sig.Tolerance); err != nil {
			p.errorf(v.pos(), "%s tolerance %q is not a duration such as 5m or 300s", extHMAC, sig.Tolerance)
		} else if sig.Format == model.SignatureHeader && !strings.Contains(sig.Content, "{timestamp}") {
			// an unsigned timestamp can be rewritten by whoever replays the request
			p.errorf(v.pos(), "%s tolerance %q needs a signed timestamp: add {timestamp} to content", extHMAC, sig.Tolerance)
		}
	}
	if sig.Content != "" {
		v, _ := ext.get("content")
		p.checkContent(v, sig)
	}
	if sig.Format == model.SignatureHeader && sig.Header == "" {
		sig.Header = s.Name
	}
	if sig.Format == model.SignatureHeader && sig.Header == "" {
		p.errorf(ext.pos(), "%s needs the header the signature travels in: set header, or the scheme's name", extHMAC)
	}
	return sig
}

// placeholders are what webhook.HMACConfig's Content may sign.
var placeholders = []string{"{id}", "{timestamp}", "{body}"}

// checkContent refuses, at the content value, a signed-content template
// that NewServer would refuse: an unknown or unclosed placeholder, no
// {body}, or a placeholder whose header the extension does not name.
func (p *parser) checkContent(v at, sig *model.Signature) {
	uses := map[string]bool{}
	for rest := sig.Content; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			p.errorf(v.pos(), "%s content %q has a { without its }; placeholders are %s", extHMAC, sig.Content, strings.Join(placeholders, ", "))
			return
		}
		name := rest[i : i+j+1]
		if !slices.Contains(placeholders, name) {
			p.errorf(v.pos(), "%s content %q: unknown placeholder %s; placeholders are %s", extHMAC, sig.Content, name, strings.Join(placeholders, ", "))
			return
		}
		uses[name] = true
		rest = rest[i+j+1:]
	}
	switch {
	case !uses["{body}"]:
		p.errorf(v.pos(), "%s content %q must include {body}", extHMAC, sig.Content)
	case sig.Format != model.SignatureHeader:
		// the presets set what they sign from
	case uses["{timestamp}"] && sig.TimestampKey == "" && sig.TimestampHeader == "":
		p.errorf(v.pos(), "%s content %q signs {timestamp}: set timestampHeader, or timestampKey for a timestamp inside the signature header", extHMAC, sig.Content)
	case uses["{id}"] && sig.IDHeader == "":
		p.errorf(v.pos(), "%s content %q signs {id}: set idHeader, the header the delivery id travels in", extHMAC, sig.Content)
	}
}
