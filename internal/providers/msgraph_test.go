package providers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/msgraph"
)

// graphClientState is the clientState of the documentation's example
// subscription.
const graphClientState = "secretClientValue"

type graphHandler struct {
	msgraph.UnimplementedHandler
	calls
}

func (h *graphHandler) HandleChangeNotifications(_ context.Context, c *msgraph.ChangeNotificationCollection) error {
	h.add(c)
	return nil
}

func graphServer(t *testing.T) (string, *graphHandler) {
	t.Helper()
	h := new(graphHandler)
	srv, err := msgraph.NewServer(h, msgraph.WithClientState(graphClientState))
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/graph/notifications", h
}

// TestGraphValidation: Graph validates a notificationUrl with a POST whose
// validationToken query parameter must come back, decoded, as text/plain
// within ten seconds; the request carries no credential and no body, and
// no handler runs.
func TestGraphValidation(t *testing.T) {
	url, h := graphServer(t)
	const token = "Validation: Testing client application reachability for subscription Request-Id: 25b4c3b8-3b6c-4f3b-9d0f-2a5a0e8a51e4"
	a := post(t, url+"?validationToken=Validation%3a+Testing+client+application+reachability+for+subscription+Request-Id%3a+25b4c3b8-3b6c-4f3b-9d0f-2a5a0e8a51e4",
		"", map[string]string{"Content-Type": "text/plain; charset=utf-8"})
	if a.status != http.StatusOK || a.contentType != "text/plain" || a.body != token {
		t.Fatalf("validation: %d %s %q, want 200 text/plain %q", a.status, a.contentType, a.body, token)
	}
	if n := len(h.all()); n != 0 {
		t.Errorf("the handler ran %d times for a handshake", n)
	}
}

// TestGraphNotification: the change notification of Graph's webhook page
// reaches HandleChangeNotifications with its typed values once its
// clientState is the subscription's; a batch with a wrong or a missing
// clientState in any notification is refused (401), unhandled.
func TestGraphNotification(t *testing.T) {
	url, h := graphServer(t)
	const body = `{
  "value": [
    {
      "id": "lsgTZMr9KwAAA",
      "subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
      "subscriptionExpirationDateTime":"2016-03-19T22:11:09.952Z",
      "clientState":"secretClientValue",
      "changeType":"created",
      "resource":"users/b7bff01e-0a14-4a09-8be8-6c8b10f0ac2e@fb7ab8bf-7a75-4a78-a61d-f8f0d8b4e32e/messages/AAMkADAxOTcxZmVhLWE3",
      "tenantId": "84bd8158-6d4d-4958-8b9f-9d6445542f95",
      "resourceData":
      {
        "@odata.type":"#Microsoft.Graph.Message",
        "@odata.id":"Users/b7bff01e-0a14-4a09-8be8-6c8b10f0ac2e@fb7ab8bf-7a75-4a78-a61d-f8f0d8b4e32e/Messages/AAMkADAxOTcxZmVhLWE3",
        "@odata.etag":"W/\"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf\"",
        "id":"AAMkADAxOTcxZmVhLWE3"
      }
    }
  ]
}`
	headers := map[string]string{"Content-Type": "application/json; charset=utf-8"}
	if a := post(t, url, body, headers); a.status != http.StatusOK {
		t.Fatalf("notification: %d %s", a.status, a.body)
	}
	wrong := strings.Replace(body, "secretClientValue", "guessedValue", 1)
	missing := `{"value":[` +
		`{"subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07","clientState":"secretClientValue","changeType":"updated","resource":"users/x/messages/y"},` +
		`{"subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07","changeType":"deleted","resource":"users/x/messages/y"}]}`
	if !json.Valid([]byte(missing)) {
		t.Fatal("the batch is not JSON")
	}
	for name, b := range map[string]string{"wrong clientState": wrong, "a notification without one": missing, "no notification": `{"value":[]}`} {
		if a := post(t, url, b, headers); a.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, a.status, a.body)
		}
	}
	got := h.all()
	if len(got) != 1 {
		t.Fatalf("HandleChangeNotifications ran %d times, want 1", len(got))
	}
	c := got[0].(*msgraph.ChangeNotificationCollection)
	if len(c.Value) != 1 {
		t.Fatalf("value = %+v", c.Value)
	}
	n := c.Value[0]
	if n.GetID() != "lsgTZMr9KwAAA" || n.SubscriptionID != "7f105c7d-2dc5-4530-97cd-4e7ae6534c07" || n.ChangeType != msgraph.ChangeNotificationChangeTypeCreated ||
		!n.GetSubscriptionExpirationDateTime().Equal(time.Date(2016, 3, 19, 22, 11, 9, 952e6, time.UTC)) || n.GetClientState() != graphClientState ||
		n.ResourceData.GetAtOdataEtag() != `W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"` || n.ResourceData.GetID() != "AAMkADAxOTcxZmVhLWE3" {
		t.Errorf("notification = %+v, resourceData %+v", n, n.ResourceData)
	}
}
