package generator_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/config"
	"github.com/hookgen/hookgen/generator"
	"github.com/hookgen/hookgen/parser"
)

// BenchmarkGenerate times the whole pipeline, parse then generate, as the
// CLI runs it: over every package of specs/hookgen.yaml together, and over
// synthetic specs of growing size, so that work that grows faster than the
// number of messages shows up as a ratio (internal/benchcheck judges it).
func BenchmarkGenerate(b *testing.B) {
	b.Run("specs", func(b *testing.B) {
		cfg, err := config.Load("../specs/hookgen.yaml")
		if err != nil {
			b.Fatal(err)
		}
		all := func() error {
			for _, p := range cfg.Packages {
				api, err := parser.ParseFile(p.Spec)
				if err != nil {
					return fmt.Errorf("%s:\n%w", p.Spec, err)
				}
				if _, err := generator.Generate(api, generator.Config{Package: p.Package, Spec: filepath.Base(p.Spec)}); err != nil {
					return fmt.Errorf("%s: %w", p.Spec, err)
				}
			}
			return nil
		}
		// Fail on a broken spec before timing, not halfway through.
		if err := all(); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := all(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(cfg.Packages)), "specs")
	})
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("messages=%d", n), func(b *testing.B) {
			data := syntheticSpec(n)
			// The check costs as much as one timed run; once per size is
			// enough when -count repeats the benchmark.
			if !checkedSizes[n] {
				checkSynthetic(b, data, n)
				checkedSizes[n] = true
			}
			b.ReportAllocs()
			for b.Loop() {
				api, err := parser.Parse("synthetic.yaml", data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := generator.Generate(api, generator.Config{Package: "synthetic", Spec: "synthetic.yaml"}); err != nil {
					b.Fatal(err)
				}
			}
			// Per message, so the three sizes compare directly: a linear
			// pipeline keeps this number flat.
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/message")
		})
	}
}

// checkedSizes are the synthetic spec sizes checkSynthetic has passed in
// this process. Benchmarks run one at a time, so a plain map will do.
var checkedSizes = map[int]bool{}

// TestSyntheticSpecGenerates keeps the benchmark's spec builder honest: its
// output must parse, generate, and hold exactly the messages asked for.
func TestSyntheticSpecGenerates(t *testing.T) {
	checkSynthetic(t, syntheticSpec(50), 50)
}

// checkSynthetic parses and generates a synthetic spec of n messages and
// fails unless every step works and nothing is lost.
func checkSynthetic(t testing.TB, data []byte, n int) {
	t.Helper()
	api, err := parser.Parse("synthetic.yaml", data)
	if err != nil {
		t.Fatalf("the synthetic spec of %d messages does not parse:\n%v", n, err)
	}
	if got := len(api.Messages); got != n {
		t.Fatalf("the synthetic spec has %d messages in the model, want %d", got, n)
	}
	carried := 0
	for _, c := range api.Channels {
		carried += len(c.Messages)
	}
	if carried != n {
		t.Fatalf("the synthetic spec's channels carry %d messages, want %d", carried, n)
	}
	// Per message: the payload, its enum and its nested object; plus the
	// shared types. Fewer means the builder stopped producing them.
	if got, min := len(api.Types), 3*n+sharedTypes; got < min {
		t.Fatalf("the synthetic spec has %d named types, want at least %d", got, min)
	}
	files, err := generator.Generate(api, generator.Config{Package: "synthetic", Spec: "synthetic.yaml"})
	if err != nil {
		t.Fatalf("generating the synthetic spec of %d messages: %v", n, err)
	}
	if len(files) == 0 {
		t.Fatal("the generator returned no files")
	}
	for _, f := range files {
		if len(f.Content) == 0 {
			t.Errorf("%s is empty", f.Name)
		}
	}
}

// syntheticChannels is how many channels share the messages of a synthetic
// spec; each carries its share as a oneOf, as provider specs do.
const syntheticChannels = 10

// sharedTypes is how many named types sharedSchemas declares: four schemas
// and the currency enum inside Money.
const sharedTypes = 5

// sharedSchemas are referenced by every payload of a synthetic spec, so that
// reading a $ref to one schema many times is part of what is measured.
const sharedSchemas = `    DeliveryStatus:
      type: string
      description: Where the delivery stands.
      enum: [CREATED, PICKED_UP, DELIVERED, CANCELLED]
    Money:
      type: object
      description: An amount of money in minor units.
      required: [amount, currency]
      properties:
        amount:
          type: integer
          format: int64
        currency:
          type: string
          enum: [USD, EUR, GBP]
    Address:
      type: object
      description: A postal address with coordinates.
      properties:
        street:
          type: string
        city:
          type: string
        postal_code:
          type: string
        lat:
          type: number
          format: double
        lng:
          type: number
          format: double
    LineItem:
      type: object
      description: One line of an order.
      required: [sku, quantity]
      properties:
        sku:
          type: string
        quantity:
          type: integer
          format: int32
        price:
          $ref: '#/components/schemas/Money'
`

// syntheticSpec returns an AsyncAPI 2.6 document of n messages spread over
// syntheticChannels channels. Every message has its own payload schema in
// components.schemas (strings, an integer, a date-time, an enum of its own,
// a nested object, an array and $refs to the shared schemas) and one
// example that matches it. Its event_type const tells the messages of a
// channel apart, as Grubhub's spec does, so the parser can route them.
func syntheticSpec(n int) []byte {
	var b strings.Builder
	b.WriteString(`asyncapi: 2.6.0
info:
  title: Synthetic Delivery Events
  version: '1.0.0'
  description: A generated document for benchmarking hookgen.
servers:
  receiver:
    url: https://example.com/webhooks
    protocol: https
    security:
      - basicAuth: []
defaultContentType: application/json
channels:
`)
	chans := min(syntheticChannels, n)
	for c := range chans {
		fmt.Fprintf(&b, `  /webhooks/group-%d:
    description: Events of group %d.
    publish:
      operationId: receiveGroup%d
      summary: Receive the events of group %d.
      message:
        oneOf:
`, c+1, c+1, c+1, c+1)
		for i := c; i < n; i += chans {
			fmt.Fprintf(&b, "          - $ref: '#/components/messages/Event%d'\n", i+1)
		}
	}
	b.WriteString(`components:
  securitySchemes:
    basicAuth:
      type: userPassword
      description: The credentials agreed on at onboarding.
  messages:
`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `    Event%[1]d:
      name: Event%[1]d
      title: Event %[1]d
      summary: Something numbered %[1]d happened to a delivery.
      payload:
        $ref: '#/components/schemas/Event%[1]dPayload'
      examples:
        - name: Event%[1]dExample
          summary: A typical Event%[1]d.
          payload:
            event_type: EVENT_%[1]d
            event_id: 3fa85f64-5717-4562-b3fc-2c963f66afa6
            sequence: %[1]d
            occurred_at: '2026-06-02T18:30:00Z'
            phase: UPDATED
            status: PICKED_UP
            courier: {name: Ada, vehicle: bike, location: {street: 1 Main St, city: Springfield, postal_code: '12345', lat: 37.42, lng: -122.08}}
            items: [{sku: SKU-%[1]d, quantity: 2, price: {amount: 1250, currency: USD}}]
            total: {amount: 2500, currency: USD}
`, i)
	}
	b.WriteString("  schemas:\n")
	b.WriteString(sharedSchemas)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `    Event%[1]dPayload:
      type: object
      description: What Event%[1]d carries.
      required: [event_type, event_id, occurred_at]
      properties:
        event_type:
          type: string
          description: Which event this is; it tells the messages of a channel apart.
          const: EVENT_%[1]d
        event_id:
          type: string
          format: uuid
        sequence:
          type: integer
          format: int64
        occurred_at:
          type: string
          format: date-time
        phase:
          type: string
          description: Where the event stands in its own life.
          enum: [CREATED, UPDATED, CLOSED]
        status:
          $ref: '#/components/schemas/DeliveryStatus'
        courier:
          type: object
          description: Who carries the delivery.
          properties:
            name:
              type: string
            vehicle:
              type: string
            location:
              $ref: '#/components/schemas/Address'
        items:
          type: array
          items:
            $ref: '#/components/schemas/LineItem'
        total:
          $ref: '#/components/schemas/Money'
`, i)
	}
	return []byte(b.String())
}
