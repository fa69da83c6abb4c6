// Package outage logs the outages of a store a receiver depends on (Redis
// for webhook/redisdedup, NATS JetStream for webhook/jetstream) once when
// one starts and once when it ends, not once per failed delivery, and
// marks the failures so that the generated Server logs those deliveries
// at debug level (runtime/hookimpl looks for their Outage method).
package outage

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Tracker follows one store's health. Its zero value is not usable; set
// Name, Logger and Effect.
type Tracker struct {
	// Name is the store, in the log: "Redis", "JetStream".
	Name string
	// Effect says what an outage does to deliveries, in its first line.
	Effect string
	Logger *slog.Logger

	down     atomic.Bool
	mu       sync.Mutex // orders the two lines of an outage
	since    time.Time
	failures atomic.Uint64
}

// Failed counts a failed operation, logs the start of an outage if none
// was going on, and returns err marked as an outage's.
func (t *Tracker) Failed(prefix, op string, err error) error {
	t.failures.Add(1)
	if !t.down.Load() {
		t.mu.Lock()
		if !t.down.Load() {
			t.since = time.Now()
			t.down.Store(true)
			t.Logger.Error(prefix+": "+t.Name+" failed: "+t.Effect, "op", op, "error", err)
		}
		t.mu.Unlock()
	}
	return &Error{Op: prefix + ": " + op, Err: err}
}

// Up logs the end of an outage, if one was going on: the store answered.
func (t *Tracker) Up(prefix string) {
	if !t.down.Load() {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.down.Load() {
		t.down.Store(false)
		t.Logger.Info(prefix+": "+t.Name+" answers again",
			"outage", time.Since(t.since).Round(time.Millisecond), "failed_operations", t.failures.Swap(0))
	}
}

// Down reports whether an outage is going on.
func (t *Tracker) Down() bool { return t.down.Load() }

// Error is a failure of the store during an outage. Its Outage method
// tells the generated Server that the outage was logged already.
type Error struct {
	Op  string
	Err error
}

func (e *Error) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Outage reports true: the outage this failure belongs to was logged.
func (e *Error) Outage() bool { return true }
