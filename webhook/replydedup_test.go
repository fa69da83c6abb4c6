package webhook

import (
	"context"
	"testing"
	"time"
)

// TestMemoryDeduperReplies: a reply is kept with its key for as long as
// the key, and forgotten with it (expired, evicted, committed again
// without one); a key without a reply has none.
func TestMemoryDeduperReplies(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	d := NewMemoryDeduper(2, time.Hour)
	d.Now = func() time.Time { return now }
	var _ ReplyDeduper = d
	claim := func(key string) {
		t.Helper()
		if s, err := d.Claim(ctx, key); err != nil || s != ClaimAcquired {
			t.Fatalf("claim %s: %v %v", key, s, err)
		}
	}
	reply := func(key string) (string, bool) {
		t.Helper()
		r, ok, err := d.Reply(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return string(r), ok
	}
	claim("a")
	if _, ok := reply("a"); ok {
		t.Error("an in-flight key has a reply")
	}
	if err := d.CommitReply(ctx, "a", []byte(`{"ok":true}`)); err != nil {
		t.Fatal(err)
	}
	if r, ok := reply("a"); !ok || r != `{"ok":true}` {
		t.Errorf("reply of a = %q %v", r, ok)
	}
	claim("b")
	if err := d.Commit(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, ok := reply("b"); ok {
		t.Error("a key committed without a reply has one")
	}
	// A third key evicts the oldest handled one, a, and its reply.
	claim("c")
	if _, ok := reply("a"); ok || len(d.replies) != 0 {
		t.Errorf("the evicted key's reply is kept: %v", d.replies)
	}
	if err := d.CommitReply(ctx, "c", nil); err != nil {
		t.Fatal(err)
	}
	if r, ok := reply("c"); !ok || r != "" {
		t.Errorf("an empty reply = %q %v, want kept as empty", r, ok)
	}
	// Past the TTL the key and its reply are gone.
	now = now.Add(2 * time.Hour)
	if _, ok := reply("c"); ok {
		t.Error("an expired key has a reply")
	}
	if s, _ := d.Claim(ctx, "c"); s != ClaimAcquired || len(d.replies) != 0 {
		t.Errorf("expired key: claim %v, replies %v", s, d.replies)
	}
}
