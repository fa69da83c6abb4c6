package parser

import (
	"strings"

	"github.com/hookgen/hookgen/model"
)

const extBodyKey = "x-hookgen-body-key"

// bodyKey reads a scheme's x-hookgen-body-key: the JSON pointer at which
// deliveries carry the scheme's secret in their body.
func (p *parser) bodyKey(s *model.SecurityScheme, a at) string {
	ext, ok := a.get(extBodyKey)
	if !ok {
		return ""
	}
	ptr := p.scalar(ext, extBodyKey)
	switch {
	case s.Type != "httpApiKey" && s.Type != "apiKey":
		p.errorf(ext.pos(), "%s belongs on an httpApiKey scheme, not %s", extBodyKey, s.Type)
	case s.Signature != nil:
		p.errorf(ext.pos(), "%s: a scheme is either signed (%s) or a key in the body, not both", extBodyKey, extHMAC)
	case !strings.HasPrefix(ptr, "/") || strings.HasSuffix(ptr, "/"):
		p.errorf(ext.pos(), "%s %q must be a JSON pointer to a value, such as /value/*/clientState", extBodyKey, ptr)
	default:
		return ptr
	}
	return ""
}
