package webhook

import (
	"net/http"
	"time"
)

// Defaults of a generated server's options.
const (
	// DefaultBodyLimit is the largest body accepted without WithBodyLimit:
	// 1 MiB, far above any delivery-event payload.
	DefaultBodyLimit = 1 << 20
	// DefaultHandlerTimeout is how long a handler may run without
	// WithHandlerTimeout: providers give up on a delivery after a few
	// seconds to a minute, and a slower handler should retry, not hang.
	DefaultHandlerTimeout = 30 * time.Second
)

// NewHTTPServer returns an http.Server for addr serving h, with timeouts
// and a header limit chosen for webhook traffic: a provider sends its
// headers at once and a body of at most DefaultBodyLimit, then waits for
// the handler. A bare http.Server has no timeouts, so any client could
// hold its connections, and what they have sent, for ever.
//
//   - ReadHeaderTimeout 5 s: headers (and the TLS handshake) arrive in one
//     go; a client still sending them after 5 s is holding a connection,
//     not delivering.
//   - ReadTimeout 15 s: the whole request, a 1 MiB body included, at
//     70 KB/s, far below any provider's link.
//   - WriteTimeout 60 s: it runs from the end of the headers to the end of
//     the answer, so it covers the body (15 s), a handler up to
//     DefaultHandlerTimeout (30 s) and the answer, with 15 s to spare.
//     Raise it with WithHandlerTimeout above 30 s, or the provider gets
//     no answer and retries an event that was handled.
//   - IdleTimeout 120 s: longer than clients keep idle connections (Go's
//     default is 90 s), so the client closes an idle connection first and
//     never sends a delivery on one the server is closing.
//   - MaxHeaderBytes 64 KiB: a 16 KiB JWT and a signature fit beside the
//     usual headers, in a sixteenth of net/http's 1 MiB default.
//
// Change a field of the result before serving it to suit other traffic.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	const readTimeout = 15 * time.Second
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       readTimeout,
		WriteTimeout:      readTimeout + DefaultHandlerTimeout + 15*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}
