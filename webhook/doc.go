// Package webhook is what code receiving webhooks through a
// hookgen-generated package writes against. It knows nothing of any
// provider.
//
// A generated package (doordash, say) is configured through its own
// options: doordash.NewServer(h, doordash.WithBasicAuth(creds),
// doordash.WithLogger(l)). This package provides what those options take
// and what handlers see:
//
//   - [Delivery], reached from a handler's context with [DeliveryFrom]: the
//     raw body, the headers, the event id and when it arrived;
//   - request authentication through the [Verifier] interface, checked over
//     the raw body before any decoding: HTTP Basic ([BasicAuth]), HMAC
//     signatures ([NewHMAC] and the [StandardWebhooks], [GitHubSignature]
//     and [StripeSignature] presets), public-key signatures (Ed25519, ECDSA
//     and RSA with [NewSignature] and [ParsePublicKey], Amazon SNS messages
//     with the certificates they name), HTTP MAC ([NewHTTPMAC]), API keys
//     ([APIKey]) and static or callback bearer tokens ([StaticBearer],
//     [BearerFunc]). A verifier that can judge a request from its headers
//     implements [HeaderVerifier], so a request without credentials is
//     refused before its body is read. The OAuth 2.0 token endpoint a
//     receiver hosts and the JWKS bearer verifier are in package
//     [github.com/hookgen/hookgen/webhook/oauth], so that only receivers
//     using them link a JOSE library;
//   - composition of verifiers following AsyncAPI security requirements:
//     [AnyOf] (any one requirement satisfied) and [AllOf] (every scheme of
//     one requirement satisfied);
//   - de-duplication of deliveries: the [Deduper] interface for a shared
//     store, and [NewMemoryDeduper] for one process;
//   - the errors of the status-code contract and [StatusOf], which maps a
//     generated Dispatcher's result to its status code, for transports
//     other than HTTP;
//   - [NewHTTPServer], an http.Server with timeouts fit for webhook
//     traffic.
//
// Every authentication failure wraps [ErrUnauthorized], so a caller answers
// 401 with a single errors.Is check. The package fails closed: a verifier
// configured with no credential accepts nothing.
//
// What only generated code calls (the HTTP endpoint, the runner, the JSON
// decoder) is in runtime/hookimpl and runtime/jsonx, which may change
// between versions of hookgen.
package webhook
