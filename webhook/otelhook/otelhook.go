// Package otelhook reports the deliveries of generated receivers to
// OpenTelemetry: a span per delivery and metrics of deliveries, handler
// durations, de-duplication hits and authentication failures.
//
//	obs, err := otelhook.New(otelhook.WithTracerProvider(tp), otelhook.WithMeterProvider(mp))
//	srv, err := doordash.NewServer(h, doordash.WithObserver(obs), ...)
//
// Only a receiver that imports this package links OpenTelemetry.
package otelhook

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/hookgen/hookgen/webhook"
)

// The instruments, named as OpenTelemetry's conventions ask (dotted, the
// unit apart); a Prometheus exporter shows them as hookgen_deliveries_total,
// hookgen_handler_duration_seconds, hookgen_dedup_hits_total and
// hookgen_auth_failures_total.
const (
	deliveries   = "hookgen.deliveries"
	handlerTime  = "hookgen.handler.duration"
	dedupHits    = "hookgen.dedup.hits"
	authFailures = "hookgen.auth.failures"
	scope        = "github.com/hookgen/hookgen/webhook/otelhook"
)

// An Option configures New.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider reports a span per delivery to tp.
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithMeterProvider reports the delivery metrics to mp.
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

// New returns an Observer that reports to the providers given. With
// neither it returns nil, which a generated package's WithObserver takes
// as no observer: telemetry that is off costs nothing.
func New(opts ...Option) (webhook.Observer, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.tp == nil && c.mp == nil {
		return nil, nil
	}
	o := &observer{}
	if c.tp != nil {
		o.tracer = c.tp.Tracer(scope)
	}
	if c.mp != nil {
		m := c.mp.Meter(scope)
		var err error
		if o.deliveries, err = m.Int64Counter(deliveries, metric.WithUnit("{delivery}"),
			metric.WithDescription("Webhook deliveries received, by provider, message and outcome.")); err != nil {
			return nil, err
		}
		if o.handler, err = m.Float64Histogram(handlerTime, metric.WithUnit("s"),
			metric.WithDescription("How long handlers ran, by provider and message.")); err != nil {
			return nil, err
		}
		if o.dedup, err = m.Int64Counter(dedupHits, metric.WithUnit("{delivery}"),
			metric.WithDescription("Deliveries answered as duplicates of a handled event, without a handler call.")); err != nil {
			return nil, err
		}
		if o.auth, err = m.Int64Counter(authFailures, metric.WithUnit("{delivery}"),
			metric.WithDescription("Deliveries refused for their credentials, by provider and the schemes checked.")); err != nil {
			return nil, err
		}
	}
	return o, nil
}

type observer struct {
	tracer     trace.Tracer
	deliveries metric.Int64Counter
	handler    metric.Float64Histogram
	dedup      metric.Int64Counter
	auth       metric.Int64Counter
}

func (o *observer) Begin(ctx context.Context, provider, channel string) (context.Context, func(webhook.Outcome)) {
	var span trace.Span
	if o.tracer != nil {
		ctx, span = o.tracer.Start(ctx, "webhook "+provider+" "+channel, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("hookgen.provider", provider), attribute.String("hookgen.channel", channel)))
	}
	return ctx, func(out webhook.Outcome) {
		if span != nil {
			o.endSpan(span, out)
		}
		if o.deliveries != nil {
			o.record(ctx, provider, out)
		}
	}
}

func (o *observer) endSpan(span trace.Span, out webhook.Outcome) {
	span.SetAttributes(
		attribute.String("hookgen.message", out.Message),
		attribute.String("hookgen.event_id", out.EventID),
		attribute.String("hookgen.outcome", out.Result),
		attribute.Int("http.response.status_code", out.Status),
	)
	if out.Status >= http.StatusInternalServerError {
		span.SetStatus(codes.Error, out.Result)
		if out.Err != nil {
			span.RecordError(out.Err)
		}
	}
	span.End()
}

func (o *observer) record(ctx context.Context, provider string, out webhook.Outcome) {
	// The context may be the handler's, cancelled by now: metrics do not
	// care, but exporters that read it should not see it done.
	ctx = context.WithoutCancel(ctx)
	p := attribute.String("provider", provider)
	msg := attribute.String("message", out.Message)
	o.deliveries.Add(ctx, 1, metric.WithAttributes(p, msg, attribute.String("outcome", out.Result)))
	switch out.Result {
	case "duplicate":
		o.dedup.Add(ctx, 1, metric.WithAttributes(p, msg))
	case "unauthorized":
		o.auth.Add(ctx, 1, metric.WithAttributes(p, attribute.String("scheme", out.Schemes)))
	}
	if out.Handler > 0 {
		o.handler.Record(ctx, out.Handler.Seconds(), metric.WithAttributes(p, msg))
	}
}
