package parser

import (
	"encoding/json"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/hookgen/hookgen/model"
)

// Schemas checks values against the payload schemas of a parsed
// document's messages, with the JSON Schema validation lint uses: hookgen
// send checks the replies a receiver answers with against them.
type Schemas struct {
	payloads map[*model.Message]*openapi3.Schema
}

// ParseFileSchemas is ParseFile that also returns the messages' schemas.
func ParseFileSchemas(path string, opts ...Option) (*model.API, *Schemas, error) {
	p, api, _, err := parseWith(path, nil, false, opts)
	if err != nil {
		return nil, nil, err
	}
	s := &Schemas{payloads: map[*model.Message]*openapi3.Schema{}}
	for m, c := range p.checks {
		if c.payload != nil {
			s.payloads[m] = c.payload
		}
	}
	return api, s, nil
}

// CheckPayload validates the JSON value raw against the payload schema of
// m, a message of the document, and returns each failure as
// "payload /<pointer>: <reason>"; none when m has no payload schema. When
// m's content type is not JSON and its payload is a string, raw is checked
// as the string it is (a text/plain reply).
func (s *Schemas) CheckPayload(m *model.Message, raw []byte) []string {
	sch := s.payloads[m]
	if sch == nil {
		return nil
	}
	if m.Payload != nil && m.Payload.Kind == model.String && !model.IsJSONMediaType(m.ContentType) {
		raw, _ = json.Marshal(string(raw))
	}
	if !json.Valid(raw) {
		return []string{"payload: not a JSON value"}
	}
	var out []string
	for _, f := range validate(sch, raw) {
		out = append(out, f.where("payload")+f.msg)
	}
	return out
}
