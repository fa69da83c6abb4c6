package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// DefaultBodyLimit is the body size [ReadBody] allows when given a limit
// <= 0: 1 MiB, far above any delivery-event payload.
const DefaultBodyLimit = 1 << 20

// errorBody is the JSON shape of every non-200 answer of the status-code
// contract.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// WriteError answers status with the contract's short JSON error body
// {"error":{"code":"...","message":"..."}}. Headers set on w before the call
// (for example WWW-Authenticate) are kept.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	b, err := json.Marshal(errorBody{Error: errorDetail{Code: code, Message: message}})
	if err != nil { // cannot happen for two strings; keep the contract anyway
		b = []byte(`{"error":{"code":"internal","message":""}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// WriteUnauthorized answers 401 with the contract's JSON body and, when v (or
// any verifier it combines) implements [Challenger], a WWW-Authenticate
// header, which HTTP requires on 401.
func WriteUnauthorized(w http.ResponseWriter, v Verifier, message string) {
	if c := ChallengeOf(v); c != "" {
		w.Header().Set("WWW-Authenticate", c)
	}
	WriteError(w, http.StatusUnauthorized, "unauthorized", message)
}

// ReadBody reads the whole request body, allowing at most limit bytes
// (DefaultBodyLimit when limit <= 0). Past the limit it returns an error
// wrapping [ErrBodyTooLarge] and, through http.MaxBytesReader, tells the
// server to close the connection rather than drain a hostile body. w may be
// nil outside an HTTP server.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	if r.Body == nil || r.Body == http.NoBody {
		return []byte{}, nil
	}
	// A declared length over the limit is refused before reading anything.
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: declared %d bytes, limit %d", ErrBodyTooLarge, r.ContentLength, limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	if _, err := buf.ReadFrom(r.Body); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, fmt.Errorf("%w: limit %d bytes", ErrBodyTooLarge, limit)
		}
		return nil, fmt.Errorf("webhook: read body: %w", err)
	}
	return buf.Bytes(), nil
}
