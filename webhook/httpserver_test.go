package webhook

import (
	"net/http"
	"testing"
)

func TestNewHTTPServerLimits(t *testing.T) {
	srv := NewHTTPServer(":8080", http.NotFoundHandler())
	if srv.Addr != ":8080" || srv.Handler == nil {
		t.Fatalf("addr %q, handler %v", srv.Addr, srv.Handler)
	}
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout < srv.ReadHeaderTimeout || srv.IdleTimeout <= 0 {
		t.Errorf("read header %v, read %v, idle %v", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout)
	}
	// The write deadline runs from the end of the headers: it must leave
	// room for the body and a handler that takes all its time.
	if srv.WriteTimeout <= srv.ReadTimeout+DefaultHandlerTimeout {
		t.Errorf("WriteTimeout %v leaves no room for the body (%v) and the handler (%v)", srv.WriteTimeout, srv.ReadTimeout, DefaultHandlerTimeout)
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes >= http.DefaultMaxHeaderBytes {
		t.Errorf("MaxHeaderBytes %d", srv.MaxHeaderBytes)
	}
}
