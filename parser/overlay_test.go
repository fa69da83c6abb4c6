package parser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/parser"
)

const overlaySpec = `asyncapi: 2.6.0
info: {title: Notes, version: '1'}
channels:
  /notes:
    publish:
      message:
        $ref: '#/components/messages/NoteAdded'
components:
  messages:
    NoteAdded:
      payload:
        type: object
        properties:
          text: {type: string}
      examples:
        - name: Wrong
          payload: {text: 3}
`

// writeOverlay writes the spec and the overlays into a folder and returns
// their paths.
func writeOverlay(t *testing.T, overlays ...string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(overlaySpec), 0o644); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i, o := range overlays {
		path := filepath.Join(dir, "fix"+string(rune('1'+i))+".yaml")
		if err := os.WriteFile(path, []byte(o), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return spec, paths
}

func TestOverlay(t *testing.T) {
	spec, ovs := writeOverlay(t, `overlay: 1.0.0
info: {title: Fixes, version: '1'}
actions:
  - target: $.components.messages.NoteAdded.examples[0].payload
    update: {text: three}
  - target: $.components.messages.NoteAdded.payload.properties
    update:
      pinned: {type: boolean, description: Whether the note is pinned.}
`, `overlay: 1.1.0
info: {title: More, version: '1'}
actions:
  - target: $.components.messages.NoteAdded.payload.properties.pinned
    update: {description: Pinned to the top.}
`)
	_, warns, err := parser.Lint(spec)
	if err != nil || len(warns) == 0 {
		t.Fatalf("without overlays the example should break its schema: %v %v", warns, err)
	}
	api, warns, err := parser.Lint(spec, parser.WithOverlays(ovs...))
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Errorf("the overlay fixed the example, yet: %v", warns)
	}
	m := api.Messages[0]
	if got := string(m.Examples[0].Payload); got != `{"text":"three"}` {
		t.Errorf("example = %s", got)
	}
	pinned := field(t, m.Payload, "pinned")
	if pinned.Description != "Pinned to the top." {
		t.Errorf("pinned: %q, want the second overlay's description", pinned.Description)
	}
	if pinned.Pos.File != ovs[0] || pinned.Pos.Line != 8 {
		t.Errorf("pinned is at %s, want the first overlay's line 8, where it was added", pinned.Pos)
	}
}

// TestOverlayErrors: every mistake of an overlay is located in it,
// including one in what it adds to the document.
func TestOverlayErrors(t *testing.T) {
	for _, tc := range []struct{ name, overlay, want string }{
		{"version", "overlay: 2.0.0\ninfo: {title: x, version: '1'}\nactions: [{target: $.info, update: {}}]\n",
			`fix1.yaml:1:10: unsupported Overlay version "2.0.0"`},
		{"no-actions", "overlay: 1.0.0\ninfo: {title: x, version: '1'}\nactions: []\n",
			"fix1.yaml:3:10: an overlay needs a list of actions"},
		{"no-target", "overlay: 1.0.0\ninfo: {title: x, version: '1'}\nactions:\n  - update: {title: y}\n",
			`fix1.yaml:4:5: missing required field "target"`},
		{"selects-nothing", "overlay: 1.0.0\ninfo: {title: x, version: '1'}\nactions:\n  - target: $.components.schemas.Nope\n    update: {type: string}\n",
			"fix1.yaml:4:13: overlay action 1 (target $.components.schemas.Nope)"},
		{"bad-added-schema", "overlay: 1.0.0\ninfo: {title: x, version: '1'}\nactions:\n  - target: $.components.messages.NoteAdded.payload\n    update:\n      required: text\n",
			"fix1.yaml:6:17: required must be a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, ovs := writeOverlay(t, tc.overlay)
			_, _, err := parser.Lint(spec, parser.WithOverlays(ovs...))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}
