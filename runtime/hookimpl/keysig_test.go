package hookimpl

import (
	"crypto"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

func TestTestSignerRoundTrip(t *testing.T) {
	for _, alg := range []string{webhook.Ed25519, webhook.ECDSAP256SHA256, webhook.RSAPKCS1v15SHA256, webhook.RSAPSSSHA256} {
		k := NewTestSigner(alg)
		keys, err := ParsePublicKeys([]string{PublicKeyPEM(k)})
		if err != nil {
			t.Fatal(err)
		}
		if eq, ok := keys[0].(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(k.Public()) {
			t.Errorf("%s: the PEM reads back as another key", alg)
		}
		if _, err := webhook.NewSignature(webhook.SignatureConfig{Algorithm: alg, Header: "X-Sig", PublicKeys: keys}); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
	}
}

func TestParsePublicKeysNamesTheKey(t *testing.T) {
	_, err := ParsePublicKeys([]string{PublicKeyPEM(NewTestSigner(webhook.Ed25519)), "nonsense"})
	if err == nil || !strings.Contains(err.Error(), "public key 1") {
		t.Fatalf("got %v, want an error naming public key 1", err)
	}
}
