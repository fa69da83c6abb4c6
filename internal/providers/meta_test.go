package providers_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/generated/meta"
	"github.com/hookgen/hookgen/webhook"
)

const (
	metaAppSecret   = "3f0ba8c9d2e74a61b5c2a9e1d8f70b4c"
	metaVerifyToken = "meatyhamhock"
)

// metaCall is one change a handler received, with its entry context read
// from the delivery's Envelope.
type metaCall struct {
	field    string
	object   string // the notification's object
	entryID  string
	time     int64
	event    any // *meta.FeedChange or *meta.MentionChange
	envelope int // len(Envelope)
}

type metaHandler struct {
	meta.UnimplementedHandler
	calls
	failMention int // mention changes to fail before one succeeds
}

func metaCallOf(ctx context.Context, field string, event any) metaCall {
	c := metaCall{field: field, event: event}
	d, ok := webhook.DeliveryFrom(ctx)
	if !ok {
		return c
	}
	c.envelope = len(d.Envelope)
	if len(d.Envelope) == 2 {
		var n struct {
			Object string `json:"object"`
		}
		var e struct {
			ID   string `json:"id"`
			Time int64  `json:"time"`
		}
		if json.Unmarshal(d.Envelope[0], &n) == nil && json.Unmarshal(d.Envelope[1], &e) == nil {
			c.object, c.entryID, c.time = n.Object, e.ID, e.Time
		}
	}
	return c
}

func (h *metaHandler) HandleFeed(ctx context.Context, c *meta.FeedChange) error {
	h.add(metaCallOf(ctx, "feed", c))
	return nil
}

func (h *metaHandler) HandleMention(ctx context.Context, c *meta.MentionChange) error {
	h.add(metaCallOf(ctx, "mention", c))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failMention > 0 {
		h.failMention--
		return errors.New("mention store unavailable")
	}
	return nil
}

func metaServer(t *testing.T) (string, *metaHandler) {
	t.Helper()
	h := new(metaHandler)
	srv, err := meta.NewServer(h, meta.WithAppSecret(metaAppSecret), meta.WithVerificationToken(metaVerifyToken))
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/meta/webhooks", h
}

func get(t *testing.T, url string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

// TestMetaVerification: Meta's verification GET, as its Getting Started
// page shows it, is answered with hub.challenge once hub.verify_token is
// the configured one, and refused otherwise; it carries no signature, and
// no handler runs.
func TestMetaVerification(t *testing.T) {
	url, h := metaServer(t)
	a := get(t, url+"?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock")
	if a.status != http.StatusOK || a.body != "1158201444" || a.contentType != "text/plain" {
		t.Fatalf("verification: %d %s %q", a.status, a.contentType, a.body)
	}
	if a := get(t, url+"?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guessed"); a.status != http.StatusUnauthorized || a.body == "1158201444" {
		t.Errorf("wrong verify token: %d %q, want 401", a.status, a.body)
	}
	if a := get(t, url+"?hub.mode=subscribe&hub.challenge=1158201444"); a.status != http.StatusUnauthorized {
		t.Errorf("no verify token: %d %q, want 401", a.status, a.body)
	}
	// Without a configured token no verification passes.
	srv, err := meta.NewServer(new(metaHandler), meta.WithAppSecret(metaAppSecret))
	if err != nil {
		t.Fatal(err)
	}
	if a := get(t, serve(t, srv)+"/meta/webhooks?hub.mode=subscribe&hub.challenge=1&hub.verify_token="); a.status != http.StatusUnauthorized {
		t.Errorf("no token configured: %d %q, want 401", a.status, a.body)
	}
	if n := len(h.all()); n != 0 {
		t.Errorf("the handler ran %d times for a handshake", n)
	}
}

// metaNotification is a Page notification in the shape Meta's Webhooks
// documentation gives ("Event Notifications": entries of changes, batched
// up to 1000), with the feed and mention values of its Webhooks for Pages
// reference: two Pages, the first with a post added to its feed and a
// mention in that post, the second with a comment added to its feed.
const metaNotification = `{
  "entry": [
    {
      "changes": [
        {
          "field": "feed",
          "value": {
            "from": {
              "id": "1067280970047460",
              "name": "Cinderella Hoover"
            },
            "item": "post",
            "post_id": "44444444_444444444",
            "verb": "add",
            "created_time": 1520544814,
            "is_hidden": false,
            "message": "It's Thursday and I want to eat cake."
          }
        },
        {
          "field": "mention",
          "value": {
            "post_id": "44444444_444444444",
            "verb": "add",
            "item": "post"
          }
        }
      ],
      "id": "44444444",
      "time": 1520544816
    },
    {
      "changes": [
        {
          "field": "feed",
          "value": {
            "from": {
              "id": "1067280970047460",
              "name": "Cinderella Hoover"
            },
            "item": "comment",
            "comment_id": "55555555_555555555",
            "post_id": "55555555_444444444",
            "parent_id": "55555555_444444444",
            "verb": "add",
            "created_time": 1520544818,
            "message": "Cake sounds good."
          }
        }
      ],
      "id": "55555555",
      "time": 1520544819
    }
  ],
  "object": "page"
}`

// metaPost sends body as Meta does: JSON, X-Hub-Signature-256 "sha256="
// and the hex HMAC-SHA256 of the body under secret.
func metaPost(t *testing.T, url, secret, body string) answer {
	t.Helper()
	return post(t, url, body, map[string]string{
		"Content-Type":        "application/json",
		"X-Hub-Signature-256": "sha256=" + hexHMAC(secret, body),
	})
}

// TestMetaNotification: each change of a multi-entry notification, signed
// as Meta signs it, reaches its own typed method (routed by its field)
// with its entry's id and time and the notification's object.
func TestMetaNotification(t *testing.T) {
	url, h := metaServer(t)
	if a := metaPost(t, url, metaAppSecret, metaNotification); a.status != http.StatusOK {
		t.Fatalf("notification: %d %s", a.status, a.body)
	}
	got := h.all()
	if len(got) != 3 {
		t.Fatalf("%d changes handled, want 3: %+v", len(got), got)
	}
	want := []struct {
		field, entryID string
		time           int64
	}{{"feed", "44444444", 1520544816}, {"mention", "44444444", 1520544816}, {"feed", "55555555", 1520544819}}
	for i, w := range want {
		c := got[i].(metaCall)
		if c.field != w.field || c.entryID != w.entryID || c.time != w.time || c.object != "page" || c.envelope != 2 {
			t.Errorf("change %d = %+v, want %s of entry %s at %d in a page notification", i, c, w.field, w.entryID, w.time)
		}
	}
	post := got[0].(metaCall).event.(*meta.FeedChange)
	if post.Field != "feed" || post.Value.Item != "post" || post.Value.Verb != "add" || post.Value.GetPostID() != "44444444_444444444" ||
		post.Value.GetCreatedTime() != 1520544814 || post.Value.GetMessage() != "It's Thursday and I want to eat cake." ||
		post.Value.GetFrom().GetName() != "Cinderella Hoover" || post.Value.GetFrom().GetID() != "1067280970047460" {
		t.Errorf("feed post = %+v", post.Value)
	}
	mention := got[1].(metaCall).event.(*meta.MentionChange)
	if mention.Field != "mention" || mention.Value.Item != "post" || mention.Value.Verb != "add" || mention.Value.GetPostID() != "44444444_444444444" {
		t.Errorf("mention = %+v", mention.Value)
	}
	comment := got[2].(metaCall).event.(*meta.FeedChange)
	if comment.Value.Item != "comment" || comment.Value.GetCommentID() != "55555555_555555555" || comment.Value.GetParentID() != "55555555_444444444" {
		t.Errorf("feed comment = %+v", comment.Value)
	}
	// Meta's retry of the same notification runs nothing again.
	if a := metaPost(t, url, metaAppSecret, metaNotification); a.status != http.StatusOK {
		t.Fatalf("repeated notification: %d %s", a.status, a.body)
	}
	if n := len(h.all()); n != 3 {
		t.Errorf("a repeated notification ran %d handlers, want none", n-3)
	}
}

// TestMetaRetry: when one change fails, the notification is 500 and Meta
// retries it whole; the changes handled are then duplicates, and only the
// failed one runs again.
func TestMetaRetry(t *testing.T) {
	url, h := metaServer(t)
	h.failMention = 1
	if a := metaPost(t, url, metaAppSecret, metaNotification); a.status != http.StatusInternalServerError {
		t.Fatalf("a change failed: %d %s, want 500", a.status, a.body)
	}
	if n := len(h.all()); n != 3 {
		t.Fatalf("first attempt ran %d handlers, want 3 (every change once)", n)
	}
	if a := metaPost(t, url, metaAppSecret, metaNotification); a.status != http.StatusOK {
		t.Fatalf("retry: %d %s", a.status, a.body)
	}
	got := h.all()
	if len(got) != 4 {
		t.Fatalf("the retry ran %d handlers, want 1 (the failed mention)", len(got)-3)
	}
	if c := got[3].(metaCall); c.field != "mention" || c.entryID != "44444444" {
		t.Errorf("the retry ran %+v, want the mention of entry 44444444", c)
	}
}

// TestMetaSameChangeOnTwoPages: Meta gives a change no id; the same change
// under two entries is two events (its event id covers its entry's id),
// the same change under the same entry in a later notification one.
func TestMetaSameChangeOnTwoPages(t *testing.T) {
	url, h := metaServer(t)
	const change = `{"field":"mention","value":{"post_id":"44444444_444444444","verb":"add","item":"post"}}`
	two := `{"object":"page","entry":[{"id":"1","time":1,"changes":[` + change + `]},{"id":"2","time":1,"changes":[` + change + `]}]}`
	if a := metaPost(t, url, metaAppSecret, two); a.status != http.StatusOK {
		t.Fatalf("two pages: %d %s", a.status, a.body)
	}
	if n := len(h.all()); n != 2 {
		t.Fatalf("the same change on two pages ran %d handlers, want 2", n)
	}
	again := `{"object":"page","entry":[{"id":"2","time":7,"changes":[` + change + `]}]}`
	if a := metaPost(t, url, metaAppSecret, again); a.status != http.StatusOK {
		t.Fatalf("again: %d %s", a.status, a.body)
	}
	if n := len(h.all()); n != 2 {
		t.Errorf("a change already handled for its page ran again (%d handlers)", n)
	}
}

// TestMetaUnsigned: a tampered notification, one tampered change among
// many, or one signed with another app's secret is 401, and no change is
// handled.
func TestMetaUnsigned(t *testing.T) {
	url, h := metaServer(t)
	sig := "sha256=" + hexHMAC(metaAppSecret, metaNotification)
	tampered := strings.Replace(metaNotification, `"verb": "add",
            "item": "post"`, `"verb": "remove",
            "item": "post"`, 1)
	if tampered == metaNotification {
		t.Fatal("the test did not tamper with the body")
	}
	for name, a := range map[string]answer{
		"tampered change": post(t, url, tampered, map[string]string{"Content-Type": "application/json", "X-Hub-Signature-256": sig}),
		"another app":     metaPost(t, url, "another-app-secret", metaNotification),
		"no signature":    post(t, url, metaNotification, map[string]string{"Content-Type": "application/json"}),
	} {
		if a.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, a.status, a.body)
		}
	}
	if n := len(h.all()); n != 0 {
		t.Errorf("%d changes handled from unauthenticated notifications", n)
	}
}

// TestMetaUnknownField: Getting Started's sample notification (a user's
// photos) has a field the spec does not know: acknowledged, no method
// called, the Unknown hook given the change with its entry.
func TestMetaUnknownField(t *testing.T) {
	const body = `{
  "entry": [
    {
      "time": 1520383571,
      "changes": [
        {
          "field": "photos",
          "value":
            {
              "verb": "update",
              "object_id": "10211885744794461"
            }
        }
      ],
      "id": "10210299214172187",
      "uid": "10210299214172187"
    }
  ],
  "object": "user"
}`
	h := new(metaHandler)
	var unknown []string
	srv, err := meta.NewServer(h, meta.WithAppSecret(metaAppSecret), meta.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		var c struct {
			Field string `json:"field"`
		}
		var e struct {
			ID string `json:"id"`
		}
		if len(d.Envelope) == 2 && json.Unmarshal(d.Body, &c) == nil && json.Unmarshal(d.Envelope[1], &e) == nil {
			unknown = append(unknown, c.Field+"@"+e.ID)
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if a := metaPost(t, serve(t, srv)+"/meta/webhooks", metaAppSecret, body); a.status != http.StatusOK {
		t.Fatalf("unknown field: %d %s", a.status, a.body)
	}
	if n := len(h.all()); n != 0 || len(unknown) != 1 || unknown[0] != "photos@10210299214172187" {
		t.Errorf("handlers ran %d times, unknown hook saw %q", n, unknown)
	}
}
