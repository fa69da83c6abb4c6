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
		if _, err := time.ParseDuration(sig.Tolerance); err != nil {
			v, _ := ext.get("tolerance")
			p.errorf(v.pos(), "%s tolerance %q is not a duration such as 5m or 300s", extHMAC, sig.Tolerance)
		}
	}
	if sig.Content != "" && !strings.Contains(sig.Content, "{body}") {
		v, _ := ext.get("content")
		p.errorf(v.pos(), "%s content %q must include {body}", extHMAC, sig.Content)
	}
	if sig.Format == model.SignatureHeader && sig.Header == "" {
		sig.Header = s.Name
	}
	if sig.Format == model.SignatureHeader && sig.Header == "" {
		p.errorf(ext.pos(), "%s needs the header the signature travels in: set header, or the scheme's name", extHMAC)
	}
	return sig
}
