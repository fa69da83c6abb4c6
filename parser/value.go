package parser

import (
	"encoding/json"
	"strconv"

	"gopkg.in/yaml.v3"
)

// value decodes a node into a JSON-like value: map[string]any, []any,
// string, json.Number, bool or nil. Numbers keep their exact text (event ids
// such as 1201895966044343904 do not survive a float64), and YAML
// timestamps stay the strings they were written as.
func value(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 1 {
			return value(n.Content[0])
		}
		return nil
	case yaml.AliasNode:
		return value(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = value(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = value(c)
		}
		return s
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		b, _ := strconv.ParseBool(n.Value)
		return b
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			return json.Number(n.Value)
		}
		// YAML spellings JSON lacks (0x1F, 1_000, .inf): go through float64.
		var f float64
		if err := n.Decode(&f); err == nil {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return n.Value
}

// jsonOf encodes a node as compact JSON, keeping the key order of the spec.
func jsonOf(n *yaml.Node) []byte {
	var b []byte
	var enc func(n *yaml.Node)
	enc = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 1 {
				enc(n.Content[0])
				return
			}
			b = append(b, "null"...)
		case yaml.AliasNode:
			enc(n.Alias)
		case yaml.MappingNode:
			b = append(b, '{')
			for i := 0; i+1 < len(n.Content); i += 2 {
				if i > 0 {
					b = append(b, ',')
				}
				k, _ := json.Marshal(n.Content[i].Value)
				b = append(b, k...)
				b = append(b, ':')
				enc(n.Content[i+1])
			}
			b = append(b, '}')
		case yaml.SequenceNode:
			b = append(b, '[')
			for i, c := range n.Content {
				if i > 0 {
					b = append(b, ',')
				}
				enc(c)
			}
			b = append(b, ']')
		default:
			v, _ := json.Marshal(value(n))
			b = append(b, v...)
		}
	}
	enc(n)
	return b
}
