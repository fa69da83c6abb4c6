package hookimpl

import (
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// Endpoint serves one channel over HTTP: it enforces the request rules of
// the status-code contract, verifies credentials on the raw body, and hands
// the delivery to the channel's dispatcher.
//
// Order matters: credentials that need no body ([webhook.HeaderVerifier])
// first; then the method (405); then, for a signature over the body, the
// body is read (413) and the signature checked (401); then the content
// type (415). A badly signed request is 401 whatever its content type.
// Nothing reaches the dispatcher or the de-duplication store before the
// credentials are checked, and nothing is decoded before that.
type Endpoint struct {
	Channel string
	// Params are the names of the channel parameters, read from the
	// request path (the route must be registered with a pattern).
	Params []string
	// Verifier checks credentials; nil means none (the generated NewServer
	// only allows that when told to).
	Verifier  webhook.Verifier
	BodyLimit int64
	Logger    *slog.Logger
	Dispatch  func(ctx context.Context, d *webhook.Delivery) error
	// DispatchReply, when set, dispatches instead of Dispatch, for a
	// channel whose deliveries may be answered with a body: a message
	// that declares a reply, or a handshake.
	DispatchReply func(ctx context.Context, d *webhook.Delivery) (Reply, error)
	// Handshakes are answered before anything else, when a request is one
	// of them (see [QueryHandshake]).
	Handshakes []*QueryHandshake
	// Form is set when the channel declares form-encoded bodies
	// (application/x-www-form-urlencoded), FormOnly when it declares no
	// JSON: the content types it accepts, beside which a request is 415.
	Form, FormOnly bool
	// PlainJSON is set when a scheme of the spec posts JSON as text/plain
	// (Amazon SNS's "text/plain; charset=UTF-8"): text/plain is then
	// accepted, and read, as JSON.
	PlainJSON bool
	// PublicURL, when set, is the receiver's URL as the provider calls
	// it (behind a proxy, say), which a signature over the request's URL
	// is checked with: the request's path and query follow it.
	PublicURL string
	// Observer, when set, is told of every delivery, with Provider and
	// the Schemes configured (Settings.SchemeNames).
	Observer          webhook.Observer
	Provider, Schemes string
}

func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.Observer != nil {
		e.serveObserved(w, r)
		return
	}
	e.serve(w, r, nil)
}

// serve answers one request; o, when not nil, collects what an Observer
// is told.
func (e *Endpoint) serve(w http.ResponseWriter, r *http.Request, o *observation) {
	received := time.Now()
	if e.Handshakes != nil && e.handshake(w, r) {
		o.mark("handshake")
		return
	}
	// Credentials that need no body are checked before anything else, so
	// a client without them cannot make the receiver hold a body.
	bodySigned := false
	if e.Verifier != nil {
		err := webhook.ErrNeedBody // unless the headers alone can tell
		if hv, ok := e.Verifier.(webhook.HeaderVerifier); ok {
			err = hv.VerifyHeader(r)
		}
		switch err {
		case nil:
		case webhook.ErrNeedBody:
			bodySigned = true
		default:
			e.unauthorized(w, r, err)
			return
		}
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "webhook deliveries are POST requests")
		return
	}
	// A request signed over its body is read (within the limit) and its
	// signature checked before its content type is: a badly signed
	// request is 401 whatever its content type.
	var body []byte
	if bodySigned {
		var ok bool
		if body, ok = e.read(w, r); !ok {
			return
		}
		if err := e.Verifier.Verify(e.signed(r), body); err != nil {
			e.unauthorized(w, r, err)
			return
		}
	}
	if ct := headerValue(r.Header, "Content-Type"); ct != "" && !e.accepts(ct) {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "the body must be "+e.bodies()+", not "+ct)
		return
	}
	if !bodySigned {
		var ok bool
		if body, ok = e.read(w, r); !ok {
			return
		}
	}
	d := &webhook.Delivery{Channel: e.Channel, Header: r.Header, Body: body, Received: received}
	if o != nil {
		o.d = d
	}
	if len(e.Params) > 0 {
		d.Params = make(map[string]string, len(e.Params))
		for _, p := range e.Params {
			d.Params[p] = r.PathValue(p)
		}
	}
	returned := false
	defer e.exited(w, r, d, &returned)
	var rep Reply
	var err error
	if e.DispatchReply != nil {
		rep, err = e.DispatchReply(r.Context(), d)
	} else {
		err = e.Dispatch(r.Context(), d)
	}
	returned = true
	if o != nil {
		o.err = err
	}
	status := webhook.StatusOf(err)
	switch status {
	case http.StatusOK:
		e.logResult(r.Context(), slog.LevelInfo, "webhook: delivery", d, status, nil)
		if rep.ContentType == "" {
			w.WriteHeader(http.StatusOK)
		} else {
			writeReply(w, rep)
		}
	case http.StatusBadRequest:
		e.logResult(r.Context(), slog.LevelWarn, "webhook: invalid payload", d, status, err)
		writeError(w, status, "invalid_payload", err.Error())
	case http.StatusConflict:
		w.Header().Set("Retry-After", "1")
		writeError(w, status, "in_flight", "the same event is being handled; retry later")
	case http.StatusServiceUnavailable:
		e.logResult(r.Context(), slog.LevelError, "webhook: de-duplication store full", d, status, err)
		// Claims end as handlers return, within their timeout (30 s by
		// default): a few seconds frees some.
		w.Header().Set("Retry-After", "10")
		writeError(w, status, "unavailable", "too many events are being handled; retry later")
	default:
		if storeOutage(err) {
			// The store logged its outage once; an error a delivery while
			// it lasts would flood the log.
			e.logResult(r.Context(), slog.LevelDebug, "webhook: de-duplication store down", d, status, err)
		} else {
			e.logResult(r.Context(), slog.LevelError, "webhook: handler failed", d, status, err)
		}
		// The handler's error stays in the log: it may hold internals.
		writeError(w, status, "handler_failed", "the event was not handled; retry later")
	}
}

// read reads the body within the limit, answering 413 or 400 when it
// cannot.
func (e *Endpoint) read(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := readBody(w, r, e.BodyLimit)
	if err != nil {
		if errors.Is(err, webhook.ErrBodyTooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", err.Error())
			return nil, false
		}
		writeError(w, http.StatusBadRequest, "unreadable_body", "the request body could not be read")
		return nil, false
	}
	return body, true
}

// accepts reports whether the channel declares the content type ct.
func (e *Endpoint) accepts(ct string) bool {
	switch {
	case e.Form && IsForm(ct):
		return true
	case e.FormOnly:
		return false
	case e.PlainJSON && isTextPlain(ct):
		return true
	}
	return isJSON(ct)
}

// isTextPlain reports whether contentType is text/plain, with any
// parameters.
func isTextPlain(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "text/plain"
}

// bodies names the content types the channel accepts, for a 415's body.
func (e *Endpoint) bodies() string {
	switch {
	case e.FormOnly:
		return FormType
	case e.Form:
		return "JSON or " + FormType
	case e.PlainJSON:
		return "JSON (as application/json or text/plain)"
	}
	return "JSON"
}

// signed is the request a signature over the request (its URL, say) is
// checked on: with PublicURL, its URL is the public one, the request's
// path and query after it; without, r with a URL of no scheme or host
// (a verifier that signs the URL then refuses it).
func (e *Endpoint) signed(r *http.Request) *http.Request {
	if e.PublicURL == "" {
		if r.URL.Host == "" && r.URL.Scheme == "" {
			return r
		}
		// An absolute request-target (POST https://host/path) is the
		// client's to choose, as the Host header is.
		u := *r.URL
		u.Scheme, u.Host = "", ""
		r2 := *r
		r2.URL = &u
		return &r2
	}
	u, err := url.Parse(strings.TrimSuffix(e.PublicURL, "/") + r.URL.RequestURI())
	if err != nil {
		return r
	}
	r2 := *r
	r2.URL = u
	return &r2
}

// unauthorized logs a rejected request and answers 401.
func (e *Endpoint) unauthorized(w http.ResponseWriter, r *http.Request, err error) {
	e.log(r.Context(), slog.LevelWarn, "webhook: rejected credentials", "channel", e.Channel, "error", err)
	writeUnauthorized(w, e.Verifier, "missing or invalid credentials")
}

// exited answers a delivery whose dispatch ended its goroutine with
// runtime.Goexit (a handler calling t.FailNow, say); a panic goes on to
// net/http as before. net/http then closes the connection without flushing
// what the handler buffered, so the 500 is flushed here, with its length
// (a chunked body would lack its last chunk) and Connection: close.
func (e *Endpoint) exited(w http.ResponseWriter, r *http.Request, d *webhook.Delivery, returned *bool) {
	if *returned {
		return
	}
	if p := recover(); p != nil {
		panic(p)
	}
	e.logResult(r.Context(), slog.LevelError, "webhook: handler failed", d, http.StatusInternalServerError, errGoexit)
	w.Header().Set("Connection", "close")
	writeError(w, http.StatusInternalServerError, "handler_failed", "the event was not handled; retry later")
	_ = http.NewResponseController(w).Flush()
}

// logResult logs a delivery's outcome; the attributes are built only when
// the level is enabled, since most receivers log little on the hot path.
func (e *Endpoint) logResult(ctx context.Context, level slog.Level, msg string, d *webhook.Delivery, status int, err error) {
	if e.Logger == nil || !e.Logger.Enabled(ctx, level) {
		return
	}
	attrs := []any{"channel", d.Channel, "message", d.Message, "event_id", d.EventID, "status", status, "duration", time.Since(d.Received)}
	if err != nil {
		attrs = append(attrs, "error", err)
	}
	e.Logger.Log(ctx, level, msg, attrs...)
}

func (e *Endpoint) log(ctx context.Context, level slog.Level, msg string, attrs ...any) {
	if e.Logger != nil {
		e.Logger.Log(ctx, level, msg, attrs...)
	}
}

// headerValue is h.Get(key) for a key already in canonical form: Get
// canonicalizes its key on every call, which costs as much as the lookup.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// isJSON accepts application/json and any application/*+json type.
func isJSON(contentType string) bool {
	if contentType == "application/json" {
		return true // what mime.ParseMediaType would say, without its allocation
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// NotFound answers 404 with the contract's JSON body, for paths that are
// no channel.
var NotFound = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "not_found", "no webhook channel at "+r.URL.Path)
})

// ServeMux serves r with mux, except that a path ServeMux would redirect to
// its clean form (//webhook, /a/../webhook) is answered 404 with the
// contract's JSON body: a provider posting there would not follow a
// redirect, and its delivery would be lost without a word.
func ServeMux(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; p != "" && !cleanPath(p) {
		NotFound(w, r)
		return
	}
	mux.ServeHTTP(w, r)
}

// cleanPath reports whether ServeMux leaves p as it is: p is path.Clean's
// form, or that with a trailing slash.
func cleanPath(p string) bool {
	if strings.HasPrefix(p, "/") && !strings.Contains(p, "//") && !strings.Contains(p, "/.") {
		// The usual path, in a fraction of path.Clean's time: every
		// element follows a slash, so none is empty, "." or "..", and
		// Clean could only drop a trailing slash.
		return true
	}
	c := path.Clean(p)
	return p == c || (strings.HasSuffix(p, "/") && p[:len(p)-1] == c)
}
