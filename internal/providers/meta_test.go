package providers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/hookgen/hookgen/generated/meta"
)

const (
	metaAppSecret   = "3f0ba8c9d2e74a61b5c2a9e1d8f70b4c"
	metaVerifyToken = "meatyhamhock"
)

type metaHandler struct {
	meta.UnimplementedHandler
	calls
}

func (h *metaHandler) HandleNotification(_ context.Context, n *meta.Notification) error {
	h.add(n)
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

// TestMetaNotification: the sample notification of Meta's Getting Started
// page, signed with X-Hub-Signature-256 as Meta signs it, reaches
// HandleNotification with its typed values; a badly signed one is 401.
func TestMetaNotification(t *testing.T) {
	url, h := metaServer(t)
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
	headers := map[string]string{"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + hexHMAC(metaAppSecret, body)}
	if a := post(t, url, body, headers); a.status != http.StatusOK {
		t.Fatalf("notification: %d %s", a.status, a.body)
	}
	headers["X-Hub-Signature-256"] = "sha256=" + hexHMAC("another-app", body)
	if a := post(t, url, body, headers); a.status != http.StatusUnauthorized {
		t.Errorf("badly signed: %d %s, want 401", a.status, a.body)
	}
	got := h.all()
	if len(got) != 1 {
		t.Fatalf("HandleNotification ran %d times, want 1", len(got))
	}
	n := got[0].(*meta.Notification)
	if n.Object != "user" || len(n.Entry) != 1 {
		t.Fatalf("notification = %+v", n)
	}
	e := n.Entry[0]
	if e.ID != "10210299214172187" || e.GetTime() != 1520383571 || len(e.Changes) != 1 || e.Changes[0].Field != "photos" {
		t.Fatalf("entry = %+v", e)
	}
	var value bytes.Buffer
	if err := json.Compact(&value, e.Changes[0].Value); err != nil || value.String() != `{"verb":"update","object_id":"10211885744794461"}` {
		t.Errorf("change value = %s (%v)", e.Changes[0].Value, err)
	}
}
