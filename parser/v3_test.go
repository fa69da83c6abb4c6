package parser_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/parser"
)

// lintText lints a document written in the test, and returns the model and
// the warnings' messages.
func lintText(t *testing.T, text string, opts ...parser.Option) (*model.API, []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	api, warns, err := parser.Lint(path, opts...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	var msgs []string
	for _, w := range warns {
		msgs = append(msgs, w.Msg)
	}
	return api, msgs
}

func messageKeys(api *model.API) []string {
	var keys []string
	for _, m := range api.Messages {
		keys = append(keys, m.Key)
	}
	return keys
}

const twoWays3 = `asyncapi: 3.0.0
info: {title: Two ways, version: '1'}
channels:
  out:
    address: /out
    messages:
      Sent: {payload: {type: object, properties: {a: {type: string}}}}
  in:
    address: /in
    messages:
      Received: {payload: {type: object, properties: {b: {type: string}}}}
operations:
  sendIt: {action: send, channel: {$ref: '#/channels/out'}}
  receiveIt: {action: receive, channel: {$ref: '#/channels/in'}}
`

const twoWays2 = `asyncapi: 2.6.0
info: {title: Two ways, version: '1'}
channels:
  /both:
    subscribe:
      operationId: sendIt
      message: {name: Sent, payload: {type: object, properties: {a: {type: string}}}}
    publish:
      operationId: receiveIt
      message: {name: Received, payload: {type: object, properties: {b: {type: string}}}}
`

// TestDirection checks the one rule of docs/asyncapi.md in both versions:
// the side named wins, a document going one way is served as it is, and
// one going both ways is the provider's, with a warning.
func TestDirection(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		opts      []parser.Option
		want      string
		warns     bool
	}{
		{"3.x both ways", twoWays3, nil, "Sent", true},
		{"3.x receiver option", twoWays3, []parser.Option{parser.WithSide(parser.SideReceiver)}, "Received", false},
		{"3.x receiver extension", strings.Replace(twoWays3, "channels:", "x-hookgen-side: receiver\nchannels:", 1), nil, "Received", false},
		{"3.x option over extension", strings.Replace(twoWays3, "channels:", "x-hookgen-side: receiver\nchannels:", 1), []parser.Option{parser.WithSide(parser.SideProvider)}, "Sent", false},
		{"3.x receive only", strings.Replace(twoWays3, "  sendIt: {action: send, channel: {$ref: '#/channels/out'}}\n", "", 1), nil, "Received", false},
		{"2.x both ways on one channel", twoWays2, nil, "Sent", true},
		{"2.x receiver", twoWays2, []parser.Option{parser.WithSide(parser.SideReceiver)}, "Received", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, warns := lintText(t, tc.doc, tc.opts...)
			if diff := cmp.Diff([]string{tc.want}, messageKeys(api)); diff != "" {
				t.Errorf("messages received (-want +got):\n%s", diff)
			}
			mixed := slices.ContainsFunc(warns, func(w string) bool { return strings.Contains(w, "takes it to describe the provider") })
			if mixed != tc.warns {
				t.Errorf("warned of both ways = %v, want %v (warnings %q)", mixed, tc.warns, warns)
			}
		})
	}
}

func TestV3Document(t *testing.T) {
	api, warns := lintText(t, `asyncapi: 3.1.0
info: {title: Shop, version: '2'}
defaultContentType: application/json
servers:
  hooks:
    host: hooks.example.com
    pathname: /shop
    protocol: https
    security:
      - $ref: '#/components/securitySchemes/basic'
channels:
  orders:
    address: https://hooks.example.com/shop/orders/{region}
    parameters:
      region: {enum: [eu, us], description: Where the order was placed.}
    messages:
      created: {$ref: '#/components/messages/OrderCreated'}
      note:
        name: OrderNote
        payload:
          schemaFormat: application/vnd.oai.openapi+json;version=3.0.0
          schema: {type: object, required: [kind], properties: {kind: {type: string, enum: [note]}, text: {type: string, nullable: true}}}
  unused:
    address: /unused
operations:
  onOrder:
    action: receive
    channel: {$ref: '#/channels/orders'}
    traits: [{$ref: '#/components/operationTraits/common'}]
    security:
      - type: httpApiKey
        name: X-Shop-Key
        in: header
    reply:
      address: {location: '$message.header#/replyTo'}
      messages: [{$ref: '#/components/messages/Ack'}]
components:
  securitySchemes:
    basic: {type: userPassword}
  operationTraits:
    common: {summary: Order events}
  messages:
    OrderCreated:
      payload: {type: object, required: [kind], properties: {kind: {const: created}}}
    Ack:
      payload: {type: object, properties: {ok: {type: boolean}}}
`)
	if len(api.Channels) != 1 {
		t.Fatalf("channels = %d, want 1", len(api.Channels))
	}
	c := api.Channels[0]
	if c.Path != "https://hooks.example.com/shop/orders/{region}" || model.ServePath(c.Path) != "/shop/orders/{region}" {
		t.Errorf("path = %q, served at %q", c.Path, model.ServePath(c.Path))
	}
	if c.Operation != "receive" || c.OperationID != "onOrder" || c.OperationSummary != "Order events" {
		t.Errorf("operation = %q %q %q, want receive onOrder from its trait's summary", c.Operation, c.OperationID, c.OperationSummary)
	}
	if got := messageKeys(api); !slices.Equal(got, []string{"OrderCreated", "note"}) {
		t.Errorf("messages = %v, want the component key, then the channel's key", got)
	}
	if len(c.Parameters) != 1 || c.Parameters[0].Schema == nil || c.Parameters[0].Schema.Kind != model.String || len(c.Parameters[0].Schema.Enum) != 2 {
		t.Errorf("parameter region = %+v, want a string enum of two", c.Parameters)
	}
	if text := field(t, api.Messages[1].Payload, "text"); !text.Type.Nullable {
		t.Error("OpenAPI's nullable was not read")
	}
	if len(api.Security) != 1 || len(api.Security[0]) != 2 || api.Security[0][0].Scheme.Key != "basic" || api.Security[0][1].Scheme.Key != "onOrderSecurity" {
		t.Errorf("security = %+v, want basic joined with the operation's inline scheme", api.Security)
	}
	if s := api.Servers[0]; s.URL != "hooks.example.com/shop" || s.Protocol != "https" {
		t.Errorf("server = %q %q", s.URL, s.Protocol)
	}
	r := api.Messages[0].Reply
	if r == nil || r.Address != "$message.header#/replyTo" || len(r.Messages) != 1 || r.Messages[0].Key != "Ack" {
		t.Fatalf("reply = %+v", r)
	}
	if slices.Contains(api.Messages, r.Messages[0]) {
		t.Error("a reply message is listed among the messages received")
	}
	if !slices.ContainsFunc(warns, func(w string) bool { return strings.Contains(w, `no operation names channel "unused"`) }) {
		t.Errorf("no warning for the unused channel in %q", warns)
	}
}

// TestV3SharedAddress: channels that share an address are served as one,
// their messages told apart like one channel's.
func TestV3SharedAddress(t *testing.T) {
	api, _ := lintText(t, `asyncapi: 3.0.0
info: {title: Shared, version: '1'}
channels:
  pings:
    address: /
    messages:
      Ping: {payload: {type: object, required: [event], properties: {event: {const: ping}}}}
  pongs:
    address: /
    messages:
      Pong: {payload: {type: object, required: [event], properties: {event: {const: pong}}}}
operations:
  onPing: {action: send, channel: {$ref: '#/channels/pings'}}
  onPong: {action: send, channel: {$ref: '#/channels/pongs'}}
`)
	if len(api.Channels) != 1 || len(api.Channels[0].Messages) != 2 {
		t.Fatalf("channels = %+v, want one with both messages", api.Channels)
	}
	if d := api.Channels[0].Discriminator; d == nil || d.In != model.InPayload || d.Name != "event" {
		t.Errorf("discriminator = %+v, want payload event", d)
	}
}

// TestV3PointerThroughRef: an operation's message $ref may pass through the
// channel's own $ref into another file, as AsyncAPI's tools allow.
func TestV3PointerThroughRef(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "channels.yaml"), []byte(`channels:
  echo:
    address: /echo
    messages:
      echo: {payload: {type: object, properties: {text: {type: string}}}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(`asyncapi: 3.0.0
info: {title: Echo, version: '1'}
channels:
  echo: {$ref: './channels.yaml#/channels/echo'}
operations:
  onEcho:
    action: receive
    channel: {$ref: '#/channels/echo'}
    messages: [{$ref: '#/channels/echo/messages/echo'}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	api, err := parser.ParseFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := messageKeys(api); !slices.Equal(got, []string{"echo"}) || api.Channels[0].Path != "/echo" {
		t.Errorf("messages = %v on %q, want [echo] on /echo", got, api.Channels[0].Path)
	}
}

// TestPayloadRefFromOtherFolder: a message in another folder whose payload
// refers to a schema beside it is read from that folder, not the root's.
func TestPayloadRefFromOtherFolder(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"commons/messages.yaml": "Tick:\n  payload: {$ref: './schemas.yaml#/Time'}\n",
		"commons/schemas.yaml":  "Time: {type: object, properties: {at: {type: string}}}\n",
		"spec.yaml": `asyncapi: 2.6.0
info: {title: Ticks, version: '1'}
channels:
  /ticks:
    publish:
      message: {$ref: './commons/messages.yaml#/Tick'}
`,
	} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	api, err := parser.ParseFile(filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if pl := api.Messages[0].Payload; pl == nil || pl.Name != "Time" || len(pl.Fields) != 1 {
		t.Errorf("payload = %+v, want the Time schema of commons/schemas.yaml", pl)
	}
}
