package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
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
// (for example WWW-Authenticate) are kept. Its Content-Length is set, so
// the body is complete even on a connection that closes right after.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	b, err := json.Marshal(errorBody{Error: errorDetail{Code: code, Message: message}})
	if err != nil { // cannot happen for two strings; keep the contract anyway
		b = []byte(`{"error":{"code":"internal","message":""}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
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
// wrapping [ErrBodyTooLarge]: a declared length before reading anything,
// and a body of unknown length through http.MaxBytesReader, which tells the
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
	if n := r.ContentLength; n > 0 {
		// The usual case: read exactly the declared length into one
		// allocation (a bytes.Buffer would grow past it to make room for a
		// last read), then make sure nothing follows, reading into a spare
		// byte of the same allocation (a byte array of its own would
		// escape through the interface call). Reading stops a byte past
		// n <= limit, so this needs no MaxBytesReader (nor its
		// allocation); a server gives no more than the declared length
		// anyway.
		body := make([]byte, n+1)
		if _, err := io.ReadFull(r.Body, body[:n]); err != nil {
			return nil, readError(err, limit)
		}
		if m, err := r.Body.Read(body[n:]); m > 0 {
			if n == limit {
				return nil, fmt.Errorf("%w: limit %d bytes", ErrBodyTooLarge, limit)
			}
			return nil, fmt.Errorf("webhook: read body: longer than its Content-Length")
		} else if err != nil && err != io.EOF {
			return nil, readError(err, limit)
		}
		return body[:n], nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r.Body); err != nil {
		return nil, readError(err, limit)
	}
	return buf.Bytes(), nil
}

func readError(err error, limit int64) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return fmt.Errorf("%w: limit %d bytes", ErrBodyTooLarge, limit)
	}
	return fmt.Errorf("webhook: read body: %w", err)
}
