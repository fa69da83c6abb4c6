package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/internal/natstest"
	"github.com/hookgen/hookgen/internal/redistest"
)

// lockedLog is a log destination for concurrent writers.
type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) events() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), "msg=event ")
}

// replica is one receiver process started as run starts it, with
// -redis and -nats given as URLs.
func replica(t *testing.T, redisURL, natsURL string) (*httptest.Server, *lockedLog) {
	t.Helper()
	logs := new(lockedLog)
	log := slog.New(slog.NewTextHandler(logs, nil))
	cfg := config{env: func(k string) string { return testEnv[k] }, redisURL: redisURL, natsURL: natsURL}
	ctx, cancel := context.WithCancel(context.Background())
	consume, closeEngines, err := connect(ctx, &cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	mux, err := newMux(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	wait := consume()
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		if err := wait(); err != nil {
			t.Error(err)
		}
		closeEngines()
	})
	return srv, logs
}

func sendDoorDash(t *testing.T, url string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/doordash/webhook", strings.NewReader(
		`{"external_delivery_id":"D-12345","event_type":"DASHER_CONFIRMED","fee":42}`))
	req.SetBasicAuth("dd", "dd-secret")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// Two replicas given the same -redis: an event handled by one is not
// handled again by the other.
func TestReceiverRedisReplicas(t *testing.T) {
	rs := redistest.Start(t)
	a, alog := replica(t, "redis://"+rs.Addr+"/0", "")
	b, blog := replica(t, "redis://"+rs.Addr+"/0", "")
	sendDoorDash(t, a.URL)
	sendDoorDash(t, b.URL)
	if alog.events() != 1 || blog.events() != 0 {
		t.Errorf("events logged: %d by the first replica, %d by the second; want 1 and 0", alog.events(), blog.events())
	}
}

// With -nats the receiver answers once the delivery is stored, and its
// consumer logs the event, once for two copies.
func TestReceiverNATSHandoff(t *testing.T) {
	ns := natstest.Start(t)
	srv, logs := replica(t, "", ns.URL)
	sendDoorDash(t, srv.URL)
	sendDoorDash(t, srv.URL)
	for deadline := time.Now().Add(10 * time.Second); logs.events() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the consumer logged no event")
		}
	}
	time.Sleep(200 * time.Millisecond)
	if n := logs.events(); n != 1 {
		t.Errorf("%d events logged for one sent twice, want 1", n)
	}
}

// -redis and -nats come from the flags or the environment, and a URL that
// does not parse or answer stops the receiver with the flag's name.
func TestReceiverEngineFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-redis", "bogus://x"}, nil, "-redis"},
		{nil, map[string]string{"REDIS_URL": "bogus://x"}, "-redis"},
		{[]string{"-nats", "nats://127.0.0.1:1"}, nil, "-nats"},
		{nil, map[string]string{"NATS_URL": "nats://127.0.0.1:1"}, "-nats"},
	} {
		env := func(k string) string { return c.env[k] }
		err := run(t.Context(), append([]string{"-insecure", "-addr", "127.0.0.1:0"}, c.args...), env, new(bytes.Buffer))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want an error naming %s", c.args, c.env, err, c.want)
		}
	}
}
