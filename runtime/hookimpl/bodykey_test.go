package hookimpl

import (
	"errors"
	"net/http"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

// TestBodyKey: every value at the pointer must be a configured key, and
// there must be one; SetBodyKey puts a key where BodyKey looks.
func TestBodyKey(t *testing.T) {
	v := BodyKey("/value/*/clientState", "old", "secretClientValue")
	for body, want := range map[string]error{
		`{"value":[{"clientState":"secretClientValue"},{"clientState":"old"}]}`: nil,
		`{"value":[{"clientState":"secretClientValue"},{"clientState":"x"}]}`:   webhook.ErrUnauthorized,
		`{"value":[{"clientState":"secretClientValue"},{}]}`:                    webhook.ErrNoCredentials,
		`{"value":[{"clientState":1}]}`:                                         webhook.ErrUnauthorized,
		`{"value":[]}`:                                                          webhook.ErrNoCredentials,
		`{"value":{}}`:                                                          webhook.ErrNoCredentials,
		`not json`:                                                              webhook.ErrNoCredentials,
	} {
		err := v.Verify(nil, []byte(body))
		if (want == nil) != (err == nil) || (want != nil && (!errors.Is(err, want) || webhook.StatusOf(err) != http.StatusUnauthorized)) {
			t.Errorf("%s: %v, want %v", body, err, want)
		}
	}
	if err := BodyKey("/value/*/clientState").Verify(nil, []byte(`{"value":[{"clientState":""}]}`)); err == nil {
		t.Error("no key configured accepted an empty one")
	}
	keyed, err := SetBodyKey([]byte(`{"value":[{"id":"a"},{"id":"b","clientState":"x"}]}`), "/value/*/clientState", "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(nil, keyed); err != nil {
		t.Errorf("SetBodyKey gave %s, refused: %v", keyed, err)
	}
	if one, err := SetBodyKey([]byte(`{"a":{}}`), "/a/b", "k"); err != nil || string(one) != `{"a":{"b":"k"}}` {
		t.Errorf("SetBodyKey into an object = %s, %v", one, err)
	}
}
