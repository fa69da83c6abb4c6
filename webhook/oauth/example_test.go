package oauth_test

import (
	"fmt"
	"net/http"

	"github.com/hookgen/hookgen/webhook"
	"github.com/hookgen/hookgen/webhook/oauth"
)

// Hosting the token endpoint of a sender that fetches client-credentials
// tokens, and protecting the webhook route with its tokens.
func ExampleNewTokenEndpoint() {
	te, err := oauth.NewTokenEndpoint(oauth.TokenEndpointConfig{
		// The client secret is 32+ random bytes, e.g. from openssl rand -base64 32.
		Clients:  []oauth.Client{{ID: "partner", Secret: "pV0G3m9Qx2cTqYzA7wLr1sKd4hNu8eBf", Scopes: []string{"callbacks"}}},
		Keys:     []oauth.SigningKey{{ID: "k1", Secret: []byte("0123456789abcdef0123456789abcdef")}},
		Issuer:   "https://receiver.example",
		Audience: "https://receiver.example/hooks",
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /oauth/token", te)
	verifier := te.Verifier()
	// verifier protects the webhook route, e.g. in doordash.WithOAuth2.
	fmt.Println(verifier.(webhook.Challenger).Challenge())
	// Output: Bearer
}
