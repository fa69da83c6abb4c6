package hookimpl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/hookgen/hookgen/webhook"
)

// ParsePublicKeys reads the public keys a generated option of an
// x-hookgen-signature scheme takes (PEM, or the provider's hex or base64
// encoding: webhook.ParsePublicKey); errors name the key by position.
func ParsePublicKeys(texts []string) ([]crypto.PublicKey, error) {
	keys := make([]crypto.PublicKey, 0, len(texts))
	for i, t := range texts {
		k, err := webhook.ParsePublicKey(t)
		if err != nil {
			return nil, fmt.Errorf("public key %d: %w", i, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// NewTestSigner generates a private key for algorithm (one of webhook's
// Ed25519, ECDSAP256SHA256, RSAPKCS1v15SHA256, RSAPSSSHA256), for the
// tests a generated package writes. It panics when the system's random
// source fails.
func NewTestSigner(algorithm string) crypto.Signer {
	var k crypto.Signer
	var err error
	switch algorithm {
	case webhook.Ed25519:
		_, k, err = ed25519.GenerateKey(rand.Reader)
	case webhook.ECDSAP256SHA256:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case webhook.RSAPKCS1v15SHA256, webhook.RSAPSSSHA256:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		err = fmt.Errorf("unknown algorithm %q", algorithm)
	}
	if err != nil {
		panic("hookimpl: NewTestSigner: " + err.Error())
	}
	return k
}

// PublicKeyPEM is the PEM "PUBLIC KEY" of k's public key, as a generated
// option takes it.
func PublicKeyPEM(k crypto.Signer) string {
	der, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		panic("hookimpl: PublicKeyPEM: " + err.Error())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
