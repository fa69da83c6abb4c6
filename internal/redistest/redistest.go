// Package redistest starts a real redis-server for tests and benchmarks:
// the Debian package's binary (or another one named by
// HOOKGEN_REDIS_SERVER, such as valkey-server), on a free loopback port,
// in a temporary folder, with persistence off, stopped when the test ends;
// or several of them joined as a Redis Cluster (StartCluster).
//
// Without the binary a test skips with how to install it, except under
// CI=true, where it fails: CI must run the tests it claims to.
package redistest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a redis-server a test started.
type Server struct {
	// Addr is its host:port on the loopback interface.
	Addr string

	tb    testing.TB
	bin   string
	dir   string
	port  int
	extra []string

	mu     sync.Mutex
	cmd    *exec.Cmd
	out    *bytes.Buffer
	exited chan error // cmd.Wait's result
}

// Binary returns the redis-server to run, or skips tb (fails it under
// CI=true) when there is none.
func Binary(tb testing.TB) string {
	tb.Helper()
	name := os.Getenv("HOOKGEN_REDIS_SERVER")
	if name == "" {
		name = "redis-server"
	}
	bin, err := exec.LookPath(name)
	if err == nil {
		return bin
	}
	pkg := "redis-server"
	if filepath.Base(name) == "valkey-server" {
		pkg = "valkey-server` (Debian 12: from bookworm-backports)"
	} else {
		pkg += "`"
	}
	msg := fmt.Sprintf("%s not found (%v): install it with `apt-get install %s (make test does, as root)", name, err, pkg)
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	} else {
		tb.Skip(msg)
	}
	return ""
}

// Start starts a redis-server on a free loopback port and stops it when tb
// ends. args are more configuration, e.g. "--appendonly", "yes",
// "--appendfsync", "always" for a server that keeps what it acknowledged
// across Stop and Restart.
func Start(tb testing.TB, args ...string) *Server {
	tb.Helper()
	s := &Server{tb: tb, bin: Binary(tb), dir: tb.TempDir(), extra: args}
	var err error
	// A free port can be taken between choosing it and the server binding
	// it; choose again a few times.
	for range 5 {
		var l net.Listener
		l, err = net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		s.port = l.Addr().(*net.TCPAddr).Port
		l.Close()
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// start runs the server on s.port and waits until it answers PING.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	out := new(bytes.Buffer)
	args := append([]string{
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--dir", s.dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--logfile", ""}, s.extra...)
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ping(s.Addr) == nil {
			s.cmd, s.out, s.exited = cmd, out, exited
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("redistest: %s exited: %v\n%s", s.bin, err, out)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redistest: %s did not answer PING on %s within 10s\n%s", s.bin, s.Addr, out)
		}
	}
}

// Stop kills the server (SIGKILL, as a crash), if it runs, and waits for
// it to exit: clients then get connection errors, as in an outage.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Restart starts the server again on the same address, after Stop: empty,
// unless Start's args made it persist what it acknowledged.
func (s *Server) Restart() {
	s.tb.Helper()
	var err error
	// The port is free again once the old process is gone; bind may still
	// race another test taking it.
	for range 50 {
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.tb.Fatal(err)
}

// Output is what the server printed, for a failing test's log.
func (s *Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == nil {
		return ""
	}
	return s.out.String()
}

// ping sends PING in the inline protocol and wants +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}
