package hookimpl

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/runtime/jsonx"
	"github.com/hookgen/hookgen/webhook"
)

// TestRunBatch: the elements are routed first (an invalid one refuses the
// batch with no call), then each is run once per its id; a failure is
// 500 and the retry runs only the elements not handled.
func TestRunBatch(t *testing.T) {
	r := &Runner{}
	r.Prepare()
	var ran []string
	fail := map[string]bool{"b": true}
	route := func(ctx context.Context, d *webhook.Delivery) error {
		id, err := jsonx.Probe(d.Body, "id")
		if err != nil || id == "" {
			return InvalidPayload(errors.New("no id"))
		}
		if id == "unknown" {
			return r.CollectUnknown(ctx, d)
		}
		d.Message, d.EventID = "M", id
		return r.Collect(ctx, d, func(context.Context) error {
			ran = append(ran, id)
			if fail[id] {
				return errors.New("failed")
			}
			return nil
		})
	}
	batch := func(body string) error {
		return r.RunBatch(context.Background(), &webhook.Delivery{Body: []byte(body), Header: http.Header{}}, route)
	}
	if err := batch(`[{"id":"a"},{"id":"b"},{"id":"unknown"},{"id":"c"}]`); webhook.StatusOf(err) != http.StatusInternalServerError ||
		!strings.Contains(err.Error(), "1 of 4 events") || strings.Join(ran, ",") != "a,b,c" {
		t.Fatalf("first: %v, ran %v", err, ran)
	}
	ran, fail = nil, nil
	if err := batch(`[{"id":"a"},{"id":"b"},{"id":"unknown"},{"id":"c"}]`); err != nil || strings.Join(ran, ",") != "b" {
		t.Fatalf("retry: %v, ran %v", err, ran)
	}
	ran = nil
	if err := batch(`[{"id":"d"},{}]`); webhook.StatusOf(err) != http.StatusBadRequest || len(ran) != 0 {
		t.Errorf("an invalid element: %v, ran %v", err, ran)
	}
	if err := batch(`{"id":"e"}`); err != nil || strings.Join(ran, ",") != "e" {
		t.Errorf("one object: %v, ran %v", err, ran)
	}
	if err := batch(`{"id":"f"`); webhook.StatusOf(err) != http.StatusBadRequest {
		t.Errorf("a broken object: %v", err)
	}
	// Outside a batch, Collect runs at once.
	ran = nil
	if err := route(context.Background(), &webhook.Delivery{Body: []byte(`{"id":"g"}`)}); err != nil || strings.Join(ran, ",") != "g" {
		t.Errorf("Collect outside a batch: %v, ran %v", err, ran)
	}
}
