package hookimpl

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/hookgen/hookgen/runtime/jsonx"
	"github.com/hookgen/hookgen/webhook"
)

// Answer is a handshake's answer, as a generated package describes it
// from its spec's x-hookgen-handshake: a provider's check of the endpoint
// that the receiver answers without a handler.
type Answer struct {
	// Message is the handshake's message key, for logs and errors.
	Message     string
	ContentType string
	Value       Value
	// Confirm, when set, is the JSON pointer to a URL of the body that
	// the Confirmer of scheme ConfirmWith GETs before the handshake is
	// answered (Amazon SNS's /SubscribeURL). With no ContentType the
	// answer has no body.
	Confirm, ConfirmWith string
}

// Where a Value of the request is read from.
const (
	FromPayload = "payload" // Name is a JSON pointer into the body
	FromHeader  = "header"  // Name is a header, in canonical form
	FromQuery   = "query"   // Name is a query parameter
)

// Value is one value of an answer: Const, a value of the request (From
// and Name), its HMAC (HMAC names the signature scheme whose first secret
// signs it, in Algorithm and Encoding), or an object of Fields.
type Value struct {
	// Const is the JSON text of a fixed value.
	Const               string
	From, Name          string
	HMAC                string
	Algorithm, Encoding string
	Fields              []Field
}

// Field is one property of an object answer.
type Field struct {
	Name  string
	Value Value
}

// request is what an answer's values are read from.
type request struct {
	header http.Header
	query  url.Values
	body   []byte
}

// Answer answers a handshake the dispatcher routed, without a handler and
// before de-duplication: a handshake is no event, and each one must be
// answered afresh. A value the request lacks makes it invalid (400); an
// HMAC under a scheme without a configured secret fails (500).
//
// A handshake with Confirm is answered once the GET of its URL succeeds
// (2xx); when it fails the answer is 500, so that the provider retries.
func (r *Runner) Answer(ctx context.Context, d *webhook.Delivery, a *Answer) (Reply, error) {
	if a.Confirm != "" {
		if err := r.confirm(ctx, d, a); err != nil {
			return Reply{}, err
		}
	}
	var body []byte
	if a.ContentType != "" {
		var err error
		if body, err = a.render(request{header: d.Header, body: d.Body}, r.Secrets); err != nil {
			return Reply{}, err
		}
	}
	r.Logger.InfoContext(ctx, "webhook: handshake answered", deliveryAttrs(d)...)
	if r.Observed {
		observing(ctx).mark("handshake")
	}
	return Reply{ContentType: a.ContentType, Body: body}, nil
}

// confirm GETs the URL at the answer's Confirm pointer into the body.
func (r *Runner) confirm(ctx context.Context, d *webhook.Delivery, a *Answer) error {
	raw, ok := jsonx.Pointer(d.Body, a.Confirm)
	var u string
	if !ok || json.Unmarshal(raw, &u) != nil || u == "" {
		return InvalidPayload(fmt.Errorf("handshake %s: the body has no URL at %s to confirm", a.Message, a.Confirm))
	}
	c := r.Confirmers[a.ConfirmWith]
	if c == nil {
		return fmt.Errorf("webhook: handshake %s confirms with scheme %s, which is not configured", a.Message, a.ConfirmWith)
	}
	if err := c.ConfirmSubscription(ctx, u); err != nil {
		return fmt.Errorf("handshake %s not confirmed: %w", a.Message, err)
	}
	r.Logger.InfoContext(ctx, "webhook: subscription confirmed", deliveryAttrs(d)...)
	return nil
}

// render writes the answer's body.
func (a *Answer) render(req request, secrets map[string][][]byte) ([]byte, error) {
	if isJSON(a.ContentType) {
		return a.Value.appendJSON(nil, a, req, secrets)
	}
	return a.Value.text(a, req, secrets)
}

// appendJSON appends the value as JSON.
func (v *Value) appendJSON(b []byte, a *Answer, req request, secrets map[string][][]byte) ([]byte, error) {
	switch {
	case v.Const != "":
		return append(b, v.Const...), nil
	case len(v.Fields) > 0:
		b = append(b, '{')
		for i := range v.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonx.AppendString(b, v.Fields[i].Name)
			b = append(b, ':')
			var err error
			if b, err = v.Fields[i].Value.appendJSON(b, a, req, secrets); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case v.HMAC == "" && v.From == FromPayload:
		raw, err := v.payload(a, req)
		if err != nil {
			return nil, err
		}
		return append(b, raw...), nil
	}
	s, err := v.text(a, req, secrets)
	if err != nil {
		return nil, err
	}
	return jsonx.AppendString(b, string(s)), nil
}

// text returns the value as text: a string without its quotes, any other
// JSON value as its JSON text.
func (v *Value) text(a *Answer, req request, secrets map[string][][]byte) ([]byte, error) {
	switch {
	case v.Const != "":
		return unquote([]byte(v.Const)), nil
	case len(v.Fields) > 0:
		return v.appendJSON(nil, a, req, secrets)
	}
	var s []byte
	switch v.From {
	case FromPayload:
		raw, err := v.payload(a, req)
		if err != nil {
			return nil, err
		}
		s = unquote(raw)
	case FromHeader:
		h := req.header.Get(v.Name)
		if h == "" {
			return nil, InvalidPayload(fmt.Errorf("handshake %s: the %s header is missing", a.Message, v.Name))
		}
		s = []byte(h)
	case FromQuery:
		q := req.query.Get(v.Name)
		if q == "" {
			return nil, InvalidPayload(fmt.Errorf("handshake %s: the query parameter %s is missing", a.Message, v.Name))
		}
		s = []byte(q)
	default:
		return nil, fmt.Errorf("handshake %s: value from %q", a.Message, v.From)
	}
	if v.HMAC == "" {
		return s, nil
	}
	return v.sign(a, s, secrets[v.HMAC])
}

// payload returns the JSON value at the value's pointer into the body.
func (v *Value) payload(a *Answer, req request) ([]byte, error) {
	raw, ok := jsonx.Pointer(req.body, v.Name)
	if !ok {
		return nil, InvalidPayload(fmt.Errorf("handshake %s: the body has no value at %s", a.Message, v.Name))
	}
	return raw, nil
}

// sign returns the HMAC of msg under the first of secrets, encoded.
func (v *Value) sign(a *Answer, msg []byte, secrets [][]byte) ([]byte, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("webhook: handshake %s answers with an HMAC under the secret of scheme %s, and none is configured", a.Message, v.HMAC)
	}
	var h func() hash.Hash
	switch v.Algorithm {
	case "sha1":
		h = sha1.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		h = sha256.New
	}
	mac := hmac.New(h, secrets[0])
	mac.Write(msg)
	sum := mac.Sum(nil)
	switch v.Encoding {
	case "base64":
		return base64.StdEncoding.AppendEncode(nil, sum), nil
	case "base64url":
		return base64.RawURLEncoding.AppendEncode(nil, sum), nil
	}
	return hex.AppendEncode(nil, sum), nil
}

// unquote returns a JSON string's text, and any other JSON value as it is.
func unquote(raw []byte) []byte {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return []byte(s)
		}
	}
	return raw
}

// QueryHandshake is a handshake an endpoint recognises by its query
// parameters, and answers before it authenticates the request or reads its
// body: Microsoft Graph's validation POST, Meta's verification GET.
type QueryHandshake struct {
	Method string
	// Query are the parameters that recognise it, each name and value
	// (an empty value: any but an empty one).
	Query [][2]string
	// VerifyToken, when set, is the query parameter that must carry one of
	// Tokens; a request without one is refused (401).
	VerifyToken string
	Tokens      []string
	Answer      Answer
}

// matches reports whether the request is the handshake.
func (h *QueryHandshake) matches(r *http.Request, q url.Values) bool {
	if r.Method != h.Method {
		return false
	}
	for _, p := range h.Query {
		v := q.Get(p[0])
		if v == "" || (p[1] != "" && v != p[1]) {
			return false
		}
	}
	return true
}

// verified reports whether the request carries a configured verify token.
func (h *QueryHandshake) verified(q url.Values) bool {
	if h.VerifyToken == "" {
		return true
	}
	got := []byte(q.Get(h.VerifyToken))
	ok := false
	for _, t := range h.Tokens {
		if t != "" && subtle.ConstantTimeCompare(got, []byte(t)) == 1 {
			ok = true
		}
	}
	return ok
}

// handshake answers r when it is one of the endpoint's query handshakes,
// and reports whether it was.
func (e *Endpoint) handshake(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.RawQuery == "" {
		return false
	}
	q := r.URL.Query()
	for _, h := range e.Handshakes {
		if !h.matches(r, q) {
			continue
		}
		if !h.verified(q) {
			e.log(r.Context(), slog.LevelWarn, "webhook: rejected handshake", "channel", e.Channel, "message", h.Answer.Message, "error", "wrong or missing "+h.VerifyToken)
			writeError(w, http.StatusUnauthorized, "unauthorized", "missing or invalid verify token")
			return true
		}
		body, err := h.Answer.render(request{header: r.Header, query: q}, nil)
		if err != nil {
			status := webhook.StatusOf(err)
			e.log(r.Context(), slog.LevelWarn, "webhook: handshake not answered", "channel", e.Channel, "message", h.Answer.Message, "status", status, "error", err)
			writeError(w, status, "invalid_handshake", err.Error())
			return true
		}
		e.log(r.Context(), slog.LevelInfo, "webhook: handshake answered", "channel", e.Channel, "message", h.Answer.Message)
		writeReply(w, Reply{ContentType: h.Answer.ContentType, Body: body})
		return true
	}
	return false
}
