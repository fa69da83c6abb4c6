package constructs_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	constructs "github.com/hookgen/hookgen/generator/testdata/constructs/golden"
	"github.com/hookgen/hookgen/runtime/jsonx"
)

// TestAdditionalProperties checks that an object with typed
// additionalProperties beside its properties keeps every other key, with
// the generated codec and with encoding/json alike, and writes each key once.
func TestAdditionalProperties(t *testing.T) {
	data := []byte(`{"unit": "celsius", "kitchen": 21.5, "UNIT2": -3, "cellar": 12}`)
	want := constructs.MapsReadings{
		Unit:                 "celsius",
		AdditionalProperties: map[string]float64{"kitchen": 21.5, "UNIT2": -3, "cellar": 12},
	}
	var gen, std constructs.MapsReadings
	if err := constructs.Unmarshal(data, &gen); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &std); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gen, want) || !reflect.DeepEqual(std, want) {
		t.Fatalf("decoded %+v (generated) and %+v (encoding/json), want %+v", gen, std, want)
	}

	// A key that names a property is the property's, never written twice;
	// the others follow the properties in key order.
	want.AdditionalProperties["Unit"] = 1
	const wantJSON = `{"unit":"celsius","UNIT2":-3,"cellar":12,"kitchen":21.5}`
	for name, marshal := range map[string]func(any) ([]byte, error){
		"generated":     func(v any) ([]byte, error) { return constructs.Marshal(v.(*constructs.MapsReadings)) },
		"encoding/json": json.Marshal,
	} {
		out, err := marshal(&want)
		if err != nil || string(out) != wantJSON {
			t.Errorf("%s: %s (%v), want %s", name, out, err, wantJSON)
		}
	}

	// Inside another type, encoding/json reaches the same code.
	var outer constructs.Maps
	if err := json.Unmarshal([]byte(`{"readings": {"unit": "K", "x": 1}}`), &outer); err != nil {
		t.Fatal(err)
	}
	if got := outer.GetReadings().AdditionalProperties["x"]; got != 1 {
		t.Errorf("nested: reading x = %v, want 1", got)
	}
	// encoding/json knows no required properties, and through
	// UnmarshalJSON it still does not; Unmarshal checks them.
	if err := json.Unmarshal([]byte(`{"readings": {"x": 1}}`), &outer); err != nil {
		t.Errorf("encoding/json, unit absent: %v", err)
	}
	if err := constructs.Unmarshal([]byte(`{"x": 1}`), new(constructs.MapsReadings)); !errors.Is(err, jsonx.ErrMissing) {
		t.Errorf("Unmarshal, unit absent: %v, want ErrMissing", err)
	}
	// A reading that is not a number is an error naming its key.
	err := constructs.Unmarshal([]byte(`{"unit": "K", "x": "warm"}`), &gen)
	if err == nil || err.Error() != "$.x: want a number, got a string" {
		t.Errorf("bad reading: %v", err)
	}
}
