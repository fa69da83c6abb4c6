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

// TestNoRedisNoNATS: a receiver that keeps its event ids in memory does not
// link go-redis or nats.go; only webhook/redisdedup and webhook/jetstream
// do, for those who import them.
func TestNoRedisNoNATS(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/hookgen/hookgen/generated/doordash").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for dep := range strings.Lines(string(out)) {
		if dep = strings.TrimSpace(dep); strings.Contains(dep, "redis") || strings.Contains(dep, "nats") || strings.HasSuffix(dep, "/webhook/jetstream") {
			t.Errorf("doordash depends on %s", dep)
		}
	}
}
