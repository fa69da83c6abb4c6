package nullunion_test

import (
	"encoding/json"
	"testing"

	nullunion "github.com/hookgen/hookgen/generator/testdata/nullunion/golden"
	"github.com/hookgen/hookgen/webhook"
)

// decodeBoth decodes the named example with the generated codec and with
// encoding/json.
func decodeBoth(t *testing.T, name string) map[string]*nullunion.Sighting {
	t.Helper()
	for _, ex := range nullunion.Examples() {
		if ex.Name != name {
			continue
		}
		var gen, std nullunion.Sighting
		if err := nullunion.Unmarshal(ex.Payload, &gen); err != nil {
			t.Fatalf("Unmarshal %s: %v", name, err)
		}
		if err := json.Unmarshal(ex.Payload, &std); err != nil {
			t.Fatalf("json.Unmarshal %s: %v", name, err)
		}
		return map[string]*nullunion.Sighting{"generated": &gen, "encoding/json": &std}
	}
	t.Fatalf("no example %s", name)
	return nil
}

// TestChainedGetters reads nested values through fields that may be null
// in one expression each, as through optional fields.
func TestChainedGetters(t *testing.T) {
	for codec, e := range decodeBoth(t, "ada") {
		if got := e.GetWitness().GetMentor().GetName(); got != "Ada" {
			t.Errorf("%s: GetWitness().GetMentor().GetName() = %q, want Ada", codec, got)
		}
		if got := e.GetReporter().GetMentor().GetName(); got != "Grace" {
			t.Errorf("%s: GetReporter().GetMentor().GetName() = %q, want Grace", codec, got)
		}
		if e.GetReporter().GetMentor().GetMentor() != nil || !e.GetReporter().GetMentor().Mentor.IsNull() {
			t.Errorf("%s: Grace's mentor is %+v, want null", codec, e.GetReporter().GetMentor().Mentor)
		}
		if got := e.GetVehicle().GetPlate(); got != "X1" {
			t.Errorf("%s: GetVehicle().GetPlate() = %q, want X1", codec, got)
		}
		if got := e.GetPlace().GetID(); got != "p1" {
			t.Errorf("%s: GetPlace().GetID() = %q, want p1", codec, got)
		}
		if e.GetNote() != "seen at noon" || e.GetMood() != nullunion.MoodCalm {
			t.Errorf("%s: note %q, mood %q", codec, e.GetNote(), e.GetMood())
		}
		// The getter points into the event: a change through it stays.
		e.GetWitness().GetMentor().Name = nil
		if e.Witness.Value.Mentor.Value.Name != nil {
			t.Errorf("%s: GetWitness() returned a copy", codec)
		}
	}
}

// TestNullAndAbsent checks that the getters say nil or zero for a field
// that is null and for one that is absent, and that the fields tell the two
// apart.
func TestNullAndAbsent(t *testing.T) {
	for _, name := range []string{"nobody", "absent"} {
		null := name == "nobody"
		for codec, e := range decodeBoth(t, name) {
			if e.GetWitness().GetMentor().GetName() != "" || e.GetReporter() != nil || e.GetVehicle() != nil ||
				e.GetNote() != "" || e.GetMood() != "" {
				t.Errorf("%s/%s: a getter returned a value: %+v", name, codec, e)
			}
			for field, n := range map[string]interface{ IsNull() bool }{
				"witness": e.Witness, "reporter": e.Reporter, "vehicle": e.Vehicle, "note": e.Note, "mood": e.Mood,
			} {
				if n.IsNull() != null {
					t.Errorf("%s/%s: %s.IsNull() = %v, want %v", name, codec, field, n.IsNull(), null)
				}
			}
			if null && (e.Person != nil || e.Place != nil) {
				t.Errorf("%s/%s: person %v, place %v, want nil", name, codec, e.Person, e.Place)
			}
		}
	}
}

// TestEncodeNullAndAbsent encodes a null field as null and leaves an
// absent one out, with the generated codec and with encoding/json.
func TestEncodeNullAndAbsent(t *testing.T) {
	ada := "Ada"
	e := &nullunion.Sighting{
		Person:  &nullunion.Person{Name: &ada, Mentor: webhook.Null[*nullunion.Person]()},
		Witness: webhook.Null[nullunion.Person](),
		Note:    webhook.NewNullable("x"),
	}
	const want = `{"person":{"name":"Ada","mentor":null},"place":null,"witness":null,"note":"x"}`
	gen, err := nullunion.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	std, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if string(gen) != want || string(std) != want {
		t.Errorf("Marshal = %s\njson.Marshal = %s\nwant %s", gen, std, want)
	}
}
