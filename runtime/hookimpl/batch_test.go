package hookimpl

import (
	"context"
	"errors"
	"log/slog"
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

// TestRunBatchAt: the events of a nested batch are the values at the
// pointer, each with the objects around it as its Envelope and, without
// an id of its own, an event id that covers its entry's id and itself
// but not the entry's time nor its position.
func TestRunBatchAt(t *testing.T) {
	r := &Runner{}
	r.Prepare()
	type seen struct{ field, env, id string }
	var ran []seen
	route := func(ctx context.Context, d *webhook.Delivery) error {
		field, err := jsonx.Probe(d.Body, "field")
		if err != nil || field == "" {
			return InvalidPayload(errors.New("no field"))
		}
		d.Message = field
		return r.Collect(ctx, d, func(ctx context.Context) error {
			got, _ := webhook.DeliveryFrom(ctx)
			env := make([]string, len(got.Envelope))
			for i, e := range got.Envelope {
				env[i] = strings.Join(strings.Fields(string(e)), "")
			}
			ran = append(ran, seen{field, strings.Join(env, " | "), got.EventID})
			return nil
		})
	}
	batch := func(body string) error {
		return r.RunBatchAt(context.Background(), &webhook.Delivery{Body: []byte(body), Header: http.Header{}}, "/entry/*/changes/*", route)
	}
	body := `{"object":"page","entry":[{"id":"1","time":5,"changes":[{"field":"a"},{"field":"b"}]},{"id":"2","changes":[{"field":"a"}]}]}`
	if err := batch(body); err != nil || len(ran) != 3 {
		t.Fatalf("batch: %v, ran %+v", err, ran)
	}
	entry1 := `{"id":"1","time":5,"changes":[{"field":"a"},{"field":"b"}]}`
	if ran[0].field != "a" || ran[1].field != "b" || ran[2].field != "a" ||
		ran[0].env != body+" | "+entry1 || ran[1].env != ran[0].env ||
		!strings.HasSuffix(ran[2].env, ` | {"id":"2","changes":[{"field":"a"}]}`) {
		t.Fatalf("ran %+v", ran)
	}
	if ran[0].id == ran[2].id || len(ran[0].id) != 64 {
		t.Errorf("the same change of two entries has event ids %q and %q, want two SHA-256s", ran[0].id, ran[2].id)
	}
	// Another time and another order: the changes handled are duplicates.
	ran = nil
	if err := batch(`{"object":"page","entry":[{"id":"1","time":9,"changes":[{"field":"b"},{"field":"a"},{"field":"c"}]}]}`); err != nil ||
		len(ran) != 1 || ran[0].field != "c" {
		t.Errorf("a later notification: %v, ran %+v, want only c", err, ran)
	}
	// A body of one element, with no entry: one event, no envelope.
	ran = nil
	if err := batch(`{"field":"d"}`); err != nil || len(ran) != 1 || ran[0].env != "" {
		t.Errorf("one element: %v, ran %+v", err, ran)
	}
	// An entry without changes is an event the spec does not know.
	ran = nil
	var unknown []string
	r.Unknown = func(_ context.Context, d *webhook.Delivery) error {
		unknown = append(unknown, string(d.Body)+" in "+string(d.Envelope[0]))
		return nil
	}
	if err := batch(`{"entry":[{"id":"3","messaging":[]},{"id":"4","changes":[{"field":"g"}]}]}`); err != nil || len(ran) != 1 ||
		strings.Join(unknown, ",") != `{"id":"3","messaging":[]} in {"entry":[{"id":"3","messaging":[]},{"id":"4","changes":[{"field":"g"}]}]}` {
		t.Errorf("an entry without changes: %v, ran %+v, unknown %q", err, ran, unknown)
	}
	for _, bad := range []string{
		`{"entry":{"id":"1"}}`,                             // entry no array
		`{"entry":[{"id":"1","changes":[{}]}]}`,            // an invalid change
		`{"entry":[{"id":"1","changes":[{"field":"e"}]}],`, // broken JSON
		`[{"field":"f"}]`,                                  // an array at the top
	} {
		ran = nil
		if err := batch(bad); webhook.StatusOf(err) != http.StatusBadRequest || len(ran) != 0 {
			t.Errorf("%s: %v, ran %+v, want 400 and no call", bad, err, ran)
		}
	}
}

// TestRunBatchAtHandoff: in hand-off mode each element of a nested batch is
// stored as a body that keeps its path, so the consumer's dispatch of it
// finds the same event id and the element's entry; the same change of two
// entries stays two events.
func TestRunBatchAtHandoff(t *testing.T) {
	type kept struct {
		id   string
		body []byte
	}
	var store []kept
	r := &Runner{KeyPrefix: "p:", Handoff: handoffFunc(func(_ context.Context, id string, d *webhook.Delivery) error {
		store = append(store, kept{id, d.Body})
		return nil
	})}
	r.Prepare()
	var ran []string
	route := func(ctx context.Context, d *webhook.Delivery) error {
		field, _ := jsonx.Probe(d.Body, "field")
		if field == "" {
			return InvalidPayload(errors.New("no field"))
		}
		d.Message = field
		return r.Collect(ctx, d, func(ctx context.Context) error {
			got, _ := webhook.DeliveryFrom(ctx)
			id, _ := jsonx.Probe(got.Envelope[1], "id")
			ran = append(ran, field+"@"+id+"="+got.EventID)
			return nil
		})
	}
	body := `{"object":"page","entry":[{"id":"1","time":5,"changes":[{"field":"a","value":{"s":"<&>"}},` +
		"\n" + `{"field":"b"}]},{"id":"2","changes":[{"field":"a","value":{"s":"<&>"}}]}]}`
	if err := r.RunBatchAt(context.Background(), &webhook.Delivery{Body: []byte(body)}, "/entry/*/changes/*", route); err != nil || len(store) != 3 || len(ran) != 0 {
		t.Fatalf("hand-off: %v, stored %d, ran %v", err, len(store), ran)
	}
	if want := `{"entry":[{"changes":[{"field":"b"}],"id":"1","time":5}],"object":"page"}`; string(store[1].body) != want {
		t.Errorf("stored body:\n got %s\nwant %s", store[1].body, want)
	}
	for _, k := range store {
		if err := r.RunBatchAt(Stored(context.Background()), &webhook.Delivery{Body: k.body}, "/entry/*/changes/*", route); err != nil {
			t.Fatalf("consumer: %s: %v", k.body, err)
		}
	}
	if len(ran) != 3 {
		t.Fatalf("the consumer ran %v, want the 3 changes", ran)
	}
	for i, want := range []string{"a@1", "b@1", "a@2"} {
		if !strings.HasPrefix(ran[i], want+"=") || "p:"+strings.TrimPrefix(ran[i], want+"=") != store[i].id {
			t.Errorf("consumer run %d = %s, want %s with event id %s", i, ran[i], want, store[i].id)
		}
	}
}

// TestRunBatchStoreOutage: elements that failed because the store is down
// (it logs its outage itself) are logged at debug level, and a batch that
// failed only so is an outage's failure, which the Server logs at debug
// level too; a handler's failure beside them is still an error line. The
// batch is 500 either way.
func TestRunBatchStoreOutage(t *testing.T) {
	for _, c := range []struct {
		name       string
		fail       bool // the handler of "b" fails
		errorLines int
		outage     bool
	}{
		{"outage only", false, 0, true},
		{"outage and handler", true, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs strings.Builder
			log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			r := &Runner{Deduper: downFor{"down", webhook.NewMemoryDeduper(0, 0)}, Logger: log}
			r.Prepare()
			route := func(ctx context.Context, d *webhook.Delivery) error {
				id, _ := jsonx.Probe(d.Body, "id")
				d.Message, d.EventID = "M", id
				return r.Collect(ctx, d, func(context.Context) error {
					if c.fail && id == "b" {
						return errors.New("failed")
					}
					return nil
				})
			}
			err := r.RunBatch(context.Background(), &webhook.Delivery{Body: []byte(`[{"id":"down"},{"id":"b"}]`)}, route)
			if webhook.StatusOf(err) != http.StatusInternalServerError {
				t.Fatalf("status %d (%v), want 500", webhook.StatusOf(err), err)
			}
			if got := storeOutage(err); got != c.outage {
				t.Errorf("the batch's error is an outage's: %v, want %v (%v)", got, c.outage, err)
			}
			if n := strings.Count(logs.String(), "level=ERROR"); n != c.errorLines {
				t.Errorf("%d error lines, want %d:\n%s", n, c.errorLines, logs.String())
			}
			if !strings.Contains(logs.String(), "level=DEBUG") || !strings.Contains(logs.String(), "store unreachable") {
				t.Errorf("the element's outage is not in the debug log:\n%s", logs.String())
			}
		})
	}
}

// downFor fails the claim of key with an outage's error, and hands the
// others to Deduper.
type downFor struct {
	key string
	webhook.Deduper
}

func (s downFor) Claim(ctx context.Context, key string) (webhook.ClaimState, error) {
	if key == s.key {
		return 0, outage{}
	}
	return s.Deduper.Claim(ctx, key)
}

// TestRunBatchRequestEnded: once the request's context ends mid-batch,
// the elements left are not run (the retry runs them), the batch is 500,
// and one line says so rather than an error per element.
func TestRunBatchRequestEnded(t *testing.T) {
	var logs strings.Builder
	r := &Runner{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	r.Prepare()
	ctx, cancel := context.WithCancel(context.Background())
	var ran []string
	route := func(ctx context.Context, d *webhook.Delivery) error {
		id, _ := jsonx.Probe(d.Body, "id")
		d.Message, d.EventID = "M", id
		return r.Collect(ctx, d, func(context.Context) error {
			ran = append(ran, id)
			if id == "b" {
				cancel() // the provider hangs up while b runs
			}
			return nil
		})
	}
	body := []byte(`[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"}]`)
	err := r.RunBatch(ctx, &webhook.Delivery{Body: body, Header: http.Header{}}, route)
	if webhook.StatusOf(err) != http.StatusInternalServerError || !strings.Contains(err.Error(), "2 of 4 events") || strings.Join(ran, ",") != "a,b" {
		t.Fatalf("%v (status %d), ran %v; want 500 after a and b", err, webhook.StatusOf(err), ran)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 0 || strings.Count(logs.String(), "request ended") != 1 {
		t.Errorf("want one line saying the request ended and no errors:\n%s", logs.String())
	}
	// The retry runs only what was left.
	ran = nil
	if err := r.RunBatch(context.Background(), &webhook.Delivery{Body: body, Header: http.Header{}}, route); err != nil || strings.Join(ran, ",") != "c,d" {
		t.Errorf("retry: %v, ran %v; want c,d", err, ran)
	}
}
