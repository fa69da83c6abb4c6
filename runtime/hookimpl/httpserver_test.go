package hookimpl

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

const (
	slowConns = 500
	// The test shortens the shipped server's timeouts to keep it quick.
	testReadHeaderTimeout = 1 * time.Second
	testReadTimeout       = 2 * time.Second
	// closeBound is how long after its first byte a connection may stay
	// open: the longest timeout and the server's half-second linger.
	closeBound = testReadTimeout + 2*time.Second
	heapBound  = 16 << 20
)

// TestSlowBodies opens 500 connections that each declare a 1 MiB body and
// send a byte of it every 500 ms, to an Endpoint served by NewHTTPServer,
// and checks that the heap grows by less than 16 MiB and that the server
// closes every connection. Before header credentials came first and the
// body buffer followed the bytes, these connections pinned 519 MiB.
func TestSlowBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 500 slow connections")
	}
	basic := webhook.BasicAuth("r", webhook.Credential{Username: "user", Password: "pass"})
	github, err := webhook.GitHubSignature("gh-secret")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		v      webhook.Verifier
		header string // the credential header line, if any
		status string // the answer each connection must get first, if any
	}{
		{name: "no credentials", v: basic, status: "HTTP/1.1 401 "},
		{name: "wrong credentials", v: basic, header: "Authorization: " + basicHeader("user", "guess"), status: "HTTP/1.1 401 "},
		// A signature over the body is checked once the body is read:
		// the read timeout ends it, and the buffer holds what arrived.
		{name: "signature to check over the body", v: github, header: "X-Hub-Signature-256: sha256=00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := serveSlow(t, tc.v)
			head := "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n"
			if tc.header != "" {
				head += tc.header + "\r\n"
			}
			growth, results := slowClients(t, addr, head+"\r\n", 'x')
			t.Logf("heap growth at the peak: %.1f MiB", float64(growth)/(1<<20))
			if growth > heapBound {
				t.Errorf("heap grew by %.1f MiB, want under %d MiB", float64(growth)/(1<<20), heapBound>>20)
			}
			checkClosed(t, results, tc.status)
		})
	}
}

// TestSlowHeaders opens 500 connections that never finish their headers
// and checks that ReadHeaderTimeout closes each of them.
func TestSlowHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 500 slow connections")
	}
	addr := serveSlow(t, webhook.BasicAuth("r", webhook.Credential{Username: "user", Password: "pass"}))
	growth, results := slowClients(t, addr, "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 'a')
	if growth > heapBound {
		t.Errorf("heap grew by %.1f MiB, want under %d MiB", float64(growth)/(1<<20), heapBound>>20)
	}
	checkClosed(t, results, "")
	for i, r := range results {
		if r.closedAfter < testReadHeaderTimeout/2 {
			t.Fatalf("connection %d closed after %v, before the header timeout", i, r.closedAfter)
		}
	}
}

// serveSlow serves an Endpoint with verifier v on a loopback listener
// through NewHTTPServer, its timeouts shortened, and returns its address.
func serveSlow(t *testing.T, v webhook.Verifier) string {
	t.Helper()
	raiseFileLimit(t, 2*slowConns+64)
	e := &Endpoint{Channel: "/hook", Verifier: v, Dispatch: func(context.Context, *webhook.Delivery) error { return nil }}
	mux := http.NewServeMux()
	mux.Handle("/hook", e)
	srv := webhook.NewHTTPServer("127.0.0.1:0", mux)
	srv.ReadHeaderTimeout = testReadHeaderTimeout
	srv.ReadTimeout = testReadTimeout
	srv.WriteTimeout = testReadTimeout + time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return ln.Addr().String()
}

// raiseFileLimit makes room for n open files, or skips the test.
func raiseFileLimit(t *testing.T, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("cannot read the open-file limit: %v", err)
	}
	if lim.Cur >= n {
		return
	}
	if lim.Max < n {
		t.Skipf("needs %d open files; the hard limit is %d (raise ulimit -n)", n, lim.Max)
	}
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("needs %d open files, has %d: %v", n, lim.Cur, err)
	}
}

// slowResult is what one slow client saw.
type slowResult struct {
	err         error         // dialing, or the server not closing in time
	firstLine   string        // the status line of the answer, if any
	closedAfter time.Duration // from the first byte sent to the close
}

// slowClients opens slowConns connections to addr; each sends head, then
// one trickle byte every 500 ms until the server closes it (or closeBound
// passes). It returns the largest heap growth seen, each sample taken after
// a collection: once every head is sent, then every 200 ms while
// connections are open; and what each client saw.
func slowClients(t *testing.T, addr, head string, trickle byte) (growth uint64, results []slowResult) {
	t.Helper()
	base := liveHeap()
	results = make([]slowResult, slowConns)
	var sent, closed sync.WaitGroup
	sent.Add(slowConns)
	for i := range results {
		closed.Go(func() { results[i] = slowClient(addr, head, trickle, sent.Done) })
	}
	done := make(chan struct{})
	go func() {
		closed.Wait()
		close(done)
	}()
	sample := func() {
		if h := liveHeap(); h > base {
			growth = max(growth, h-base)
		}
	}
	sent.Wait()
	sample()
	for {
		select {
		case <-done:
			return growth, results
		case <-time.After(200 * time.Millisecond):
			sample()
		}
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// slowClient is one of slowClients' connections; it calls sent once its
// head is sent or it failed to send it.
func slowClient(addr, head string, trickle byte, sent func()) slowResult {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		sent()
		return slowResult{err: err}
	}
	defer conn.Close()
	start := time.Now()
	_, err = conn.Write([]byte(head))
	sent()
	if err != nil {
		return slowResult{err: err}
	}
	_ = conn.SetReadDeadline(start.Add(closeBound))
	closed := make(chan slowResult, 1)
	go func() {
		var res slowResult
		br := bufio.NewReaderSize(conn, 128) // the answer is short; keep the client's share of the heap small
		res.firstLine, _ = br.ReadString('\n')
		var err error
		for err == nil {
			_, err = br.ReadByte()
		}
		res.closedAfter = time.Since(start)
		if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
			res.err = errors.New("still open after " + closeBound.String())
		}
		closed <- res
	}()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case res := <-closed:
			return res
		case <-tick.C:
			_, _ = conn.Write([]byte{trickle}) // fails once the server is gone; the reader reports it
		}
	}
}

// checkClosed fails unless every client was closed by the server within
// the bound, after an answer starting with status when status is set.
func checkClosed(t *testing.T, results []slowResult, status string) {
	t.Helper()
	var slowest time.Duration
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("connection %d: %v", i, r.err)
		}
		if status != "" && !strings.HasPrefix(r.firstLine, status) {
			t.Fatalf("connection %d answered %q, want %q", i, r.firstLine, status)
		}
		slowest = max(slowest, r.closedAfter)
	}
	t.Logf("every connection closed by the server, the last after %v", slowest.Round(10*time.Millisecond))
}
