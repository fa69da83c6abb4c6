package hookimpl

import (
	"encoding/json"
	"testing"
)

// TestSetProperty: a test kit sets a top-level property, or one inside the
// body at a JSON pointer, making the objects on the way.
func TestSetProperty(t *testing.T) {
	for _, tc := range []struct{ body, name, want string }{
		{`{"type":"x","a":1}`, "type", `{"a":1,"type":"ping"}`},
		{``, "type", `{"type":"ping"}`},
		{`{"type":"event_callback","event":{"text":"hi"}}`, "/event/type", `{"event":{"text":"hi","type":"ping"},"type":"event_callback"}`},
		{`{"event-data":null}`, "/event-data/event", `{"event-data":{"event":"ping"}}`},
		{`{}`, "/a~1b/c~0d", `{"a/b":{"c~d":"ping"}}`},
		{`{}`, "a.b", `{"a.b":"ping"}`},
	} {
		got, err := SetProperty([]byte(tc.body), tc.name, "ping")
		if err != nil || string(got) != tc.want {
			t.Errorf("SetProperty(%s, %s) = %s, %v; want %s", tc.body, tc.name, got, err, tc.want)
		}
	}
	if _, err := SetProperty([]byte(`{"event":"text"}`), "/event/type", "ping"); err == nil {
		t.Error("set inside a string")
	}
}

// SameJSON is deep equality of decoded JSON, but for date-times written
// two ways for one instant.
func TestSameJSON(t *testing.T) {
	decode := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		want, got string
		same      bool
	}{
		{`{"a":[1,"x",true,null]}`, `{"a":[1,"x",true,null]}`, true},
		{`{"at":"2021-05-27T16:39:28.153000+00:00"}`, `{"at":"2021-05-27T16:39:28.153Z"}`, true},
		{`{"at":"2021-05-27T18:39:28+02:00"}`, `{"at":"2021-05-27T16:39:28Z"}`, true},
		{`{"at":"2021-05-27T16:39:28Z"}`, `{"at":"2021-05-27T16:39:29Z"}`, false},
		{`{"at":"2021-05-27T16:39:28Z"}`, `{"at":"not a time"}`, false},
		{`{"a":"x"}`, `{"a":"y"}`, false},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`{"a":1}`, `{"b":1}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`[1]`, `{"0":1}`, false},
		{`"1"`, `1`, false},
	} {
		if got := SameJSON(decode(c.want), decode(c.got)); got != c.same {
			t.Errorf("SameJSON(%s, %s) = %v, want %v", c.want, c.got, got, c.same)
		}
	}
}
