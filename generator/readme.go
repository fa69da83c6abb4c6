package generator

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"unicode"

	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/templates"
)

// The README's view of the API: everything already spelled as it is shown,
// so that the template only lays it out.
type readmeData struct {
	Package, Title, Version, Description, Spec, AsyncAPI string

	Messages     []readmeMessage
	Channels     []readmeChannel
	Requirements []string
	Schemes      []readmeScheme
}

type readmeMessage struct {
	Key, Anchor, Name, Title, Summary, Description string
	// Route says what selects the message, e.g. payload event_type = "X".
	Route                                        string
	Channel, ContentType, CorrelationID, Payload string
	Examples                                     []string
	Fields                                       []readmeField
	// Reply says what the handler answers with; Handshake how the
	// package answers a handshake. "" for neither.
	Reply, Handshake string
}

type readmeField struct {
	Wire, Go, Type, Description string
	Required                    bool
}

type readmeChannel struct {
	Path, Operation, Description, RoutedBy string
	Messages                               []string
}

type readmeScheme struct {
	Key, Type, Details, Description string
}

func (g *gen) readme() ([]byte, error) {
	a := g.api
	d := readmeData{
		Package: g.cfg.Package, Title: a.Title, Version: a.Version,
		Description: a.Description, Spec: path.Base(g.cfg.Spec), AsyncAPI: a.AsyncAPI,
	}
	// Rendering a type is costly and messages often share a payload.
	fieldTypes := map[*model.Field]string{}
	for _, m := range a.Messages {
		rm := readmeMessage{
			Key: m.Key, Anchor: anchor(m.Key), Name: m.Name, Title: m.Title, Route: g.routeOf(m),
			Summary: m.Summary, Description: m.Description, Channel: g.message(m).Channel,
			ContentType: m.ContentType, CorrelationID: m.CorrelationID,
		}
		if rm.Summary == "" {
			rm.Summary, rm.Description = rm.Description, ""
		}
		if r := g.message(m).Reply; r != nil {
			rm.Reply = fmt.Sprintf("`%s`, returned by `%s` and answered as `%s`", g.payloadType(r.Payload).GoString(), g.message(m).Handle, g.message(m).ReplyType)
		}
		if h := m.Handshake; h != nil {
			rm.Handshake = "answered by the package, without a handler, as `" + h.ContentType + "`"
			if h.Confirm != "" {
				rm.Handshake = fmt.Sprintf("confirmed by the package, without a handler: it GETs the URL at `%s` on the certificate hosts of `%s`, then answers 200", h.Confirm, g.scheme(h.ConfirmScheme).Option)
				if h.Answer != nil {
					rm.Handshake += " as `" + h.ContentType + "`"
				}
			}
			if len(h.Query) > 0 {
				rm.Handshake += ", before authentication"
				rm.ContentType = "" // it has no body
			}
			if h.VerifyToken != "" {
				rm.Handshake += fmt.Sprintf("; its `%s` must be a token of `%s`", h.VerifyToken, g.message(m).TokenOption)
			}
		}
		for _, ex := range m.Examples {
			rm.Examples = append(rm.Examples, ex.Name)
		}
		if m.Payload != nil {
			rm.Payload = g.goType(m.Payload).GoString()
			for _, f := range m.Payload.Fields {
				fp := g.field(f)
				typ, ok := fieldTypes[f]
				if !ok {
					typ = g.fieldType(fp).GoString()
					fieldTypes[f] = typ
				}
				rm.Fields = append(rm.Fields, readmeField{
					Wire: f.Name, Go: fp.Name, Type: typ,
					Description: f.Description, Required: f.Required,
				})
			}
		}
		d.Messages = append(d.Messages, rm)
	}
	for _, c := range a.Channels {
		rc := readmeChannel{Path: c.Path, Operation: c.Operation, Description: c.Description, RoutedBy: "the channel"}
		if d := c.Discriminator; d != nil && d.In != model.InChannel {
			rc.RoutedBy = fmt.Sprintf("%s `%s`", d.In, d.Name)
			for _, e := range envelopes(d) {
				rc.RoutedBy += fmt.Sprintf(", then in `%s` by payload `%s`", e.value, e.inner)
			}
		}
		switch {
		case c.BatchElements != "":
			rc.RoutedBy += fmt.Sprintf(", for each event of a batch (each value at `%s`)", c.BatchElements)
		case c.Batch:
			rc.RoutedBy += ", for each event of a batch (a JSON array)"
		}
		for _, m := range c.Messages {
			rc.Messages = append(rc.Messages, m.Key)
		}
		d.Channels = append(d.Channels, rc)
	}
	seen := map[string]bool{}
	for _, req := range a.Security {
		var names []string
		for _, u := range req {
			names = append(names, "`"+u.Scheme.Key+"`")
		}
		r := strings.Join(names, " and ")
		if !seen[r] {
			seen[r] = true
			d.Requirements = append(d.Requirements, r)
		}
	}
	for _, s := range a.SecuritySchemes {
		d.Schemes = append(d.Schemes, readmeScheme{Key: s.Key, Type: s.Type, Details: schemeDetails(s), Description: s.Description})
	}
	var buf bytes.Buffer
	if err := templates.Readme.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("generator: README.md: %w", err)
	}
	return buf.Bytes(), nil
}

// routeOf says what selects a message on its first channel.
func (g *gen) routeOf(m *model.Message) string {
	for _, c := range g.api.Channels {
		d := c.Discriminator
		if d == nil {
			continue
		}
		for _, r := range d.Routes {
			if r.Message == m {
				if d.In == model.InChannel {
					return "the channel " + c.Path
				}
				if r.Inner != nil {
					return fmt.Sprintf("%s `%s` = `%s`, payload `%s` = `%s`", d.In, d.Name, r.Value, r.Inner.Name, r.Inner.Value)
				}
				return fmt.Sprintf("%s `%s` = `%s`", d.In, d.Name, r.Value)
			}
		}
	}
	if h := m.Handshake; h != nil && len(h.Query) > 0 {
		var q []string
		for _, p := range h.Query {
			if p.Value != "" {
				q = append(q, fmt.Sprintf("`%s` = `%s`", p.Name, p.Value))
			} else {
				q = append(q, fmt.Sprintf("`%s`", p.Name))
			}
		}
		return fmt.Sprintf("%s with query %s", h.Method, strings.Join(q, ", "))
	}
	return ""
}

// anchor is the fragment GitHub gives a Markdown heading: lower case, with
// spaces as hyphens and other punctuation dropped.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// schemeDetails says in a few words where a scheme's credentials travel.
func schemeDetails(s *model.SecurityScheme) string {
	if k := s.KeySignature; k.PlainJSON() {
		return "Amazon SNS signature in the body, with the certificate it names"
	} else if k != nil {
		return fmt.Sprintf("%s signature in header %s", k.Algorithm, k.Header)
	}
	var parts []string
	if s.Scheme != "" {
		parts = append(parts, "scheme "+s.Scheme)
	}
	if s.Name != "" {
		parts = append(parts, fmt.Sprintf("%s %s", s.In, s.Name))
	} else if s.In != "" {
		parts = append(parts, "in "+s.In)
	}
	for _, f := range s.Flows {
		p := f.Kind
		if f.TokenURL != "" {
			p += " (token URL " + f.TokenURL + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}
