package generator

import (
	"strconv"
	"strings"
	"unicode"
)

// commonInitialisms are written in capitals in Go names, as in the
// standard library and golint: DasherID, TrackingURL, OrderUUID.
var commonInitialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "DNS": true,
	"EOF": true, "ETA": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true,
	"HMAC": true, "ID": true, "IP": true, "JSON": true, "JWT": true, "QPS": true, "RAM": true,
	"RPC": true, "SHA": true, "SKU": true, "SLA": true, "SMTP": true, "SNS": true, "SQL": true, "SSH": true,
	"TCP": true, "TLS": true, "TTL": true, "UDP": true, "UI": true, "UID": true,
	"UPC": true, "URI": true, "URL": true, "UTC": true, "UTF8": true, "UUID": true,
	"VM": true, "XML": true, "XMPP": true, "XSRF": true, "XSS": true,
}

// specialWords are spelled as their owners spell them.
var specialWords = map[string]string{"oauth": "OAuth", "oauth2": "OAuth2"}

// words splits a spec name into words: at every character that is not a
// letter or digit, and at camelCase boundaries ("HTTPStatus" → HTTP,
// Status). "@" becomes the word "at", so "@type" and "type" differ.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '@':
			flush()
			out = append(out, "at")
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && len(cur) > 0:
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// exported turns a spec name into an exported Go identifier made of the
// name's words: "order_uuid" → OrderUUID, "DASHER_CONFIRMED" →
// DasherConfirmed, "x-request-id" → XRequestID. The result may start with a
// digit or be empty; ident makes it a valid identifier.
func exported(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		up := strings.ToUpper(w)
		switch {
		case specialWords[strings.ToLower(w)] != "":
			b.WriteString(specialWords[strings.ToLower(w)])
		case commonInitialisms[up]:
			b.WriteString(up)
		case strings.HasSuffix(up, "S") && commonInitialisms[up[:len(up)-1]]:
			b.WriteString(up[:len(up)-1] + "s") // IDs, URLs
		default:
			rs := []rune(w)
			if w == up {
				rs = []rune(strings.ToLower(w)) // SHOUTING words read as words
			}
			rs[0] = unicode.ToUpper(rs[0])
			b.WriteString(string(rs))
		}
	}
	return b.String()
}

// ident is exported(s) made valid on its own: never empty, never starting
// with a digit.
func ident(s, ifEmpty string) string {
	id := exported(s)
	if id == "" {
		return ifEmpty
	}
	switch first := []rune(id)[0]; {
	case unicode.IsDigit(first):
		return "N" + id
	case !unicode.IsUpper(first):
		return "X" + id // a letter with no upper case (重量) would not be exported
	}
	return id
}

// scope hands out identifiers that are unique within it: the second "Type"
// becomes "Type2". Order of calls decides, so output is deterministic.
type scope map[string]bool

func (s scope) unique(name string) string {
	if !s[name] {
		s[name] = true
		return name
	}
	for i := 2; ; i++ {
		n := name + strconv.Itoa(i)
		if !s[n] {
			s[n] = true
			return n
		}
	}
}
