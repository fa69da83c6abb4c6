package hookimpl

import "testing"

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
