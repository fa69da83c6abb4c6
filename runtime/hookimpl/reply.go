package hookimpl

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/hookgen/hookgen/webhook"
)

// Reply is the body a delivery is answered with, beside its 200: the
// reply a handler returned for a message that declares one, or a
// handshake's answer. The zero Reply answers 200 with no body.
type Reply struct {
	ContentType string
	Body        []byte
}

// replyOf is the reply of a body in the message's content type: none for
// a nil body, which a handler's nil reply encodes to.
func replyOf(contentType string, body []byte) Reply {
	if body == nil {
		return Reply{}
	}
	return Reply{ContentType: contentType, Body: body}
}

// writeReply answers 200 with rep, whose ContentType is set.
func writeReply(w http.ResponseWriter, rep Reply) {
	h := w.Header()
	h.Set("Content-Type", rep.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(rep.Body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(rep.Body)
}

// RunReply is Run for a message that declares a reply: handle returns the
// reply's body in contentType (nil for none), which the store keeps with
// the event id when it is a [webhook.ReplyDeduper], so that a duplicate of
// a handled event gets the same reply. A duplicate whose reply the store
// does not have gets none, and a warning in the log.
func (r *Runner) RunReply(ctx context.Context, d *webhook.Delivery, contentType string, handle func(context.Context) ([]byte, error)) (Reply, error) {
	key, state, err := r.claim(ctx, d)
	if err != nil {
		return Reply{}, err
	}
	switch state {
	case webhook.ClaimAcquired:
		var body []byte
		err := r.call(ctx, d, func(ctx context.Context) error {
			b, err := handle(ctx)
			body = b
			return err
		}, key, true, &body)
		if err != nil {
			return Reply{}, err
		}
		return replyOf(contentType, body), nil
	case webhook.ClaimDone:
		r.Logger.InfoContext(ctx, "webhook: duplicate delivery of a handled event", deliveryAttrs(d)...)
		rd, ok := r.Deduper.(webhook.ReplyDeduper)
		if !ok {
			r.Logger.WarnContext(ctx, "webhook: the de-duplication store keeps no replies (it is no webhook.ReplyDeduper): the duplicate of a replied event is answered without its reply", deliveryAttrs(d)...)
			return Reply{}, nil
		}
		body, found, err := rd.Reply(ctx, key)
		if err != nil {
			return Reply{}, fmt.Errorf("webhook: de-duplication store: %w", err)
		}
		if !found {
			r.Logger.WarnContext(ctx, "webhook: the de-duplication store has no reply for a handled event: its duplicate is answered without one", deliveryAttrs(d)...)
			return Reply{}, nil
		}
		return replyOf(contentType, body), nil
	}
	return Reply{}, webhook.ErrInFlight
}
