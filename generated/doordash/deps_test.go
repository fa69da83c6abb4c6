package doordash_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoJOSE: a receiver authenticated with Basic does not link go-jose,
// which only the OAuth and JWKS verifiers of webhook/oauth need, nor
// OpenTelemetry, which only webhook/otelhook's users link.
func TestNoJOSE(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/hookgen/hookgen/generated/doordash").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for dep := range strings.Lines(string(out)) {
		if strings.Contains(dep, "go-jose") || strings.HasSuffix(strings.TrimSpace(dep), "/webhook/oauth") ||
			strings.Contains(dep, "opentelemetry") {
			t.Errorf("doordash depends on %s", strings.TrimSpace(dep))
		}
	}
}
