package hookimpl

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

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
	return r.runCollected(ctx, b)
}

// RunBatchAt is RunBatch for a batch whose events are nested in the body
// (x-hookgen-batch: {elements: ...}): elements is a JSON pointer in which
// "*" stands for every element of an array, ending in one (Meta's
// /entry/*/changes/*). Each element's delivery has as its Envelope the
// objects the pointer crosses, outermost first (Meta's notification, then
// the entry), and, for a message without a correlationId, as its EventID
// the SHA-256 of the "id" members of the envelopes that are elements of
// an array (Meta's entry id) and of the element (see nestedEventID). A
// body that is a JSON object without the pointer's first member is a
// batch of that one element, with no envelope (what the test kit sends
// for an example); an object further down without the pointer's next
// member (an entry without "changes") is an event the spec does not know,
// passed whole, with the objects around it, to the unknown-event hook.
func (r *Runner) RunBatchAt(ctx context.Context, d *webhook.Delivery, elements string, route func(context.Context, *webhook.Delivery) error) error {
	path := jsonx.SplitPointer(elements)
	var found []nestedElement
	if err := walkBatch(bytes.TrimSpace(d.Body), path, nil, false, "", &found); err != nil {
		return InvalidPayload(fmt.Errorf("a batch must have its events at %s: %w", elements, err))
	}
	b := &batch{items: make([]batchItem, 0, len(found))}
	bctx := context.WithValue(ctx, batchKey{}, b)
	handoff := r.Handoff != nil && ctx.Value(storedKey{}) == nil
	var stored map[*webhook.Delivery][]byte
	for i, el := range found {
		ed := &webhook.Delivery{
			Channel: d.Channel, Header: d.Header, Params: d.Params,
			Body: el.raw, Envelope: el.envelope, Received: d.Received,
		}
		route := route
		switch {
		case el.unknown:
			route = r.CollectUnknown
		case el.envelope != nil:
			ed.EventID = nestedEventID(el.envelope, el.inArray, el.raw)
			if handoff {
				body, err := narrow(path, el)
				if err != nil {
					return InvalidPayload(fmt.Errorf("event %d (%s) of the batch: %w", i, el.at, err))
				}
				if stored == nil {
					stored = map[*webhook.Delivery][]byte{}
				}
				stored[ed] = body
			}
		}
		if err := route(bctx, ed); err != nil {
			return fmt.Errorf("event %d (%s) of the batch: %w", i, el.at, err)
		}
	}
	// In hand-off mode an element is stored as a body of its own that keeps
	// its path and envelope: the consumer's dispatch walks it as this one
	// did, and finds the same envelope and event id. It is decoded already.
	for _, it := range b.items {
		if body, ok := stored[it.d]; ok {
			it.d.Body = body
		}
	}
	return r.runCollected(ctx, b)
}

// narrow returns the nested batch of el alone: each object of its
// envelope with the path's member replaced by el's branch, each array by
// a list of that one branch, compacted (no HTML escaping), so that
// walking it again gives el's envelope (narrowed) and event id.
func narrow(path []string, el nestedElement) ([]byte, error) {
	var cur bytes.Buffer
	if err := json.Compact(&cur, el.raw); err != nil {
		return nil, err
	}
	next := len(el.envelope) - 1
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == "*" {
			cur = *bytes.NewBuffer(append(append([]byte{'['}, cur.Bytes()...), ']'))
			continue
		}
		var members map[string]json.RawMessage
		if err := json.Unmarshal(el.envelope[next], &members); err != nil {
			return nil, err
		}
		next--
		members[path[i]] = append(json.RawMessage(nil), cur.Bytes()...)
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(members); err != nil {
			return nil, err
		}
		cur = *bytes.NewBuffer(bytes.TrimSuffix(out.Bytes(), []byte{'\n'}))
	}
	return cur.Bytes(), nil
}

// nestedElement is an event of a nested batch, found by walkBatch.
type nestedElement struct {
	raw      []byte
	envelope [][]byte // the objects the path crossed, outermost first
	inArray  []bool   // per envelope: it is an element of an array
	at       string   // the element's own JSON pointer, for errors
	unknown  bool     // an object without the path's next member
}

// walkBatch appends to out the values at path in raw, "*" standing for
// every element of an array: env holds the objects crossed so far,
// fromArray whether raw is an element of an array, at raw's pointer. A
// top-level object without path's first member is one element.
func walkBatch(raw []byte, path []string, env []envObject, fromArray bool, at string, out *[]nestedElement) error {
	if len(path) == 0 {
		el := nestedElement{raw: raw, at: at}
		for _, e := range env {
			el.envelope = append(el.envelope, e.raw)
			el.inArray = append(el.inArray, e.inArray)
		}
		*out = append(*out, el)
		return nil
	}
	if path[0] == "*" {
		elems, err := jsonx.Elements(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", orRoot(at), err)
		}
		for i, e := range elems {
			if err := walkBatch(bytes.TrimSpace(e), path[1:], env, true, at+"/"+strconv.Itoa(i), out); err != nil {
				return err
			}
		}
		return nil
	}
	var members map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &members) != nil {
		return fmt.Errorf("%s: not a JSON object", orRoot(at))
	}
	v, ok := members[path[0]]
	if !ok {
		if at == "" {
			*out = append(*out, nestedElement{raw: raw, at: "/"})
			return nil
		}
		// Not where the spec's events are (Messenger's "messaging" entries
		// beside "changes"): an event the spec does not know.
		el := nestedElement{raw: raw, at: at, unknown: true}
		for _, e := range env {
			el.envelope = append(el.envelope, e.raw)
			el.inArray = append(el.inArray, e.inArray)
		}
		*out = append(*out, el)
		return nil
	}
	env = append(env[:len(env):len(env)], envObject{raw: raw, inArray: fromArray})
	return walkBatch(bytes.TrimSpace(v), path[1:], env, false, at+"/"+path[0], out)
}

// envObject is an object a nested batch's path crosses.
type envObject struct {
	raw     []byte
	inArray bool // an element of an array
}

func orRoot(at string) string {
	if at == "" {
		return "the body"
	}
	return at
}

// nestedEventID is the event id of an element of a nested batch whose
// message names no correlationId: the hex SHA-256 of the raw "id" member
// of each envelope that is an element of an array (Meta's entry id, "" when
// absent), each length-prefixed, followed by the element's bytes,
// compacted (insignificant whitespace is no part of the event). A
// provider that nests its events, as Meta does, gives the element no id
// of its own; the same change to two objects (two pages) is two events,
// while a retry, which repeats the notification, repeats both. The
// entry's time is left out: it says when the notification was sent.
func nestedEventID(envelope [][]byte, inArray []bool, elem []byte) string {
	h := sha256.New()
	var n [8]byte
	for i, env := range envelope {
		if !inArray[i] {
			continue
		}
		var obj struct {
			ID json.RawMessage `json:"id"`
		}
		_ = json.Unmarshal(env, &obj) // an object: walkBatch read it
		binary.BigEndian.PutUint64(n[:], uint64(len(obj.ID)))
		h.Write(n[:])
		h.Write(obj.ID)
	}
	// Compacted, as a hand-off stores it (narrow).
	var compact bytes.Buffer
	if json.Compact(&compact, elem) == nil {
		elem = compact.Bytes()
	}
	h.Write(elem)
	return hex.EncodeToString(h.Sum(nil))
}

// runCollected runs the handlers of the batch's routed elements in turn
// and answers as RunBatch says.
func (r *Runner) runCollected(ctx context.Context, b *batch) error {
	failed, outages, first, firstAt := 0, 0, error(nil), 0
	for i, it := range b.items {
		if ctx.Err() != nil {
			// The request ended (the provider hung up, the server is
			// stopping): its answer reaches no one, and the provider's
			// retry runs what is left. One line, not one per element.
			left := len(b.items) - i
			failed += left
			if first == nil {
				first, firstAt = ctx.Err(), i
			}
			r.Logger.WarnContext(ctx, "webhook: the request ended; events of the batch left to the retry", "left", left, "of", len(b.items), "error", ctx.Err())
			break
		}
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
			attrs := append(deliveryAttrs(it.d), "index", i, "status", webhook.StatusOf(err), "error", err)
			if storeOutage(err) {
				// The store logged its outage once; a line per element
				// while it lasts would flood the log.
				outages++
				r.Logger.DebugContext(ctx, "webhook: event of a batch not handled: store down", attrs...)
			} else {
				r.Logger.ErrorContext(ctx, "webhook: event of a batch not handled", attrs...)
			}
		}
	}
	if failed > 0 {
		// Whatever each element's status, the batch's is 500 (the
		// HandlerError). It wraps the first failure only when every
		// failure was a store's outage, so that the Server logs the batch
		// at debug level as it does a single delivery's.
		format := "%d of %d events of the batch were not handled; the first, event %d (%s %s): %v"
		if outages == failed {
			format = "%d of %d events of the batch were not handled; the first, event %d (%s %s): %w"
		}
		return &webhook.HandlerError{Err: fmt.Errorf(format,
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
