// Package oauth holds the OAuth 2.0 and JWT verifiers of hookgen's
// runtime: a client-credentials token endpoint a receiver hosts itself
// ([NewTokenEndpoint]), for senders such as Instacart and Instabee that
// fetch a token from the receiver's URL and then send Bearer tokens, and a
// verifier of bearer JWTs signed by a key of a remote JWKS
// ([NewJWKSBearer]).
//
// It is a package of its own so that only receivers that use it link
// go-jose: its verifiers are [webhook.Verifier]s, passed to a generated
// package's option for the spec's oauth2 or openIdConnect scheme, e.g.
// instacart.WithRetailerOAuth(te.Verifier()).
package oauth
