package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookgenSendDeliversEveryExample runs `hookgen send` against the
// receiver over a loopback listener: every example of every provider must
// be answered 200.
func TestHookgenSendDeliversEveryExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the hookgen binary")
	}
	bin := filepath.Join(t.TempDir(), "hookgen")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/hookgen").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv, _ := newTestServer(t, testEnv, false)
	for _, c := range []struct {
		provider string
		creds    []string
		examples int
	}{
		// The seed's nine examples are one delivery; the project's overlay
		// makes them the nine events they are listed as.
		{"doordash", []string{"-basic", "dd:dd-secret", "-overlay", "../../specs/overlays/doordash.yaml"}, 9},
		{"grubhub", []string{"-basic", "gh:gh-secret"}, 5},
		{"grubhub", []string{"-mac-key", "gh-key:gh-mac-secret", "-mac-issued", "2026-01-02T09:00:00Z"}, 5},
		{"instacart", []string{"-client-credentials", "ic:" + icSecret, "-token-url", srv.URL + "/instacart/oauth/token"}, 12},
		{"instabee", []string{"-basic", "ib:ib-secret"}, 21},
		{"fulflld", []string{"-basic", "ff:ff-secret"}, 6},
	} {
		t.Run(c.provider+"/"+c.creds[0], func(t *testing.T) {
			args := append([]string{"send", "-spec", "../../specs/" + c.provider + ".yaml", "-url", srv.URL + "/" + c.provider}, c.creds...)
			out, err := exec.Command(bin, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("hookgen send: %v\n%s", err, out)
			}
			if n := strings.Count(string(out), "-> 200 OK"); n != c.examples {
				t.Errorf("%d examples answered 200, want %d:\n%s", n, c.examples, out)
			}
		})
	}
	// Wrong credentials: hookgen send reports the 401s and fails.
	out, err := exec.Command(bin, "send", "-spec", "../../specs/doordash.yaml", "-url", srv.URL+"/doordash",
		"-basic", "dd:wrong", "-message", "DasherConfirmed").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "-> 401 Unauthorized") {
		t.Errorf("wrong credentials: err %v\n%s", err, out)
	}
}
