// Package config reads hookgen.yaml, the file that lists which spec becomes
// which Go package, and where.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// Config is a hookgen.yaml file.
type Config struct {
	Packages []Package `yaml:"packages"`
}

// Package is one spec to generate. Paths are relative to the config file
// when read, and resolved against it by Load.
type Package struct {
	// Spec is the AsyncAPI document.
	Spec string `yaml:"spec"`
	// Package is the Go package name.
	Package string `yaml:"package"`
	// Out is the directory the package is written to.
	Out string `yaml:"out"`
	// Side, when set, is the side of the exchange the spec describes,
	// "provider" or "receiver"; it overrides the spec's x-hookgen-side
	// (docs/asyncapi.md).
	Side string `yaml:"side,omitempty"`
	// Overlays are OpenAPI Overlay documents applied to the spec, in
	// order, before it is read: corrections kept outside the provider's
	// file.
	Overlays []string `yaml:"overlays,omitempty"`
	// Line is where the entry starts in the config file, for messages.
	Line int `yaml:"-"`
}

// Load reads a config file and resolves its paths against its directory.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var c Config
	if err := doc.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	entries := packageNodes(&doc)
	dir := filepath.Dir(path)
	var errs []error
	for i := range c.Packages {
		p := &c.Packages[i]
		if i < len(entries) {
			p.Line = entries[i].Line
		}
		if p.Spec == "" || p.Package == "" || p.Out == "" {
			errs = append(errs, fmt.Errorf("%s:%d: a package needs spec, package and out", path, p.Line))
			continue
		}
		if p.Side != "" && p.Side != "provider" && p.Side != "receiver" {
			errs = append(errs, fmt.Errorf("%s:%d: side must be provider or receiver, not %q", path, p.Line, p.Side))
		}
		p.Spec = filepath.Join(dir, p.Spec)
		p.Out = filepath.Join(dir, p.Out)
		for i, o := range p.Overlays {
			p.Overlays[i] = filepath.Join(dir, o)
		}
	}
	if len(c.Packages) == 0 {
		errs = append(errs, fmt.Errorf("%s: lists no packages", path))
	}
	return &c, errors.Join(errs...)
}

// packageNodes returns the nodes of the packages list, for line numbers.
func packageNodes(doc *yaml.Node) []*yaml.Node {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "packages" {
			return m.Content[i+1].Content
		}
	}
	return nil
}
