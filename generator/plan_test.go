package generator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/model"
)

func object(name string, fields ...*model.Field) *model.Type {
	return &model.Type{Kind: model.Object, Name: name, Named: true, Ref: "#/components/schemas/" + name,
		Fields: fields, Pos: model.Pos{File: "spec.yaml", Line: 1, Col: 1}}
}

func field(name string, t *model.Type, required bool) *model.Field {
	return &model.Field{Name: name, Type: t, Required: required, Pos: model.Pos{File: "spec.yaml", Line: 2, Col: 3}}
}

var (
	str = &model.Type{Kind: model.String}
	num = &model.Type{Kind: model.Integer}
)

// routedAPI is an API of one channel whose messages are routed by the
// payload property event_type, with payload as every message's payload.
func routedAPI(payload *model.Type, types ...*model.Type) *model.API {
	m := &model.Message{Key: "ping", Payload: payload, CorrelationID: "$message.payload#/id"}
	c := &model.Channel{Path: "/hooks", Messages: []*model.Message{m}, Discriminator: &model.Discriminator{
		In: model.InPayload, Name: "event_type", Routes: []model.Route{{Message: m, Value: "PING"}},
	}}
	return &model.API{Channels: []*model.Channel{c}, Messages: []*model.Message{m}, Types: append([]*model.Type{payload}, types...)}
}

func mustPlan(t *testing.T, api *model.API) *plan {
	t.Helper()
	p, err := newPlan(api, "hooks")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func names(fs []*fieldPlan) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return strings.Join(out, " ")
}

func TestPlanNamesNeverCollide(t *testing.T) {
	order := object("order", field("id", str, true), field("ID", str, false), field("get_id", str, false))
	api := routedAPI(order, object("Order"), object("Handler"), object("Ping_Request"))
	p := mustPlan(t, api)
	var types []string
	for _, tp := range p.types {
		types = append(types, tp.Name)
	}
	// Handler is the generated interface; NewPingRequest the message's
	// request builder, so the schema that would take it is renamed too.
	if got, want := strings.Join(types, " "), "Order Order2 Handler2 PingRequest"; got != want {
		t.Errorf("type names %q, want %q", got, want)
	}
	if got, want := p.channels[0].Requests[0], "NewPingRequest"; got != want {
		t.Errorf("request builder %q, want %q", got, want)
	}
	// Fields and getters share a method set: get_id must not take GetID,
	// id's getter, nor GetID2, ID2's.
	fs := p.typeOf[order].Fields
	if got, want := names(fs), "ID ID2 GetID3"; got != want {
		t.Errorf("field names %q, want %q", got, want)
	}
	for _, f := range fs {
		if f.Getter != "Get"+f.Name {
			t.Errorf("getter of %s is %s", f.Name, f.Getter)
		}
	}
}

func TestPlanSlots(t *testing.T) {
	inner := object("Inner")
	big := object("Big",
		field("id", str, true),
		field("a", str, false), field("b", num, false), field("c", &model.Type{Kind: model.Bool}, false),
		field("inner", inner, false),
		field("list", &model.Type{Kind: model.Array, Elem: str}, false))
	lone := object("Lone", field("x", str, false), field("inner", inner, false))
	p := mustPlan(t, routedAPI(big, inner, lone))

	// Optional scalars share one allocation, each in a slot named after
	// its field; objects and lists are allocated alone.
	if got, want := names(p.typeOf[big].Stored), "A B C"; got != want {
		t.Errorf("stored %q, want %q", got, want)
	}
	for _, f := range p.typeOf[big].Fields {
		want := ""
		if f.Shape == pointer && isScalar(f.Model.Type) {
			want = f.Name
		}
		if f.Slot != want {
			t.Errorf("%s: slot %q, want %q", f.Name, f.Slot, want)
		}
	}
	// One optional scalar gains nothing from sharing.
	if s := p.typeOf[lone].Stored; len(s) != 0 {
		t.Errorf("Lone stores %q", names(s))
	}
	if f := p.typeOf[lone].Fields[0]; f.Slot != "" || f.Shape != pointer {
		t.Errorf("Lone.X: slot %q shape %v", f.Slot, f.Shape)
	}
}

func TestPlanRequiredAndOnceBits(t *testing.T) {
	var fields []*model.Field
	for i := range 70 {
		fields = append(fields, field(fmt.Sprintf("r%d", i), str, true))
		if i%10 == 0 {
			fields = append(fields, field(fmt.Sprintf("o%d", i), str, false))
		}
	}
	fields = append(fields, field("event_type", str, true), field("id", num, false))
	wide := object("Wide", fields...)
	p := mustPlan(t, routedAPI(wide))
	tp := p.typeOf[wide]
	if len(tp.Required) != 71 || tp.seenWords() != 2 {
		t.Fatalf("%d required fields in %d words, want 71 in 2", len(tp.Required), tp.seenWords())
	}
	for i, f := range tp.Required {
		if f.RequiredBit != i {
			t.Errorf("%s: required bit %d, want %d", f.Name, f.RequiredBit, i)
		}
	}
	// The routing property and the event id may be given only once; the
	// others as often as encoding/json allows.
	once := map[string]int{}
	for _, f := range tp.Fields {
		if !f.Model.Required && f.RequiredBit != -1 {
			t.Errorf("optional %s has required bit %d", f.Name, f.RequiredBit)
		}
		if f.OnceBit >= 0 {
			once[f.Model.Name] = f.OnceBit
		}
	}
	if fmt.Sprint(once) != "map[event_type:0 id:1]" {
		t.Errorf("once bits %v, want event_type 0 and id 1", once)
	}
	if c := p.channels[0]; c.Shared == nil || c.Shared.Model.Name != "event_type" {
		t.Errorf("channel decodes its shared payload by %v, want event_type", c.Shared)
	}
	if p.messages[0].Delivered {
		t.Error("the channel decodes the payload itself: deliverPing is unused")
	}
}

func TestPlanCheck(t *testing.T) {
	bad := object("Bad", field(`say "hi"`, str, false))
	_, err := newPlan(routedAPI(bad), "hooks")
	if err == nil || !strings.Contains(err.Error(), `spec.yaml:2:3: property name "say \"hi\"" cannot be spelled in a Go struct tag`) {
		t.Errorf("got %v, want the struct tag error at the property", err)
	}

	// The plan hands out distinct names; check is what proves it, so a
	// plan that breaks the rule must fail it, at the spec position.
	a, b := object("A"), object("B")
	p := mustPlan(t, routedAPI(a, b))
	p.typeOf[b].Name = "A"
	err = p.check()
	if err == nil || !strings.Contains(err.Error(), "spec.yaml:1:1: schema #/components/schemas/B: the Go name A is also declared for spec.yaml:1:1") {
		t.Errorf("got %v, want the duplicate declaration of A", err)
	}
	p.typeOf[b].Name = "1B"
	if err := p.check(); err == nil || !strings.Contains(err.Error(), `"1B" is not a Go identifier`) {
		t.Errorf("got %v, want an invalid identifier", err)
	}
}
