package doordash_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/webhook"
)

// deliveries handles the events it cares about; the embedded
// UnimplementedHandler answers the others with 500, so none is dropped.
type deliveries struct {
	doordash.UnimplementedHandler
}

func (deliveries) HandleDasherDroppedOff(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	fmt.Printf("delivery %s dropped off at %s\n", e.GetExternalDeliveryID(), e.GetDropoffTimeActual().Format("15:04"))
	return nil // 200: DoorDash stops retrying
}

// A receiver for DoorDash, and a test of it that sends the spec's example
// as DoorDash would, with the package's test kit.
func Example() {
	cred := webhook.Credential{Username: "doordash", Password: "s3cret"}
	srv, err := doordash.NewServer(deliveries{}, doordash.WithBasicAuth(cred))
	if err != nil {
		panic(err) // no credentials: NewServer fails closed
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	req, err := doordash.NewDasherDroppedOffRequest(ts.URL+doordash.ChannelWebhook, nil, doordash.Credentials{BasicAuth: &cred})
	if err != nil {
		panic(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)

	// The same event again is a duplicate: acknowledged, not handled twice.
	req, _ = doordash.NewDasherDroppedOffRequest(ts.URL+doordash.ChannelWebhook, nil, doordash.Credentials{BasicAuth: &cred})
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	fmt.Println(resp.Status)

	// Output:
	// delivery D-12345 dropped off at 14:30
	// 200 OK
	// 200 OK
}

// EventFunc handles every event with one function, for logging or for
// forwarding to a queue.
func ExampleEventFunc() {
	h := doordash.EventFunc(func(ctx context.Context, message string, event any) error {
		d, _ := webhook.DeliveryFrom(ctx)
		fmt.Println(message, len(d.Body) > 0)
		return nil
	})
	srv, _ := doordash.NewServer(h, doordash.AllowUnauthenticated())
	req, _ := doordash.NewDeliveryCancelledRequest("http://receiver.test"+doordash.ChannelWebhook, nil, doordash.Credentials{})
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	fmt.Println(w.Code)
	// Output:
	// DeliveryCancelled true
	// 200
}
