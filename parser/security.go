package parser

import (
	"cmp"
	"fmt"
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
		"timestampHeader": &sig.TimestampHeader, "timestampFormat": &sig.TimestampFormat, "idHeader": &sig.IDHeader, "content": &sig.Content,
		"bodyHashQuery": &sig.BodyHashQuery, "tolerance": &sig.Tolerance,
	} {
		fields[k] = ptr
	}
	var given []pair // the fields given, in document order
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
		given = append(given, kv)
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
	bad("timestampFormat", sig.TimestampFormat, "unix", "rfc3339")
	if preset, ok := presets[sig.Format]; ok {
		p.presetFields(s, a, sig, preset, given)
		return sig
	}
	if sig.Tolerance != "" {
		v, _ := ext.get("tolerance")
		if _, err := time.ParseDuration(sig.Tolerance); err != nil {
			p.errorf(v.pos(), "%s tolerance %q is not a duration such as 5m or 300s", extHMAC, sig.Tolerance)
		} else if !strings.Contains(sig.Content, "{timestamp}") {
			// an unsigned timestamp can be rewritten by whoever replays the request
			p.errorf(v.pos(), "%s tolerance %q needs a signed timestamp: add {timestamp} to content", extHMAC, sig.Tolerance)
		}
	}
	if sig.Content != "" {
		v, _ := ext.get("content")
		p.checkContent(v, sig)
	}
	p.unreadFields(sig, given)
	if sig.Header == "" {
		sig.Header = s.Name
	}
	if sig.Header == "" {
		p.errorf(ext.pos(), "%s needs the header the signature travels in: set header, or the scheme's name", extHMAC)
	}
	return sig
}

// unreadFields refuses, at its key, a field of the signature format that
// the verifier would ignore, or refuse in NewServer, given the others.
func (p *parser) unreadFields(sig *model.Signature, given []pair) {
	signs := func(ph string) bool { return strings.Contains(cmp.Or(sig.Content, "{body}"), ph) }
	for _, kv := range given {
		var why string
		switch kv.key {
		case "keyValueSeparator":
			if sig.SignatureKey == "" {
				why = "splits the entries of a multi-part header, which signatureKey declares; set signatureKey or remove it"
			} else if sig.KeyValueSeparator == cmp.Or(sig.Separator, ",") {
				why = fmt.Sprintf("%q is also the separator of the entries; one of them must differ", sig.KeyValueSeparator)
			}
		case "timestampKey":
			switch {
			case sig.SignatureKey == "":
				why = "names a part of a multi-part header, which signatureKey declares; set signatureKey, or use timestampHeader for a header of its own"
			case sig.TimestampKey == sig.SignatureKey:
				why = "is signatureKey too; the timestamp and the signatures need keys of their own"
			case sig.TimestampHeader != "":
				why = "and timestampHeader are both set; the timestamp travels in one place"
			case !signs("{timestamp}"):
				why = "counts only when content signs {timestamp}; add it to content or remove the field"
			}
		case "timestampHeader":
			if sig.TimestampKey == "" && !signs("{timestamp}") {
				why = "counts only when content signs {timestamp}; add it to content or remove the field"
			}
		case "timestampFormat":
			if sig.TimestampKey == "" && sig.TimestampHeader == "" {
				why = "says how the timestamp is written, which timestampHeader or timestampKey carries; set one of them or remove the field"
			}
		case "idHeader":
			if !signs("{id}") {
				why = "counts only when content signs {id}; add it to content or remove the field"
			}
		case "bodyHashQuery":
			if !signs("{url}") {
				why = "names a parameter of the URL, which content must sign: add {url} to content or remove the field"
			}
		}
		if why != "" {
			p.errorf(kv.keyAt.pos(), "%s %s %s", extHMAC, kv.key, why)
		}
	}
}

// preset is what a format other than signature fixes: the fields it
// still reads, the headers its scheme's name may be, and a sentence
// saying what it verifies, for the errors.
type preset struct {
	fields  []string
	headers []string // the first is the default
	fixes   string
}

var presets = map[string]preset{
	model.SignatureStandardWebhooks: {
		headers: []string{"webhook-signature", "svix-signature"},
		fixes:   "webhook-* or Svix's svix-* headers, both read; the scheme's name picks which the test kit signs with",
	},
	model.SignatureGitHub: {
		headers: []string{"X-Hub-Signature-256"},
		fixes:   "X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>",
	},
	model.SignatureStripe: {
		headers: []string{"Stripe-Signature"},
		fixes:   "Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of {t}.{body}>, 5 minute tolerance",
	},
	model.SignatureHTTPMAC: {
		fields:  []string{"algorithm"},
		headers: []string{"Authorization"},
		fixes:   "Authorization: MAC id, nonce, bodyhash, mac; only algorithm applies",
	},
}

// presetFields refuses, at its key, a field the format does not read, and
// a scheme name that is not a header the format reads; it sets sig.Header
// to the header named, as the format spells it.
func (p *parser) presetFields(s *model.SecurityScheme, a at, sig *model.Signature, pr preset, given []pair) {
	for _, kv := range given {
		if k := kv.key; k != "format" && !slices.Contains(pr.fields, k) {
			p.errorf(kv.keyAt.pos(), "%s field %s: format %s fixes it (%s); remove it, or describe the scheme field by field with format %s",
				extHMAC, k, sig.Format, pr.fixes, model.SignatureHeader)
		}
	}
	sig.Header = pr.headers[0]
	if s.Type != "httpApiKey" || s.Name == "" {
		return
	}
	for _, h := range pr.headers {
		if strings.EqualFold(h, s.Name) {
			sig.Header = h
			return
		}
	}
	pos := a.pos()
	if v, ok := a.get("name"); ok {
		pos = v.pos()
	}
	p.errorf(pos, "security scheme %s: name %q is not a header format %s reads; want %s",
		s.Key, s.Name, sig.Format, strings.Join(pr.headers, " or "))
}

// placeholders are what webhook.HMACConfig's Content may sign.
// Those after {body} are the request's: its public URL, method, path,
// query, and its form parameters sorted by name (Twilio's), which may
// stand for {body}.
var placeholders = []string{"{id}", "{timestamp}", "{body}", "{url}", "{method}", "{path}", "{query}", "{form:sorted}"}

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
	case !uses["{body}"] && !uses["{form:sorted}"] && (sig.BodyHashQuery == "" || !uses["{url}"]):
		p.errorf(v.pos(), "%s content %q must include {body} or {form:sorted}, or sign {url} with bodyHashQuery naming the URL's parameter that holds the body's SHA-256", extHMAC, sig.Content)
	case uses["{timestamp}"] && sig.TimestampKey == "" && sig.TimestampHeader == "":
		p.errorf(v.pos(), "%s content %q signs {timestamp}: set timestampHeader, or timestampKey for a timestamp inside the signature header", extHMAC, sig.Content)
	case uses["{id}"] && sig.IDHeader == "":
		p.errorf(v.pos(), "%s content %q signs {id}: set idHeader, the header the delivery id travels in", extHMAC, sig.Content)
	}
}
