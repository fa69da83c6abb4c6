package parser

import (
	"strings"
	"testing"
)

const formSpec = `asyncapi: 2.6.0
info: {title: Forms, version: '1'}
defaultContentType: application/x-www-form-urlencoded
channels:
  /hook:
    publish:
      message:
        name: Status
        payload:
          type: object
          properties:
            Sid: {type: string}
            Price: {type: number}
            Media: {type: array, items: {type: string}}
            payload:
              type: object
              contentMediaType: application/json
              properties:
                type: {type: string}
            %s
        examples:
          - name: one
            payload: %s
`

func TestFormMessages(t *testing.T) {
	tests := []struct {
		extra, example, err string
	}{
		{example: `{Sid: S1, Price: 1.5, Media: [a, b], payload: {type: x}}`},
		{extra: "Nested: {type: object, properties: {a: {type: string}}}", example: `{Sid: S1}`,
			err: "its field Nested is an object: a form field holds text; give it contentMediaType: application/json"},
		{extra: "Deep: {type: array, items: {type: object, properties: {a: {type: string}}}}", example: `{Sid: S1}`,
			err: "its field Deep is an array"},
		{extra: "Loose: {}", example: `{Loose: {a: 1}}`, err: `example "one" of Status: a form cannot carry its Loose`},
	}
	for _, tc := range tests {
		spec := strings.Replace(formSpec, "%s", tc.extra, 1)
		spec = strings.Replace(spec, "%s", tc.example, 1)
		api, err := Parse("forms.yaml", []byte(spec))
		if tc.err == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.extra, err)
				continue
			}
			f := api.Messages[0].Payload.Fields[3]
			if f.Name != "payload" || f.Type.ContentMediaType != "application/json" {
				t.Errorf("payload field: %+v", f)
			}
			if ct := api.Messages[0].ContentType; ct != "application/x-www-form-urlencoded" {
				t.Errorf("content type %q", ct)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want %q", tc.extra, err, tc.err)
		}
	}
}
