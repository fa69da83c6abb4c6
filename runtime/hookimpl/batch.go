package hookimpl

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hookgen/hookgen/runtime/jsonx"
	"github.com/hookgen/hookgen/webhook"
)

// batchKey is the context key of the batch RunBatch collects into.
type batchKey struct{}

// batch is what the routing of a batch's elements collected: what runs
// each element's handler, in the order of the elements.
type batch struct {
	items []batchItem
}

type batchItem struct {
	d      *webhook.Delivery
	handle func(context.Context) error // nil: an event the spec does not know
}

// RunBatch handles a delivery whose body is a JSON array of events (a
// body that is one JSON object is a batch of one): each element is routed
// by route as a delivery of its own (its Body the element, its headers
// the request's), and then handled once per its own event id, as Run
// handles a delivery. route must end in Collect or CollectUnknown.
//
// Every element is routed and decoded before any handler runs, so a
// body that is not an array, or an element that is invalid, is refused
// (400) with no handler called. Then each element's handler runs in
// turn; the batch succeeds only when every element was handled, was a
// duplicate of a handled event, or was an event the spec does not know
// (acknowledged). Otherwise the error answers 500, so that the provider
// retries the batch: the elements already handled are then duplicates,
// and only the others run again.
func (r *Runner) RunBatch(ctx context.Context, d *webhook.Delivery, route func(context.Context, *webhook.Delivery) error) error {
	var elems [][]byte
	if trimmed := bytes.TrimSpace(d.Body); len(trimmed) > 0 && trimmed[0] == '{' {
		elems = [][]byte{d.Body}
	} else {
		var err error
		if elems, err = jsonx.Elements(d.Body); err != nil {
			return InvalidPayload(fmt.Errorf("a batch must be a JSON array of events: %w", err))
		}
	}
	b := &batch{items: make([]batchItem, 0, len(elems))}
	bctx := context.WithValue(ctx, batchKey{}, b)
	for i, raw := range elems {
		ed := &webhook.Delivery{
			Channel: d.Channel, Header: d.Header, Params: d.Params,
			Body: raw, Received: d.Received,
		}
		if err := route(bctx, ed); err != nil {
			return fmt.Errorf("event %d of the batch: %w", i, err)
		}
	}
	failed, first, firstAt := 0, error(nil), 0
	for i, it := range b.items {
		var err error
		if it.handle == nil {
			err = r.RunUnknown(ctx, it.d)
		} else {
			err = r.Run(ctx, it.d, it.handle)
		}
		if err != nil {
			failed++
			if first == nil {
				first, firstAt = err, i
			}
			r.Logger.ErrorContext(ctx, "webhook: event of a batch not handled", append(deliveryAttrs(it.d), "index", i, "status", webhook.StatusOf(err), "error", err)...)
		}
	}
	if failed > 0 {
		// Not wrapped: whatever each element's status, the batch's is 500.
		return &webhook.HandlerError{Err: fmt.Errorf("%d of %d events of the batch were not handled; the first, event %d (%s %s): %v",
			failed, len(b.items), firstAt, b.items[firstAt].d.Message, b.items[firstAt].d.EventID, first)}
	}
	return nil
}

// Collect, in the route of a batch's element, keeps handle to run once the
// whole batch is routed (see RunBatch); d is the element's delivery, its
// Message and EventID set.
func (r *Runner) Collect(ctx context.Context, d *webhook.Delivery, handle func(context.Context) error) error {
	b, ok := ctx.Value(batchKey{}).(*batch)
	if !ok {
		return r.Run(ctx, d, handle) // not in a batch: handle it now
	}
	b.items = append(b.items, batchItem{d: d, handle: handle})
	return nil
}

// CollectUnknown is Collect for an element the spec does not know: it
// goes to the Unknown hook once the whole batch is routed.
func (r *Runner) CollectUnknown(ctx context.Context, d *webhook.Delivery) error {
	b, ok := ctx.Value(batchKey{}).(*batch)
	if !ok {
		return r.RunUnknown(ctx, d)
	}
	b.items = append(b.items, batchItem{d: d})
	return nil
}
