package hookimpl

import (
	"github.com/hookgen/hookgen/runtime/jsonx"

	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hookgen/hookgen/webhook"
)

// BodyKey returns a verifier of a shared secret that deliveries carry in
// their JSON body rather than in a header (x-hookgen-body-key): Microsoft
// Graph's clientState, in every notification of a batch. pointer is a
// JSON pointer in which "*" stands for every element of an array; a
// delivery is accepted when it has at least one value there and every
// one is among keys.
func BodyKey(pointer string, keys ...string) webhook.Verifier {
	v := &bodyKey{path: jsonx.SplitPointer(pointer)}
	for _, k := range keys {
		if k != "" {
			v.digests = append(v.digests, sha256.Sum256([]byte(k)))
		}
	}
	return v
}

type bodyKey struct {
	path    []string
	digests [][32]byte
}

// Verify checks every value at the pointer, in constant time each.
func (k *bodyKey) Verify(_ *http.Request, body []byte) error {
	var values [][]byte
	if !collect(bytes.TrimSpace(body), k.path, &values) || len(values) == 0 {
		return fmt.Errorf("%w: %w: the body carries no key at /%s", webhook.ErrUnauthorized, webhook.ErrNoCredentials, strings.Join(k.path, "/"))
	}
	for _, raw := range values {
		var s string
		if json.Unmarshal(raw, &s) != nil || !k.known(s) {
			return fmt.Errorf("%w: wrong key at /%s", webhook.ErrUnauthorized, strings.Join(k.path, "/"))
		}
	}
	return nil
}

func (k *bodyKey) known(s string) bool {
	got := sha256.Sum256([]byte(s))
	ok := 0
	for _, d := range k.digests {
		ok |= subtle.ConstantTimeCompare(got[:], d[:])
	}
	return ok == 1
}

// collect appends the values at path in raw, "*" standing for every
// element of an array; false when raw does not have the path's shape.
func collect(raw []byte, path []string, out *[][]byte) bool {
	if len(path) == 0 {
		*out = append(*out, raw)
		return true
	}
	tok := path[0]
	switch {
	case tok == "*":
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return false
		}
		for _, el := range list {
			if !collect(bytes.TrimSpace(el), path[1:], out) {
				return false
			}
		}
		return true
	case len(raw) > 0 && raw[0] == '[':
		var list []json.RawMessage
		i, err := strconv.Atoi(tok)
		if json.Unmarshal(raw, &list) != nil || err != nil || i < 0 || i >= len(list) {
			return false
		}
		return collect(bytes.TrimSpace(list[i]), path[1:], out)
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	v, ok := m[tok]
	if !ok {
		return false
	}
	return collect(bytes.TrimSpace(v), path[1:], out)
}

// SetBodyKey returns body with key set at pointer ("*" for every element
// of an array), for test kits that authenticate requests as a provider
// whose secret travels in the body does.
func SetBodyKey(body []byte, pointer, key string) ([]byte, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	v, err := setAt(v, jsonx.SplitPointer(pointer), key)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func setAt(v any, path []string, key string) (any, error) {
	if len(path) == 0 {
		return key, nil
	}
	switch x := v.(type) {
	case []any:
		for i := range x {
			if path[0] != "*" && path[0] != strconv.Itoa(i) {
				continue
			}
			el, err := setAt(x[i], path[1:], key)
			if err != nil {
				return nil, err
			}
			x[i] = el
		}
		return x, nil
	case map[string]any:
		child, err := setAt(x[path[0]], path[1:], key)
		if err != nil {
			return nil, err
		}
		x[path[0]] = child
		return x, nil
	case nil:
		if path[0] == "*" {
			return v, nil
		}
		return setAt(map[string]any{}, path, key)
	}
	return nil, fmt.Errorf("no object or array at %s to set a key in", path[0])
}
