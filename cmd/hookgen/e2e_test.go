package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// consumerFiles is a throwaway module that uses hookgen the way the README
// says: hookgen as a tool dependency, go:generate lines beside the specs,
// and code of its own that imports the generated package.
var consumerFiles = map[string]string{
	"gen.go": `package main

//go:generate go tool hookgen generate -spec doordash.yaml -package doordash -out doordash
//go:generate go tool hookgen generate -spec grubhub.yaml -package grubhub -out grubhub
`,
	"main.go": `package main

import (
	"encoding/json"
	"fmt"
	"os"

	"example.com/consumer/doordash"
)

func main() {
	examples := doordash.Examples()
	if len(examples) == 0 {
		fmt.Println("no examples")
		os.Exit(1)
	}
	var p doordash.DeliveryWebhookPayload
	if err := json.Unmarshal(examples[0].Payload, &p); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	id := "<nil>"
	if p.ExternalDeliveryID != nil {
		id = *p.ExternalDeliveryID
	}
	fmt.Printf("examples=%d first=%s/%s id=%s\n", len(examples), examples[0].Channel, examples[0].Message, id)
}
`,
}

// TestConsumerModule runs go generate in a module of its own that has
// hookgen as a tool dependency pointed at this checkout, then builds, vets
// and runs it.
func TestConsumerModule(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a consumer module with the go command")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if gomod := mustRead(t, filepath.Join(root, "go.mod")); !bytes.HasPrefix(gomod, []byte("module github.com/hookgen/hookgen\n")) {
		t.Fatalf("%s is not hookgen's checkout", root)
	}

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), `module example.com/consumer

go 1.26

require github.com/hookgen/hookgen v0.0.0-00010101000000-000000000000

replace github.com/hookgen/hookgen => `+root+`

tool github.com/hookgen/hookgen/cmd/hookgen
`)
	// hookgen's own sums cover everything the consumer needs: nothing is
	// downloaded.
	copyFile(t, filepath.Join(root, "go.sum"), filepath.Join(dir, "go.sum"))
	for _, spec := range []string{"doordash.yaml", "grubhub.yaml"} {
		copyFile(t, filepath.Join(root, "specs", spec), filepath.Join(dir, spec))
	}
	for name, content := range consumerFiles {
		writeFile(t, filepath.Join(dir, name), content)
	}

	// goRun runs the go command in the consumer module, with the caller's
	// environment (GOCACHE, GOMODCACHE, GOPROXY, ...) but its own GOFLAGS.
	goRun := func(goflags string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), goCmd, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS="+goflags, "GOWORK=off")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		t.Logf("go %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
		if err != nil {
			t.Fatalf("GOFLAGS=%q go %s: %v\n%s", goflags, strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	// The consumer's go.mod names only hookgen. Record the modules the tool
	// needs, from the module graph: what the README's `go get -tool` does,
	// without asking the proxy about a hookgen that exists only on this disk.
	goRun("-mod=mod", "list", "github.com/hookgen/hookgen/cmd/hookgen")

	out := goRun("", "generate", "./...")
	for _, want := range []string{"hookgen: doordash.yaml -> doordash\n", "hookgen: grubhub.yaml -> grubhub\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("go generate does not report %q:\n%s", want, out)
		}
	}
	for _, pkg := range []string{"doordash", "grubhub"} {
		types := mustRead(t, filepath.Join(dir, pkg, "types.gen.go"))
		if !bytes.HasPrefix(types, []byte(genHeader+"\npackage "+pkg+"\n")) {
			t.Errorf("%s/types.gen.go starts with:\n%.200s", pkg, types)
		}
		for _, name := range wantFiles {
			if _, err := os.Stat(filepath.Join(dir, pkg, name)); err != nil {
				t.Error(err)
			}
		}
	}

	// The generated packages import hookgen's runtime, whose dependencies
	// the consumer must record too: what `go mod tidy` does after the first
	// go generate, limited to the consumer's own packages and tests, so that
	// nothing is looked up on the network.
	goRun("-mod=mod", "list", "-deps", "-test", "./...")

	goRun("", "build", "./...")
	goRun("", "vet", "./...")
	goRun("", "build", "-o", "consumer", ".")

	bin := exec.CommandContext(t.Context(), filepath.Join(dir, "consumer"))
	got, err := bin.CombinedOutput()
	if err != nil {
		t.Fatalf("the consumer failed: %v\n%s", err, got)
	}
	if !regexp.MustCompile(`^examples=[1-9]\d* first=/webhook/\w+ id=\S+\n$`).Match(got) || bytes.Contains(got, []byte("id=<nil>")) {
		t.Errorf("the consumer printed %q", got)
	}

	// The consumer's go mod tidy needs no checksum hookgen's go.sum lacks:
	// the README's recipe works offline once hookgen's modules are cached.
	goRun("-mod=mod", "mod", "tidy")
	ours := map[string]bool{}
	for _, l := range strings.Split(string(mustRead(t, filepath.Join(root, "go.sum"))), "\n") {
		ours[l] = true
	}
	for _, l := range strings.Split(string(mustRead(t, filepath.Join(dir, "go.sum"))), "\n") {
		if !ours[l] {
			t.Errorf("the consumer's go mod tidy added %q, which hookgen's go.sum lacks", l)
		}
	}

	// The tool reports hookgen's version, not the consumer's.
	if v := goRun("", "tool", "hookgen", "version"); v != "hookgen v0.0.0-00010101000000-000000000000\n" {
		t.Errorf("go tool hookgen version = %q", v)
	}
}
