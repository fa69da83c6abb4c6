package hookimpl

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// WithObserver reports every delivery the Server receives to o
// (webhook/otelhook reports to OpenTelemetry).
func WithObserver(o webhook.Observer) Option {
	return optionFunc(func(s *Settings) {
		s.Observer = o
		s.Runner.Observed = o != nil
	})
}

// SchemeNames names the security schemes configured, for an Observer's
// report of an unauthorized delivery: "basicAuth", or "apiKey+hmacAuth".
func (s *Settings) SchemeNames() string {
	var keys []string
	for k, v := range s.Schemes {
		if v != nil {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return strings.Join(keys, "+")
}

// observation collects, for an Observer, what the status alone does not
// tell: the delivery, the handler's time, and an outcome the Runner or the
// Endpoint knows (a duplicate, an unknown event, a handshake).
type observation struct {
	d       *webhook.Delivery
	result  string
	handler time.Duration
	err     error
}

type observationKey struct{}

// observing returns the observation of the delivery ctx belongs to; only
// called when an Observer is configured, so that a receiver without one
// pays nothing.
func observing(ctx context.Context) *observation {
	o, _ := ctx.Value(observationKey{}).(*observation)
	return o
}

// mark records an outcome the status does not tell.
func (o *observation) mark(result string) {
	if o != nil {
		o.result = result
	}
}

// serveObserved serves a delivery between the Observer's Begin and end.
func (e *Endpoint) serveObserved(w http.ResponseWriter, r *http.Request) {
	o := new(observation)
	ctx, done := e.Observer.Begin(r.Context(), e.Provider, e.Channel)
	sw := &statusWriter{ResponseWriter: w}
	defer func() { done(o.outcome(sw.code, e.Schemes)) }()
	e.serve(sw, r.WithContext(context.WithValue(ctx, observationKey{}, o)), o)
}

// outcome is what the Observer is told of a delivery answered status.
func (o *observation) outcome(status int, schemes string) webhook.Outcome {
	out := webhook.Outcome{Status: status, Handler: o.handler, Err: o.err}
	if o.d != nil {
		out.Message, out.EventID = o.d.Message, o.d.EventID
	}
	switch status {
	case http.StatusOK:
		out.Result = "handled"
		if o.result != "" {
			out.Result = o.result
		}
	case http.StatusUnauthorized:
		out.Result, out.Schemes = "unauthorized", schemes
	case http.StatusBadRequest:
		out.Result = "invalid"
	case http.StatusMethodNotAllowed, http.StatusUnsupportedMediaType, http.StatusRequestEntityTooLarge:
		out.Result = "rejected"
	case http.StatusConflict:
		out.Result = "in_flight"
	case http.StatusServiceUnavailable:
		out.Result = "unavailable"
	default:
		out.Result = "failed"
	}
	return out
}

// statusWriter remembers the status written; Unwrap keeps
// http.ResponseController (flushes, deadlines) working through it.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
