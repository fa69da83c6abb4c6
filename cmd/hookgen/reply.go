package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"reflect"

	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/parser"
)

// sentRequest is what send sent: what a handshake's answer is computed from.
type sentRequest struct {
	header http.Header
	query  url.Values
	body   []byte
}

// received is a receiver's answer.
type received struct {
	status      int
	contentType string
	body        []byte
}

// replyCheck is what a 200 to a message must carry beside its status:
// the reply the message declares, checked against its schema, and the
// answer its handshake requires.
type replyCheck struct {
	schemas *parser.Schemas
	secret  string // the signature scheme's, for an HMAC answer
}

// wants reports whether the answer to m is checked.
func wantsReply(m *model.Message) bool {
	return m.Handshake != nil || m.Reply.Answered()
}

// check returns what is wrong with the answer got to m, sent as req. A
// message's reply may be none (its handler returned nil), a handshake's
// answer may not.
func (c replyCheck) check(m *model.Message, req sentRequest, got received) []string {
	if h := m.Handshake; h != nil && h.Answer == nil { // confirmed by a GET: no body
		if len(got.body) != 0 {
			return []string{fmt.Sprintf("handshake answered %s, want no body", trimmed(got.body))}
		}
		return nil
	}
	var bad []string
	want := ""
	var reply *model.Message
	if m.Reply.Answered() {
		reply = m.Reply.Messages[0]
		want = reply.ContentType
	}
	if h := m.Handshake; h != nil {
		want = h.ContentType
	}
	if want == "" {
		want = "application/json"
	}
	if len(got.body) == 0 {
		if m.Handshake == nil {
			return nil // a handler's nil reply: 200 without a body
		}
		return []string{"no body, want the handshake's answer"}
	}
	if !sameMediaType(got.contentType, want) {
		bad = append(bad, fmt.Sprintf("content type %q, want %s", got.contentType, want))
	}
	if reply != nil {
		bad = append(bad, c.schemas.CheckPayload(reply, got.body)...)
	}
	if h := m.Handshake; h != nil {
		exp, err := expectedAnswer(h, req, c.secret)
		switch {
		case err != nil:
			bad = append(bad, "the handshake's answer cannot be checked: "+err.Error())
		case !sameAnswer(exp, got.body, model.IsJSONMediaType(h.ContentType)):
			bad = append(bad, fmt.Sprintf("handshake answered %s, want %s", trimmed(got.body), trimmed(exp)))
		}
	}
	return bad
}

func trimmed(b []byte) string {
	const max = 200
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}

// sameAnswer compares an answer with the expected one: as JSON values
// when the answer is JSON, else as text.
func sameAnswer(want, got []byte, asJSON bool) bool {
	if !asJSON {
		return bytes.Equal(want, got)
	}
	var w, g any
	if json.Unmarshal(want, &w) != nil || json.Unmarshal(got, &g) != nil {
		return false
	}
	return reflect.DeepEqual(w, g)
}

func sameMediaType(got, want string) bool {
	g, _, err1 := mime.ParseMediaType(got)
	w, _, err2 := mime.ParseMediaType(want)
	return err1 == nil && err2 == nil && g == w
}

// expectedAnswer computes, from the spec, the answer a handshake requires
// of the request req: JSON for a JSON content type, else text.
func expectedAnswer(h *model.Handshake, req sentRequest, secret string) ([]byte, error) {
	v, err := answerValue(h.Answer, req, secret)
	if err != nil {
		return nil, err
	}
	if model.IsJSONMediaType(h.ContentType) {
		return json.Marshal(v)
	}
	if s, ok := v.(string); ok {
		return []byte(s), nil
	}
	return json.Marshal(v)
}

// answerValue is one value of an answer, as a decoded JSON value.
func answerValue(a *model.Answer, req sentRequest, secret string) (any, error) {
	switch {
	case a.Const != nil:
		var v any
		err := json.Unmarshal(a.Const, &v)
		return v, err
	case len(a.Fields) > 0:
		obj := make(map[string]any, len(a.Fields))
		for _, f := range a.Fields {
			v, err := answerValue(f.Value, req, secret)
			if err != nil {
				return nil, err
			}
			obj[f.Name] = v
		}
		return obj, nil
	}
	var v any
	switch a.From {
	case model.FromPayload:
		var body any
		if err := json.Unmarshal(req.body, &body); err != nil {
			return nil, fmt.Errorf("the request's body: %w", err)
		}
		v = body
		for _, k := range model.PayloadPath(a.Name) {
			obj, ok := v.(map[string]any)
			if !ok || obj[k] == nil {
				return nil, fmt.Errorf("the request has no value at %s", a.Name)
			}
			v = obj[k]
		}
	case model.FromHeader:
		v = req.header.Get(a.Name)
	case model.FromQuery:
		v = req.query.Get(a.Name)
	default:
		return nil, fmt.Errorf("a value from %q", a.From)
	}
	if a.HMAC == nil {
		return v, nil
	}
	if secret == "" {
		return nil, fmt.Errorf("it is an HMAC under the secret of scheme %s: give -secret", a.HMAC.Key)
	}
	msg, ok := v.(string)
	if !ok {
		raw, _ := json.Marshal(v)
		msg = string(raw)
	}
	return answerMAC(a.HMAC.Signature, secret, msg), nil
}

// answerMAC is the HMAC of msg under secret, in the scheme's algorithm
// and encoding.
func answerMAC(sig *model.Signature, secret, msg string) string {
	h := sha256.New
	switch sig.Algorithm {
	case "sha1":
		h = sha1.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write([]byte(msg))
	sum := mac.Sum(nil)
	switch sig.Encoding {
	case "base64":
		return base64.StdEncoding.EncodeToString(sum)
	case "base64url":
		return base64.RawURLEncoding.EncodeToString(sum)
	}
	return hex.EncodeToString(sum)
}

// handshakeQuery is the query of a handshake recognised by its query, as
// its provider sends it: each parameter with its value, a fresh token
// where any value is accepted (the challenge to echo), and the verify
// token where the handshake carries one.
func handshakeQuery(h *model.Handshake, verifyToken string) (url.Values, error) {
	q := url.Values{}
	for _, p := range h.Query {
		v := p.Value
		if v == "" {
			v = "hookgen challenge " + rand.Text()
		}
		q.Set(p.Name, v)
	}
	if h.VerifyToken != "" {
		if verifyToken == "" {
			return nil, errors.New("give -verify-token: the handshake carries it in " + h.VerifyToken)
		}
		q.Set(h.VerifyToken, verifyToken)
	}
	return q, nil
}
