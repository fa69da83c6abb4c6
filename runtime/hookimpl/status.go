package hookimpl

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/hookgen/hookgen/webhook"
)

// errorBody is the JSON shape of every non-200 answer of the status-code
// contract.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers status with the contract's short JSON error body
// {"error":{"code":"...","message":"..."}}. Headers set on w before the call
// (for example WWW-Authenticate) are kept. Its Content-Length is set, so
// the body is complete even on a connection that closes right after.
func writeError(w http.ResponseWriter, status int, code, message string) {
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

// writeUnauthorized answers 401 with the contract's JSON body and, when v (or
// any verifier it combines) implements [webhook.Challenger], a WWW-Authenticate
// header, which HTTP requires on 401.
func writeUnauthorized(w http.ResponseWriter, v webhook.Verifier, message string) {
	if c, ok := v.(webhook.Challenger); ok {
		if ch := c.Challenge(); ch != "" {
			w.Header().Set("WWW-Authenticate", ch)
		}
	}
	writeError(w, http.StatusUnauthorized, "unauthorized", message)
}

// readBody reads the whole request body, allowing at most limit bytes
// (DefaultBodyLimit when limit <= 0). Past the limit it returns an error
// wrapping [webhook.ErrBodyTooLarge]: a declared length before reading anything,
// and a body of unknown length through http.MaxBytesReader, which tells the
// server to close the connection rather than drain a hostile body. w may be
// nil outside an HTTP server.
//
// Memory follows the bytes received, not the declared length: a client
// declaring 1 MiB and sending a byte at a time makes the receiver hold
// little (see [readUpTo]).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = webhook.DefaultBodyLimit
	}
	if r.Body == nil || r.Body == http.NoBody {
		return []byte{}, nil
	}
	n := r.ContentLength
	if n > limit {
		return nil, fmt.Errorf("%w: declared %d bytes, limit %d", webhook.ErrBodyTooLarge, n, limit)
	}
	if n <= 0 {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		body, err := readUpTo(r.Body, limit+1) // MaxBytesReader fails past limit
		if err != nil {
			return nil, readError(err, limit)
		}
		return body, nil
	}
	// Reading stops a byte past n <= limit, to make sure nothing follows
	// the declared length; so this needs no MaxBytesReader (nor its
	// allocation), and a server gives no more than the declared length
	// anyway.
	body, err := readUpTo(r.Body, n+1)
	switch {
	case err != nil:
		return nil, readError(err, limit)
	case int64(len(body)) < n:
		return nil, readError(io.ErrUnexpectedEOF, limit)
	case int64(len(body)) > n && n == limit:
		return nil, fmt.Errorf("%w: limit %d bytes", webhook.ErrBodyTooLarge, limit)
	case int64(len(body)) > n:
		return nil, errors.New("webhook: read body: longer than its Content-Length")
	}
	return body, nil
}

// Body buffers start at most firstChunk bytes long and grow by at most
// maxGrowth: a body declared shorter than firstChunk (as deliveries
// usually are) is read into one allocation, and a longer one never holds
// more than what has arrived plus the lesser of that and maxGrowth.
const (
	firstChunk = 8 << 10
	maxGrowth  = 128 << 10
)

// readUpTo reads rd to its end or to max bytes, whichever comes first,
// growing its buffer as bytes arrive and never past max.
func readUpTo(rd io.Reader, max int64) ([]byte, error) {
	buf := make([]byte, 0, min(max, firstChunk))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) == max {
				return buf, nil
			}
			grown := make([]byte, len(buf), min(max, int64(len(buf)+min(len(buf), maxGrowth))))
			copy(grown, buf)
			buf = grown
		}
		m, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func readError(err error, limit int64) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return fmt.Errorf("%w: limit %d bytes", webhook.ErrBodyTooLarge, limit)
	}
	return fmt.Errorf("webhook: read body: %w", err)
}
