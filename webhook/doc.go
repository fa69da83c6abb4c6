// Package webhook is the small runtime that hookgen-generated receiver
// packages import. It knows nothing of any provider: the generated code
// configures it from a provider's AsyncAPI security schemes.
//
// It provides:
//
//   - request authentication through the [Verifier] interface, checked over
//     the raw body before any decoding: HTTP Basic ([BasicAuth]), HMAC
//     signatures ([NewHMAC] and the [StandardWebhooks], [GitHubSignature]
//     and [StripeSignature] presets), static or callback bearer tokens
//     ([StaticBearer], [BearerFunc]), JWTs checked against a JWKS
//     ([NewJWKSBearer]) and the tokens of an OAuth 2.0 client-credentials
//     endpoint the receiver hosts itself ([NewTokenEndpoint]);
//   - composition of verifiers following AsyncAPI security requirements:
//     [AnyOf] (any one requirement satisfied) and [AllOf] (every scheme of
//     one requirement satisfied);
//   - de-duplication of deliveries ([Deduper], [NewMemoryDeduper], [BodyKey]);
//   - the status-code contract helpers: [ReadBody] with a size limit and
//     [WriteError] for the short JSON error bodies.
//
// Every authentication failure wraps [ErrUnauthorized], so a caller answers
// 401 with a single errors.Is check; a body over the limit is reported as
// [ErrBodyTooLarge] (413). The package fails closed: a verifier configured
// with no credential accepts nothing.
package webhook
