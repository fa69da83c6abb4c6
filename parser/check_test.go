package parser_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hookgen/hookgen/parser"
)

// TestCheckPayload: a reply's body is checked against its message's
// schema: JSON against a JSON reply's, and a text reply's text as the
// string it is.
func TestCheckPayload(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(spec, []byte(`asyncapi: 2.6.0
info: {title: T, version: '1'}
channels:
  /a:
    publish:
      message:
        name: Ask
        payload: {type: object}
        x-hookgen-reply:
          name: Answer
          payload:
            type: object
            required: [ok]
            properties: {ok: {type: boolean}, n: {type: integer, minimum: 1}}
  /b:
    publish:
      message:
        name: Echo
        payload: {type: object}
        x-hookgen-reply:
          name: EchoText
          contentType: text/plain
          payload: {type: string}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	api, schemas, err := parser.ParseFileSchemas(spec)
	if err != nil {
		t.Fatal(err)
	}
	answer := message(t, api, "Ask").Reply.Messages[0]
	text := message(t, api, "Echo").Reply.Messages[0]
	for _, tc := range []struct {
		name string
		got  []string
		want []string
	}{
		{"valid", schemas.CheckPayload(answer, []byte(`{"ok":true,"n":2}`)), nil},
		{"missing and too small", schemas.CheckPayload(answer, []byte(`{"n":0}`)), []string{"payload /n: minimum: got 0, want 1", "payload: missing property 'ok'"}},
		{"wrong type", schemas.CheckPayload(answer, []byte(`{"ok":"yes"}`)), []string{"payload /ok: got string, want boolean"}},
		{"not JSON", schemas.CheckPayload(answer, []byte(`ok`)), []string{"payload: not a JSON value"}},
		{"text", schemas.CheckPayload(text, []byte(`12 monkeys`)), nil},
		{"text that reads as JSON", schemas.CheckPayload(text, []byte(`12`)), nil},
		{"the request's own schema", schemas.CheckPayload(message(t, api, "Ask"), []byte(`[]`)), []string{"payload: got array, want object"}},
	} {
		slices.Sort(tc.got)
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
