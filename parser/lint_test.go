package parser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/parser"
)

// lintOutput renders findings as `hookgen lint` prints them.
func lintOutput(t *testing.T, specs ...string) string {
	t.Helper()
	var all parser.ErrorList
	for _, spec := range specs {
		_, warns, err := parser.Lint(spec)
		all = append(all, parser.Errors(err)...)
		all = append(all, warns...)
	}
	var b strings.Builder
	for _, e := range parser.Sorted(all) {
		sev := "error"
		if e.Warning {
			sev = "warning"
		}
		b.WriteString(e.Pos.String() + ": " + sev + ": " + e.Msg + "\n")
	}
	return b.String()
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./parser -run TestLint -update)", err)
	}
	if got != string(want) {
		t.Errorf("findings differ from %s\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestLintFindings has one folder per kind of finding under testdata/lint,
// with the exact located findings in findings.txt.
func TestLintFindings(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/lint/*")
	if len(dirs) < 8 {
		t.Fatalf("want a case per finding kind, found %d", len(dirs))
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			got := lintOutput(t, filepath.Join(dir, "spec.yaml"))
			if got == "" {
				t.Fatal("no findings")
			}
			checkGolden(t, filepath.Join(dir, "findings.txt"), got)
		})
	}
}

// TestLintRealSpecs pins what lint says about the seeds: each Grubhub
// example whose event_type breaks its const, the DoorDash examples whose
// event_type is not their own message, DoorDash's empty tokenUrl.
func TestLintRealSpecs(t *testing.T) {
	got := lintOutput(t, "../specs/doordash.yaml", "../specs/grubhub.yaml")
	for _, want := range []string{
		"doordash.yaml:92:7: warning: security scheme oauth2: the clientCredentials flow has an empty tokenUrl",
		"which routes to DasherConfirmed",
		"grubhub.yaml:135:25: warning: example DriverAssignedDefaultExample of message DriverAssigned: payload /event_type: value must be 'DRIVER_ASSIGNED'",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lint output lacks %q", want)
		}
	}
	if n := strings.Count(got, "which routes to DasherConfirmed"); n != 8 {
		t.Errorf("%d DoorDash examples flagged, want the 8 not listed under DasherConfirmed", n)
	}
	if n := strings.Count(got, "value must be"); n != 5 {
		t.Errorf("%d Grubhub examples flagged, want 5", n)
	}
	checkGolden(t, "testdata/lint-real-specs.txt", got)
}

// TestLintCleanSpecs: the structured copies must pass with no findings of
// their own making.
func TestLintCleanSpecs(t *testing.T) {
	if got := lintOutput(t, "../specs/instacart.yaml", "../specs/instabee.yaml", "../specs/fulflld.yaml", "../specs/clerk.yaml",
		"../specs/discord.yaml", "../specs/sendgrid.yaml"); got != "" {
		t.Errorf("findings on the structured copies:\n%s", got)
	}
}
