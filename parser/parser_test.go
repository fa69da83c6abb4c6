package parser_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/parser"
)

func mustParse(t *testing.T, path string) *model.API {
	t.Helper()
	api, err := parser.ParseFile(path)
	if err != nil {
		t.Fatalf("%s:\n%v", path, err)
	}
	return api
}

func typeNamed(t *testing.T, api *model.API, name string) *model.Type {
	t.Helper()
	for _, typ := range api.Types {
		if typ.Name == name {
			return typ
		}
	}
	t.Fatalf("no type %q", name)
	return nil
}

func field(t *testing.T, typ *model.Type, name string) *model.Field {
	t.Helper()
	for _, f := range typ.Fields {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("%s has no field %q", typ.Name, name)
	return nil
}

func TestDoorDash(t *testing.T) {
	api := mustParse(t, "../specs/doordash.yaml")
	if api.AsyncAPI != "2.6.0" || api.Title != "DoorDash Drive Delivery Webhooks" || api.Version != "2.0" {
		t.Errorf("info = %q %q %q", api.AsyncAPI, api.Title, api.Version)
	}
	if len(api.Channels) != 1 || api.Channels[0].Path != "/webhook" || api.Channels[0].Operation != "publish" {
		t.Fatalf("channels = %+v", api.Channels)
	}
	if got := len(api.Channels[0].Messages); got != 9 {
		t.Fatalf("9 messages on /webhook, got %d", got)
	}
	// Nine messages, one payload schema: the type is shared, not copied.
	payload := api.Messages[0].Payload
	for _, m := range api.Messages {
		if m.Payload != payload {
			t.Errorf("%s: payload is not the shared DeliveryWebhookPayload", m.Key)
		}
	}
	if payload.Name != "DeliveryWebhookPayload" || payload.Ref != "#/components/schemas/DeliveryWebhookPayload" {
		t.Errorf("payload named %q at %q", payload.Name, payload.Ref)
	}
	m := api.Messages[1]
	if m.Key != "DasherConfirmedPickupArrival" || m.Name != "DASHER_CONFIRMED_PICKUP_ARRIVAL" || m.Title != "Dasher Confirmed Pickup Arrival" {
		t.Errorf("message 1 = %q %q %q", m.Key, m.Name, m.Title)
	}
	// Positions point into the spec: the message's mapping and a property key.
	if m.Pos.File != "../specs/doordash.yaml" || m.Pos.Line < 100 {
		t.Errorf("message position %v", m.Pos)
	}
	et := field(t, payload, "event_type")
	if et.Type.Kind != model.String || len(et.Type.Enum) != 9 || !et.Type.Named {
		t.Errorf("event_type = %+v", et.Type)
	}
	if f := field(t, payload, "pickup_time_estimated"); f.Type.Format != "date-time" || f.Required {
		t.Errorf("pickup_time_estimated = %+v", f)
	}
	if f := field(t, payload, "dasher_id"); f.Type.Kind != model.Integer {
		t.Errorf("dasher_id kind %v", f.Type.Kind)
	}
	// Examples keep spec order and exact values.
	var ex map[string]any
	if err := json.Unmarshal(m.Examples[0].Payload, &ex); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(m.Examples[0].Payload), `{"external_delivery_id":"D-12345","event_type":"DASHER_CONFIRMED"`) || ex["cancellation_reason"] != "37.422" {
		t.Errorf("example payload %s", m.Examples[0].Payload)
	}
	// Security: one requirement, and both schemes read.
	if len(api.Servers) != 1 || len(api.Servers[0].Security) != 1 || api.Servers[0].Security[0][0].Scheme.Key != "basicAuth" {
		t.Errorf("server security = %+v", api.Servers)
	}
	oauth := api.SecuritySchemes[1]
	if oauth.Type != "oauth2" || len(oauth.Flows) != 1 || oauth.Flows[0].Kind != "clientCredentials" || oauth.Flows[0].TokenURL != "" {
		t.Errorf("oauth2 scheme = %+v", oauth)
	}
}

func TestGrubhub(t *testing.T) {
	api := mustParse(t, "../specs/grubhub.yaml")
	if len(api.Channels) != 2 || len(api.Channels[0].Messages) != 4 || len(api.Channels[1].Messages) != 1 {
		t.Fatalf("channels: %d", len(api.Channels))
	}
	if sec := api.Servers[0].Security; len(sec) != 2 || sec[0][0].Scheme.Type != "userPassword" || sec[1][0].Scheme.Type != "httpApiKey" {
		t.Errorf("two alternative requirements expected, got %+v", sec)
	}
	p := api.Messages[0].Payload
	et := field(t, p, "event_type")
	if !et.HasConst || et.Const != "DRIVER_ASSIGNED" {
		t.Errorf("event_type const = %v", et.Const)
	}
	driver := field(t, p, "driver").Type
	if driver.Name != "DriverAssignedPayload.driver" || driver.Kind != model.Object || !driver.Named {
		t.Errorf("inline driver object = %+v", driver)
	}
	if dm := field(t, driver, "delivery_method").Type; len(dm.Enum) != 3 {
		t.Errorf("delivery_method enum = %v", dm.Enum)
	}
}

func TestConstructs(t *testing.T) {
	api := mustParse(t, "../generator/testdata/constructs/spec.json")
	if api.AsyncAPI != "2.4.0" {
		t.Errorf("version %q", api.AsyncAPI)
	}
	// A $ref into another file, and from there into a third, resolved
	// against the file that holds it; positions name the file.
	geo := typeNamed(t, api, "GeoPoint")
	if !strings.HasPrefix(geo.Ref, "shared/geo.yaml#") || geo.Pos.File != "../generator/testdata/constructs/shared/geo.yaml" {
		t.Errorf("GeoPoint at %q %v", geo.Ref, geo.Pos)
	}
	// Message traits add headers and a content type.
	var created *model.Message
	for _, m := range api.Messages {
		if m.Key == "OrderCreated" {
			created = m
		}
	}
	if created == nil || created.Headers == nil || created.ContentType != "application/json" {
		t.Fatalf("OrderCreated with trait headers: %+v", created)
	}
	if f := field(t, created.Headers, "X-Schema-Version"); !f.HasConst || !f.Required {
		t.Errorf("X-Schema-Version = %+v", f)
	}
	// Channel parameters.
	ch := api.Channels[0]
	if len(ch.Parameters) != 1 || ch.Parameters[0].Name != "orderId" || ch.Parameters[0].Schema.Format != "uuid" {
		t.Errorf("parameters = %+v", ch.Parameters)
	}
	// Recursion: a tree whose children are itself.
	tree := typeNamed(t, api, "TreeNode")
	if kids := field(t, tree, "children").Type; kids.Kind != model.Array || kids.Elem != tree {
		t.Errorf("children = %+v", kids)
	}
	// allOf merges the parts' fields; a discriminated oneOf keeps its tags.
	pay := typeNamed(t, api, "Payment")
	if pay.Kind != model.Union || pay.Discriminator == "" || len(pay.Variants) < 2 {
		t.Fatalf("Payment = %+v", pay)
	}
	for _, v := range pay.Variants {
		if len(v.Tags) == 0 {
			t.Errorf("variant %s has no discriminator value", v.Type.Name)
		}
	}
	// x- extensions are kept for later stages.
	if api.Channels[0].Extensions["x-channel-owner"] != "orders-team" {
		t.Errorf("channel extensions = %v", api.Channels[0].Extensions)
	}
}

// TestParseJSONEqualsYAML parses one document written both ways.
func TestParseJSONEqualsYAML(t *testing.T) {
	yamlDoc := "asyncapi: 2.0.0\ninfo: {title: T, version: '1'}\nchannels:\n  /h:\n    publish:\n      message:\n        name: Ping\n        payload: {type: object, properties: {id: {type: integer, format: int64}}}\n"
	jsonDoc := `{"asyncapi":"2.0.0","info":{"title":"T","version":"1"},"channels":{"/h":{"publish":{"message":{"name":"Ping","payload":{"type":"object","properties":{"id":{"type":"integer","format":"int64"}}}}}}}}`
	a, err := parser.Parse("a.yaml", []byte(yamlDoc))
	if err != nil {
		t.Fatal(err)
	}
	b, err := parser.Parse("b.json", []byte(jsonDoc))
	if err != nil {
		t.Fatal(err)
	}
	fa, fb := a.Messages[0].Payload.Fields[0], b.Messages[0].Payload.Fields[0]
	if fa.Name != fb.Name || fa.Type.Kind != fb.Type.Kind || fa.Type.Format != "int64" || a.Messages[0].Key != "Ping" {
		t.Errorf("yaml %+v, json %+v", fa, fb)
	}
}

func routes(d *model.Discriminator) map[string]string {
	out := map[string]string{}
	for _, r := range d.Routes {
		out[r.Message.Key] = r.Value
	}
	return out
}

func TestDiscriminatorInference(t *testing.T) {
	dd := mustParse(t, "../specs/doordash.yaml").Channels[0].Discriminator
	// DoorDash: event_type is an enum of the message names.
	if dd.In != model.InPayload || dd.Name != "event_type" || routes(dd)["DasherDroppedOff"] != "DASHER_DROPPED_OFF" || len(dd.Routes) != 9 {
		t.Errorf("doordash discriminator = %+v", dd)
	}
	gh := mustParse(t, "../specs/grubhub.yaml")
	// Grubhub: each payload fixes event_type with const, even on the
	// channel with a single message.
	status, refund := gh.Channels[0].Discriminator, gh.Channels[1].Discriminator
	if status.In != model.InPayload || status.Name != "event_type" || routes(status)["CourierLocationUpdate"] != "COURIER_LOCATION_UPDATE" {
		t.Errorf("grubhub status discriminator = %+v", status)
	}
	if refund.In != model.InPayload || routes(refund)["DeliveryRefundUpdate"] != "DELIVERY_REFUND_UPDATE" {
		t.Errorf("grubhub refund discriminator = %+v", refund)
	}
}

func TestDiscriminatorExplicitAndHeader(t *testing.T) {
	const doc = `asyncapi: 2.6.0
info: {title: T, version: '1'}
channels:
  /byheader:
    publish:
      message:
        oneOf:
          - {name: A, headers: {type: object, properties: {X-Event: {type: string, const: a}}}, payload: {type: object}}
          - {name: B, headers: {type: object, properties: {X-Event: {type: string, const: b}}}, payload: {type: object}}
  /explicit:
    x-hookgen-discriminator: {header: budbee-event}
    publish:
      message:
        oneOf:
          - {name: C, payload: {type: object}}
          - {name: D, x-hookgen-discriminator-value: dee, payload: {type: object}}
`
	api, err := parser.Parse("doc.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	h := api.Channels[0].Discriminator
	if h.In != model.InHeader || h.Name != "X-Event" || routes(h)["B"] != "b" {
		t.Errorf("header discriminator = %+v", h)
	}
	e := api.Channels[1].Discriminator
	if !e.Explicit || e.In != model.InHeader || e.Name != "Budbee-Event" || routes(e)["C"] != "C" || routes(e)["D"] != "dee" {
		t.Errorf("explicit discriminator = %+v", e)
	}
}

// TestDiscriminatorConfirm: a second place that names every message, given
// beside the header or inferred, becomes the route's Confirm.
func TestDiscriminatorConfirm(t *testing.T) {
	const doc = `asyncapi: 2.6.0
info: {title: T, version: '1'}
channels:
  /both:
    x-hookgen-discriminator: {header: X-Event, property: type}
    publish:
      message:
        oneOf:
          - {name: A, payload: {type: object, properties: {type: {type: string}}}}
          - {name: B, payload: {type: object, properties: {type: {type: string, const: bee}}}}
  /inferred:
    publish:
      message:
        oneOf:
          - {name: C, headers: {type: object, properties: {X-Event: {type: string, const: c}}}, payload: {type: object, properties: {kind: {type: string, const: C}}}}
          - {name: D, headers: {type: object, properties: {X-Event: {type: string, const: d}}}, payload: {type: object, properties: {kind: {type: string, const: D}}}}
  /alone:
    publish:
      message:
        oneOf:
          - {name: E, payload: {type: object, properties: {kind: {type: string, const: E}}}}
          - {name: F, payload: {type: object, properties: {kind: {type: string, const: F}}}}
`
	api, err := parser.Parse("doc.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	both := api.Channels[0].Discriminator
	if cf := both.Confirm; both.In != model.InHeader || cf == nil || cf.In != model.InPayload || cf.Name != "type" || routes(cf)["A"] != "A" || routes(cf)["B"] != "bee" {
		t.Errorf("both: %+v, confirm %+v", both, both.Confirm)
	}
	inf := api.Channels[1].Discriminator
	if cf := inf.Confirm; inf.In != model.InPayload || inf.Name != "kind" || cf == nil || cf.In != model.InHeader || routes(cf)["D"] != "d" {
		t.Errorf("inferred: %+v, confirm %+v", inf, inf.Confirm)
	}
	if cf := api.Channels[2].Discriminator.Confirm; cf != nil {
		t.Errorf("a channel named in one place has a confirm: %+v", cf)
	}
}

// TestDiscriminatorPointers: a value inside the payload routes, inferred
// or named with a JSON pointer, and so does a second one inside an
// envelope that several messages share.
func TestDiscriminatorPointers(t *testing.T) {
	const doc = `asyncapi: 2.6.0
info: {title: T, version: '1'}
components:
  schemas:
    Envelope:
      type: object
      properties:
        type: {type: string, const: event_callback}
        event: {type: object}
channels:
  /nested:
    publish:
      message:
        oneOf:
          - {name: delivered, payload: {type: object, properties: {event-data: {type: object, properties: {event: {type: string, const: delivered}}}}}}
          - {name: failed, payload: {type: object, properties: {event-data: {type: object, properties: {event: {type: string, enum: [failed]}}}}}}
  /envelope:
    publish:
      message:
        oneOf:
          - {name: url_verification, payload: {type: object, properties: {type: {type: string, const: url_verification}}}}
          - name: app_mention
            payload:
              allOf:
                - $ref: '#/components/schemas/Envelope'
                - properties: {event: {type: object, properties: {type: {type: string, const: app_mention}}}}
          - name: message
            payload:
              allOf:
                - $ref: '#/components/schemas/Envelope'
                - properties: {event: {type: object, properties: {type: {type: string, const: message}}}}
  /explicit:
    x-hookgen-discriminator: {property: /data/kind}
    publish:
      message:
        oneOf:
          - {name: A, payload: {type: object, properties: {data: {type: object, properties: {kind: {type: string}}}}}}
          - {name: B, x-hookgen-discriminator-value: bee, payload: {type: object, properties: {data: {type: object, properties: {kind: {type: string}}}}}}
  /slash:
    x-hookgen-discriminator: {property: /type}
    publish:
      message:
        oneOf:
          - {name: C, payload: {type: object, properties: {type: {type: string}}}}
          - {name: D, payload: {type: object, properties: {type: {type: string}}}}
  /one:
    publish:
      message: {name: E, payload: {type: object, properties: {data: {type: object, properties: {kind: {type: string, const: e}}}}}}
`
	api, err := parser.Parse("doc.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	nested := api.Channels[0].Discriminator
	if nested.In != model.InPayload || nested.Name != "/event-data/event" || routes(nested)["delivered"] != "delivered" || routes(nested)["failed"] != "failed" {
		t.Errorf("nested: %+v", nested)
	}
	env := api.Channels[1].Discriminator
	if env.In != model.InPayload || env.Name != "type" || len(env.Routes) != 3 || env.Routes[0].Inner != nil || env.Routes[0].Value != "url_verification" {
		t.Fatalf("envelope: %+v", env)
	}
	for i, want := range []string{"app_mention", "message"} {
		r := env.Routes[i+1]
		if r.Value != "event_callback" || r.Inner == nil || r.Inner.Name != "/event/type" || r.Inner.Value != want || r.Message.Name != want {
			t.Errorf("envelope route %d: %+v, inner %+v", i+1, r, r.Inner)
		}
	}
	ex := api.Channels[2].Discriminator
	if !ex.Explicit || ex.Name != "/data/kind" || routes(ex)["A"] != "A" || routes(ex)["B"] != "bee" {
		t.Errorf("explicit: %+v", ex)
	}
	if sl := api.Channels[3].Discriminator; sl.Name != "type" || routes(sl)["D"] != "D" {
		t.Errorf("/type is the top-level type: %+v", sl)
	}
	if one := api.Channels[4].Discriminator; one.In != model.InChannel {
		t.Errorf("a channel of one message is routed by %s %s", one.In, one.Name)
	}
}

// TestRequiredFromSiblingAllOf: a required name that another allOf part
// defines is a required field of the merged object, whichever part lists it.
func TestRequiredFromSiblingAllOf(t *testing.T) {
	api, err := parser.Parse("allof-required.yaml", []byte(`
asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  /events:
    publish:
      message:
        name: Heartbeat
        payload:
          $ref: '#/components/schemas/Heartbeat'
components:
  schemas:
    Heartbeat:
      allOf:
        - type: object
          properties:
            type: {type: string}
            eventId: {type: integer}
            note: {type: string}
        - required: [eventId]
        - $ref: '#/components/schemas/Envelope'
    Envelope:
      type: object
      required: [type, sequence]
      properties:
        sequence: {type: integer}
`))
	if err != nil {
		t.Fatal(err)
	}
	hb := typeNamed(t, api, "Heartbeat")
	for name, want := range map[string]bool{"type": true, "eventId": true, "sequence": true, "note": false} {
		if got := field(t, hb, name).Required; got != want {
			t.Errorf("Heartbeat.%s required = %v, want %v", name, got, want)
		}
	}
}

// TestConstOverBaseType: an allOf part that only fixes a property's value
// keeps the type the base declares, and stays untyped when the value is
// not one of the base's.
func TestConstOverBaseType(t *testing.T) {
	api, err := parser.Parse("allof-const.yaml", []byte(`
asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  /events:
    publish:
      message:
        name: Opened
        payload:
          allOf:
            - $ref: '#/components/schemas/Event'
            - properties:
                kind: {const: opened}
                count: {const: 3}
                ratio: {const: 0.5}
                flag: {const: true}
                odd: {const: 7}
components:
  schemas:
    Event:
      type: object
      properties:
        kind: {type: string}
        count: {type: integer}
        ratio: {type: integer}
        flag: {type: boolean}
        odd: {type: string}
`))
	if err != nil {
		t.Fatal(err)
	}
	opened := api.Channels[0].Messages[0].Payload
	for name, want := range map[string]model.Kind{
		"kind": model.String, "count": model.Integer, "flag": model.Bool,
		"ratio": model.Any, // 0.5 is no integer
		"odd":   model.Any, // 7 is no string
	} {
		f := field(t, opened, name)
		if f.Type.Kind != want || !f.HasConst {
			t.Errorf("%s: kind %v, const %v; want %v with its const", name, f.Type.Kind, f.HasConst, want)
		}
	}
}

// TestNullableUses checks that every way of writing "this schema or null"
// is read as a use of the schema that admits null, with no type of its
// own, and that $ref beside nullable: false or beside nothing is the
// schema itself.
func TestNullableUses(t *testing.T) {
	const spec = `
asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  /a:
    publish:
      message:
        name: A
        payload:
          type: object
          properties:
            one: {oneOf: [{$ref: '#/components/schemas/X'}, {type: 'null'}]}
            any: {anyOf: [{type: 'null'}, {$ref: '#/components/schemas/X'}]}
            ref: {$ref: '#/components/schemas/X', nullable: true, description: Kept.}
            all: {allOf: [{$ref: '#/components/schemas/E'}], nullable: true}
            comp: {$ref: '#/components/schemas/MaybeX'}
            plain: {$ref: '#/components/schemas/X'}
            notnull: {$ref: '#/components/schemas/X', nullable: false}
            two: {oneOf: [{$ref: '#/components/schemas/X'}, {type: string}, {type: 'null'}]}
            parts: {type: [string, 'null'], allOf: [{$ref: '#/components/schemas/E'}, {description: An E.}]}
        examples:
          - payload: {one: null, any: null, ref: null, all: null, comp: null}
components:
  schemas:
    X: {type: object, properties: {id: {type: string}}}
    E: {type: string, enum: [a, b]}
    MaybeX: {oneOf: [{$ref: '#/components/schemas/X'}, {type: 'null'}]}
`
	api, errs, err := parser.LintData("spec.yaml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Fatalf("findings: %v", errs)
	}
	x, e, a := typeNamed(t, api, "X"), typeNamed(t, api, "E"), typeNamed(t, api, "A")
	for name, want := range map[string]*model.Type{"one": x, "any": x, "ref": x, "all": e, "comp": x, "parts": e} {
		f := field(t, a, name)
		if got := f.Type.NullableOf(); got != want || !f.Type.Nullable || f.Type.Named {
			t.Errorf("%s: NullableOf() = %v, Nullable %v, Named %v; want %s, true, false", name, got, f.Type.Nullable, f.Type.Named, want.Name)
		}
	}
	if d := field(t, a, "ref").Description; d != "Kept." {
		t.Errorf("ref: description %q, want Kept.", d)
	}
	for _, name := range []string{"plain", "notnull"} {
		if f := field(t, a, name); f.Type != x {
			t.Errorf("%s: type %v, want X itself", name, f.Type)
		}
	}
	if two := field(t, a, "two").Type; two.NullableOf() != nil || !two.Named {
		t.Errorf("two: a union of two schemas and null must stay a declared union, got %+v", two)
	}
	for _, typ := range api.Types {
		if typ.NullableOf() != nil {
			t.Errorf("type %s is declared, but is only a schema or null", typ.Name)
		}
	}
}

// TestKeySignature reads x-hookgen-signature into the model, the header
// defaulting to an httpApiKey scheme's name.
func TestKeySignature(t *testing.T) {
	api := mustParse(t, "../generator/testdata/keysigs/spec.yaml")
	want := map[string]model.KeySignature{
		"ed25519": {Algorithm: "ed25519", Header: "X-Signature-Ed25519", TimestampHeader: "X-Signature-Timestamp", Content: "{timestamp}{body}", Tolerance: "5m"},
		"ecdsa":   {Algorithm: "ecdsa-p256-sha256", Encoding: "base64", Header: "X-Signature-ECDSA", TimestampHeader: "X-Timestamp", Content: "{timestamp}{body}"},
		"pkcs1":   {Algorithm: "rsa-pkcs1v15-sha256", Encoding: "base64", Header: "X-Signature-RSA"},
		"pss":     {Algorithm: "rsa-pss-sha256", Encoding: "base64url", Header: "X-Signature-PSS", TimestampHeader: "X-Timestamp", Content: "{timestamp}.{body}", Tolerance: "300s"},
	}
	if len(api.SecuritySchemes) != len(want) {
		t.Fatalf("%d schemes", len(api.SecuritySchemes))
	}
	for _, s := range api.SecuritySchemes {
		if s.KeySignature == nil || !reflect.DeepEqual(*s.KeySignature, want[s.Key]) || s.Signature != nil {
			t.Errorf("scheme %s: %+v, want %+v", s.Key, s.KeySignature, want[s.Key])
		}
	}
}

// TestSNSSignature reads x-hookgen-signature format aws-sns and the
// handshake that confirms with its scheme.
func TestSNSSignature(t *testing.T) {
	api := mustParse(t, "../generator/testdata/awssns/spec.yaml")
	s := api.SecuritySchemes[0]
	want := model.KeySignature{Format: model.KeySignatureAWSSNS, CertHosts: []string{"sns.*.example.com"}, Tolerance: "15m"}
	if s.KeySignature == nil || !reflect.DeepEqual(*s.KeySignature, want) || !s.KeySignature.PlainJSON() {
		t.Errorf("scheme %s: %+v, want %+v", s.Key, s.KeySignature, want)
	}
	for _, m := range api.Messages {
		h := m.Handshake
		switch m.Key {
		case "SubscriptionConfirmation":
			if h == nil || h.Confirm != "/SubscribeURL" || h.ConfirmScheme != s || h.Answer != nil || h.ContentType != "" {
				t.Errorf("%s: handshake %+v", m.Key, h)
			}
		default:
			if h != nil {
				t.Errorf("%s: handshake %+v", m.Key, h)
			}
		}
	}
}

// TestBodyLimit reads x-hookgen-body-limit in bytes or with a unit, and
// refuses, located, what is no size or too large.
func TestBodyLimit(t *testing.T) {
	for _, c := range []struct {
		value string
		want  int64
		err   string
	}{
		{"25MB", 25_000_000, ""},
		{"25 MiB", 25 << 20, ""},
		{"512KiB", 512 << 10, ""},
		{"26214400", 26214400, ""},
		{"'1GiB'", 1 << 30, ""},
		{"2GiB", 0, "limit.yaml:2:23: x-hookgen-body-limit \"2GiB\" is above 1GiB"},
		{"25 megabytes", 0, "limit.yaml:2:23: x-hookgen-body-limit \"25 megabytes\" is not a size"},
		{"0", 0, "is not a size"},
		{"-5MB", 0, "is not a size"},
		{"{a: 1}", 0, "x-hookgen-body-limit must be a string"},
	} {
		spec := "asyncapi: 2.6.0\nx-hookgen-body-limit: " + c.value + `
info: {title: t, version: '1'}
channels:
  /events:
    publish:
      message:
        name: Ping
        payload: {type: object}
`
		api, err := parser.Parse("limit.yaml", []byte(spec))
		got := int64(-1)
		if api != nil {
			got = api.BodyLimit
		}
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s: %v, limit %d; want %d", c.value, err, got, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: %v; want an error with %q", c.value, err, c.err)
		}
	}
}
