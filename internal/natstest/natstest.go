// Package natstest runs a NATS server with JetStream in the test's own
// process (github.com/nats-io/nats-server/v2, the server itself, not a
// mock) on a free loopback port, storing its streams in a temporary
// folder, and stops it when the test ends. Stop and Restart make an
// outage: the server comes back on the same address with what it stored.
//
// Only tests and benchmarks import it, so nothing else links the server.
package natstest

import (
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Server is a NATS server a test started.
type Server struct {
	// URL is its client URL, nats://127.0.0.1:port.
	URL string

	tb   testing.TB
	opts server.Options
	mu   sync.Mutex
	srv  *server.Server
}

// Start starts a NATS server with JetStream and stops it when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{tb: tb, opts: server.Options{
		ServerName: "hookgen-test",
		Host:       "127.0.0.1",
		Port:       server.RANDOM_PORT,
		JetStream:  true,
		StoreDir:   tb.TempDir(),
		NoLog:      true,
		NoSigs:     true,
	}}
	s.start()
	// From now on the same port: Restart comes back where clients
	// reconnect.
	s.opts.Port = s.srv.Addr().(*net.TCPAddr).Port
	s.URL = "nats://127.0.0.1:" + strconv.Itoa(s.opts.Port)
	tb.Cleanup(s.Stop)
	return s
}

func (s *Server) start() {
	s.tb.Helper()
	opts := s.opts
	srv, err := server.NewServer(&opts)
	if err != nil {
		s.tb.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		s.tb.Fatal("natstest: the NATS server did not start within 10s")
	}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
}

// Stop shuts the server down, if it runs: clients lose their connection.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

// Restart starts the server again on the same address with the same
// store, after Stop.
func (s *Server) Restart() {
	s.tb.Helper()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.opts.Port))
	for range 50 { // the port may take a moment to be free again
		l, err := net.Listen("tcp", addr)
		if err == nil {
			l.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.start()
}
