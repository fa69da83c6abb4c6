package parser

import (
	"strconv"
	"strings"
)

// extBodyLimit names, at a document's root, the largest body its
// provider sends, when above the runtime's default (1 MiB): GitHub's
// deliveries reach 25 MB, and a delivery refused 413 is one GitHub does
// not retry.
const extBodyLimit = "x-hookgen-body-limit"

// maxBodyLimit bounds the extension: a receiver reads a body into memory.
const maxBodyLimit = 1 << 30

// byteUnits are the units a limit may be written in.
var byteUnits = []struct {
	name string
	size int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1},
}

// bodyLimit reads the document's x-hookgen-body-limit: a number of bytes,
// or a number and a unit (25MB, 512 KiB); 0 when absent.
func (p *parser) bodyLimit(doc at) int64 {
	v, ok := doc.get(extBodyLimit)
	if !ok {
		return 0
	}
	text := strings.TrimSpace(p.scalar(v, extBodyLimit))
	num, unit := text, int64(1)
	for _, u := range byteUnits {
		if n, found := strings.CutSuffix(text, u.name); found {
			num, unit = strings.TrimSpace(n), u.size
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	switch {
	case text == "":
		return 0 // scalar reported it
	case err != nil || n <= 0:
		p.errorf(v.pos(), "%s %q is not a size: write bytes (26214400) or a whole number and a unit (25MB, 25MiB, 512KiB)", extBodyLimit, text)
	case n > maxBodyLimit/unit:
		p.errorf(v.pos(), "%s %q is above 1GiB: a receiver holds a body in memory", extBodyLimit, text)
	default:
		return n * unit
	}
	return 0
}
