package webhook

import (
	"os/exec"
	"strings"
	"testing"
)

// maxSurface bounds `go doc -short` of the package: it holds what users
// write against, and plumbing only generated code calls belongs in
// runtime/hookimpl. Raise it only for a name a user calls or implements.
const maxSurface = 55

func TestSurface(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goTool, "doc", "-short", "github.com/hookgen/hookgen/webhook").CombinedOutput()
	if err != nil {
		t.Fatalf("go doc: %v\n%s", err, out)
	}
	if lines := strings.Count(string(out), "\n"); lines > maxSurface {
		t.Errorf("go doc -short lists %d lines, want at most %d:\n%s", lines, maxSurface, out)
	}
}
